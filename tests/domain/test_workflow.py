"""The workflow engine, rule by rule, on plain data."""
from datetime import datetime, timedelta, timezone

import pytest

from planner.domain.content import PostState, StepKind
from planner.domain.organisation import Role
from planner.domain.workflow import (
    Acting, Done, PostFacts, Route, SopVersion, Step, Transition, after_approval, current_step,
    deadline, decide, first_review, options, ratification_due,
)

AUTHOR, REVIEWER, APPROVER, OTHER = 1, 2, 3, 4
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)

DEFAULT = Route(None, (
    Step(1, StepKind.DRAFT, "Draft", Role.AUTHOR, 24, ("Caption per platform", "Alt text")),
    Step(2, StepKind.REVIEW, "Review", Role.REVIEWER, 8, ("Facts checked", "No child victims")),
    Step(3, StepKind.APPROVE, "Approve", Role.APPROVER, 8),
    Step(4, StepKind.PUBLISH, "Publish", Role.AUTHOR, 4, ("URL recorded",)),
    Step(5, StepKind.DISTRIBUTE, "WhatsApp cascade", Role.AUTHOR, 24, ("Kecamatan groups",)),
    Step(6, StepKind.EVALUATE, "Engagement after 7 days", Role.AUTHOR, 192),
))
CRISIS = Route("krisis", (
    Step(1, StepKind.DRAFT, "Draft", Role.AUTHOR, 1),
    Step(2, StepKind.REVIEW, "Fast review", Role.REVIEWER, 1),
    Step(3, StepKind.PUBLISH, "Publish", Role.AUTHOR, 1),
), fast_track=True, ratify_hours=24)
SOP = SopVersion(7, (DEFAULT, CRISIS))

author = [Acting(Role.AUTHOR)]
reviewer = [Acting(Role.REVIEWER)]
approver = [Acting(Role.APPROVER)]


def post(state=PostState.DRAFT, **kwargs) -> PostFacts:
    return PostFacts(state=state, author=AUTHOR, category=kwargs.pop("category", "seremonial"), **kwargs)


def test_route_for_category_falls_back_to_default():
    assert SOP.route_for("krisis") is CRISIS
    assert SOP.route_for("seremonial") is DEFAULT
    assert SOP.route_for(None) is DEFAULT


def test_submit_needs_the_draft_checklist_ticked():
    refused = decide(Transition.SUBMIT, post(), SOP, AUTHOR, author, ticked={"Caption per platform"})
    assert not refused and refused.reasons[0].field == "checklist"
    assert "Alt text" in refused.reasons[0].params["items"]
    allowed = decide(Transition.SUBMIT, post(), SOP, AUTHOR, author,
                     ticked={"Caption per platform", "Alt text"})
    assert allowed and allowed.step.kind == StepKind.DRAFT


def test_submit_needs_an_sop_in_force():
    refused = decide(Transition.SUBMIT, post(), None, AUTHOR, author, ticked=set())
    assert not refused and "no SOP in force" in refused.reasons[0].message


def test_submit_needs_the_draft_role():
    assert not decide(Transition.SUBMIT, post(), SOP, REVIEWER, reviewer, ticked=set())


def test_only_editable_states_can_be_submitted_or_edited():
    for state in (PostState.IN_REVIEW, PostState.APPROVED, PostState.PUBLISHED, PostState.CANCELLED):
        assert not decide(Transition.SUBMIT, post(state), SOP, AUTHOR, author)
        assert not decide(Transition.EDIT, post(state), SOP, AUTHOR, author)
    for state in (PostState.DRAFT, PostState.RETURNED, PostState.WITHDRAWN):
        assert decide(Transition.EDIT, post(state), SOP, AUTHOR, author)


def test_first_review_and_approval_chain():
    assert first_review(SOP, "seremonial").position == 2
    in_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    assert after_approval(in_review, SOP) == (PostState.IN_REVIEW, 3)
    at_head = post(PostState.IN_REVIEW, round=1, step_position=3)
    assert after_approval(at_head, SOP) == (PostState.APPROVED, None)


def test_approval_needs_the_role_of_the_current_step():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    refused = decide(Transition.APPROVE, at_review, SOP, APPROVER, approver, ticked=set())
    assert not refused and refused.reasons[0].params["role"] == Role.REVIEWER.value
    assert decide(Transition.APPROVE, at_review, SOP, REVIEWER, reviewer,
                  ticked={"Facts checked", "No child victims"})


def test_checklist_blocks_the_approval_step():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    refused = decide(Transition.APPROVE, at_review, SOP, REVIEWER, reviewer, ticked={"Facts checked"})
    assert not refused and refused.reasons[0].field == "checklist"
    # Asking without a checklist answers "could this person do it?" (for showing buttons).
    assert decide(Transition.APPROVE, at_review, SOP, REVIEWER, reviewer)


