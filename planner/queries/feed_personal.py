"""The personal feed ("my work"): my drafts at their due time, the reviews and approvals
waiting on me at their SOP deadline, and the agenda events I cover.  Read with the owner's
access at fetch time, in a fixed number of SQL statements; see `feed_items` for the rules
every feed follows (UIDs, SEQUENCE, cancelled items)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from planner.domain.access import Action
from planner.domain.errors import N_
from planner.domain.content import (COVERAGE_ROLE_LABELS, EDITABLE_STATES, POST_STATE_LABELS,
                                    PostState, StepKind)
from planner.domain.ical import FeedEvent
from planner.extensions import db
from planner.models import AgendaEvent, CoverageAssignment, Person, Post, PostVariant, Unit
from planner.permissions import Access
from planner.queries.feed_items import (Build, GroupKey, cancelled_summary, event_cancelled_at,
                                        event_status, events_kept, text_lines, zone_name)
from planner.queries.inbox import RATIFY, REVIEW, _candidates, _what_waits
from planner.queries.posts import WorkflowCache

DUE_MINUTES = 30  # a due time or a deadline is a short block starting at that moment


def _add(groups: dict[GroupKey, list[FeedEvent]], key: GroupKey, event: FeedEvent) -> None:
    groups.setdefault(key, []).append(event)


def _post_lines(build: Build, post: Post, *lines: str | None) -> tuple[str, str | None]:
    link = build.link(f"/posts/{post.id}")
    return text_lines(*lines, build.text(N_("Category: %(name)s"), name=post.category.name),
                      build.text(N_("Unit: %(name)s"), name=post.unit.name), link), link


# -- my drafts ---------------------------------------------------------------------------

def _due(post: Post) -> datetime | None:
    """When the draft must be ready: the earliest planned time of the post or its variants."""
    times = [t for t in [post.planned_at, *(v.planned_at for v in post.variants)] if t is not None]
    return min(times) if times else None


def _draft_groups(person: Person, access: Access, build: Build, ids: set[int] | None, groups):
    window = build.window
    in_window = lambda column: and_(column >= window.start, column < window.end)  # noqa: E731
    query = (select(Post).join(Unit, Post.unit_id == Unit.id)
             .where(or_(Post.author_id == person.id, Post.assignee_id == person.id),
                    or_(Post.state.in_(EDITABLE_STATES),
                        and_(Post.state == PostState.CANCELLED,
                             Post.updated_at >= window.cancelled_since)),
                    access.unit_condition(Action.CREATE_POSTS),
                    or_(in_window(Post.planned_at),
                        exists().where(PostVariant.post_id == Post.id,
                                       in_window(PostVariant.planned_at))))
             .options(contains_eager(Post.unit), joinedload(Post.category),
                      selectinload(Post.variants)))
    if ids is not None:
        query = query.where(Post.id.in_(sorted(ids)))
    for post in db.session.scalars(query).unique():
        due = _due(post)
        due = due.replace(second=0, microsecond=0) if due is not None else None
        if due is None or not window.start <= due < window.end:
            continue
        cancelled = post.state == PostState.CANCELLED
        summary = build.text(N_("Due: %(title)s"), title=post.title)
        state = build.text(POST_STATE_LABELS[post.state])
        description, link = _post_lines(
            build, post, build.text(N_("State: %(state)s"), state=state),
            build.text(N_("Returned with the reason: %(reason)s"), reason=post.returned_reason)
            if post.state == PostState.RETURNED and post.returned_reason else None)
        _add(groups, ("post", post.id), FeedEvent(
            uid=build.uid(f"draft-{post.id}"), sequence=post.version - 1, stamp=post.updated_at,
            start=due, end=due + timedelta(minutes=DUE_MINUTES), zone=zone_name(post.unit),
            summary=cancelled_summary(build, summary) if cancelled else summary,
            description=description, status="CANCELLED" if cancelled else "CONFIRMED",
            categories=(post.category.name,), url=link, transparent=True))


# -- reviews and approvals waiting on me -------------------------------------------------

def _review_groups(person: Person, access: Access, build: Build, ids: set[int] | None, groups):
    """The inbox's review and ratification items (`planner.queries.inbox`), at their deadline."""
    window = build.window
    query = _candidates(access, person).where(
        Post.state.in_((PostState.IN_REVIEW, PostState.PUBLISHED)))
    if ids is not None:
        query = query.where(Post.id.in_(sorted(ids)))
    as_workflow = WorkflowCache()
    now = datetime.now(timezone.utc)  # only marks items overdue, which the feed does not show
    for post in db.session.scalars(query).unique():
        item = _what_waits(post, as_workflow(post.sop_version), person,
                           access.acting_in(post.unit), now)
        if item is None or item.kind not in (REVIEW, RATIFY) or item.deadline is None:
            continue
        deadline = item.deadline.replace(second=0, microsecond=0)  # shown to the minute
        if not window.start <= deadline < window.end:
            continue
        if item.kind == RATIFY:
            uid = f"ratify-{post.id}-{post.round}"
            summary = build.text(N_("Ratify: %(title)s"), title=post.title)
        else:
            route = as_workflow(post.sop_version).route_for(post.category.code)
            uid = f"review-{post.id}-{post.round}-{post.step_position}"
            summary = build.text(N_("Approve: %(title)s") if route.step(post.step_position).kind
                                 == StepKind.APPROVE else N_("Review: %(title)s"), title=post.title)
        step = build.text(N_("Step: %(activity)s"), activity=item.activity) if item.activity else None
        description, link = _post_lines(build, post, step)
        _add(groups, ("post", post.id), FeedEvent(
            uid=build.uid(uid), sequence=post.version - 1, stamp=post.updated_at,
            start=deadline, end=deadline + timedelta(minutes=DUE_MINUTES),
            zone=zone_name(post.unit), summary=summary, description=description,
            categories=(post.category.name,), url=link, transparent=True))


