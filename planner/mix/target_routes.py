"""Target mixes per unit and period: the unit's targets (everyone who sees the unit's posts
reads them), and creating, editing and ending one (approving heads, system administrators)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user

from planner.domain.access import Action
from planner.domain.errors import RuleViolated, StaleEdit
from planner.domain.mix import last_of_month
from planner.extensions import db
from planner.mix.forms import MORE_ROWS, EndTargetForm, TargetForm, target_form_data
from planner.mix.routes import bp
from planner.models import MixTarget, Unit
from planner.permissions import current_access
from planner.queries.mix import target_in_force, unit_targets
from planner.services.posts import categories_for
from planner.services import targets as target_service
from planner.sop.editor import without_huge_indices

INVALID = 422
CONFLICT = 409


@bp.route("/units/<int:unit_id>/targets")
def targets(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.VIEW_POSTS)
    own = unit_targets(unit)
    current = target_in_force(unit, unit.today().replace(day=1))
    return render_template("mix/targets.html", unit=unit, targets=own, current=current,
                           can_manage=access.can(Action.MANAGE_TARGETS, unit))


def _offered(unit: Unit, target: MixTarget | None):
    """The categories a line may name: the active ones, and any the target already has."""
    offered = categories_for(unit)
    if target is not None:
        known = {c.id for c in offered}
        kept = [c for line in target.lines for c in line.categories if c.id not in known]
        offered += list({c.id: c for c in kept}.values())
    return offered


def _target_form(unit: Unit, target: MixTarget | None, *, reload: bool = False) -> tuple[TargetForm, bool]:
    """The form as saved (`reload`) or as posted; True when "More lines" was pressed."""
    if reload:
        form = TargetForm(formdata=None, data=target_form_data(target) if target else {})
        form.prepare(_offered(unit, target))
        return form, False
    more = request.method == "POST" and request.form.get("action") == "more-lines"
    form = TargetForm(formdata=without_huge_indices(request.form) if request.method == "POST" else None)
    form.prepare(_offered(unit, target), extra_rows=MORE_ROWS if more else 2)
    return form, more


def _render(form, unit, target, status=200):
    return render_template("mix/target_form.html", form=form, unit=unit, target=target), status


@bp.route("/units/<int:unit_id>/targets/new", methods=["GET", "POST"])
def new_target(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_TARGETS)
    form, more = _target_form(unit, None, reload=request.method != "POST")
    if request.method == "GET":
        form.starts_on.data = unit.today().replace(day=1).strftime("%Y-%m")
    if more or request.method != "POST":
        return _render(form, unit, None)
    if form.validate_on_submit():
        try:
            target_service.create_target(current_user, access, unit, starts_on=form.starts_on.month,
                          ends_on=last_of_month(form.ends_on.month) if form.ends_on.month else None, lines=form.line_specs(),
                          note=form.note.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The target mix has been saved."), "success")
            return redirect(url_for("mix.targets", unit_id=unit.id))
    return _render(form, unit, None, INVALID)


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
def edit_target(target_id: int):
    access = current_access()
    target = access.fetch(MixTarget, target_id, Action.MANAGE_TARGETS)
    unit = target.unit
    form, more = _target_form(unit, target, reload=request.method != "POST")
    if more or request.method != "POST":
        return _render(form, unit, target)
    if form.validate_on_submit():
        try:
            target_service.update_target(current_user, access, target, form.expected_version,
                          starts_on=form.starts_on.month, ends_on=last_of_month(form.ends_on.month) if form.ends_on.month else None,
                          lines=form.line_specs(), note=form.note.data)
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            target = access.fetch(MixTarget, target_id, Action.MANAGE_TARGETS)
            form, _more = _target_form(unit, target, reload=True)
            form.apply_stale(error, unit)
            return _render(form, unit, target, CONFLICT)
        else:
            flash(_("The target mix has been saved."), "success")
            return redirect(url_for("mix.targets", unit_id=unit.id))
    return _render(form, unit, target, INVALID)


@bp.route("/targets/<int:target_id>/end", methods=["GET", "POST"])
def end_target(target_id: int):
    access = current_access()
    target = access.fetch(MixTarget, target_id, Action.MANAGE_TARGETS)
    unit = target.unit
    form = EndTargetForm()
    status = 200
    if request.method == "GET":
        form.version.data = target.version
        form.last_month.data = max(unit.today(), target.starts_on).strftime("%Y-%m")
    elif form.validate_on_submit():
        try:
            target_service.end_target(current_user, access, target, form.expected_version,
                       last_month=form.last_month.month)
        except RuleViolated as error:
            form.apply(error)
            status = INVALID
        except StaleEdit as error:
            db.session.expire_all()
            target = access.fetch(MixTarget, target_id, Action.MANAGE_TARGETS)
            form = EndTargetForm(formdata=None, data={"version": target.version,
                                                      "last_month": form.last_month.data})
            form.apply_stale(error, unit)
            status = CONFLICT
        else:
            flash(_("The target mix now ends on %(date)s.", date=format_date(target.ends_on, "medium")), "success")
            return redirect(url_for("mix.targets", unit_id=unit.id))
    else:
        status = INVALID
    return render_template("mix/target_end.html", form=form, unit=unit, target=target), status
