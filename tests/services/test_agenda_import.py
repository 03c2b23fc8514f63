"""Importing an .ics file into a leader's agenda: one copy of each event however often the
file comes back (versions untouched), a changed event updated alone with its coverage
kept, events cancelled or removed upstream marked so (once, and restored when they come
back), a malformed file importing nothing, other units untouched, permission refusals,
and two imports of the same file at the same moment on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from planner.domain.content import CoverageRole, EventStatus
from planner.domain.errors import NotPermitted, RuleViolated
from planner.domain.ics_import import CalendarRefused, parse_calendar
from planner.extensions import db
from planner.models import AgendaEvent, AgendaImport, AuditEvent, CoverageAssignment, Person, Unit
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services.agenda_import import clean_filename, import_agenda
from tests import planner_factories as pf
from tests.agenda_import_helpers import (SAMPLE_CANCELLED_UID, SAMPLE_EXPO_UID, SAMPLE_KONI_UID,
                                         SAMPLE_NAME, SAMPLE_OCCURRENCES, SAMPLE_WEEKLY_UID, calendar,
                                         change_event, only_events, sample_bytes, vevent, without_event)

LEADER = "Wali Kota Tanjungpinang"
PARIPURNA_UID = "2p7r9t1v3x5z7b9d1f3h5j7l9n@google.com"


def run(who, unit, data: bytes, leader: str = LEADER, filename: str = "agenda.ics") -> AgendaImport:
    return import_agenda(who, Access.load(who), unit, filename=filename, data=data, leader=leader)


def rows(unit) -> dict[str, AgendaEvent]:
    db.session.expire_all()
    return {e.source_uid: e for e in db.session.scalars(
        select(AgendaEvent).where(AgendaEvent.unit_id == unit.id, AgendaEvent.source_uid.is_not(None)))}


def versions(unit) -> dict[str, int]:
    return {uid: event.version for uid, event in rows(unit).items()}


def counts(record: AgendaImport) -> tuple[int, int, int, int, int]:
    return record.created, record.updated, record.unchanged, record.cancelled, record.removed


def totals() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (AgendaEvent, AgendaImport, AuditEvent))


def test_the_same_file_twice_leaves_one_copy_of_each_event_and_the_second_import_changes_nothing(ctx):
    w = pf.planner_world()
    first = run(w.author, w.division, sample_bytes())
    assert counts(first) == (SAMPLE_OCCURRENCES, 0, 0, 0, 0)
    assert (first.source_calendar, first.filename, first.person_id) == (SAMPLE_NAME, "agenda.ics", w.author.id)
    saved = rows(w.division)
    assert len(saved) == SAMPLE_OCCURRENCES
    koni = saved[SAMPLE_KONI_UID]
    assert (koni.leader, koni.source, koni.source_calendar) == (LEADER, f"Impor: {SAMPLE_NAME}", SAMPLE_NAME)
    assert koni.created_by_id == w.author.id and koni.imported_at is not None
    assert saved[SAMPLE_CANCELLED_UID].status == EventStatus.CANCELLED
    before = versions(w.division)

    second = run(w.author, w.division, sample_bytes())
    assert counts(second) == (0, 0, SAMPLE_OCCURRENCES, 0, 0)
    assert versions(w.division) == before
    audits = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agenda.imported")
                                     .order_by(AuditEvent.seq)))
    assert [(a.object_type, a.object_id, a.unit_id) for a in audits] == [
        ("AgendaImport", first.id, w.division.id), ("AgendaImport", second.id, w.division.id)]
    assert audits[0].details["counts"]["created"] == SAMPLE_OCCURRENCES
    assert sorted(audits[0].details["created_ids"]) == sorted(e.id for e in saved.values())
    assert audits[0].details["source_calendar"] == SAMPLE_NAME and audits[0].details["filename"] == "agenda.ics"
    assert audits[1].details["created_ids"] == [] and audits[1].details["counts"]["unchanged"] == SAMPLE_OCCURRENCES
    # the import is the last audit event of its transaction: nothing per event
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_type == "AgendaEvent")) == 0


def test_a_changed_event_alone_is_updated_and_keeps_its_coverage(ctx):
    w = pf.planner_world()
    run(w.author, w.division, sample_bytes())
    koni = rows(w.division)[SAMPLE_KONI_UID]
    pf.cover(koni, w.author, w.author, CoverageRole.PHOTOGRAPHER)
    before = versions(w.division)
    changed = change_event(sample_bytes(), SAMPLE_KONI_UID, "SUMMARY:",
                           "SUMMARY:Audiensi Pengurus KONI dan Atlet Porprov")
    record = run(w.contributor, w.division, changed)
    assert counts(record) == (0, 1, SAMPLE_OCCURRENCES - 1, 0, 0)
    after = versions(w.division)
    assert after[SAMPLE_KONI_UID] == before[SAMPLE_KONI_UID] + 1
    assert {uid: v for uid, v in after.items() if uid != SAMPLE_KONI_UID} == {
        uid: v for uid, v in before.items() if uid != SAMPLE_KONI_UID}
    koni = rows(w.division)[SAMPLE_KONI_UID]
    assert koni.title == "Audiensi Pengurus KONI dan Atlet Porprov"
    assert koni.updated_by_id == w.contributor.id and koni.leader == LEADER
    assert db.session.scalar(select(func.count(CoverageAssignment.id))
                             .where(CoverageAssignment.event_id == koni.id)) == 1


def test_an_event_cancelled_upstream_is_cancelled(ctx):
    w = pf.planner_world()
    run(w.author, w.division, sample_bytes())
    before = versions(w.division)[SAMPLE_KONI_UID]
    cancelled = change_event(sample_bytes(), SAMPLE_KONI_UID, "STATUS:", "STATUS:CANCELLED")
    record = run(w.author, w.division, cancelled)
    assert counts(record) == (0, 0, SAMPLE_OCCURRENCES - 1, 1, 0)
    koni = rows(w.division)[SAMPLE_KONI_UID]
    assert koni.status == EventStatus.CANCELLED and koni.removed_upstream_at is None
    assert koni.version == before + 1


def test_an_event_dropped_from_the_file_is_marked_removed_upstream_once_and_restored_when_back(ctx):
    w = pf.planner_world()
    run(w.author, w.division, sample_bytes())
    dropped = without_event(sample_bytes(), SAMPLE_EXPO_UID)
    record = run(w.author, w.division, dropped)
    assert counts(record) == (0, 0, SAMPLE_OCCURRENCES - 1, 0, 1)
    expo = rows(w.division)[SAMPLE_EXPO_UID]
    assert expo.status == EventStatus.CANCELLED and expo.removed_upstream_at is not None
    stamped, version = expo.removed_upstream_at, expo.version

    again = run(w.author, w.division, dropped)
    assert counts(again) == (0, 0, SAMPLE_OCCURRENCES - 1, 0, 0)
    expo = rows(w.division)[SAMPLE_EXPO_UID]
    assert (expo.removed_upstream_at, expo.version) == (stamped, version)

    back = run(w.author, w.division, sample_bytes())
    assert counts(back) == (0, 1, SAMPLE_OCCURRENCES - 1, 0, 0)
    expo = rows(w.division)[SAMPLE_EXPO_UID]
    assert expo.status == EventStatus.CONFIRMED and expo.removed_upstream_at is None


def test_only_events_within_the_span_of_the_file_are_marked_removed(ctx):
    w = pf.planner_world()
    manual = pf.event(w.division, title="Acara manual")
    run(w.author, w.division, sample_bytes())
    partial = only_events(sample_bytes(), PARIPURNA_UID, SAMPLE_KONI_UID)
    parsed = parse_calendar(partial, filename="x.ics", zone=w.division.zone, now=utcnow(), max_bytes=10**6)
    earliest, latest = parsed.span
    record = run(w.author, w.division, partial)
    saved = rows(w.division)
    inside = {uid for uid, e in saved.items() if earliest <= e.starts_at <= latest} - {PARIPURNA_UID, SAMPLE_KONI_UID}
    assert record.removed == len(inside) == 9
    assert {uid for uid, e in saved.items() if e.removed_upstream_at is not None} == inside
    assert all(saved[uid].status == EventStatus.CANCELLED for uid in inside)
    first_apel = min((e for uid, e in saved.items() if uid.startswith(SAMPLE_WEEKLY_UID)), key=lambda e: e.starts_at)
    assert first_apel.removed_upstream_at is None and first_apel.status == EventStatus.CONFIRMED
    db.session.refresh(manual)
    assert manual.status == EventStatus.CONFIRMED and manual.version == 1


def test_events_of_another_calendar_are_not_marked_removed(ctx):
    w = pf.planner_world()
    run(w.author, w.division, sample_bytes())
    saved = rows(w.division)
    first = min(e.starts_at for e in saved.values()).strftime("%Y%m%dT%H%M%SZ")
    last = max(e.starts_at for e in saved.values()).strftime("%Y%m%dT%H%M%SZ")
    other = calendar(vevent("lain-1", f"DTSTART:{first}", None, "Pembukaan"),
                     vevent("lain-2", f"DTSTART:{last}", None, "Penutupan"), name="Agenda Wakil Wali Kota")
    before = versions(w.division)
    record = run(w.author, w.division, other)
    assert (record.created, record.removed) == (2, 0)
    assert {uid: v for uid, v in versions(w.division).items() if not uid.startswith("lain-")} == before


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"Tanggal,Kegiatan\n1 Des,Rapat\n",
    calendar(vevent(), vevent(None, summary="Tanpa UID")),
    calendar(vevent(), vevent("uji-2", None, None, "Tanpa mulai")),
])
def test_a_malformed_file_imports_nothing(ctx, data):
    w = pf.planner_world()
    run(w.author, w.division, sample_bytes())
    before, kept = totals(), versions(w.division)
    with pytest.raises(CalendarRefused):
        run(w.author, w.division, data)
    assert totals() == before and versions(w.division) == kept


def test_a_file_beyond_the_size_limit_imports_nothing(ctx):
    w = pf.planner_world()
    before = totals()
    with pytest.raises(CalendarRefused) as caught:
        import_agenda(w.author, Access.load(w.author), w.division, filename="a.ics", data=sample_bytes(),
                      leader=LEADER, max_bytes=1024)
    assert caught.value.reasons == ["too_large"] and totals() == before


def test_another_units_events_are_never_touched(ctx):
    w = pf.planner_world()
    run(w.author, w.division, sample_bytes())
    kept = versions(w.division)
    record = run(w.health_author, w.health, without_event(sample_bytes(), SAMPLE_EXPO_UID))
    assert record.created == SAMPLE_OCCURRENCES - 1 and record.removed == 0
    assert versions(w.division) == kept
    assert rows(w.division)[SAMPLE_EXPO_UID].removed_upstream_at is None
    assert len(rows(w.health)) == SAMPLE_OCCURRENCES - 1


@pytest.mark.parametrize("who", ["reviewer", "auditor", "health_author", "outsider"])
def test_people_who_may_not_manage_the_agenda_are_refused_and_nothing_is_written(ctx, who):
    w = pf.planner_world()
    before = totals()
    with pytest.raises(NotPermitted):
        run(getattr(w, who), w.division, sample_bytes())
    assert totals() == before


@pytest.mark.parametrize("who", ["author", "contributor", "approver", "sysadmin"])
def test_managers_of_the_agenda_may_import(ctx, who):
    w = pf.planner_world()
    assert run(getattr(w, who), w.division, sample_bytes()).created == SAMPLE_OCCURRENCES


@pytest.mark.parametrize("leader", ["", "   ", "x" * 201])
def test_the_leader_is_required_and_bounded(ctx, leader):
    w = pf.planner_world()
    before = totals()
    with pytest.raises(RuleViolated) as caught:
        run(w.author, w.division, sample_bytes(), leader=leader)
    assert caught.value.violations[0].field == "leader" and totals() == before


def test_the_file_name_is_kept_without_its_folders():
    assert clean_filename("C:\\Users\\sekretariat\\Downloads\\agenda wali kota.ics") == "agenda wali kota.ics"
    assert clean_filename("../../etc/x.ics") == "x.ics"
    assert clean_filename("") == "calendar.ics"


def test_two_imports_of_the_same_file_at_the_same_moment_leave_one_copy(pg_app):
    with pg_app.app_context():
        w = pf.planner_world()
        ids = {"author": w.author.id, "contributor": w.contributor.id, "unit": w.division.id}
    data = sample_bytes()
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def work(i):
        with pg_app.app_context():
            try:
                who = db.session.get(Person, ids["author" if i == 0 else "contributor"])
                unit = db.session.get(Unit, ids["unit"])
                access = Access.load(who)
                barrier.wait()
                outcomes[i] = import_agenda(who, access, unit, filename="a.ics", data=data, leader=LEADER)
                outcomes[i] = counts(outcomes[i])
            except Exception as error:  # noqa: BLE001 - the outcome is what we inspect
                outcomes[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sorted(outcomes) == [(0, 0, SAMPLE_OCCURRENCES, 0, 0), (SAMPLE_OCCURRENCES, 0, 0, 0, 0)]
    with pg_app.app_context():
        assert db.session.scalar(select(func.count(AgendaEvent.id))) == SAMPLE_OCCURRENCES
