"""Upload-slot services: create, edit, (de)activate; the rule checked before anything is
written, permission, stale forms refused, and the audit event of each change."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.extensions import db
from planner.models import AuditEvent, UploadSlot
from planner.services.slots import create_slot, set_slot_active, update_slot
from tests import calendar_helpers as ch
from tests.factories import access_of


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(UploadSlot.id))),
            db.session.scalar(select(func.count(AuditEvent.id))))


def add(w, actor=None, rule="RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR", **kwargs):
    actor = actor or w.author
    values = {"label": "Pagi", "starts_on": date(2026, 12, 1), "time_of_day": time(9), "ends_on": None}
    values.update(kwargs)
    return create_slot(actor, access_of(actor), w.instagram, rule=rule, **values)


def test_an_author_adds_a_slot_stored_plain_and_audited(ctx):
    w = ch.calendar_world()
    slot = add(w)
    assert (slot.rule, slot.active, slot.label) == ("FREQ=WEEKLY;BYDAY=MO,WE,FR", True, "Pagi")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "slot.created"))
    assert event.actor_id == w.author.id and event.object_id == slot.id
    assert event.unit_id == w.division.id and event.after["rule"] == "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def test_until_is_kept_as_the_end_date(ctx):
    slot = add(ch.calendar_world(), rule="FREQ=DAILY;UNTIL=20261231")
    assert slot.rule == "FREQ=DAILY" and slot.ends_on == date(2026, 12, 31)


@pytest.mark.parametrize("rule, message", [
    ("FREQ=HOURLY", "Slots repeat at most daily: FREQ=%(freq)s is not accepted."),
    ("FREQ=WEEKLY;BYDAY=MO\nEXDATE:20261207", "Only a single RRULE is accepted here, not %(name)s."),
    ("", "Give a recurrence rule, for example %(example)s."),
])
def test_an_invalid_rule_is_refused_and_nothing_is_written(ctx, rule, message):
    w = ch.calendar_world()
    before = counts()
    with pytest.raises(RuleViolated) as caught:
        add(w, rule=rule)
    assert [(v.field, v.message) for v in caught.value.violations] == [("rule", message)]
    assert counts() == before


def test_a_too_long_label_and_a_bad_rule_are_both_reported(ctx):
    w = ch.calendar_world()
    with pytest.raises(RuleViolated) as caught:
        add(w, label="x" * 121, rule="FREQ=SECONDLY")
    assert {v.field for v in caught.value.violations} == {"label", "rule"}


def test_no_slot_on_an_inactive_channel(ctx):
    w = ch.calendar_world()
    w.instagram.active = False
    db.session.commit()
    before = counts()
    with pytest.raises(RuleViolated):
        add(w)
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "auditor", "contributor", "health_author", "outsider"])
def test_roles_without_channel_management_are_refused(ctx, who):
    w = ch.calendar_world()
    before = counts()
    with pytest.raises(NotPermitted):
        add(w, actor=getattr(w, who))
    assert counts() == before


@pytest.mark.parametrize("who", ["author", "approver", "sysadmin"])
def test_authors_approvers_and_sysadmins_manage_slots(ctx, who):
    w = ch.calendar_world()
    assert add(w, actor=getattr(w, who)).id


def test_an_edit_changes_the_slot_and_records_before_and_after(ctx):
    w = ch.calendar_world()
    slot = add(w)
    update_slot(w.approver, access_of(w.approver), slot, slot.version, label="Sore",
                rule="FREQ=WEEKLY;BYDAY=TU,TH", starts_on=date(2026, 12, 1), time_of_day=time(16),
                ends_on=date(2027, 6, 30))
    db.session.expire_all()
    slot = db.session.get(UploadSlot, slot.id)
    assert (slot.rule, slot.time_of_day, slot.ends_on, slot.version) == \
        ("FREQ=WEEKLY;BYDAY=TU,TH", time(16), date(2027, 6, 30), 2)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "slot.edited"))
    assert event.before["rule"] == "FREQ=WEEKLY;BYDAY=MO,WE,FR" and event.after["label"] == "Sore"


def test_a_stale_edit_is_refused_naming_who_saved_and_changes_nothing(ctx):
    w = ch.calendar_world()
    slot = add(w)
    opened = slot.version
    set_slot_active(w.approver, access_of(w.approver), slot, slot.version, False)
    before = counts()
    with pytest.raises(StaleEdit) as caught:
        update_slot(w.author, access_of(w.author), slot, opened, label=None, rule="FREQ=DAILY",
                    starts_on=date(2026, 12, 1), time_of_day=time(9))
    assert caught.value.changed_by == "Kepala Bagian"
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(UploadSlot, slot.id).rule == "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def test_an_edit_with_a_bad_rule_leaves_the_slot_as_it_was(ctx):
    w = ch.calendar_world()
    slot = add(w)
    with pytest.raises(RuleViolated):
        update_slot(w.author, access_of(w.author), slot, slot.version, label=None,
                    rule="FREQ=DAILY;UNTIL=20261101", starts_on=date(2026, 12, 1), time_of_day=time(9))
    db.session.expire_all()
    assert db.session.get(UploadSlot, slot.id).rule == "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def test_deactivating_and_activating_are_audited_and_a_repeat_changes_nothing(ctx):
    w = ch.calendar_world()
    slot = add(w)
    set_slot_active(w.author, access_of(w.author), slot, slot.version, False)
    assert slot.active is False
    _, events = counts()
    set_slot_active(w.author, access_of(w.author), slot, slot.version, False)
    assert counts()[1] == events
    set_slot_active(w.author, access_of(w.author), slot, slot.version, True)
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("slot.%"))
                                      .order_by(AuditEvent.seq)))
    assert actions == ["slot.created", "slot.deactivated", "slot.activated"]
