"""Posts through the SOP workflow, service by service: state, step record and audit
event change together, refusals change nothing (and are audited)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from planner.domain.content import PostState, SopStatus
from planner.domain.errors import RuleViolated, StaleEdit, TransitionRefused
from planner.domain.organisation import DelegationKind, Role
from planner.extensions import db
from planner.models import AuditEvent, Post, PostPublication, PostStep
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import posts as s
from planner.services.roles import delegate_role
from planner.services.sops import activate, create_draft
from tests import factories as f


@pytest.fixture
def w(ctx):
    w = f.world()
    f.sop(w.division)
    return w


def events(post, action=None):
    query = select(AuditEvent).where(AuditEvent.object_type == "Post", AuditEvent.object_id == post.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def go(person, fn, post, **kwargs):
    return fn(person, Access.load(person), post, post.version, **kwargs)


def through_review(w, post):
    go(w.author, s.submit, post, ticked=f.checklist(post))
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    go(w.approver, s.approve, post, ticked=f.checklist(post))


def test_the_whole_route_with_a_return(w):
    post = f.post(w.author, w.division)
    assert post.state == PostState.DRAFT and post.sop_version_id is None
    go(w.author, s.submit, post, ticked=f.checklist(post))
    assert (post.state, post.step_position, post.round) == (PostState.IN_REVIEW, 2, 1)
    pinned = post.sop_version_id
    assert pinned is not None
    go(w.reviewer, s.return_to_author, post, reason="Caption Instagram terlalu panjang")
    assert post.state == PostState.RETURNED and post.returned_reason == "Caption Instagram terlalu panjang"
    s.update_post(w.author, Access.load(w.author), post, post.version, title="Liputan (revisi)",
                  body="Isi baru", category=post.category, planned_at=None)
    through_review(w, post)
    assert post.state == PostState.APPROVED and post.round == 2
    go(w.author, s.publish, post, ticked=f.checklist(post),
       urls={"instagram": "https://www.instagram.com/p/abc/", "facebook": ""})
    assert post.state == PostState.PUBLISHED and post.published_at is not None
    assert [p.platform.value for p in post.publications] == ["instagram"]
    go(w.author, s.complete_step, post, ticked=f.checklist(post))
    assert f.checklist(post) == set()  # every step done
    actions = [e.action for e in events(post)]
    assert actions == ["post.created", "post.submit", "post.return", "post.edited", "post.submit",
                       "post.approve", "post.approve", "post.publish", "post.complete"]
    steps = db.session.scalars(select(PostStep).where(PostStep.post_id == post.id)
                               .order_by(PostStep.id)).all()
    assert all(step.sop_version_id == pinned for step in steps)
    assert [(st.action, st.step_position) for st in steps] == [
        ("submit", 1), ("return", 2), ("submit", 1), ("approve", 2), ("approve", 3), ("publish", 4),
        ("complete", 5)]
    approve = events(post, "post.approve")[0]
    assert approve.before["state"] == "in_review" and approve.after["step"] == 3
    assert approve.details["checklist"] == sorted(steps[3].checklist) == ["Fakta diperiksa",
                                                                          "Tidak menampilkan identitas anak korban"]


def test_the_pinned_version_is_kept_when_a_new_one_comes_into_force(w):
    post = f.post(w.author, w.division)
    go(w.author, s.submit, post, ticked=f.checklist(post))
    pinned = post.sop_version
    draft = create_draft(None, None, w.division, based_on=pinned)
    draft.routes[0].steps[1].hours_allowed = 2
    activate(None, None, draft, draft.version, effective_date=date.today())
    assert pinned.status == SopStatus.RETIRED
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    go(w.approver, s.approve, post, ticked=f.checklist(post))
    assert post.sop_version_id == pinned.id and post.state == PostState.APPROVED
    newer = f.post(w.author, w.division, "Pos baru")
    go(w.author, s.submit, newer, ticked=f.checklist(newer))
    assert newer.sop_version_id == draft.id


def test_author_cannot_approve_own_post_and_the_refusal_is_audited(w):
    f.role(w.author, w.division, Role.REVIEWER, start=date(2024, 2, 1))
    post = f.post(w.author, w.division)
    go(w.author, s.submit, post, ticked=f.checklist(post))
    version = post.version
    with pytest.raises(TransitionRefused) as refused:
        go(w.author, s.approve, post, ticked=f.checklist(post))
    assert "never review or approve" in refused.value.violations[0].message
    db.session.refresh(post)
    assert post.state == PostState.IN_REVIEW and post.version == version
    audit = events(post, "post.transition_refused")
    assert len(audit) == 1 and audit[0].details["transition"] == "approve"
    assert audit[0].actor_id == w.author.id


def test_one_person_cannot_take_two_approval_steps(w):
    f.role(w.reviewer, w.division, Role.APPROVER, start=date(2024, 2, 1))
    post = f.post(w.author, w.division)
    go(w.author, s.submit, post, ticked=f.checklist(post))
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    with pytest.raises(TransitionRefused):
        go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    go(w.approver, s.approve, post, ticked=f.checklist(post))
    assert post.state == PostState.APPROVED


def test_checklist_and_reason_are_input_errors_that_change_nothing(w):
    post = f.post(w.author, w.division)
    with pytest.raises(RuleViolated) as missing:
        go(w.author, s.submit, post, ticked={"Alt text"})
    assert missing.value.violations[0].field == "checklist"
    go(w.author, s.submit, post, ticked=f.checklist(post))
    with pytest.raises(RuleViolated):
        go(w.reviewer, s.return_to_author, post, reason="   ")
    with pytest.raises(RuleViolated):
        go(w.reviewer, s.approve, post, ticked=set())
    db.session.refresh(post)
    assert post.state == PostState.IN_REVIEW and post.step_position == 2
    assert events(post, "post.transition_refused") == []


def test_publish_refuses_addresses_that_are_not_web_addresses(w):
    post = f.post(w.author, w.division)
    through_review(w, post)
    for bad in ({"instagram": "javascript:alert(1)"}, {"instagram": "instagram.com/p/1"}, {}):
        with pytest.raises(RuleViolated):
            go(w.author, s.publish, post, ticked=f.checklist(post), urls=bad)
    db.session.refresh(post)
    assert post.state == PostState.APPROVED
    assert db.session.scalar(select(func.count(PostPublication.id))) == 0


def test_stale_form_names_who_did_what(w):
    post = f.post(w.author, w.division)
    go(w.author, s.submit, post, ticked=f.checklist(post))
    opened = post.version
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    with pytest.raises(StaleEdit) as stale:
        s.return_to_author(w.reviewer, Access.load(w.reviewer), post, opened, reason="Terlambat")
    assert stale.value.changed_by == w.reviewer.name and stale.value.what == "approve"
    assert post.state == PostState.IN_REVIEW and post.step_position == 3


def test_acting_official_is_recorded_with_the_person_acted_for(w):
    acting = f.person(w.division, "Plh Kepala Bagian")
    f.role(acting, w.division, Role.REVIEWER, start=date(2024, 2, 1))
    delegate_role(None, None, delegator=w.approver, delegate=acting, unit=w.division,
                  role=Role.APPROVER, kind=DelegationKind.PLH, valid_from=date.today() - timedelta(days=1),
                  valid_to=date.today() + timedelta(days=3), reason="Cuti", decree_number="800/1/2026",
                  decree_date=date.today() - timedelta(days=2), decree_signed_by="Sekda")
    post = f.post(w.author, w.division)
    go(w.author, s.submit, post, ticked=f.checklist(post))
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    go(acting, s.approve, post, ticked=f.checklist(post))
    step = post.steps[-1]
    assert step.actor_id == acting.id and step.on_behalf_of_id == w.approver.id
    assert (step.acting_kind, step.acting_role) == ("plh", "approver")
    event = events(post, "post.approve")[-1]
    assert event.actor_id == acting.id and event.on_behalf_of_id == w.approver.id


def test_fast_track_crisis_post_and_ratification(w):
    post = f.post(w.author, w.division, "Peringatan banjir rob", code="krisis")
    go(w.author, s.submit, post, ticked=f.checklist(post))
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    assert post.state == PostState.APPROVED
    go(w.author, s.publish, post, ticked=set(), urls={"instagram": "https://instagram.com/p/banjir"})
    with pytest.raises(TransitionRefused):
        go(w.reviewer, s.ratify, post)
    go(w.approver, s.ratify, post)
    assert post.ratified_at is not None
    event = events(post, "post.ratify")[0]
    assert event.details["late"] is False and event.details["ratify_due_at"]


def test_schedule_withdraw_cancel(w):
    post = f.post(w.author, w.division)
    through_review(w, post)
    with pytest.raises(RuleViolated):
        go(w.author, s.schedule, post, planned_at=utcnow() - timedelta(hours=1))
    go(w.author, s.schedule, post, planned_at=utcnow() + timedelta(days=1))
    assert post.state == PostState.SCHEDULED
    go(w.author, s.withdraw, post)
    assert post.state == PostState.WITHDRAWN
    with pytest.raises(RuleViolated):
        go(w.author, s.cancel, post, reason="")
    go(w.approver, s.cancel, post, reason="Acara dibatalkan")
    assert post.state == PostState.CANCELLED
    with pytest.raises(TransitionRefused):
        go(w.author, s.submit, post, ticked=set())


def test_no_sop_in_force_means_no_submission(ctx):
    w = f.world()
    post = f.post(w.health_author, w.health)
    with pytest.raises(TransitionRefused) as refused:
        go(w.health_author, s.submit, post, ticked=set())
    assert "no SOP in force" in refused.value.violations[0].message


def test_comments_are_audited_and_need_text(w):
    post = f.post(w.author, w.division)
    s.add_comment(w.reviewer, Access.load(w.reviewer), post, "Mohon tambahkan foto")
    with pytest.raises(RuleViolated):
        s.add_comment(w.reviewer, Access.load(w.reviewer), post, "  ")
    assert [c.body for c in post.comments] == ["Mohon tambahkan foto"]
    assert events(post, "post.commented")[0].details["body"] == "Mohon tambahkan foto"


def test_category_of_another_government_is_refused(w):
    other = f.category(w.agency)
    with pytest.raises(RuleViolated):
        s.create_post(w.author, Access.load(w.author), w.division, title="x", body="", category=other)
    assert db.session.scalar(select(func.count(Post.id))) == 0


def test_a_subdivision_without_its_own_sop_follows_the_one_above_it(w):
    post = f.post(w.author, w.subdivision)
    go(w.author, s.submit, post, ticked=f.checklist(post))
    assert post.sop_version.sop.unit_id == w.division.id and post.state == PostState.IN_REVIEW
    own = f.sop(w.subdivision, crisis=False)
    later = f.post(w.author, w.subdivision, "Pos kemudian")
    go(w.author, s.submit, later, ticked=f.checklist(later))
    assert later.sop_version_id == own.id and post.sop_version.sop.unit_id == w.division.id


def test_scheduling_and_ratifying_do_not_restart_the_step_clock(w):
    post = f.post(w.author, w.division, "Peringatan cuaca", code="krisis")
    go(w.author, s.submit, post, ticked=f.checklist(post))
    go(w.reviewer, s.approve, post, ticked=f.checklist(post))
    started = post.step_started_at
    go(w.author, s.schedule, post, planned_at=utcnow() + timedelta(hours=2))
    assert post.step_started_at == started
    go(w.author, s.publish, post, ticked=set(), urls={"x": "https://x.com/pemko/status/1"})
    published_clock = post.step_started_at
    go(w.approver, s.ratify, post)
    assert post.step_started_at == published_clock
    ratify = post.steps[-1]
    assert ratify.action == "ratify" and ratify.due_at == post.published_at + timedelta(hours=24)
