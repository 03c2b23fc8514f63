"""Starting a post prefilled from elsewhere: `/posts/new?unit=…&channel=…`,
`?slot=…&at=<UTC ISO 8601>` (fill an upload slot occurrence) and `?event=…` (cover an agenda
event).  Each parameter is read safely: a bad one becomes a message on the form, never an
error page, and whatever else was given still prefills."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _

from planner.domain.access import Action
from planner.domain.errors import NotPermitted, NotVisible
from planner.extensions import db
from planner.forms import database_int
from planner.models import AgendaEvent, Channel, Unit, UploadSlot
from planner.permissions import Access
from planner.posts.variant_forms import parse_instant
from planner.queries.planning import channel_usable_by
from planner.services.sops import government_of
from planner.services.variants import slot_occurs_at

# A post covering an event is planned this long after the event ends.
AFTER_EVENT = timedelta(minutes=30)


@dataclass
class Prefill:
    unit: Unit | None = None
    channel: Channel | None = None
    slot: UploadSlot | None = None
    at: datetime | None = None
    event: AgendaEvent | None = None
    planned_at: datetime | None = None
    problems: list[str] = field(default_factory=list)


def channel_or_slot(access: Access, model, raw, units: list[Unit]):
    """A channel (or upload slot) by id: one that a post of these units may use, though it
    belongs to a unit above them that the person does not see (the city's website), or
    else one the person sees.  NotVisible (404) otherwise."""
    try:
        object_id = database_int(raw)
    except (ValueError, TypeError):
        raise NotVisible(model.__name__) from None
    found = db.session.get(model, object_id) if object_id else None
    channel = found.channel if isinstance(found, UploadSlot) else found
    if channel is not None and any(channel_usable_by(channel, u) for u in units):
        return found
    return access.fetch(model, object_id, Action.VIEW_POSTS)


def _fetch(access: Access, model, raw: str | None, units: list[Unit] = ()):
    """The object with this id the person may see or use, or None (unreadable, missing or
    out of sight)."""
    try:
        if model in (Channel, UploadSlot):
            return channel_or_slot(access, model, raw, units)
        return access.fetch(model, database_int(raw), Action.VIEW_POSTS)
    except (ValueError, TypeError, NotVisible, NotPermitted):
        return None


def _unit_for(units: list[Unit], chosen: Unit | None, fits) -> Unit | None:
    """The chosen unit if it fits, else the first unit (in tree order) that does."""
    if chosen is not None:
        return chosen if fits(chosen) else None
    return next((u for u in units if fits(u)), None)


def read_prefill(access: Access, args, units: list[Unit], now: datetime) -> Prefill:
    """What the query string asks to prefill; `units` are those where the person may create posts."""
    found = Prefill()
    by_id = {u.id: u for u in units}
    if args.get("unit"):
        try:
            found.unit = by_id.get(database_int(args["unit"]))
        except ValueError:
            found.unit = None
        if found.unit is None:
            found.problems.append(_("You cannot start a post for the unit given in the link."))
    if args.get("event"):
        _read_event(access, args["event"], units, found, now)
    if args.get("slot") or args.get("at"):
        _read_slot(access, args.get("slot"), args.get("at"), units, found, now)
    elif args.get("channel"):
        channel = _fetch(access, Channel, args["channel"], units)
        unit = channel and _unit_for(units, found.unit, lambda u: channel_usable_by(channel, u))
        if channel is None or not channel.active:
            found.problems.append(_("The channel given in the link was not found or is not active."))
        elif unit is None:
            found.problems.append(_("%(channel)s is a channel of another unit.", channel=channel.name))
        else:
            found.channel, found.unit = channel, unit
    return found


def _read_event(access: Access, raw: str, units: list[Unit], found: Prefill, now: datetime) -> None:
    event = _fetch(access, AgendaEvent, raw)
    if event is None:
        found.problems.append(_("The agenda event given in the link was not found."))
        return
    government = government_of(event.unit)
    unit = _unit_for(units, found.unit, lambda u: government_of(u) == government)
    if unit is None:
        found.problems.append(_("This agenda event belongs to another government."))
        return
    found.event, found.unit = event, unit
    # Just after the event ends; for an event that is over, a little after now.
    found.planned_at = max(event.ends_at + AFTER_EVENT,
                           (now + timedelta(minutes=45)).replace(second=0, microsecond=0))


def _read_slot(access: Access, raw_slot: str | None, raw_at: str | None, units: list[Unit],
               found: Prefill, now: datetime) -> None:
    slot = _fetch(access, UploadSlot, raw_slot, units)
    at = parse_instant(raw_at)
    if slot is None or not slot.active or not slot.channel.active:
        found.problems.append(_("The upload slot given in the link was not found or is not active."))
        return
    if at is None:
        found.problems.append(_("The time of the upload slot could not be read; links give it as "
                                "2026-12-02T02:00:00Z."))
        return
    unit = _unit_for(units, found.unit, lambda u: channel_usable_by(slot.channel, u))
    if unit is None:
        found.problems.append(_("%(channel)s is a channel of another unit.", channel=slot.channel.name))
        return
    if not slot_occurs_at(slot, at):
        found.problems.append(_("The time given is not one of the times of the upload slot "
                                "%(slot)s.", slot=slot.label or slot.channel.name))
        return
    if at < now:
        found.problems.append(_("This slot time has already passed: choose a later one."))
        return
    found.slot, found.at, found.channel, found.unit = slot, at, slot.channel, unit
    found.planned_at = at