def test_author_never_approves_own_post_even_holding_the_role():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    refused = decide(Transition.APPROVE, at_review, SOP, AUTHOR, author + reviewer, ticked=set())
    assert not refused and "never review or approve" in refused.reasons[0].message
    assert not decide(Transition.RETURN, at_review, SOP, AUTHOR, author + reviewer, reason="x")


def test_whoever_submitted_does_not_review_either():
    """A contributor drafted it, an account manager who is also a reviewer submitted it."""
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2,
                     done=[Done(1, 1, StepKind.DRAFT, OTHER)])
    refused = decide(Transition.APPROVE, at_review, SOP, OTHER, author + reviewer, ticked=set())
    assert not refused and "You submitted this post" in refused.reasons[0].message
    assert decide(Transition.APPROVE, at_review, SOP, REVIEWER, reviewer)


def test_acting_for_the_author_does_not_help():
    at_head = post(PostState.IN_REVIEW, round=1, step_position=3)
    plh_for_author = [Acting(Role.APPROVER, for_person=AUTHOR, kind="plh")]
    assert not decide(Transition.APPROVE, at_head, SOP, OTHER, plh_for_author, ticked=set())


def test_nobody_performs_two_approval_steps_unless_the_version_allows_it():
    done = [Done(1, 2, StepKind.REVIEW, REVIEWER)]
    at_head = post(PostState.IN_REVIEW, round=1, step_position=3, done=done)
    both = reviewer + approver
    refused = decide(Transition.APPROVE, at_head, SOP, REVIEWER, both, ticked=set())
    assert not refused and "different person" in refused.reasons[0].message
    lenient = SopVersion(8, (DEFAULT,), allow_repeat_approver=True)
    assert decide(Transition.APPROVE, at_head, lenient, REVIEWER, both, ticked=set())
    # An earlier round (before a return) does not count.
    earlier = post(PostState.IN_REVIEW, round=2, step_position=3, done=done)
    assert decide(Transition.APPROVE, earlier, SOP, REVIEWER, both, ticked=set())


def test_acting_official_acts_with_the_delegated_role_and_names_the_principal():
    at_head = post(PostState.IN_REVIEW, round=1, step_position=3)
    plh = [Acting(Role.REVIEWER), Acting(Role.APPROVER, for_person=APPROVER, kind="plh")]
    decision = decide(Transition.APPROVE, at_head, SOP, OTHER, plh, ticked=set())
    assert decision and decision.acting.for_person == APPROVER and decision.acting.kind == "plh"


def test_own_role_is_preferred_over_a_delegated_one():
    at_head = post(PostState.IN_REVIEW, round=1, step_position=3)
    roles = [Acting(Role.APPROVER, for_person=APPROVER, kind="plt"), Acting(Role.APPROVER)]
    assert decide(Transition.APPROVE, at_head, SOP, OTHER, roles, ticked=set()).acting.for_person is None


def test_return_always_carries_a_reason():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    refused = decide(Transition.RETURN, at_review, SOP, REVIEWER, reviewer, reason="  ")
    assert not refused and refused.reasons[0].field == "reason"
    assert decide(Transition.RETURN, at_review, SOP, REVIEWER, reviewer, reason="Tarif salah")


def test_publish_needs_approval_a_url_and_the_checklist():
    assert not decide(Transition.PUBLISH, post(PostState.IN_REVIEW, step_position=3), SOP, AUTHOR,
                      author, urls={"instagram": "https://x"}, ticked={"URL recorded"})
    approved = post(PostState.APPROVED, round=1)
    no_url = decide(Transition.PUBLISH, approved, SOP, AUTHOR, author, urls={"instagram": " "},
                    ticked={"URL recorded"})
    assert not no_url and no_url.reasons[0].field == "urls"
    assert not decide(Transition.PUBLISH, approved, SOP, AUTHOR, author,
                      urls={"instagram": "https://instagram.com/p/1"}, ticked=set())
    assert decide(Transition.PUBLISH, approved, SOP, AUTHOR, author,
                  urls={"instagram": "https://instagram.com/p/1"}, ticked={"URL recorded"})
    assert decide(Transition.PUBLISH, post(PostState.SCHEDULED, round=1), SOP, AUTHOR, author)
    assert not decide(Transition.PUBLISH, approved, SOP, REVIEWER, reviewer)


def test_schedule_only_from_approved():
    assert decide(Transition.SCHEDULE, post(PostState.APPROVED), SOP, AUTHOR, author)
    assert not decide(Transition.SCHEDULE, post(PostState.SCHEDULED), SOP, AUTHOR, author)


