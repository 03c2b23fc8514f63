"""Channels, their follower counts and a unit's planner settings: creating and editing a
channel, recording a day's follower count, saving the settings.

Each change runs in one transaction, locks the row it changes, refuses a form opened before
someone else saved (edits carry the version they loaded) and writes its audit event last.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from planner.domain.access import Action
from planner.domain.channel_rules import check_channel, check_follower_count, check_settings, normalise_handle
from planner.domain.content import Platform
from planner.domain.errors import N_, RuleViolated, StaleEdit, Violation
from planner.extensions import db
from planner.models import Channel, FollowerCount, Person, PlannerSettings, PostVariant, Unit
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import check_version, record, transaction
from planner.services.sops import government_of

HANDLE_TAKEN = N_("This unit already has a channel on this platform with the handle “%(handle)s”.")
NO_HANDLE_TAKEN = N_("This unit already has a channel on this platform without a handle: give this "
                     "one a handle to tell them apart.")


def _snapshot(channel: Channel) -> dict:
    return {"unit_id": channel.unit_id, "platform": channel.platform, "name": channel.name,
            "handle": channel.handle, "url": channel.url, "weekly_target": channel.weekly_target,
            "active": channel.active}


def _clean(platform, name: str, handle: str | None, url: str | None, weekly_target: int | None):
    try:
        platform = Platform(platform)
    except ValueError:
        raise RuleViolated.one("platform", N_("Choose one of the platforms.")) from None
    values = {"platform": platform, "name": " ".join((name or "").split()),
              "handle": normalise_handle(handle), "url": (url or "").strip() or None,
              "weekly_target": weekly_target}
    problems = check_channel(platform, values["name"], values["handle"], values["url"] or "",
                             weekly_target)
    if problems:
        raise RuleViolated(problems)
    return values


def _duplicate(handle: str) -> RuleViolated:
    if handle:
        return RuleViolated.one("handle", HANDLE_TAKEN, handle=handle)
    return RuleViolated.one("handle", NO_HANDLE_TAKEN)


def _refuse_taken_handle(unit_id: int, platform: Platform, handle: str, exclude_id: int | None) -> None:
    query = select(Channel.id).where(Channel.unit_id == unit_id, Channel.platform == platform,
                                     func.lower(Channel.handle) == handle.lower())
    if exclude_id is not None:
        query = query.where(Channel.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise _duplicate(handle)


def create_channel(actor: Person | None, access: Access | None, unit: Unit, *, platform, name: str,
                   handle: str | None = None, url: str | None = None,
                   weekly_target: int | None = None, active: bool = True) -> Channel:
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, unit)
    values = _clean(platform, name, handle, url, weekly_target)
    try:
        with transaction():
            _refuse_taken_handle(unit.id, values["platform"], values["handle"], None)
            channel = Channel(unit=unit, active=bool(active), updated_by_id=actor.id if actor else None,
                              **values)
            db.session.add(channel)
            db.session.flush()
            record(actor, "channel.created", channel, unit.id, after=_snapshot(channel))
    except IntegrityError:
        # Someone added the same handle at the same moment: the unique constraint caught it.
        raise _duplicate(values["handle"]) from None
    return channel


def _lock(channel: Channel, expected_version: int | None) -> None:
    db.session.execute(select(Channel.id).where(Channel.id == channel.id).with_for_update())
    db.session.refresh(channel)
    check_version(channel, expected_version)


def update_channel(actor: Person, access: Access | None, channel: Channel,
                   expected_version: int | None, *, unit: Unit, platform, name: str,
                   handle: str | None, url: str | None, weekly_target: int | None,
                   active: bool) -> Channel:
    """Edit a channel.  Its owner unit may move to another unit the actor manages in the same
    government, as long as no post variant uses the channel yet."""
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, channel)
    moving = unit.id != channel.unit_id
    if moving:
        if access is not None:
            access.require(Action.MANAGE_CHANNELS, unit)
        if government_of(unit) != government_of(channel.unit):
            raise RuleViolated.one("unit_id", N_("A channel stays within its own government."))
    values = _clean(platform, name, handle, url, weekly_target)
    try:
        with transaction():
            _lock(channel, expected_version)
            if moving and db.session.scalar(select(exists().where(PostVariant.channel_id == channel.id))):
                raise RuleViolated.one("unit_id", N_("Posts already have variants for this channel, so "
                                                     "its owner unit can no longer change. Add a new "
                                                     "channel to the other unit instead."))
            _refuse_taken_handle(unit.id, values["platform"], values["handle"], channel.id)
            before = _snapshot(channel)
            for key, value in values.items():
                setattr(channel, key, value)
            channel.unit_id, channel.active = unit.id, bool(active)
            after = _snapshot(channel)
            if after == before:
                return channel
            channel.updated_at, channel.updated_by_id = utcnow(), actor.id
            db.session.flush()
            record(actor, "channel.updated", channel, unit.id,
                   before={k: v for k, v in before.items() if after[k] != v},
                   after={k: v for k, v in after.items() if before[k] != v})
    except IntegrityError:
        raise _duplicate(values["handle"]) from None
    db.session.refresh(channel)
    return channel


def record_followers(actor: Person, access: Access | None, channel: Channel, *,
                     recorded_on: date | None, followers: int | None) -> FollowerCount:
    """Record the channel's follower count of a day.  A day has one count: recording it again
    corrects it, and the audit event keeps the number it replaced."""
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, channel)
    problems = check_follower_count(recorded_on, followers, channel.unit.today())
    if problems:
        raise RuleViolated(problems)
    try:
        with transaction():
            # The channel's row lock serialises two people recording the same day.
            db.session.execute(select(Channel.id).where(Channel.id == channel.id).with_for_update())
            count = db.session.scalar(select(FollowerCount).where(
                FollowerCount.channel_id == channel.id, FollowerCount.recorded_on == recorded_on))
            if count is not None and count.followers == followers:
                return count
            now = utcnow()
            actor_id = actor.id
            if count is None:
                count = FollowerCount(channel=channel, recorded_on=recorded_on, followers=followers,
                                      recorded_by_id=actor_id, recorded_at=now)
                db.session.add(count)
                db.session.flush()
                record(actor, "channel.followers_recorded", channel, channel.unit_id,
                       after={"recorded_on": recorded_on, "followers": followers})
            else:
                before = {"recorded_on": recorded_on, "followers": count.followers,
                          "recorded_by_id": count.recorded_by_id}
                count.followers, count.recorded_by_id, count.recorded_at = followers, actor_id, now
                db.session.flush()
                record(actor, "channel.followers_corrected", channel, channel.unit_id, before=before,
                       after={"recorded_on": recorded_on, "followers": followers,
                              "recorded_by_id": actor_id})
    except IntegrityError:
        raise RuleViolated.one("recorded_on", N_("Someone recorded a count for this day at the same "
                                                 "moment. Reload the page and check it.")) from None
    return count


# -- planner settings ----------------------------------------------------------------------

NO_ROW_YET = 0  # the version a settings form carries when the unit had no settings of its own


def _settings_snapshot(row: PlannerSettings) -> dict:
    return {"require_website_link": row.require_website_link,
            "slot_tolerance_minutes": row.slot_tolerance_minutes,
            "distribution_target_percent": row.distribution_target_percent}


def save_settings(actor: Person | None, access: Access | None, unit: Unit,
                  expected_version: int | None, *, require_website_link: bool,
                  slot_tolerance_minutes: int | None,
                  distribution_target_percent: int | None) -> PlannerSettings:
    """Give the unit settings of its own (the first time) or change them.  `expected_version`
    is the version the form loaded, or NO_ROW_YET when the unit had none."""
    if access is not None:
        access.require(Action.MANAGE_TARGETS, unit)
    problems: list[Violation] = check_settings(slot_tolerance_minutes, distribution_target_percent)
    if problems:
        raise RuleViolated(problems)
    values = {"require_website_link": bool(require_website_link),
              "slot_tolerance_minutes": slot_tolerance_minutes,
              "distribution_target_percent": distribution_target_percent}
    try:
        with transaction():
            # The unit's row lock serialises the first save of its settings.
            db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())
            row = db.session.scalar(select(PlannerSettings).where(PlannerSettings.unit_id == unit.id)
                                    .with_for_update())
            now, actor_id = utcnow(), actor.id if actor else None
            if row is None:
                if expected_version != NO_ROW_YET:
                    raise StaleEdit(None, None)
                row = PlannerSettings(unit=unit, updated_at=now, updated_by_id=actor_id, **values)
                db.session.add(row)
                db.session.flush()
                record(actor, "planner_settings.created", row, unit.id, after=values)
                return row
            db.session.refresh(row)
            check_version(row, expected_version)
            before = _settings_snapshot(row)
            if before == values:
                return row
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at, row.updated_by_id = now, actor_id
            db.session.flush()
            record(actor, "planner_settings.updated", row, unit.id,
                   before={k: v for k, v in before.items() if values[k] != v},
                   after={k: v for k, v in values.items() if before[k] != v})
    except IntegrityError:
        raise StaleEdit(None, None) from None  # created by someone else at the same moment
    return row
