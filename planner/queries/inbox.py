"""What waits for one person: posts to review or approve, fast-track posts to ratify, and
their own posts that came back, are approved to publish, or have a step after publication.

One query loads every candidate post of the person's units with all the workflow engine
needs; the engine then keeps the posts the person may act on now.  The number of SQL
statements does not depend on the number of posts, units or SOP versions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from planner.domain import workflow
from planner.domain.access import Action
from planner.domain.content import PostState
from planner.domain.organisation import Role
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import Category, Person, Post, PostStep, SopRoute, SopStep, Unit
from planner.permissions import Access
from planner.queries.posts import WorkflowCache, version_loading

# What an item asks of the person.
REVIEW = "review"  # approve or return, at a step whose role they hold
RATIFY = "ratify"  # a published fast-track post awaiting the approver's ratification
RETURNED = "returned"  # their post came back with a reason
PUBLISH = "publish"  # their approved post waits to be published
FOLLOW_UP = "follow_up"  # a step after publication: distribution, evaluation

OWN_STATES = (PostState.RETURNED, PostState.APPROVED, PostState.SCHEDULED, PostState.PUBLISHED)


@dataclass
class InboxItem:
    post_id: int
    title: str
    unit: Unit
    category: str
    kind: str
    state: PostState
    activity: str | None  # the SOP step's activity
    role: Role | None  # the role the step needs
    deadline: datetime | None
    overdue: bool
    acting_for_id: int | None = None  # the person acted for, when the role is held as Plt./Plh.
    acting_for: str | None = None  # their name
    acting_kind: str | None = None
    reason: str | None = None  # why a returned post came back
    author: str | None = None


def _candidates(access: Access, person: Person):
    """The posts that may wait for the person: a coarse SQL filter, refined by the engine."""
    roles = {g.role for g in access.grants}
    waiting_on_my_role = exists(
        select(SopStep.id).join(SopRoute, SopStep.route_id == SopRoute.id)
        .where(SopRoute.version_id == Post.sop_version_id, SopStep.position == Post.step_position,
               SopStep.performer_role.in_(roles)))
    fast_track = exists(
        select(SopRoute.id).where(SopRoute.version_id == Post.sop_version_id,
                                  SopRoute.fast_track.is_(True),
                                  SopRoute.category_code == Category.code))
    in_review = and_(Post.state == PostState.IN_REVIEW, Post.author_id != person.id,
                     waiting_on_my_role) if roles else false()
    to_ratify = and_(Post.state == PostState.PUBLISHED, Post.ratified_at.is_(None),
                     Post.author_id != person.id, fast_track) if Role.APPROVER in roles else false()
    # "Mine": I wrote it, or I submitted it (an account manager submits what a division's
    # contributor drafted, and then publishes it).  A published post waits only while a
    # step after publication is open.
    submitted_by_me = exists(select(PostStep.id).where(
        PostStep.post_id == Post.id, PostStep.action == "submit", PostStep.actor_id == person.id))
    mine = and_(or_(Post.author_id == person.id, submitted_by_me), Post.state.in_(OWN_STATES),
                (Post.state != PostState.PUBLISHED) | Post.step_position.is_not(None))
    return (select(Post).join(Unit, Post.unit_id == Unit.id)
            .join(Category, Post.category_id == Category.id)
            .where(access.unit_condition(Action.VIEW_POSTS), or_(in_review, to_ratify, mine))
            .options(joinedload(Post.unit), joinedload(Post.category), joinedload(Post.author),
                     # One statement however many candidates (selectin sends 500 ids a time).
                     subqueryload(Post.steps), *version_loading(selectinload(Post.sop_version)))
            .order_by(Post.id))


def _item(post: Post, kind: str, step: workflow.Step | None, due: datetime | None, now: datetime,
          **extra) -> InboxItem:
    return InboxItem(post_id=post.id, title=post.title, unit=post.unit, category=post.category.name,
                     kind=kind, state=post.state, activity=step.activity if step else None,
                     role=step.role if step else None, deadline=due,
                     overdue=bool(due and due < now), author=post.author.name, **extra)


def _what_waits(post: Post, wf: workflow.SopVersion | None, person: Person,
                roles: list[workflow.Acting], now: datetime) -> InboxItem | None:
    facts = post.facts()
    step = workflow.current_step(facts, wf)
    due = workflow.deadline(facts, wf)

    def may(transition: Transition) -> workflow.Decision | None:
        decision = workflow.decide(transition, facts, wf, person.id, roles)
        return decision if decision else None

    if post.state == PostState.IN_REVIEW:
        decision = may(Transition.APPROVE)
        if decision:
            return _item(post, REVIEW, step, due, now, acting_for_id=decision.acting.for_person,
                         acting_kind=decision.acting.kind)
        return None
    decision = may(Transition.RATIFY)
    if decision:
        ratify_due = workflow.ratification_due(facts, wf)
        return _item(post, RATIFY, None, ratify_due, now, acting_for_id=decision.acting.for_person,
                     acting_kind=decision.acting.kind)
    mine = post.author_id == person.id or any(
        s.action == "submit" and s.actor_id == person.id for s in post.steps)
    if not mine:
        return None
    if post.state == PostState.RETURNED and may(Transition.EDIT):
        return _item(post, RETURNED, step, None, now, reason=post.returned_reason)
    if post.state in (PostState.APPROVED, PostState.SCHEDULED) and may(Transition.PUBLISH):
        return _item(post, PUBLISH, step, due, now)
    if post.state == PostState.PUBLISHED and may(Transition.COMPLETE):
        return _item(post, FOLLOW_UP, step, due, now)
    return None


def inbox_for(access: Access, person: Person, now: datetime) -> list[InboxItem]:
    """What waits for `person` (whose roles `access` holds), soonest deadline first; items
    without a deadline (returned posts) come last."""
    posts = list(db.session.scalars(_candidates(access, person)).unique())
    as_workflow = WorkflowCache()
    items = []
    for post in posts:
        item = _what_waits(post, as_workflow(post.sop_version), person,
                           access.acting_in(post.unit), now)
        if item is not None:
            items.append(item)
    acting_ids = {item.acting_for_id for item in items if item.acting_for_id}
    if acting_ids:
        names = dict(db.session.execute(select(Person.id, Person.name)
                                        .where(Person.id.in_(acting_ids))).all())
        for item in items:
            item.acting_for = names.get(item.acting_for_id)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(key=lambda i: (i.deadline is None, i.deadline or far, i.post_id))
    return items


__all__ = ["InboxItem", "inbox_for", "REVIEW", "RATIFY", "RETURNED", "PUBLISH", "FOLLOW_UP"]
