"""Lookups the planner features share: the planning settings a unit follows, and the
channels a unit may plan variants for (its own and those of the units above it)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from planner.extensions import db
from planner.models import Channel, PlannerSettings, Unit
from planner.services.sops import lineage

DEFAULT_SLOT_TOLERANCE_MINUTES = 60


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings in force for a unit, and the unit they come from (None: defaults)."""

    require_website_link: bool = False
    slot_tolerance_minutes: int = DEFAULT_SLOT_TOLERANCE_MINUTES
    distribution_target_percent: int | None = None
    source_unit_id: int | None = None


def settings_for(unit: Unit) -> EffectiveSettings:
    """The unit's own settings, else those of the nearest unit above it, else defaults."""
    ids = lineage(unit)
    rows = {row.unit_id: row for row in db.session.scalars(
        select(PlannerSettings).where(PlannerSettings.unit_id.in_(ids)))}
    for unit_id in reversed(ids):
        row = rows.get(unit_id)
        if row is not None:
            return EffectiveSettings(row.require_website_link, row.slot_tolerance_minutes,
                                     row.distribution_target_percent, unit_id)
    return EffectiveSettings()


def usable_channels(unit: Unit, *, active_only: bool = True) -> list[Channel]:
    """Channels a post of `unit` may have variants for: those owned by the unit or by a
    unit above it (a subdivision publishes on its division's accounts)."""
    query = select(Channel).where(Channel.unit_id.in_(lineage(unit)))
    if active_only:
        query = query.where(Channel.active.is_(True))
    return list(db.session.scalars(query.order_by(Channel.platform, Channel.name)))


def channel_usable_by(channel: Channel, unit: Unit) -> bool:
    return unit.path.startswith(channel.unit.path)