# -- events I cover ----------------------------------------------------------------------

def _coverage_groups(person: Person, access: Access, build: Build, ids: set[int] | None, groups):
    window = build.window
    query = (select(CoverageAssignment)
             .join(AgendaEvent, CoverageAssignment.event_id == AgendaEvent.id)
             .join(Unit, AgendaEvent.unit_id == Unit.id)
             .options(contains_eager(CoverageAssignment.event).contains_eager(AgendaEvent.unit))
             .where(CoverageAssignment.person_id == person.id,
                    access.unit_condition(Action.VIEW_POSTS),
                    AgendaEvent.starts_at < window.end, AgendaEvent.ends_at >= window.start,
                    events_kept(build)))
    if ids is not None:
        query = query.where(AgendaEvent.id.in_(sorted(ids)))
    for assignment in db.session.scalars(query):
        event = assignment.event
        status = event_status(event)
        summary = f"{build.text(COVERAGE_ROLE_LABELS[assignment.role])}: {event.title}"
        link = build.link(f"/agenda/{event.id}")
        stamp = max(event_cancelled_at(event) or event.updated_at, assignment.assigned_at)
        _add(groups, ("event", event.id), FeedEvent(
            uid=build.uid(f"coverage-{assignment.id}"), sequence=event.version - 1, stamp=stamp,
            start=event.starts_at, end=event.ends_at, zone=zone_name(event.unit),
            summary=cancelled_summary(build, summary) if status == "CANCELLED" else summary,
            description=text_lines(build.text(N_("Leader: %(name)s"), name=event.leader),
                                   build.text(N_("Unit: %(name)s"), name=event.unit.name), link),
            location=event.place, status=status, url=link, transparent=False))


def personal_groups(person: Person, access: Access, build: Build) -> dict[GroupKey, list[FeedEvent]]:
    """The owner's drafts and reviews (grouped by post) and coverage (grouped by event)."""
    groups: dict[GroupKey, list[FeedEvent]] = {}
    posts, events = build.wanted("post"), build.wanted("event")
    if posts is None or posts:
        _draft_groups(person, access, build, posts, groups)
        _review_groups(person, access, build, posts, groups)
    if events is None or events:
        _coverage_groups(person, access, build, events, groups)
    return groups


__all__ = ["personal_groups"]
