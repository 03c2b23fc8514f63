"""Read side of the calendar: what the filters offer, and the entries between two instants
(post variants at their planned time, posts without variants, empty upload-slot occurrences,
the leader's agenda events with their coverage), in a fixed number of SQL statements
whatever the number of posts, slots or events."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from planner.domain.access import Action
from planner.domain.content import EventStatus, PostState
from planner.domain.slots import Occurrence, PlannedVariant, SlotRule, match_variants
from planner.extensions import db
from planner.models import (AgendaEvent, Category, Channel, CoverageAssignment, Person, Post,
                            PostVariant, Unit, UploadSlot)
from planner.permissions import Access
from planner.queries.planning import settings_for
from planner.services.sops import government_of, lineage


def rule_of(slot: UploadSlot) -> SlotRule:
    """The slot's stored rule, ready to expand in its channel unit's zone."""
    return SlotRule(slot.rule, slot.starts_on, slot.time_of_day, slot.ends_on,
                    slot.channel.unit.zone)


def subtree(unit: Unit):
    return Unit.path.startswith(unit.path, autoescape=True)


def channels_for_unit(unit: Unit) -> list[Channel]:
    """Channels whose slots a unit's calendar shows: those of the unit and the units below
    it, and those of the units above it (which the unit may publish on)."""
    return list(db.session.scalars(
        select(Channel).join(Unit, Channel.unit_id == Unit.id)
        .options(contains_eager(Channel.unit))
        .where(or_(subtree(unit), Channel.unit_id.in_(lineage(unit))))
        .order_by(Channel.platform, Channel.name, Channel.id)))


@dataclass
class FilterChoices:
    units: list[Unit]
    channels: list[Channel]
    categories: list[Category]
    people: list[Person]


def filter_choices(access: Access, unit: Unit) -> FilterChoices:
    """The visible units; the channels, categories and people of the chosen unit."""
    units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
    categories = list(db.session.scalars(
        select(Category).where(Category.government_id == government_of(unit))
        .order_by(Category.position, Category.id)))
    people = list(db.session.scalars(
        select(Person).join(Unit, Person.home_unit_id == Unit.id)
        .where(subtree(unit), Person.active.is_(True)).order_by(Person.name, Person.id)))
    return FilterChoices(units, channels_for_unit(unit), categories, people)


@dataclass(frozen=True)
class CalendarFilters:
    unit: Unit
    channel_id: int | None = None
    category_id: int | None = None
    state: PostState | None = None
    person_id: int | None = None

    @property
    def shows_slots(self) -> bool:
        """Empty slots are not posts: a filter on posts (category, state, person) hides them."""
        return not (self.category_id or self.state or self.person_id)

    @property
    def shows_events(self) -> bool:
        """Events have no channel, category or state; a person filter keeps their coverage."""
        return not (self.channel_id or self.category_id or self.state)


@dataclass
class Entry:
    kind: str  # "post", "slot" or "event"
    at: datetime  # UTC
    post: Post | None = None
    variant: PostVariant | None = None
    channel: Channel | None = None
    slot: UploadSlot | None = None
    event: AgendaEvent | None = None
    uncovered: bool = False
    fill_unit: Unit | None = None  # the unit a "fill this slot" link starts a post in
    past: bool = False


def _post_conditions(filters: CalendarFilters) -> list:
    conditions = [subtree(filters.unit)]
    if filters.category_id:
        conditions.append(Post.category_id == filters.category_id)
    if filters.state:
        conditions.append(Post.state == filters.state)
    if filters.person_id:
        covering = select(CoverageAssignment.event_id).where(
            CoverageAssignment.person_id == filters.person_id)
        conditions.append(or_(Post.author_id == filters.person_id,
                              Post.assignee_id == filters.person_id,
                              Post.event_id.in_(covering)))
    return conditions


def _variant_entries(filters: CalendarFilters, start: datetime, end: datetime) -> list[Entry]:
    planned = func.coalesce(PostVariant.planned_at, Post.planned_at)
    query = (select(PostVariant).join(Post, PostVariant.post_id == Post.id)
             .join(Unit, Post.unit_id == Unit.id)
             .where(planned >= start, planned < end, *_post_conditions(filters))
             .options(contains_eager(PostVariant.post).contains_eager(Post.unit),
                      contains_eager(PostVariant.post).joinedload(Post.category),
                      joinedload(PostVariant.channel)))
    if filters.channel_id:
        query = query.where(PostVariant.channel_id == filters.channel_id)
    return [Entry("post", v.planned_at or v.post.planned_at, post=v.post, variant=v, channel=v.channel)
            for v in db.session.scalars(query).unique()]


def _bare_post_entries(filters: CalendarFilters, start: datetime, end: datetime) -> list[Entry]:
    if filters.channel_id:
        return []  # a post without variants is on no channel
    query = (select(Post).join(Unit, Post.unit_id == Unit.id)
             .where(Post.planned_at >= start, Post.planned_at < end, ~Post.variants.any(),
                    *_post_conditions(filters))
             .options(contains_eager(Post.unit), joinedload(Post.category)))
    return [Entry("post", p.planned_at, post=p) for p in db.session.scalars(query)]


def _empty_slot_entries(access: Access, filters: CalendarFilters, start: datetime, end: datetime,
                        now: datetime) -> list[Entry]:
    unit = filters.unit
    query = (select(UploadSlot).join(Channel, UploadSlot.channel_id == Channel.id)
             .join(Unit, Channel.unit_id == Unit.id)
             .options(contains_eager(UploadSlot.channel).contains_eager(Channel.unit))
             .where(UploadSlot.active.is_(True), Channel.active.is_(True),
                    or_(subtree(unit), Channel.unit_id.in_(lineage(unit)))))
    if filters.channel_id:
        query = query.where(Channel.id == filters.channel_id)
    slots = list(db.session.scalars(query))
    if not slots:
        return []
    tolerance = timedelta(minutes=settings_for(unit).slot_tolerance_minutes)
    occurrences = [Occurrence(slot.id, slot.channel_id, at) for slot in slots
                   for at in rule_of(slot).occurrences(start - tolerance, end + tolerance)]
    planned = func.coalesce(PostVariant.planned_at, Post.planned_at)
    rows = db.session.execute(
        select(PostVariant.id, PostVariant.channel_id, PostVariant.slot_id, planned)
        .join(Post, PostVariant.post_id == Post.id)
        .where(PostVariant.channel_id.in_({s.channel_id for s in slots}),
               Post.state != PostState.CANCELLED,
               planned >= start - 2 * tolerance, planned < end + 2 * tolerance))
    filled = match_variants(occurrences, [PlannedVariant(*row) for row in rows], tolerance)
    by_id = {slot.id: slot for slot in slots}
    entries = []
    for occurrence in occurrences:
        if occurrence in filled or not start <= occurrence.at < end:
            continue
        slot = by_id[occurrence.slot_id]
        owner = slot.channel.unit
        fill_unit = owner if owner.path.startswith(unit.path) else unit
        entries.append(Entry("slot", occurrence.at, channel=slot.channel, slot=slot,
                             past=occurrence.at < now,
                             fill_unit=fill_unit if access.can(Action.CREATE_POSTS, fill_unit)
                             and occurrence.at > now else None))
    return entries


def _event_entries(filters: CalendarFilters, start: datetime, end: datetime) -> list[Entry]:
    covered = exists().where(CoverageAssignment.event_id == AgendaEvent.id)
    query = (select(AgendaEvent, covered.label("covered")).join(Unit, AgendaEvent.unit_id == Unit.id)
             .options(contains_eager(AgendaEvent.unit))
             .where(subtree(filters.unit), AgendaEvent.starts_at < end, AgendaEvent.ends_at >= start))
    if filters.person_id:
        query = query.where(exists().where(and_(CoverageAssignment.event_id == AgendaEvent.id,
                                                CoverageAssignment.person_id == filters.person_id)))
    return [Entry("event", max(event.starts_at, start), event=event,
                  uncovered=not is_covered and event.status != EventStatus.CANCELLED)
            for event, is_covered in db.session.execute(query)]


def calendar_entries(access: Access, filters: CalendarFilters, start: datetime, end: datetime,
                     now: datetime) -> list[Entry]:
    """Every entry between `start` (included) and `end` (excluded), in time order."""
    entries = _variant_entries(filters, start, end) + _bare_post_entries(filters, start, end)
    if filters.shows_slots:
        entries += _empty_slot_entries(access, filters, start, end, now)
    if filters.shows_events:
        entries += _event_entries(filters, start, end)
    order = {"event": 0, "slot": 1, "post": 2}
    entries.sort(key=lambda e: (e.at, order[e.kind], e.channel.name if e.channel else ""))
    return entries


def entries_by_day(entries: list[Entry], unit: Unit) -> dict[date, list[Entry]]:
    """Entries grouped by their date on the unit's wall clock (an event spanning days shows
    on the day it starts)."""
    days: dict[date, list[Entry]] = {}
    for entry in entries:
        days.setdefault(entry.at.astimezone(unit.zone).date(), []).append(entry)
    return days


def channel_slots(channel: Channel) -> list[UploadSlot]:
    """A channel's slots, active first."""
    return list(db.session.scalars(
        select(UploadSlot).where(UploadSlot.channel_id == channel.id)
        .options(joinedload(UploadSlot.updated_by))
        .order_by(UploadSlot.active.desc(), UploadSlot.time_of_day, UploadSlot.id)))


__all__ = ["CalendarFilters", "Entry", "FilterChoices", "calendar_entries", "channel_slots",
           "channels_for_unit", "entries_by_day", "filter_choices", "rule_of", "subtree"]
