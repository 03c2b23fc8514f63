"""Routes of distribution networks: a unit's network as a tree, creating, editing,
deactivating and reactivating its groups, and the unit's monthly distribution report.  The
distribution log and reuse of a post live in `planner.distribution.post_routes` on the same
blueprint; the label and number filters here serve the post page's panel too."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext as _
from flask_login import current_user, login_required

from planner.distribution.forms import GroupForm, ToggleForm, UnitPickForm
from planner.domain.access import Action
from planner.domain.content import (AMPLIFICATION_KIND_LABELS, GROUP_LEVEL_LABELS,
                                    AmplificationKind, GroupLevel, Platform)
from planner.domain.distribution import MAX_REPORT_MONTHS, add_months, months_between, parse_month
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import unit_choices
from planner.models import DistributionGroup, Unit
from planner.permissions import current_access
from planner.queries.distribution import month_report, network_of
from planner.queries.planning import usable_channels
from planner.services.distribution import create_group, set_group_active, update_group

bp = Blueprint("distribution", __name__)
INVALID = 422  # a form that was refused: nothing saved, the page shows why
CONFLICT = 409  # someone else changed the group since the form was opened
REPORT_MONTHS = 6  # the report's period when none is asked for


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.app_template_filter("group_level_label")
def group_level_label(level) -> str:
    return _(GROUP_LEVEL_LABELS[GroupLevel(level)])


@bp.app_template_filter("reuse_kind_label")
def reuse_kind_label(kind) -> str:
    return _(AMPLIFICATION_KIND_LABELS[AmplificationKind(kind)])


@bp.app_template_filter("percent")
def percent(value) -> str:
    """A percentage such as 42.5 % in the reader's number format; a dash for none."""
    return "–" if value is None else f"{format_decimal(round(value, 1), '#,##0.#')} %"


@bp.app_template_filter("number")
def number(value) -> str:
    return format_decimal(value or 0)


@bp.app_template_filter("month_label")
def month_label(month) -> str:
    return format_date(date(month[0], month[1], 1), "MMMM yyyy")


# -- the network of a unit -------------------------------------------------------------------

def _default_unit(access, units: list[Unit]) -> Unit | None:
    """The unit of the person's own widest role, else the first they can see."""
    own = {g.unit_id for g in access.grants}
    return next((u for u in units if u.id in own), units[0] if units else None)


def render_network(unit: Unit | None, units: list[Unit], *, notice: str | None = None,
                   status: int = 200):
    access = current_access()
    picker = UnitPickForm(formdata=None)
    picker.unit.choices = unit_choices(units)
    picker.unit.data = unit.id if unit else None
    network = network_of(unit) if unit else None
    return render_template("distribution/index.html", unit=unit, network=network, picker=picker,
                           notice=notice,
                           can_manage=unit is not None and access.can(Action.MANAGE_CHANNELS, unit)
                           ), status


@bp.route("/distribution")
def index():
    access = current_access()
    units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
    if request.args.get("unit"):
        unit = access.fetch(Unit, request.args["unit"], Action.VIEW_POSTS)
    else:
        unit = _default_unit(access, units)
    return render_network(unit, units)


def _group_form(unit: Unit, network, group: DistributionGroup | None, *, fresh: bool = False
                ) -> GroupForm:
    """The group form with the groups it may sit under (active ones, and its current parent)
    and the unit's WhatsApp channels (and the one it names now)."""
    parents = [g for g in network.groups if (g.active or (group is not None and g.id == group.parent_id))
               and (group is None or g.id != group.id)]
    channels = [c for c in usable_channels(unit, active_only=False)
                if c.platform == Platform.WHATSAPP and (c.active or (group and c.id == group.channel_id))]
    form = GroupForm(formdata=None) if fresh else GroupForm()
    form.prepare(parents, channels)
    form.known_parents = {g.id: g for g in network.groups}
    form.known_channels = {c.id: c for c in channels}
    return form


def _fill(form: GroupForm, group: DistributionGroup) -> None:
    form.name.data, form.level.data, form.members.data = group.name, group.level.value, group.members
    form.parent_id.data, form.channel_id.data = group.parent_id or 0, group.channel_id or 0
    form.version.data = group.version


