"""Routes for recording and ending role assignments and delegations to acting officials."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from planner.domain.access import Action
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import choice
from planner.models import Delegation, Person, RoleAssignment, Unit
from planner.org.forms import (AssignmentForm, CorrectAssignmentForm, CorrectDelegationForm,
                               DelegationForm, EndForm)
from planner.org.routes import bp
from planner.permissions import current_access
from planner.services.roles import (assign_role, correct_assignment, correct_delegation,
                                    delegate_role, end_assignment, end_delegation)


def _people_choices(access) -> list[SelectChoice]:
    """Active people whose home unit the viewer manages, for choosing a role holder."""
    people = db.session.scalars(
        select(Person).join(Unit, Person.home_unit_id == Unit.id)
        .where(access.unit_condition(Action.MANAGE_PEOPLE), Person.active.is_(True))
        .order_by(Person.name))
    return [choice(p.id, f"{p.name} ({p.email})") for p in people]


@bp.route("/units/<int:unit_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_ASSIGNMENTS)
    form = AssignmentForm()
    form.person_id.choices = _people_choices(access)
    if form.validate_on_submit():
        person = access.fetch(Person, form.person_id.data)
        try:
            assign_role(current_user, access, person=person, unit=unit, role=form.role.data,
                        valid_from=form.valid_from.data, valid_to=form.valid_to.data,
                        position_title=form.position_title.data,
                        decree_number=form.decree_number.data, decree_date=form.decree_date.data,
                        decree_signed_by=form.decree_signed_by.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The role of %(name)s has been recorded.", name=person.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/assignment_form.html", form=form, unit=unit)


@bp.route("/assignments/<int:assignment_id>/end", methods=["GET", "POST"])
def end_assignment_view(assignment_id: int):
    access = current_access()
    assignment = access.fetch(RoleAssignment, assignment_id, Action.MANAGE_ASSIGNMENTS)
    form = EndForm()
    if form.validate_on_submit():
        try:
            end_assignment(current_user, access, assignment, end_date=form.end_date.data,
                           reason=form.reason.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The assignment has been ended; its history is kept."), "success")
            return redirect(url_for("org.unit", unit_id=assignment.unit_id))
    return render_template("org/end_form.html", form=form, unit=assignment.unit,
                           subject=assignment, kind="assignment")


@bp.route("/units/<int:unit_id>/delegations/new", methods=["GET", "POST"])
def new_delegation(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_ASSIGNMENTS)
    assignments = list(db.session.scalars(
        select(RoleAssignment).options(joinedload(RoleAssignment.person))
        .where(RoleAssignment.unit_id == unit.id, RoleAssignment.valid_to.is_(None)
               | (RoleAssignment.valid_to >= unit.today()))
        .order_by(RoleAssignment.role)))
    form = DelegationForm()
    form.assignment_id.choices = [
        choice(a.id, f"{a.person.name} \u2014 {_role_label(a.role)}"
               + (f" ({a.position_title})" if a.position_title else "")) for a in assignments]
    form.delegate_id.choices = _people_choices(access)
    if form.validate_on_submit():
        assignment = next(a for a in assignments if a.id == form.assignment_id.data)
        delegate = access.fetch(Person, form.delegate_id.data)
        try:
            delegate_role(current_user, access, delegator=assignment.person, delegate=delegate,
                          unit=unit, role=assignment.role, kind=form.kind.data,
                          valid_from=form.valid_from.data, valid_to=form.valid_to.data,
                          reason=form.reason.data, decree_number=form.decree_number.data,
                          decree_date=form.decree_date.data,
                          decree_signed_by=form.decree_signed_by.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("%(name)s has been recorded as an acting official.", name=delegate.name), "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/delegation_form.html", form=form, unit=unit)


@bp.route("/delegations/<int:delegation_id>/end", methods=["GET", "POST"])
def end_delegation_view(delegation_id: int):
    access = current_access()
    delegation = access.fetch(Delegation, delegation_id, Action.MANAGE_ASSIGNMENTS)
    form = EndForm()
    if form.validate_on_submit():
        try:
            end_delegation(current_user, access, delegation, end_date=form.end_date.data,
                           reason=form.reason.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The delegation has been ended; its history is kept."), "success")
            return redirect(url_for("org.unit", unit_id=delegation.unit_id))
    return render_template("org/end_form.html", form=form, unit=delegation.unit,
                           subject=delegation, kind="delegation")


@bp.route("/assignments/<int:assignment_id>/correct", methods=["GET", "POST"])
def correct_assignment_view(assignment_id: int):
    access = current_access()
    assignment = access.fetch(RoleAssignment, assignment_id, Action.MANAGE_ASSIGNMENTS)
    return _correct(CorrectAssignmentForm, assignment, "assignment",
                    lambda form: correct_assignment(
                        current_user, access, assignment, position_title=form.position_title.data,
                        decree_number=form.decree_number.data, decree_date=form.decree_date.data,
                        decree_signed_by=form.decree_signed_by.data,
                        expected_version=form.expected_version))


@bp.route("/delegations/<int:delegation_id>/correct", methods=["GET", "POST"])
def correct_delegation_view(delegation_id: int):
    access = current_access()
    delegation = access.fetch(Delegation, delegation_id, Action.MANAGE_ASSIGNMENTS)
    return _correct(CorrectDelegationForm, delegation, "delegation",
                    lambda form: correct_delegation(
                        current_user, access, delegation, reason=form.reason.data,
                        decree_number=form.decree_number.data, decree_date=form.decree_date.data,
                        decree_signed_by=form.decree_signed_by.data,
                        expected_version=form.expected_version))


def _correct(form_class, subject, kind: str, save):
    """Correct the recorded legal basis of an assignment or a delegation."""
    form = form_class(obj=subject if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = subject.version
    if form.validate_on_submit():
        try:
            save(form)
        except StaleEdit as error:
            db.session.expire_all()
            db.session.refresh(subject)
            form = form_class(formdata=None, obj=subject)
            form.version.data = subject.version
            form.apply_stale(error, subject.unit)
        else:
            flash(_("The correction has been saved; the previous values stay in the audit trail."),
                  "success")
            return redirect(url_for("org.unit", unit_id=subject.unit_id))
    return render_template("org/correct_form.html", form=form, unit=subject.unit,
                           subject=subject, kind=kind)


def _role_label(role) -> str:
    from planner.domain.organisation import ROLE_LABELS
    return _(ROLE_LABELS[role])
