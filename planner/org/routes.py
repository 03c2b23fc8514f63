"""Routes for units and the structure page.  Assignment and delegation routes
live in `planner.org.role_routes` on the same blueprint."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.domain.access import Action
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import choice, unit_choices
from planner.models import Delegation, RoleAssignment, Unit
from planner.org.forms import StructureDateForm, UnitForm
from planner.permissions import current_access
from planner.queries.structure import structure_on
from planner.services.units import create_unit, update_unit

bp = Blueprint("org", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.route("/units")
def units():
    access = current_access()
    rows = list(db.session.scalars(access.units()))
    return render_template("org/units.html", units=rows,
                           base_depth=min((u.depth for u in rows), default=0))


@bp.route("/units/new", methods=["GET", "POST"])
def new_unit():
    access = current_access()
    access.require_anywhere(Action.MANAGE_UNITS)
    parents = list(db.session.scalars(access.units(Action.MANAGE_UNITS)))
    form = UnitForm()
    form.parent_id.choices = unit_choices(parents)
    if request.method == "GET":
        parent_id = request.args.get("parent", type=int)
        if parent_id in {u.id for u in parents}:
            form.parent_id.data = parent_id
            form.timezone.data = db.session.get(Unit, parent_id).timezone.value
    if form.validate_on_submit():
        parent = access.fetch(Unit, form.parent_id.data, Action.MANAGE_UNITS)
        try:
            unit = create_unit(current_user, access, name=form.name.data,
                               short_name=form.short_name.data, type=form.type.data,
                               timezone=form.timezone.data, parent=parent)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("Unit %(name)s has been created.", name=unit.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>")
def unit(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id)
    assignments = list(db.session.scalars(
        select(RoleAssignment).options(joinedload(RoleAssignment.person))
        .where(RoleAssignment.unit_id == unit.id)
        .order_by(RoleAssignment.valid_to.is_not(None), RoleAssignment.valid_from.desc())))
    delegations = list(db.session.scalars(
        select(Delegation).options(joinedload(Delegation.delegator), joinedload(Delegation.delegate))
        .where(Delegation.unit_id == unit.id).order_by(Delegation.valid_from.desc())))
    return render_template("org/unit.html", unit=unit, today=unit.today(),
                           assignments=assignments, delegations=delegations,
                           ancestors=_ancestors(unit),
                           can_manage=access.can(Action.MANAGE_UNITS, unit),
                           can_assign=access.can(Action.MANAGE_ASSIGNMENTS, unit))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def edit_unit(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_UNITS)
    parents = [u for u in db.session.scalars(access.units(Action.MANAGE_UNITS))
               if not u.path.startswith(unit.path)]
    # A POST carries every field itself: nothing (above all not the version) is taken from the
    # record, or a form that lost its version would pass for a fresh one.
    form = UnitForm(obj=unit if request.method == "GET" else None)
    form.parent_id.choices = unit_choices(parents)
    if unit.parent is not None and unit.parent_id not in {u.id for u in parents}:
        # The current parent lies outside what this person manages: keep it selectable.
        form.parent_id.choices.insert(0, choice(unit.parent_id, unit.parent.name))
    if unit.parent is None:
        form.parent_id.choices = [choice(0, _("(none: top-level government)"))]
    if request.method == "GET":
        form.type.data, form.timezone.data = unit.type.value, unit.timezone.value
        form.parent_id.data = unit.parent_id or 0
        form.version.data = unit.version
    if form.validate_on_submit():
        parent = None
        if form.parent_id.data:
            parent = (unit.parent if form.parent_id.data == unit.parent_id
                      else access.fetch(Unit, form.parent_id.data, Action.MANAGE_UNITS))
        try:
            update_unit(current_user, access, unit, name=form.name.data,
                        short_name=form.short_name.data, type=form.type.data,
                        timezone=form.timezone.data, parent=parent,
                        expected_version=form.expected_version)
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            unit = access.fetch(Unit, unit_id, Action.MANAGE_UNITS)
            form = _reloaded_unit_form(form, unit)
            form.apply_stale(error, unit)
        else:
            flash(_("Unit %(name)s has been saved.", name=unit.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, unit=unit)


def _reloaded_unit_form(old: UnitForm, unit: Unit) -> UnitForm:
    form = UnitForm(formdata=None, obj=unit)
    form.parent_id.choices = old.parent_id.choices
    form.type.data, form.timezone.data = unit.type.value, unit.timezone.value
    form.parent_id.data = unit.parent_id or 0
    form.version.data = unit.version
    return form


@bp.route("/units/<int:unit_id>/structure")
def structure(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.VIEW_STRUCTURE)
    form = StructureDateForm(request.args)
    if request.args.get("date") and not form.validate():
        abort(400)
    day: date = form.date.data or unit.today()
    include_subunits = request.args.get("sub", "1") != "0"
    blocks = structure_on(unit, day, include_subunits)
    return render_template("org/structure.html", unit=unit, day=day, blocks=blocks, form=form,
                           include_subunits=include_subunits, ancestors=_ancestors(unit))


def _ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit` that the viewer may open, top first (one query)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    access = current_access()
    return [found[i] for i in ids if i in found and access.sees(found[i])]


from planner.org import role_routes  # noqa: E402,F401  (registers the remaining views)
