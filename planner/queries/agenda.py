"""Read side of the leader's agenda: the uncovered events (for the home page and the
calendar), the agenda list with each event's coverage, and one event's page.  Each issues
a fixed number of SQL statements, whatever the number of events or assignments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from planner.domain.access import Action
from planner.domain.agenda_rules import is_uncovered, missing_roles
from planner.domain.content import CoverageRole, EventStatus
from planner.extensions import db
from planner.models import AgendaEvent, CoverageAssignment, Person, Post, Unit
from planner.permissions import Access
from planner.services.agenda import candidate_condition


def _in_range(start: datetime, end: datetime):
    """Events that overlap [start, end): an event under way at `start` is still shown."""
    return (AgendaEvent.starts_at < end) & (AgendaEvent.ends_at >= start)


def _within(unit_ids):
    """Events of these units or of the units below them (one correlated condition)."""
    chosen = aliased(Unit)
    return exists().where(chosen.id.in_(list(unit_ids)),
                          Unit.path.startswith(chosen.path, autoescape=False))


def uncovered_events(access: Access, unit_ids, start: datetime, end: datetime) -> list[AgendaEvent]:
    """Events between `start` and `end` (UTC) that are not cancelled and that nobody covers
    yet, of the units the person sees (limited to `unit_ids` and the units below them, unless
    None), soonest first.  One SQL statement; each event's unit is loaded with it."""
    query = (select(AgendaEvent).join(Unit, AgendaEvent.unit_id == Unit.id)
             .options(contains_eager(AgendaEvent.unit))
             .where(access.unit_condition(Action.VIEW_POSTS), _in_range(start, end),
                    AgendaEvent.status != EventStatus.CANCELLED,
                    ~exists().where(CoverageAssignment.event_id == AgendaEvent.id))
             .order_by(AgendaEvent.starts_at, AgendaEvent.id))
    if unit_ids is not None:
        query = query.where(_within(unit_ids))
    return list(db.session.scalars(query))


@dataclass
class EventRow:
    event: AgendaEvent
    post_count: int

    @property
    def uncovered(self) -> bool:
        return is_uncovered(self.event.status, len(self.event.coverage))

    @property
    def missing(self) -> list[CoverageRole]:
        if self.event.status == EventStatus.CANCELLED:
            return []
        return missing_roles(a.role for a in self.event.coverage)


def agenda_list(access: Access, unit: Unit | None, start: datetime, end: datetime, *,
                uncovered_only: bool = False) -> list[EventRow]:
    """The events between `start` and `end` of the units the person sees (of `unit` and the
    units below it, if given), with their coverage and how many posts started from each."""
    query = (select(AgendaEvent).join(Unit, AgendaEvent.unit_id == Unit.id)
             .options(contains_eager(AgendaEvent.unit),
                      selectinload(AgendaEvent.coverage).joinedload(CoverageAssignment.person))
             .where(access.unit_condition(Action.VIEW_POSTS), _in_range(start, end))
             .order_by(AgendaEvent.starts_at, AgendaEvent.id))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path, autoescape=True))
    if uncovered_only:
        query = query.where(AgendaEvent.status != EventStatus.CANCELLED,
                            ~exists().where(CoverageAssignment.event_id == AgendaEvent.id))
    events = list(db.session.scalars(query).unique())
    counts: dict[int, int] = {}
    if events:
        counts = dict(db.session.execute(
            select(Post.event_id, func.count(Post.id))
            .join(Unit, Post.unit_id == Unit.id)
            .where(Post.event_id.in_([e.id for e in events]),
                   access.unit_condition(Action.VIEW_POSTS))
            .group_by(Post.event_id)).all())
    return [EventRow(event, counts.get(event.id, 0)) for event in events]


@dataclass
class EventPage:
    event: AgendaEvent
    coverage: list[CoverageAssignment]
    posts: list[Post]
    candidates: list[Person]

    @property
    def uncovered(self) -> bool:
        return is_uncovered(self.event.status, len(self.coverage))

    @property
    def missing(self) -> list[CoverageRole]:
        if self.event.status == EventStatus.CANCELLED:
            return []
        return missing_roles(a.role for a in self.coverage)


def event_page(access: Access, event: AgendaEvent, *, with_candidates: bool) -> EventPage:
    """An event with its coverage, the posts started from it that the person may see, and
    (for those who assign) the people who may cover it."""
    coverage = list(db.session.scalars(
        select(CoverageAssignment).options(joinedload(CoverageAssignment.person),
                                           joinedload(CoverageAssignment.assigned_by))
        .where(CoverageAssignment.event_id == event.id).order_by(CoverageAssignment.id)))
    posts = list(db.session.scalars(
        select(Post).join(Unit, Post.unit_id == Unit.id)
        .options(contains_eager(Post.unit), joinedload(Post.author))
        .where(Post.event_id == event.id, access.unit_condition(Action.VIEW_POSTS))
        .order_by(Post.created_at, Post.id)))
    candidates = coverage_candidates(event) if with_candidates else []
    return EventPage(event, coverage, posts, candidates)


def coverage_candidates(event: AgendaEvent) -> list[Person]:
    """The people who may be assigned to cover the event, by name."""
    return list(db.session.scalars(
        select(Person).where(candidate_condition(event.unit, event.unit.today()))
        .order_by(Person.name, Person.id)))
