"""SOP versions: drafting, editing drafts only, activation with its checks, one in force."""
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.domain.content import SopStatus, StepKind as K
from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import AuditEvent, SopVersion
from planner.permissions import Access
from planner.services.sops import (RouteSpec, StepSpec, activate, create_draft, in_force, spec_of,
                                   update_draft)
from tests import factories as f
from tests.services.test_concurrency import race


def simple(*roles_kinds, category=None, **kwargs):
    return RouteSpec(category, [StepSpec(kind, f"Langkah {i}", role, 8)
                                for i, (kind, role) in enumerate(roles_kinds, 1)], **kwargs)


GOOD = [(K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER), (K.APPROVE, Role.APPROVER),
        (K.PUBLISH, Role.AUTHOR)]


def messages(error):
    return " | ".join(v.message % v.params for v in error.violations)


def test_draft_edit_activate_and_retire(ctx):
    w = f.world()
    access = Access.load(w.approver)
    first = create_draft(w.approver, access, w.division, routes=[simple(*GOOD)],
                         identity={"document_number": "800/SOP/1"})
    assert first.status == SopStatus.DRAFT and first.number == 1
    update_draft(w.approver, access, first, first.version, identity={"name": "SOP Medsos"},
                 routes=[simple(*GOOD)], standards=[("Tagar resmi", K.REVIEW)])
    assert [s.text for s in first.standards] == ["Tagar resmi"]
    activate(w.approver, access, first, first.version, effective_date=date(2025, 1, 1))
    assert first.status == SopStatus.IN_FORCE and first.activated_by_id == w.approver.id
    second = create_draft(w.approver, access, w.division, based_on=first)
    assert second.number == 2 and spec_of(second)[0][0].steps[1].role == Role.REVIEWER
    assert second.effective_date is None and second.based_on_id == first.id
    activate(w.approver, access, second, second.version, effective_date=date(2025, 6, 1))
    assert (first.status, second.status) == (SopStatus.RETIRED, SopStatus.IN_FORCE)
    assert first.retired_at is not None and in_force(w.division) == second
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "SopVersion")
                                 .order_by(AuditEvent.seq)).all()
    assert actions == ["sop.drafted", "sop.draft_updated", "sop.activated", "sop.drafted",
                       "sop.retired", "sop.activated"]


def test_a_version_in_force_cannot_be_edited(ctx):
    w = f.world()
    version = f.sop(w.division)
    with pytest.raises(RuleViolated) as refused:
        update_draft(None, None, version, version.version, identity={}, routes=[simple(*GOOD)],
                     standards=[])
    assert "Draft a new version" in messages(refused.value)
    with pytest.raises(RuleViolated):
        activate(None, None, version, version.version, effective_date=date(2025, 1, 1))


def test_activation_refusals_give_reasons_and_change_nothing(ctx):
    w = f.world()
    cases = [
        ([simple((K.DRAFT, Role.AUTHOR), (K.PUBLISH, Role.AUTHOR))], "no review or approval step"),
        ([simple((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.CONTRIBUTOR), (K.PUBLISH, Role.AUTHOR))],
         "nobody in the unit holds"),
        ([simple(*GOOD), simple(*GOOD, category="hiburan")], "unknown category hiburan"),
    ]
    for routes, reason in cases:
        draft = create_draft(None, None, w.division, routes=routes)
        with pytest.raises(RuleViolated) as refused:
            activate(None, None, draft, draft.version, effective_date=date(2025, 1, 1))
        assert reason in messages(refused.value)
        db.session.refresh(draft)
        assert draft.status == SopStatus.DRAFT
    assert in_force(w.division) is None


def test_only_sop_managers_draft_and_activate(ctx):
    w = f.world()
    with pytest.raises(NotPermitted):
        create_draft(w.author, Access.load(w.author), w.division, routes=[simple(*GOOD)])
    with pytest.raises(NotPermitted):
        create_draft(w.outsider, Access.load(w.outsider), w.division, routes=[simple(*GOOD)])
    assert create_draft(w.sysadmin, Access.load(w.sysadmin), w.division, routes=[simple(*GOOD)])


def test_stale_draft_edit_is_refused(ctx):
    w = f.world()
    draft = create_draft(None, None, w.division, routes=[simple(*GOOD)])
    opened = draft.version
    update_draft(w.approver, None, draft, opened, identity={"name": "A"}, routes=[simple(*GOOD)],
                 standards=[])
    with pytest.raises(StaleEdit):
        update_draft(w.approver, None, draft, opened, identity={"name": "B"}, routes=[simple(*GOOD)],
                     standards=[])
    assert draft.name == "A"


def test_the_database_holds_one_version_in_force_per_sop(ctx):
    w = f.world()
    version = f.sop(w.division)
    draft = create_draft(None, None, w.division, based_on=version)
    draft.status = SopStatus.IN_FORCE
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_activations_at_the_same_moment_leave_one_in_force(pg_app):
    with pg_app.app_context():
        w = f.world()
        unit_id = w.division.id
        drafts = [create_draft(None, None, w.division, routes=[simple(*GOOD)]).id for _ in range(2)]

    def work(i, barrier):
        version = db.session.get(SopVersion, drafts[i])
        expected = version.version
        barrier.wait()
        return activate(None, None, version, expected, effective_date=date(2025, 1, 1))

    outcomes = race(pg_app, work)
    assert all(isinstance(o, SopVersion) for o in outcomes), outcomes  # the second retires the first
    with pg_app.app_context():
        statuses = sorted(db.session.scalars(select(SopVersion.status).where(SopVersion.id.in_(drafts))))
        assert statuses == [SopStatus.IN_FORCE, SopStatus.RETIRED]
        assert db.session.scalar(select(func.count(SopVersion.id)).where(
            SopVersion.status == SopStatus.IN_FORCE)) == 1
        assert unit_id
