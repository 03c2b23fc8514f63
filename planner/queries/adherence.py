"""Schedule adherence of a unit's channels in one month: slots, slots filled, publications
on time, late, early and off-slot, and each week's slots and planned variants against the
channel's weekly target.  A fixed number of SQL statements whatever the number of posts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from planner.domain.content import PostState
from planner.domain.slots import (Adherence, Occurrence, PlannedVariant, Publication, adherence,
                                  month_bounds, per_week, weeks_of_month)
from planner.extensions import db
from planner.models import Channel, Post, PostPublication, PostVariant, Unit, UploadSlot
from planner.queries.calendar import rule_of, subtree
from planner.queries.planning import settings_for


@dataclass
class WeekRow:
    monday: date
    slots: int
    planned: int
    target: int | None

    @property
    def below_target(self) -> bool:
        return self.target is not None and self.planned < self.target


@dataclass
class ChannelAdherence:
    channel: Channel
    active_slots: list[UploadSlot]
    result: Adherence
    weeks: list[WeekRow]


@dataclass
class AdherenceReport:
    unit: Unit
    month: date
    tolerance_minutes: int
    channels: list[ChannelAdherence]


def unit_adherence(unit: Unit, month: date) -> AdherenceReport:
    """Every channel of the unit and the units below it, in `month` of the unit's zone."""
    zone = unit.zone
    tolerance_minutes = settings_for(unit).slot_tolerance_minutes
    tolerance = timedelta(minutes=tolerance_minutes)
    bounds = month_bounds(month, zone)
    weeks = weeks_of_month(month)
    week_start = datetime.combine(weeks[0], time(), zone).astimezone(timezone.utc)
    week_end = datetime.combine(weeks[-1] + timedelta(days=7), time(), zone).astimezone(timezone.utc)
    first, last = min(bounds[0], week_start) - tolerance, max(bounds[1], week_end) + tolerance

    channels = list(db.session.scalars(
        select(Channel).join(Unit, Channel.unit_id == Unit.id).where(subtree(unit))
        .options(contains_eager(Channel.unit), selectinload(Channel.slots))
        .order_by(Unit.path, Channel.platform, Channel.name, Channel.id)))
    ids = [c.id for c in channels]
    planned = func.coalesce(PostVariant.planned_at, Post.planned_at)
    variants: dict[int, list[PlannedVariant]] = {}
    for row in db.session.execute(
            select(PostVariant.id, PostVariant.channel_id, PostVariant.slot_id, planned)
            .join(Post, PostVariant.post_id == Post.id)
            .where(PostVariant.channel_id.in_(ids), Post.state != PostState.CANCELLED,
                   planned >= first, planned < last)):
        variants.setdefault(row[1], []).append(PlannedVariant(*row))
    earliest: dict[int, tuple] = {}
    for variant_id, channel_id, planned_at, published_at in db.session.execute(
            select(PostVariant.id, PostVariant.channel_id, planned, PostPublication.published_at)
            .join(PostVariant, PostPublication.variant_id == PostVariant.id)
            .join(Post, PostVariant.post_id == Post.id)
            .where(PostVariant.channel_id.in_(ids), PostPublication.published_at.is_not(None),
                   PostPublication.published_at >= bounds[0] - timedelta(days=1),
                   PostPublication.published_at < bounds[1])):
        # A variant recorded twice counts once, at its first publication.
        if variant_id not in earliest or published_at < earliest[variant_id][2]:
            earliest[variant_id] = (channel_id, planned_at, published_at)
    publications: dict[int, list[Publication]] = {}
    for channel_id, planned_at, published_at in earliest.values():
        publications.setdefault(channel_id, []).append(Publication(channel_id, planned_at, published_at))

    rows = []
    for channel in channels:
        active = [slot for slot in channel.slots if slot.active]
        occurrences = [Occurrence(slot.id, channel.id, at) for slot in active
                       for at in rule_of(slot).occurrences(first, last)]
        result = adherence(occurrences, variants.get(channel.id, []),
                           publications.get(channel.id, []), tolerance, bounds)
        slot_weeks = per_week((o.at for o in occurrences if week_start <= o.at < week_end), zone)
        planned_weeks = per_week((v.planned_at for v in variants.get(channel.id, [])
                                  if week_start <= v.planned_at < week_end), zone)
        rows.append(ChannelAdherence(channel, active, result, [
            WeekRow(monday, slot_weeks[monday], planned_weeks[monday], channel.weekly_target)
            for monday in weeks]))
    return AdherenceReport(unit, month, tolerance_minutes, rows)


__all__ = ["AdherenceReport", "ChannelAdherence", "WeekRow", "unit_adherence"]
