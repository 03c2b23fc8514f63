"""Calendar pages: the month, week and list views of a unit's posts, empty upload slots and
the leader's agenda; a channel's upload slots (list, create, edit, deactivate); a unit's
schedule adherence per channel and month."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner.calendar.forms import ActiveForm, SlotForm
from planner.calendar.views import (MAX_LIST_DAYS, chosen_filters, day_param, days_between,
                                    local_midnight, month_grid, month_param, rule_in_words,
                                    weekday_names)
from planner.domain.access import Action
from planner.domain.content import (EVENT_STATUS_LABELS, PLATFORM_LABELS, POST_STATE_LABELS,
                                    Platform)
from planner.domain.errors import RuleViolated, StaleEdit
from planner.domain.slots import per_week, week_start
from planner.extensions import db
from planner.models import Channel, Unit, UploadSlot
from planner.models.base import utcnow
from planner.permissions import current_access
from planner.queries.adherence import unit_adherence
from planner.queries.calendar import calendar_entries, channel_slots, entries_by_day, rule_of
from planner.services.slots import create_slot, set_slot_active, update_slot

bp = Blueprint("calendar", __name__)
INVALID = 422  # a form that was refused: nothing saved, the page shows why
CONFLICT = 409  # someone else changed the slot since the form was opened


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.context_processor
def _labels():
    return {
        "state_label": lambda state: _(POST_STATE_LABELS[state]),
        "platform_label": lambda platform: _(PLATFORM_LABELS[Platform(platform)]),
        "event_status_label": lambda status: _(EVENT_STATUS_LABELS[status]),
        "rule_in_words": rule_in_words,
        "state_choices": [(s.value, _(label)) for s, label in POST_STATE_LABELS.items()],
        # The agenda pages are another feature's; link to them once they exist.
        "agenda_links": "agenda.event" in current_app.view_functions,
    }


def _render(template: str, chosen, first, last, in_range=lambda day: True, **context):
    """A calendar page over the days `first`..`last` (on the unit's wall clock)."""
    unit = chosen.unit
    entries = calendar_entries(current_access(), chosen.filters, local_midnight(first, unit),
                               local_midnight(last + timedelta(days=1), unit), utcnow())
    days = days_between(first, last, entries_by_day(entries, unit), unit.today(), in_range)
    return render_template(template, chosen=chosen, unit=unit, first=first, last=last, days=days,
                           weekdays=weekday_names(), count=len(entries), **context)


@bp.route("/calendar")
def month():
    chosen = chosen_filters(current_access())
    shown = month_param("month", chosen.unit.today())
    first, last = month_grid(shown)
    previous = (shown - timedelta(days=1)).replace(day=1)
    following = (shown + timedelta(days=32)).replace(day=1)
    return _render("calendar/month.html", chosen, first, last,
                   lambda day: day.month == shown.month, month=shown,
                   previous=previous.strftime("%Y-%m"), following=following.strftime("%Y-%m"))


@bp.route("/calendar/week")
def week():
    chosen = chosen_filters(current_access())
    monday = week_start(day_param("week", chosen.unit.today()))
    return _render("calendar/week.html", chosen, monday, monday + timedelta(days=6),
                   previous=(monday - timedelta(days=7)).isoformat(),
                   following=(monday + timedelta(days=7)).isoformat())


@bp.route("/calendar/list")
def list_view():
    chosen = chosen_filters(current_access())
    today = chosen.unit.today()
    first = day_param("from", today)
    last = day_param("to", first + timedelta(days=30))
    if last < first or (last - first).days >= MAX_LIST_DAYS:
        abort(400)
    span = (last - first).days + 1
    return _render("calendar/list.html", chosen, first, last, max_days=MAX_LIST_DAYS,
                   earlier={**chosen.query, "from": (first - timedelta(days=span)).isoformat(),
                            "to": (first - timedelta(days=1)).isoformat()},
                   later={**chosen.query, "from": (last + timedelta(days=1)).isoformat(),
                          "to": (last + timedelta(days=span)).isoformat()})


# -- upload slots ----------------------------------------------------------------------------

def _weekly(channel: Channel, slots) -> dict:
    """Slots this week and next against the channel's weekly target."""
    unit = channel.unit
    monday = week_start(unit.today())
    start, end = local_midnight(monday, unit), local_midnight(monday + timedelta(days=14), unit)
    counts = per_week((at for slot in slots if slot.active
                       for at in rule_of(slot).occurrences(start, end)), unit.zone)
    return {"this_week": counts[monday], "next_week": counts[monday + timedelta(days=7)],
            "target": channel.weekly_target}


def _slots_page(channel: Channel, form: SlotForm, status: int = 200):
    slots = channel_slots(channel)
    return render_template("calendar/slots.html", channel=channel, unit=channel.unit, slots=slots,
                           form=form, weekly=_weekly(channel, slots), active_form=ActiveForm()), status


@bp.route("/channels/<int:channel_id>/slots", methods=["GET", "POST"])
def slots(channel_id: int):
    access = current_access()
    channel = access.fetch(Channel, channel_id, Action.MANAGE_CHANNELS)
    form = SlotForm()
    if request.method == "GET":
        form.starts_on.data = channel.unit.today()
        return _slots_page(channel, form)
    if form.validate_on_submit():
        try:
            slot = create_slot(current_user, access, channel, label=form.label.data,
                               rule=form.rule_text(), starts_on=form.starts_on.data,
                               time_of_day=form.time_of_day.data, ends_on=form.ends_on.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The slot “%(rule)s” has been added.", rule=rule_in_words(slot)), "success")
            return redirect(url_for("calendar.slots", channel_id=channel.id))
    return _slots_page(channel, form, INVALID)


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
def edit_slot(slot_id: int):
    access = current_access()
    slot = access.fetch(UploadSlot, slot_id, Action.MANAGE_CHANNELS)
    channel = slot.channel
    form = SlotForm()
    status = 200
    if request.method == "GET":
        form.show(slot)
    elif form.validate_on_submit():
        try:
            update_slot(current_user, access, slot, form.expected_version, label=form.label.data,
                        rule=form.rule_text(), starts_on=form.starts_on.data,
                        time_of_day=form.time_of_day.data, ends_on=form.ends_on.data)
        except RuleViolated as error:
            form.apply(error)
            status = INVALID
        except StaleEdit as error:
            db.session.expire_all()
            slot = access.fetch(UploadSlot, slot_id, Action.MANAGE_CHANNELS)
            form = SlotForm(formdata=None)
            form.show(slot)
            form.apply_stale(error, channel.unit)
            status = CONFLICT
        else:
            flash(_("The slot has been saved: %(rule)s.", rule=rule_in_words(slot)), "success")
            return redirect(url_for("calendar.slots", channel_id=channel.id))
    else:
        status = INVALID
    return render_template("calendar/slot_edit.html", form=form, slot=slot, channel=channel,
                           unit=channel.unit), status


def _set_active(slot_id: int, active: bool):
    access = current_access()
    slot = access.fetch(UploadSlot, slot_id, Action.MANAGE_CHANNELS)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_slot_active(current_user, access, slot, form.expected_version, active)
    except StaleEdit:
        flash(_("Someone else changed this slot meanwhile; nothing was changed. Here is its "
                "current state."), "error")
    else:
        flash(_("The slot is active again.") if active else
              _("The slot has been deactivated: it no longer shows on the calendar."), "success")
    return redirect(url_for("calendar.slots", channel_id=slot.channel_id))


@bp.post("/slots/<int:slot_id>/deactivate")
def deactivate_slot(slot_id: int):
    return _set_active(slot_id, False)


@bp.post("/slots/<int:slot_id>/activate")
def activate_slot(slot_id: int):
    return _set_active(slot_id, True)


# -- schedule adherence ----------------------------------------------------------------------

@bp.route("/units/<int:unit_id>/adherence")
def adherence(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.VIEW_POSTS)
    shown = month_param("month", unit.today())
    previous = (shown - timedelta(days=1)).replace(day=1)
    following = (shown + timedelta(days=32)).replace(day=1)
    report = unit_adherence(unit, shown)
    return render_template("calendar/adherence.html", report=report, unit=unit, month=shown,
                           previous=previous.strftime("%Y-%m"), following=following.strftime("%Y-%m"),
                           can_manage=access.can(Action.MANAGE_CHANNELS, unit))
