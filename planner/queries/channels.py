"""Read side of the channel pages: the channels of the units a person sees, grouped by owner
unit with each channel's latest follower count, and one channel's follower history.  Each
issues a fixed number of SQL statements, whatever the number of channels or counts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager, joinedload

from planner.domain.access import Action
from planner.domain.channel_rules import sparkline
from planner.domain.content import Platform
from planner.extensions import db
from planner.models import Channel, FollowerCount, PostVariant, Unit, UploadSlot
from planner.permissions import Access

HISTORY_LIMIT = 120  # the counts shown on a channel's page (a count a day: four months)


@dataclass
class ChannelRow:
    channel: Channel
    followers: int | None
    counted_on: date | None


@dataclass
class UnitChannels:
    unit: Unit
    rows: list[ChannelRow] = field(default_factory=list)
    can_manage: bool = False
    can_set_targets: bool = False


def visible_units(access: Access) -> list[Unit]:
    return list(db.session.scalars(access.units(Action.VIEW_POSTS)))


def channel_list(access: Access, unit: Unit | None = None,
                 platform: Platform | None = None) -> list[UnitChannels]:
    """The channels of the units the person sees (of `unit` and the units below it, if
    given), grouped by owner unit in tree order, with the latest follower count of each."""
    last_day = (select(FollowerCount.channel_id, func.max(FollowerCount.recorded_on).label("day"))
                .group_by(FollowerCount.channel_id).subquery())
    query = (select(Channel, FollowerCount.followers, FollowerCount.recorded_on)
             .join(Unit, Channel.unit_id == Unit.id)
             .outerjoin(last_day, last_day.c.channel_id == Channel.id)
             .outerjoin(FollowerCount, and_(FollowerCount.channel_id == Channel.id,
                                            FollowerCount.recorded_on == last_day.c.day))
             .options(contains_eager(Channel.unit))
             .where(access.unit_condition(Action.VIEW_POSTS))
             .order_by(Unit.path, Channel.platform, Channel.name, Channel.id))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path, autoescape=True))
    if platform is not None:
        query = query.where(Channel.platform == platform)
    groups: dict[int, UnitChannels] = {}
    for channel, followers, counted_on in db.session.execute(query):
        group = groups.get(channel.unit_id)
        if group is None:
            group = groups[channel.unit_id] = UnitChannels(
                channel.unit, can_manage=access.can(Action.MANAGE_CHANNELS, channel.unit),
                can_set_targets=access.can(Action.MANAGE_TARGETS, channel.unit))
        group.rows.append(ChannelRow(channel, followers, counted_on))
    return list(groups.values())


@dataclass
class ChannelPage:
    channel: Channel
    history: list[FollowerCount]  # newest first
    sparkline: str
    variant_count: int
    slot_count: int

    @property
    def latest(self) -> FollowerCount | None:
        return self.history[0] if self.history else None


def channel_page(channel: Channel) -> ChannelPage:
    history = list(db.session.scalars(
        select(FollowerCount).options(joinedload(FollowerCount.recorded_by))
        .where(FollowerCount.channel_id == channel.id)
        .order_by(FollowerCount.recorded_on.desc()).limit(HISTORY_LIMIT)))
    variants = db.session.scalar(select(func.count(PostVariant.id))
                                 .where(PostVariant.channel_id == channel.id))
    slots = db.session.scalar(select(func.count(UploadSlot.id)).where(
        UploadSlot.channel_id == channel.id, UploadSlot.active.is_(True)))
    points = sparkline([(c.recorded_on, c.followers) for c in history])
    return ChannelPage(channel, history, points, variants or 0, slots or 0)


def movable_to(access: Access, channel: Channel) -> list[Unit]:
    """The units a channel's owner may change to: those the person manages channels of, in
    the channel's own government."""
    government = channel.unit.path.split("/")[1]
    return [u for u in db.session.scalars(access.units(Action.MANAGE_CHANNELS))
            if u.path.startswith(f"/{government}/")]
