"""The workflow engine: given a post, its pinned SOP version and an actor's roles, which
transitions are allowed, and why not.

Plain data in, decisions out; services load the data and apply the outcome.  The rules:
a post pins the SOP version in force when it is first submitted and finishes on it; the
author never approves their own post; nobody performs two approval steps of one post
(in one round of review) unless the version allows it; an acting official acts with the
delegated role and the person acted for is recorded; a return needs a reason and goes
back to the author; a step's checklist must be fully ticked before it is done.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from planner.domain.content import (
    AFTER_PUBLICATION_KINDS, APPROVAL_KINDS, EDITABLE_STATES, PostState, StepKind,
)
from planner.domain.errors import N_, Violation
from planner.domain.organisation import Role


class Transition(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    RATIFY = "ratify"
    COMPLETE = "complete"  # a step after publication: distribution, evaluation


@dataclass(frozen=True)
class Step:
    position: int
    kind: StepKind
    activity: str
    role: Role
    hours: int
    checklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """The steps a post of some category follows.  `category` None is the default route."""

    category: str | None
    steps: tuple[Step, ...]
    fast_track: bool = False
    ratify_hours: int | None = None

    def step(self, position: int | None) -> Step | None:
        return next((s for s in self.steps if s.position == position), None)

    def first(self, kinds) -> Step | None:
        return next((s for s in self.steps if s.kind in kinds), None)

    def next_after(self, position: int, kinds) -> Step | None:
        return next((s for s in self.steps if s.position > position and s.kind in kinds), None)


@dataclass(frozen=True)
class SopVersion:
    id: int
    routes: tuple[Route, ...]
    allow_repeat_approver: bool = False

    def route_for(self, category: str | None) -> Route:
        default = None
        for route in self.routes:
            if route.category == category and category is not None:
                return route
            if route.category is None:
                default = route
        if default is None:
            raise LookupError("SOP version has no default route")
        return default


@dataclass(frozen=True)
class Acting:
    """A role the actor holds in the post's unit today; `for_person` is set when it is
    held as an acting official (Plt./Plh.) for someone else."""

    role: Role
    for_person: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Done:
    """A step already performed on the post: by whom, in which round of review."""

    round: int
    position: int
    kind: StepKind
    actor: int


@dataclass
class PostFacts:
    state: PostState
    author: int
    category: str | None
    round: int = 0
    step_position: int | None = None
    step_started_at: datetime | None = None
    published_at: datetime | None = None
    ratified: bool = False
    done: list[Done] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    transition: Transition
    allowed: bool
    reasons: tuple[Violation, ...] = ()
    acting: Acting | None = None
    step: Step | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _no(transition: Transition, message: str, field_name: str | None = None, **params) -> Decision:
    return Decision(transition, False, (Violation(field_name, message, params),))


def _holding(roles: list[Acting], role: Role) -> Acting | None:
    """Prefer the actor's own role over one held as an acting official."""
    own = [a for a in roles if a.role == role and a.for_person is None]
    if own:
        return own[0]
    return next((a for a in roles if a.role == role), None)


def _check_list(transition: Transition, step: Step, ticked: set[str] | None) -> Decision | None:
    if ticked is None:
        return None
    missing = [item for item in step.checklist if item not in ticked]
    if missing:
        return _no(transition, N_("Tick every item of the checklist for this step first: %(items)s."),
                   "checklist", items="; ".join(missing))
    return None


def _ticked_or(transition: Transition, step: Step, ticked: set[str] | None,
               acting: Acting) -> Decision:
    """Refused for an unticked checklist item, else allowed (a refusal is falsy, so
    never combine decisions with `or`)."""
    refused = _check_list(transition, step, ticked)
    if refused is not None:
        return refused
    return Decision(transition, True, acting=acting, step=step)


def current_step(post: PostFacts, version: SopVersion | None) -> Step | None:
    """The step the post waits on: an approval step in review, publication once approved,
    then the steps after publication that are not done yet."""
    if version is None:
        return None
    route = version.route_for(post.category)
    if post.state == PostState.IN_REVIEW:
        return route.step(post.step_position)
    if post.state in (PostState.APPROVED, PostState.SCHEDULED):
        return route.first({StepKind.PUBLISH})
    if post.state == PostState.PUBLISHED:
        finished = {d.position for d in post.done if d.round == post.round}
        return next((s for s in route.steps if s.kind in AFTER_PUBLICATION_KINDS
                     and s.position not in finished), None)
    if post.state in EDITABLE_STATES:
        return route.first({StepKind.DRAFT})
    return None