def _chosen(form: GroupForm) -> dict:
    return {"name": form.name.data, "level": GroupLevel(form.level.data), "members": form.members.data,
            "parent": form.known_parents.get(form.parent_id.data),
            "channel": form.known_channels.get(form.channel_id.data)}


@bp.route("/units/<int:unit_id>/distribution/groups/new", methods=["GET", "POST"])
def new_group(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_CHANNELS)
    form = _group_form(unit, network_of(unit), None)
    if request.method == "GET":
        under = request.args.get("parent", type=int)
        form.parent_id.data = under if under in form.known_parents else 0
        form.members.data = 0
    if form.validate_on_submit():
        try:
            group = create_group(current_user, access, unit, **_chosen(form))
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The group “%(name)s” has been added.", name=group.name), "success")
            return redirect(url_for("distribution.index", unit=unit.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("distribution/group_form.html", form=form, unit=unit, group=None), status


@bp.route("/distribution/groups/<int:group_id>/edit", methods=["GET", "POST"])
def edit_group(group_id: int):
    access = current_access()
    group = access.fetch(DistributionGroup, group_id, Action.MANAGE_CHANNELS)
    unit = group.unit
    form = _group_form(unit, network_of(unit), group)
    if request.method == "GET":
        _fill(form, group)
    status = 200
    if form.validate_on_submit():
        try:
            update_group(current_user, access, group, form.expected_version, **_chosen(form))
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            group = access.fetch(DistributionGroup, group_id, Action.MANAGE_CHANNELS)
            form = _group_form(unit, network_of(unit), group, fresh=True)
            _fill(form, group)
            form.apply_stale(error, unit)
            status = CONFLICT
        else:
            flash(_("The group “%(name)s” has been saved.", name=group.name), "success")
            return redirect(url_for("distribution.index", unit=unit.id))
    if form.is_submitted() and status == 200:
        status = INVALID
    return render_template("distribution/group_form.html", form=form, unit=unit, group=group), status


def _toggle(group_id: int, active: bool):
    access = current_access()
    group = access.fetch(DistributionGroup, group_id, Action.MANAGE_CHANNELS)
    form = ToggleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_group_active(current_user, access, group, form.expected_version, active)
    except StaleEdit as error:
        db.session.expire_all()
        group = access.fetch(DistributionGroup, group_id, Action.MANAGE_CHANNELS)
        form.apply_stale(error, group.unit)
        units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
        return render_network(group.unit, units, notice=form.form_errors[-1], status=CONFLICT)
    if active:
        flash(_("The group “%(name)s” is active again.", name=group.name), "success")
    else:
        flash(_("The group “%(name)s” has been deactivated: it is no longer offered and no "
                "longer counts in the network.", name=group.name), "success")
    return redirect(url_for("distribution.index", unit=group.unit_id))


@bp.post("/distribution/groups/<int:group_id>/deactivate")
def deactivate_group(group_id: int):
    return _toggle(group_id, False)


@bp.post("/distribution/groups/<int:group_id>/reactivate")
def reactivate_group(group_id: int):
    return _toggle(group_id, True)


# -- the monthly report ----------------------------------------------------------------------

@bp.route("/units/<int:unit_id>/distribution/report")
def report(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.VIEW_POSTS)
    today = unit.today()
    end = parse_month(request.args["to"]) if request.args.get("to") else (today.year, today.month)
    start = (parse_month(request.args["from"]) if request.args.get("from")
             else add_months(end, 1 - REPORT_MONTHS) if end else None)
    months = months_between(start, end) if start and end else None
    query = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    if months is None:
        error = _("Give the period as months (YYYY-MM), the first not after the last, at most "
                  "%(max)s months.", max=MAX_REPORT_MONTHS)
        return render_template("distribution/report.html", unit=unit, report=None, error=error,
                               query=query), 400
    query = {"from": f"{start[0]:04d}-{start[1]:02d}", "to": f"{end[0]:04d}-{end[1]:02d}"}
    return render_template("distribution/report.html", unit=unit, report=month_report(unit, months),
                           error=None, query=query)


from planner.distribution import post_routes  # noqa: E402,F401  (registers the post views)