def test_withdraw_and_cancel():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    assert decide(Transition.WITHDRAW, at_review, SOP, AUTHOR, author)
    assert not decide(Transition.WITHDRAW, at_review, SOP, REVIEWER, reviewer)
    assert not decide(Transition.WITHDRAW, post(PostState.DRAFT), SOP, AUTHOR, author)
    assert decide(Transition.CANCEL, at_review, SOP, APPROVER, approver, reason="Acara batal")
    assert not decide(Transition.CANCEL, at_review, SOP, REVIEWER, reviewer, reason="x")
    assert not decide(Transition.CANCEL, at_review, SOP, AUTHOR, author, reason="")
    assert not decide(Transition.CANCEL, post(PostState.PUBLISHED), SOP, AUTHOR, author, reason="x")


def test_fast_track_publishes_after_one_approval_then_needs_ratification():
    crisis = post(PostState.IN_REVIEW, category="krisis", round=1, step_position=2)
    assert after_approval(crisis, SOP) == (PostState.APPROVED, None)
    published = post(PostState.PUBLISHED, category="krisis", round=1, published_at=NOW)
    assert ratification_due(published, SOP) == NOW + timedelta(hours=24)
    assert decide(Transition.RATIFY, published, SOP, APPROVER, approver)
    assert not decide(Transition.RATIFY, published, SOP, REVIEWER, reviewer)
    ratified = post(PostState.PUBLISHED, category="krisis", round=1, published_at=NOW, ratified=True)
    assert not decide(Transition.RATIFY, ratified, SOP, APPROVER, approver)
    assert ratification_due(ratified, SOP) is None
    ordinary = post(PostState.PUBLISHED, round=1, published_at=NOW)
    assert not decide(Transition.RATIFY, ordinary, SOP, APPROVER, approver)
    assert ratification_due(ordinary, SOP) is None


def test_steps_after_publication_in_order():
    published = post(PostState.PUBLISHED, round=1, published_at=NOW)
    assert current_step(published, SOP).kind == StepKind.DISTRIBUTE
    assert not decide(Transition.COMPLETE, published, SOP, AUTHOR, author, ticked=set())
    assert decide(Transition.COMPLETE, published, SOP, AUTHOR, author, ticked={"Kecamatan groups"})
    distributed = post(PostState.PUBLISHED, round=1, published_at=NOW,
                       done=[Done(1, 5, StepKind.DISTRIBUTE, AUTHOR)])
    assert current_step(distributed, SOP).kind == StepKind.EVALUATE
    finished = post(PostState.PUBLISHED, round=1, published_at=NOW,
                    done=[Done(1, 5, StepKind.DISTRIBUTE, AUTHOR), Done(1, 6, StepKind.EVALUATE, AUTHOR)])
    assert current_step(finished, SOP) is None
    assert not decide(Transition.COMPLETE, finished, SOP, AUTHOR, author, ticked=set())


def test_deadline_from_time_allowed():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2, step_started_at=NOW)
    assert deadline(at_review, SOP) == NOW + timedelta(hours=8)
    assert deadline(post(PostState.DRAFT, step_started_at=NOW), SOP) is None


def test_options_lists_every_transition():
    at_review = post(PostState.IN_REVIEW, round=1, step_position=2)
    allowed = {t for t, d in options(at_review, SOP, REVIEWER, reviewer).items() if d}
    assert allowed == {Transition.APPROVE, Transition.RETURN}
    allowed = {t for t, d in options(at_review, SOP, AUTHOR, author).items() if d}
    assert allowed == {Transition.WITHDRAW, Transition.CANCEL}


@pytest.mark.parametrize("transition", list(Transition))
def test_every_transition_gives_a_reason_when_refused(transition):
    decision = decide(transition, post(PostState.CANCELLED), SOP, OTHER, [])
    assert not decision and decision.reasons and decision.reasons[0].message


def test_ratification_is_by_someone_other_than_who_submitted_or_approved_it():
    done = [Done(1, 1, StepKind.DRAFT, OTHER), Done(1, 2, StepKind.REVIEW, REVIEWER)]
    published = post(PostState.PUBLISHED, category="krisis", round=1, published_at=NOW, done=done)
    both = reviewer + approver
    assert "different person" in decide(Transition.RATIFY, published, SOP, REVIEWER, both).reasons[0].message
    assert "You submitted" in decide(Transition.RATIFY, published, SOP, OTHER, approver).reasons[0].message
    assert decide(Transition.RATIFY, published, SOP, APPROVER, approver)
    lenient = SopVersion(9, (DEFAULT, CRISIS), allow_repeat_approver=True)
    assert decide(Transition.RATIFY, published, lenient, REVIEWER, both)