def deadline(post: PostFacts, version: SopVersion | None) -> datetime | None:
    step = current_step(post, version)
    if step is None or post.step_started_at is None or post.state in EDITABLE_STATES:
        return None
    return post.step_started_at + timedelta(hours=step.hours)


def ratification_due(post: PostFacts, version: SopVersion | None) -> datetime | None:
    if version is None or post.published_at is None or post.ratified:
        return None
    route = version.route_for(post.category)
    if not route.fast_track or route.ratify_hours is None:
        return None
    return post.published_at + timedelta(hours=route.ratify_hours)


def decide(transition: Transition, post: PostFacts, version: SopVersion | None, actor: int,
           roles: list[Acting], *, ticked: set[str] | None = None, reason: str | None = None,
           urls: dict[str, str] | None = None) -> Decision:
    """May `actor`, holding `roles` in the post's unit, perform `transition` now?

    `version` is the pinned version, or for a post not yet submitted the version in
    force (None if the unit has none).  `ticked`, `reason` and `urls` are checked when
    given; pass None to ask only "could this person do it?" (to show buttons)."""
    t = transition
    if version is None and t not in (Transition.EDIT, Transition.CANCEL, Transition.WITHDRAW):
        return _no(t, N_("The unit has no SOP in force, so nothing can go through review yet."))
    route = version.route_for(post.category) if version else None

    if t == Transition.EDIT:
        if post.state not in EDITABLE_STATES:
            return _no(t, N_("Only a draft, returned or withdrawn post can be edited."))
        acting = _holding(roles, Role.AUTHOR)
        if acting is None and actor != post.author:
            return _no(t, N_("Only the author or an account manager of the unit can edit this post."))
        return Decision(t, True, acting=acting or Acting(Role.AUTHOR))

    if t == Transition.SUBMIT:
        if post.state not in EDITABLE_STATES:
            return _no(t, N_("Only a draft, returned or withdrawn post can be submitted."))
        step = route.first({StepKind.DRAFT})
        acting = _holding(roles, step.role if step else Role.AUTHOR)
        if acting is None:
            return _no(t, N_("Submitting needs the role %(role)s in this unit."),
                       role=(step.role if step else Role.AUTHOR).value)
        return _ticked_or(t, step, ticked, acting)

    if t in (Transition.APPROVE, Transition.RETURN):
        if post.state != PostState.IN_REVIEW:
            return _no(t, N_("This post is not waiting for review."))
        step = route.step(post.step_position)
        acting = _holding(roles, step.role)
        if acting is None:
            return _no(t, N_("This step (%(activity)s) is performed by the role %(role)s, which you "
                             "do not hold in this unit."), activity=step.activity, role=step.role.value)
        if actor == post.author or acting.for_person == post.author:
            return _no(t, N_("The author of a post can never review or approve it."))
        if any(d.kind == StepKind.DRAFT and d.actor in (actor, acting.for_person)
               for d in post.done if d.round == post.round):
            return _no(t, N_("You submitted this post for review, so someone else must review "
                             "and approve it."))
        if t == Transition.APPROVE and not version.allow_repeat_approver:
            earlier = [d for d in post.done if d.round == post.round and d.actor == actor
                       and d.kind in APPROVAL_KINDS]
            if earlier:
                return _no(t, N_("You already performed an approval step of this post; the SOP "
                                 "requires a different person for each step."))
        if t == Transition.RETURN:
            if reason is not None and not reason.strip():
                return _no(t, N_("Give the reason for returning the post to its author."), "reason")
            return Decision(t, True, acting=acting, step=step)
        return _ticked_or(t, step, ticked, acting)

    if t == Transition.WITHDRAW:
        if post.state not in (PostState.IN_REVIEW, PostState.APPROVED, PostState.SCHEDULED):
            return _no(t, N_("Only a post in review, approved or scheduled can be withdrawn."))
        acting = _holding(roles, Role.AUTHOR)
        if actor != post.author and acting is None:
            return _no(t, N_("Only the author or an account manager of the unit can withdraw a post."))
        return Decision(t, True, acting=acting or Acting(Role.AUTHOR))

    if t == Transition.CANCEL:
        if post.state in (PostState.PUBLISHED, PostState.CANCELLED):
            return _no(t, N_("A published or cancelled post cannot be cancelled."))
        acting = _holding(roles, Role.APPROVER) or _holding(roles, Role.AUTHOR)
        if actor != post.author and acting is None:
            return _no(t, N_("Only the author, an account manager or the approving head can cancel "
                             "a post."))
        if reason is not None and not reason.strip():
            return _no(t, N_("Give the reason for cancelling the post."), "reason")
        return Decision(t, True, acting=acting or Acting(Role.AUTHOR))

    if t in (Transition.SCHEDULE, Transition.PUBLISH):
        allowed_states = (PostState.APPROVED,) if t == Transition.SCHEDULE else (
            PostState.APPROVED, PostState.SCHEDULED)
        if post.state not in allowed_states:
            return _no(t, N_("Only an approved post can be scheduled or published."))
        step = route.first({StepKind.PUBLISH})
        role = step.role if step else Role.AUTHOR
        acting = _holding(roles, role)
        if acting is None:
            return _no(t, N_("Publishing needs the role %(role)s in this unit."), role=role.value)
        if t == Transition.PUBLISH:
            if urls is not None and not any((u or "").strip() for u in urls.values()):
                return _no(t, N_("Record the address of the published post on at least one "
                                 "platform."), "urls")
            if step is not None:
                refused = _check_list(t, step, ticked)
                if refused is not None:
                    return refused
        return Decision(t, True, acting=acting, step=step)

    if t == Transition.RATIFY:
        if post.state != PostState.PUBLISHED or not route.fast_track:
            return _no(t, N_("Only a published fast-track post needs ratification."))
        if post.ratified:
            return _no(t, N_("This post has already been ratified."))
        acting = _holding(roles, Role.APPROVER)
        if acting is None:
            return _no(t, N_("Ratification needs the role %(role)s in this unit."),
                       role=Role.APPROVER.value)
        if actor == post.author or acting.for_person == post.author:
            return _no(t, N_("The author of a post can never review or approve it."))
        earlier = [d for d in post.done if d.round == post.round
                   and (d.actor == actor or d.actor == acting.for_person)]
        if any(d.kind == StepKind.DRAFT for d in earlier):
            return _no(t, N_("You submitted this post for review, so someone else must review "
                             "and approve it."))
        if not version.allow_repeat_approver and any(d.kind in APPROVAL_KINDS for d in earlier):
            return _no(t, N_("You already performed an approval step of this post; the SOP "
                             "requires a different person for each step."))
        return Decision(t, True, acting=acting)

    if t == Transition.COMPLETE:
        if post.state != PostState.PUBLISHED:
            return _no(t, N_("Only a published post has steps after publication."))
        step = current_step(post, version)
        if step is None:
            return _no(t, N_("Every step of this post is done."))
        acting = _holding(roles, step.role)
        if acting is None:
            return _no(t, N_("This step (%(activity)s) is performed by the role %(role)s, which you "
                             "do not hold in this unit."), activity=step.activity, role=step.role.value)
        return _ticked_or(t, step, ticked, acting)

    raise ValueError(transition)


def after_approval(post: PostFacts, version: SopVersion) -> tuple[PostState, int | None]:
    """Where an approval takes the post: the next approval step, or approved."""
    route = version.route_for(post.category)
    following = route.next_after(post.step_position, APPROVAL_KINDS)
    if following is None:
        return PostState.APPROVED, None
    return PostState.IN_REVIEW, following.position


def first_review(version: SopVersion, category: str | None) -> Step:
    return version.route_for(category).first(APPROVAL_KINDS)


def options(post: PostFacts, version: SopVersion | None, actor: int,
            roles: list[Acting]) -> dict[Transition, Decision]:
    """Every transition with its decision, for showing what a person can do and why not."""
    return {t: decide(t, post, version, actor, roles) for t in Transition}
