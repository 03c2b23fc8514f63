"""Routes of the channels feature: the channel list, a channel's page with its follower
history, adding and editing a channel, recording a follower count, and a unit's planner
settings."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from planner.channels.forms import (ChannelFilterForm, EditChannelForm, FollowerCountForm,
                                    NewChannelForm, SettingsForm)
from planner.domain.access import Action
from planner.domain.content import PLATFORM_LABELS, Platform
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import database_int, unit_choices
from planner.models import Channel, PlannerSettings, Unit
from planner.permissions import current_access
from planner.queries.channels import channel_list, channel_page, movable_to, visible_units
from planner.queries.planning import settings_for
from planner.services.channels import (NO_ROW_YET, create_channel, record_followers, save_settings,
                                       update_channel)

bp = Blueprint("channels", __name__)
INVALID = 422  # a form that was refused: nothing saved, the page shows why
CONFLICT = 409  # someone else saved the record since the form was opened


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.context_processor
def _labels():
    labels = {platform: _(label) for platform, label in PLATFORM_LABELS.items()}
    return {"platform_label": lambda platform: labels[Platform(platform)], "number": format_decimal}


@bp.route("/channels")
def index():
    access = current_access()
    units = visible_units(access)
    filters = ChannelFilterForm(request.args)
    filters.set_choices(units)
    filters.validate()
    unit_id, platform = filters.chosen("unit"), filters.chosen("platform")
    unit = next((u for u in units if u.id == unit_id), None)
    groups = channel_list(access, unit, Platform(platform) if platform else None)
    managed = [u for u in units if access.can(Action.MANAGE_CHANNELS, u)]
    return render_template("channels/index.html", groups=groups, filters=filters,
                           new_unit_choices=unit_choices(managed), filtered=bool(unit or platform))


@bp.route("/channels/new")
def choose_unit():
    """The list's "add a channel to…" picker: on to that unit's form."""
    try:
        unit_id = database_int(request.args.get("unit", ""))
    except ValueError:
        abort(400)
    unit = current_access().fetch(Unit, unit_id, Action.MANAGE_CHANNELS)
    return redirect(url_for("channels.new", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/channels/new", methods=["GET", "POST"])
def new(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_CHANNELS)
    form = NewChannelForm()
    if form.validate_on_submit():
        try:
            channel = create_channel(current_user, access, unit, **form.values())
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The channel “%(name)s” has been added.", name=channel.name), "success")
            return redirect(url_for("channels.detail", channel_id=channel.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("channels/form.html", form=form, unit=unit, channel=None), status


def _edit_form(access, channel: Channel, formdata=None) -> EditChannelForm:
    """The edit form: the channel as saved (`formdata` None) or as submitted."""
    if formdata is None:
        form = EditChannelForm(formdata=None, obj=channel)
        form.platform.data = channel.platform.value
        form.unit_id.data = channel.unit_id
        form.version.data = channel.version
    else:
        form = EditChannelForm(formdata=formdata)
    # The channel's own unit is among them: editing already needs MANAGE_CHANNELS there.
    form.unit_id.choices = unit_choices(movable_to(access, channel))
    return form


@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
def edit(channel_id: int):
    access = current_access()
    channel = access.fetch(Channel, channel_id, Action.MANAGE_CHANNELS)
    # A POST carries every field, the version above all; nothing is taken from the record.
    form = _edit_form(access, channel, request.form if request.method == "POST" else None)
    status = 200
    if form.validate_on_submit():
        unit = (channel.unit if form.unit_id.data == channel.unit_id
                else access.fetch(Unit, form.unit_id.data, Action.MANAGE_CHANNELS))
        try:
            update_channel(current_user, access, channel, form.expected_version, unit=unit,
                           **form.values())
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            channel = access.fetch(Channel, channel_id, Action.MANAGE_CHANNELS)
            form = _edit_form(access, channel)
            form.apply_stale(error, channel.unit)
            status = CONFLICT
        else:
            flash(_("The channel “%(name)s” has been saved.", name=channel.name), "success")
            return redirect(url_for("channels.detail", channel_id=channel.id))
    if form.is_submitted() and status == 200:
        status = INVALID
    return render_template("channels/form.html", form=form, unit=channel.unit, channel=channel), status


def _render_detail(channel: Channel, count_form: FollowerCountForm | None = None, status: int = 200):
    access = current_access()
    if count_form is None:
        count_form = FollowerCountForm(formdata=None)
        count_form.recorded_on.data = channel.unit.today()
    return render_template(
        "channels/detail.html", page=channel_page(channel), channel=channel, count_form=count_form,
        can_manage=access.can(Action.MANAGE_CHANNELS, channel),
        can_set_targets=access.can(Action.MANAGE_TARGETS, channel.unit),
        # The calendar feature owns the slot pages; link them once they exist.
        slots_page="calendar.slots" in current_app.view_functions), status


@bp.route("/channels/<int:channel_id>")
def detail(channel_id: int):
    channel = current_access().fetch(Channel, channel_id, Action.VIEW_POSTS)
    return _render_detail(channel)


@bp.post("/channels/<int:channel_id>/followers")
def record_count(channel_id: int):
    access = current_access()
    channel = access.fetch(Channel, channel_id, Action.MANAGE_CHANNELS)
    form = FollowerCountForm()
    if form.validate_on_submit():
        try:
            record_followers(current_user, access, channel, recorded_on=form.recorded_on.data,
                             followers=form.followers.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("%(count)s followers recorded for %(day)s.", count=form.followers.data,
                    day=current_app.jinja_env.filters["date_label"](form.recorded_on.data)),
                  "success")
            return redirect(url_for("channels.detail", channel_id=channel.id))
    return _render_detail(channel, form, INVALID)


# -- a unit's planner settings ---------------------------------------------------------------

def _settings_form(unit: Unit, formdata=None) -> tuple[SettingsForm, PlannerSettings | None]:
    own = db.session.scalar(select(PlannerSettings).where(PlannerSettings.unit_id == unit.id))
    if formdata is not None:
        return SettingsForm(formdata=formdata), own
    current = settings_for(unit)
    form = SettingsForm(formdata=None)
    form.require_website_link.data = current.require_website_link
    form.slot_tolerance_minutes.data = current.slot_tolerance_minutes
    form.distribution_target_percent.data = current.distribution_target_percent
    form.version.data = own.version if own is not None else NO_ROW_YET
    return form, own


def _settings_page(unit: Unit, form: SettingsForm, own: PlannerSettings | None, status: int = 200):
    current = settings_for(unit)
    source = db.session.get(Unit, current.source_unit_id) if current.source_unit_id else None
    return render_template("channels/settings.html", unit=unit, form=form, own=own, current=current,
                           source=source), status


@bp.route("/units/<int:unit_id>/planner-settings", methods=["GET", "POST"])
def settings(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_TARGETS)
    form, own = _settings_form(unit, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            save_settings(current_user, access, unit, form.expected_version,
                          require_website_link=form.require_website_link.data,
                          slot_tolerance_minutes=form.slot_tolerance_minutes.data,
                          distribution_target_percent=form.distribution_target_percent.data)
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            form, own = _settings_form(unit)
            form.apply_stale(error, unit)
            return _settings_page(unit, form, own, CONFLICT)
        else:
            flash(_("The planner settings of %(unit)s have been saved.", unit=unit.display_name),
                  "success")
            return redirect(url_for("channels.settings", unit_id=unit.id))
    return _settings_page(unit, form, own, INVALID if form.is_submitted() else 200)
