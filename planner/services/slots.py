"""Upload slots of a channel: create one, edit it, deactivate or reactivate it.

The rule is checked by `planner.domain.slots.parse_rule` before anything is written; each
change locks the slot's row, refuses a form opened before someone else's change, and
writes its audit event last, in the same transaction."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from planner.domain.access import Action
from planner.domain.errors import N_, RuleViolated, Violation
from planner.domain.slots import SlotRule, parse_rule
from planner.extensions import db
from planner.models import Channel, Person, UploadSlot
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import check_version, record, transaction

LABEL_LENGTH = 120


def _snapshot(slot: UploadSlot) -> dict:
    return {"label": slot.label, "rule": slot.rule, "starts_on": slot.starts_on,
            "time_of_day": slot.time_of_day, "ends_on": slot.ends_on, "active": slot.active}


def _checked(channel: Channel, *, label: str | None, rule: str, starts_on: date,
             time_of_day: time, ends_on: date | None) -> tuple[str | None, SlotRule]:
    problems = []
    label = (label or "").strip() or None
    if label is not None and len(label) > LABEL_LENGTH:
        problems.append(Violation("label", N_("Keep the label under %(max)s characters."),
                                  {"max": LABEL_LENGTH}))
    if not channel.active:
        problems.append(Violation(None, N_("This channel is inactive: activate it before "
                                           "planning slots on it."), {}))
    try:
        checked = parse_rule(rule, starts_on=starts_on, time_of_day=time_of_day, ends_on=ends_on,
                             zone=channel.unit.zone)
    except RuleViolated as error:
        problems.extend(error.violations)
        checked = None
    if problems:
        raise RuleViolated(problems)
    return label, checked


def create_slot(actor: Person, access: Access | None, channel: Channel, *, label: str | None,
                rule: str, starts_on: date, time_of_day: time,
                ends_on: date | None = None) -> UploadSlot:
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, channel)
    label, checked = _checked(channel, label=label, rule=rule, starts_on=starts_on,
                              time_of_day=time_of_day, ends_on=ends_on)
    with transaction():
        db.session.execute(select(Channel.id).where(Channel.id == channel.id).with_for_update())
        slot = UploadSlot(channel=channel, label=label, rule=checked.rule, starts_on=starts_on,
                          time_of_day=time_of_day, ends_on=checked.ends_on, active=True,
                          updated_by_id=actor.id if actor else None)
        db.session.add(slot)
        db.session.flush()
        record(actor, "slot.created", slot, channel.unit_id, after=_snapshot(slot),
               channel_id=channel.id)
    return slot


def _lock(slot: UploadSlot, expected_version: int | None) -> None:
    db.session.execute(select(UploadSlot.id).where(UploadSlot.id == slot.id).with_for_update())
    db.session.refresh(slot)
    check_version(slot, expected_version)


def update_slot(actor: Person, access: Access | None, slot: UploadSlot,
                expected_version: int | None, *, label: str | None, rule: str,
                starts_on: date, time_of_day: time, ends_on: date | None = None) -> UploadSlot:
    channel = slot.channel
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, channel)
    label, checked = _checked(channel, label=label, rule=rule, starts_on=starts_on,
                              time_of_day=time_of_day, ends_on=ends_on)
    with transaction():
        _lock(slot, expected_version)
        before = _snapshot(slot)
        slot.label, slot.rule, slot.starts_on = label, checked.rule, starts_on
        slot.time_of_day, slot.ends_on = time_of_day, checked.ends_on
        slot.updated_at, slot.updated_by_id = utcnow(), actor.id if actor else None
        db.session.flush()
        record(actor, "slot.edited", slot, channel.unit_id, before=before, after=_snapshot(slot),
               channel_id=channel.id)
    return slot


def set_slot_active(actor: Person, access: Access | None, slot: UploadSlot,
                    expected_version: int | None, active: bool) -> UploadSlot:
    """Deactivate a slot (it leaves the calendar; variants that filled it keep it) or
    activate it again."""
    channel = slot.channel
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, channel)
    with transaction():
        _lock(slot, expected_version)
        if slot.active == active:
            return slot
        slot.active = active
        slot.updated_at, slot.updated_by_id = utcnow(), actor.id if actor else None
        db.session.flush()
        record(actor, "slot.activated" if active else "slot.deactivated", slot, channel.unit_id,
               before={"active": not active}, after={"active": active}, channel_id=channel.id)
    return slot
