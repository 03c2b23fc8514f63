"""SOP pages: the SOPs of the units a person can see, a unit's SOP as the official document,
any version, and (for approving heads and system administrators) drafting, editing and
putting a version in force."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner.domain.access import Action
from planner.domain.content import SOP_STATUS_LABELS, STEP_KIND_LABELS
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import violation_text
from planner.models import SopVersion, Unit
from planner.permissions import current_access
from planner.queries.sop import sop_document, sop_of, sops_for, versions_of
from planner.services import record_refusal
from planner.services.posts import categories_for
from planner.services.sops import activate, activation_problems, create_draft, in_force, update_draft
from planner.sop.editor import RouteExists, UnknownAction, restructure, without_huge_indices
from planner.sop.forms import ActivateForm, SopDraftForm, draft_form_data

bp = Blueprint("sop", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.context_processor
def _labels():
    kinds = {kind: _(label) for kind, label in STEP_KIND_LABELS.items()}
    statuses = {status: _(label) for status, label in SOP_STATUS_LABELS.items()}
    return {"step_kind_label": kinds.__getitem__, "sop_status_label": statuses.__getitem__}


@bp.route("/sop")
def index():
    return render_template("sop/index.html", rows=sops_for(current_access()))


@bp.route("/units/<int:unit_id>/sop")
def unit_sop(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.VIEW_SOP)
    current = in_force(unit)
    document = sop_document(current) if current is not None else None
    if document is not None:
        versions = document.versions
    else:
        sop = sop_of(unit)
        versions = versions_of(sop.id) if sop is not None else []
    return render_template("sop/unit.html", unit=unit, document=document, versions=versions,
                           can_manage=access.can(Action.MANAGE_SOP, unit))


@bp.route("/sop/versions/<int:version_id>")
def version(version_id: int):
    access = current_access()
    found = access.fetch(SopVersion, version_id, Action.VIEW_SOP)
    document = sop_document(found)
    return render_template("sop/version.html", document=document, unit=document.unit,
                           can_manage=access.can(Action.MANAGE_SOP, found))


@bp.post("/units/<int:unit_id>/sop/new")
def new_draft(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_SOP)
    based_on = in_force(unit)
    draft = create_draft(current_user, access, unit, based_on=based_on)
    if based_on is not None:
        flash(_("Version %(number)s has been drafted from version %(base)s, which stays in force "
                "until the new one is put in force.", number=draft.number, base=based_on.number),
              "success")
    else:
        flash(_("Version %(number)s has been drafted. Add its routes and steps.", number=draft.number),
              "success")
    return redirect(url_for("sop.edit_version", version_id=draft.id))


@bp.post("/sop/versions/<int:version_id>/copy")
def copy_version(version_id: int):
    access = current_access()
    based_on = access.fetch(SopVersion, version_id, Action.MANAGE_SOP)
    draft = create_draft(current_user, access, based_on.sop.unit, based_on=based_on)
    flash(_("Version %(number)s has been drafted from version %(base)s.", number=draft.number,
            base=based_on.number), "success")
    return redirect(url_for("sop.edit_version", version_id=draft.id))


def _not_editable(found: SopVersion):
    """Refuse a change to a version in force or retired, offering to draft a new one.  An
    attempt to save or activate it is a refused attempt, and audited as one."""
    if request.method == "POST":
        record_refusal(current_user._get_current_object(), "sop.change_refused", found.sop.unit_id,
                       version_id=found.id, number=found.number, status=found.status,
                       path=request.path[:300])
    return render_template("sop/not_editable.html", version=found, unit=found.sop.unit), 409


def _draft_form(version: SopVersion, formdata=None, *, reload: bool = False) -> SopDraftForm:
    """The editor: the draft as saved (`reload`), the submitted form, or `formdata` as
    rearranged by a row button."""
    if reload:
        form = SopDraftForm(formdata=None, data=draft_form_data(version))
    elif formdata is not None:
        form = SopDraftForm(formdata=formdata)
    else:
        form = SopDraftForm(formdata=without_huge_indices(request.form))
    form.prepare(categories_for(version.sop.unit), [r.category_code for r in version.routes])
    return form


@bp.route("/sop/versions/<int:version_id>/edit", methods=["GET", "POST"])
def edit_version(version_id: int):
    access = current_access()
    draft = access.fetch(SopVersion, version_id, Action.MANAGE_SOP)
    if not draft.editable:
        return _not_editable(draft)
    unit = draft.sop.unit
    action = request.form.get("action", "save") if request.method == "POST" else None
    if action is None:
        form = _draft_form(draft, reload=True)
    elif action == "save":
        form = _draft_form(draft)
    else:
        # A row button: show the form again with the change, saving nothing.
        notice = None
        try:
            formdata = restructure(request.form, action)
        except UnknownAction:
            abort(400)
        except RouteExists:
            formdata, notice = request.form, _("This category has a route already.")
        form = _draft_form(draft, formdata)
        if notice:
            form.new_route.errors = [notice]
        return render_template("sop/edit.html", form=form, version=draft, unit=unit)
    if action == "save" and form.validate_on_submit():
        try:
            update_draft(current_user, access, draft, form.expected_version, identity=form.identity(),
                         routes=form.route_specs(), standards=form.standard_specs())
        except RuleViolated as error:
            if not draft.editable:  # put in force by someone else meanwhile
                return _not_editable(draft)
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            draft = access.fetch(SopVersion, version_id, Action.MANAGE_SOP)
            if not draft.editable:
                return _not_editable(draft)
            form = _draft_form(draft, reload=True)
            form.apply_stale(error, unit)
        else:
            flash(_("Draft version %(number)s has been saved.", number=draft.number), "success")
            return redirect(url_for("sop.version", version_id=draft.id))
    return render_template("sop/edit.html", form=form, version=draft, unit=unit)


@bp.route("/sop/versions/<int:version_id>/activate", methods=["GET", "POST"])
def activate_version(version_id: int):
    access = current_access()
    draft = access.fetch(SopVersion, version_id, Action.MANAGE_SOP)
    if not draft.editable:
        return _not_editable(draft)
    unit = draft.sop.unit
    form = ActivateForm()
    problems = []
    if request.method == "GET":
        form.effective_date.data = draft.effective_date or unit.today()
        form.version.data = draft.version
        problems = [violation_text(v) for v in activation_problems(draft, form.effective_date.data)]
    elif form.validate_on_submit():
        retiring = in_force(unit)
        try:
            activate(current_user, access, draft, form.expected_version,
                     effective_date=form.effective_date.data)
        except RuleViolated as error:
            if not draft.editable:
                return _not_editable(draft)
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            draft = access.fetch(SopVersion, version_id, Action.MANAGE_SOP)
            form.version.data = draft.version
            form.apply_stale(error, unit)
        else:
            if retiring is not None:
                flash(_("Version %(number)s is now in force; version %(old)s has been retired.",
                        number=draft.number, old=retiring.number), "success")
            else:
                flash(_("Version %(number)s is now in force.", number=draft.number), "success")
            return redirect(url_for("sop.unit_sop", unit_id=unit.id))
    return render_template("sop/activate.html", form=form, version=draft, unit=unit,
                           problems=problems, current=in_force(unit))
