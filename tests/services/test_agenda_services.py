"""The leader's agenda: events refused when absurd with nothing saved, stale edits, who may
cover an event, duplicate assignments, removals, audit events, and the uncovered events."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from planner.domain.content import CoverageRole, EventStatus
from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.extensions import db
from planner.models import AgendaEvent, AuditEvent, CoverageAssignment
from planner.permissions import Access
from planner.queries.agenda import coverage_candidates, uncovered_events
from planner.services import agenda as service
from tests import planner_factories as pf

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


def create(w, who=None, unit=None, **values):
    who = who or w.contributor
    defaults = {"title": "Peresmian Pasar Baru", "starts_at": SOON, "ends_at": SOON + timedelta(hours=2),
                "leader": "Wali Kota", "place": "Pasar Baru", "source": "Surat undangan",
                "status": EventStatus.CONFIRMED, "notes": ""}
    return service.create_event(who, Access.load(who), unit or w.division, **{**defaults, **values})


def test_an_event_is_created_and_audited(ctx):
    w = pf.planner_world()
    event = create(w)
    assert (event.unit_id, event.created_by_id, event.status) == (w.division.id, w.contributor.id,
                                                                  EventStatus.CONFIRMED)
    [audit] = audits("agenda.event_created")
    assert audit.after["title"] == "Peresmian Pasar Baru" and audit.unit_id == w.division.id


@pytest.mark.parametrize("values, field", [
    ({"ends_at": SOON - timedelta(minutes=5)}, "ends_at"),
    ({"starts_at": SOON + timedelta(days=900), "ends_at": SOON + timedelta(days=900, hours=1)}, "starts_at"),
    ({"starts_at": datetime(1900, 1, 1, tzinfo=timezone.utc),
      "ends_at": datetime(1900, 1, 1, 2, tzinfo=timezone.utc)}, "starts_at"),
    ({"ends_at": SOON + timedelta(days=60)}, "ends_at"),
    ({"title": "   "}, "title"),
    ({"leader": ""}, "leader"),
    ({"status": "postponed"}, "status"),
    ({"starts_at": None}, "starts_at"),
])
def test_bad_events_are_refused_and_nothing_is_saved(ctx, values, field):
    w = pf.planner_world()
    with pytest.raises(RuleViolated) as refused:
        create(w, **values)
    assert field in [v.field for v in refused.value.violations]
    assert count(AgendaEvent) == 0 and audits("agenda.event_created") == []


@pytest.mark.parametrize("who", ["reviewer", "auditor", "outsider", "health_author"])
def test_readers_and_other_units_cannot_add_events(ctx, who):
    w = pf.planner_world()
    with pytest.raises(NotPermitted):
        create(w, who=getattr(w, who))
    assert count(AgendaEvent) == 0


def update(w, event, version, who=None, **values):
    who = who or w.author
    current = {name: getattr(event, name) for name in service.EVENT_FIELDS}
    return service.update_event(who, Access.load(who), event, version, **{**current, **values})


def test_an_edit_records_what_changed_and_a_stale_one_is_refused(ctx):
    w = pf.planner_world()
    event = create(w)
    opened = event.version
    update(w, event, opened, status=EventStatus.TENTATIVE, place="Aula Kantor Wali Kota")
    [audit] = audits("agenda.event_updated")
    assert audit.before == {"place": "Pasar Baru", "status": "confirmed"}
    assert audit.after == {"place": "Aula Kantor Wali Kota", "status": "tentative"}
    with pytest.raises(StaleEdit) as stale:
        update(w, event, opened, who=w.approver, title="Judul lama")
    assert stale.value.changed_by == "Admin Akun"
    with pytest.raises(RuleViolated):
        update(w, event, event.version, ends_at=event.starts_at - timedelta(hours=1))
    db.session.expire_all()
    saved = db.session.get(AgendaEvent, event.id)
    assert saved.title == "Peresmian Pasar Baru" and saved.ends_at == SOON + timedelta(hours=2)


def test_who_may_cover_an_event(ctx):
    w = pf.planner_world()
    event = create(w)
    names = {p.name for p in coverage_candidates(event)}
    # Roles held in the division or above it, and people working in the division's subtree.
    assert {"Kepala Bagian", "Admin Akun", "Kepala Subbagian", "Kontributor Bidang", "Admin Sistem",
            "Auditor"} <= names
    assert not names & {"Admin Dinkes", "Admin Provinsi", "Admin Dinas Lain"}
    with pytest.raises(RuleViolated) as refused:
        pf.cover(event, w.health_author, w.author)
    assert refused.value.violations[0].field == "person_id"
    assert count(CoverageAssignment) == 0


def test_assigning_twice_to_the_same_role_is_refused_with_a_message(ctx):
    w = pf.planner_world()
    event = create(w)
    pf.cover(event, w.author, w.contributor, CoverageRole.PHOTOGRAPHER)
    with pytest.raises(RuleViolated) as refused:
        pf.cover(event, w.author, w.approver, CoverageRole.PHOTOGRAPHER)
    violation = refused.value.violations[0]
    assert violation.message % violation.params == ("Admin Akun is already assigned to this role for "
                                                     "this event.")
    pf.cover(event, w.author, w.contributor, CoverageRole.WRITER)  # another role is fine
    assert count(CoverageAssignment) == 2
    [first, second] = audits("agenda.coverage_assigned")
    assert first.after == {"person_id": w.author.id, "person": "Admin Akun", "role": "photographer"}
    assert first.actor_id == w.contributor.id and second.after["role"] == "writer"


def test_a_cancelled_event_needs_no_coverage(ctx):
    w = pf.planner_world()
    event = create(w, status=EventStatus.CANCELLED)
    with pytest.raises(RuleViolated):
        pf.cover(event, w.author, w.contributor)
    assert count(CoverageAssignment) == 0


def test_removing_an_assignment_is_audited_once(ctx):
    w = pf.planner_world()
    event = create(w)
    assignment = pf.cover(event, w.reviewer, w.author, CoverageRole.VIDEOGRAPHER)
    access = Access.load(w.author)
    assert service.remove_coverage(w.author, access, event, assignment.id) is True
    assert service.remove_coverage(w.author, access, event, assignment.id) is False
    [audit] = audits("agenda.coverage_removed")
    assert audit.before == {"person_id": w.reviewer.id, "person": "Kepala Subbagian", "role": "videographer"}
    assert count(CoverageAssignment) == 0


@pytest.mark.parametrize("who", ["reviewer", "auditor"])
def test_readers_cannot_assign_or_remove(ctx, who):
    w = pf.planner_world()
    event = create(w)
    assignment = pf.cover(event, w.author, w.author)
    reader = getattr(w, who)
    with pytest.raises(NotPermitted):
        service.assign_coverage(reader, Access.load(reader), event, person=w.author,
                                role=CoverageRole.WRITER)
    with pytest.raises(NotPermitted):
        service.remove_coverage(reader, Access.load(reader), event, assignment.id)
    assert count(CoverageAssignment) == 1


def test_uncovered_events_appear_until_someone_is_assigned(ctx):
    w = pf.planner_world()
    start, end = SOON - timedelta(days=1), SOON + timedelta(days=7)
    bare = create(w, title="Tanpa liputan")
    covered = create(w, title="Sudah diliput")
    pf.cover(covered, w.author, w.author)
    create(w, title="Batal", status=EventStatus.CANCELLED)
    create(w, title="Nanti", starts_at=SOON + timedelta(days=10), ends_at=SOON + timedelta(days=10, hours=1))
    sub = create(w, unit=w.subdivision, title="Acara subbagian")
    health = create(w, who=w.health_author, unit=w.health, title="Acara Dinkes")
    access = Access.load(w.sysadmin)
    assert [e.title for e in uncovered_events(access, None, start, end)] == [
        "Tanpa liputan", "Acara subbagian", "Acara Dinkes"]
    assert [e.id for e in uncovered_events(access, [w.division.id], start, end)] == [bare.id, sub.id]
    assert [e.id for e in uncovered_events(Access.load(w.health_author), None, start, end)] == [health.id]
    assert uncovered_events(Access.load(w.outsider), None, start, end) == []
    pf.cover(bare, w.contributor, w.author, CoverageRole.WRITER)
    assert [e.id for e in uncovered_events(access, [w.division.id], start, end)] == [sub.id]


def test_uncovered_events_take_one_statement(app, ctx):
    w = pf.planner_world()
    for n in range(5):
        create(w, title=f"Acara {n}", unit=w.subdivision if n % 2 else w.division)
    access, division_id = Access.load(w.approver), w.division.id
    db.session.expire_all()
    seen = []
    listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        events = uncovered_events(access, [division_id], SOON - timedelta(days=1), SOON + timedelta(days=1))
        units = [e.unit.name for e in events]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len(events) == 5 and len(units) == 5 and len(seen) == 1
