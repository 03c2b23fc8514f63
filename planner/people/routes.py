"""Routes for the people register: list, create, edit, (de)activate, reset password."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from planner.domain.access import Action
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import unit_choices
from planner.models import Delegation, Person, RoleAssignment, Unit
from planner.people.forms import (ConfirmForm, NewPersonForm, PeopleFilterForm, PersonForm,
                                  ResetPasswordForm)
from planner.permissions import current_access
from planner.services.people import (create_person, reset_password, set_active,
                                     sign_out_everywhere, update_person)
from planner.queries.subscriptions import active_feeds
from planner.services.feeds import revoke_all
from planner.services.sessions import live_sessions

bp = Blueprint("people", __name__, url_prefix="/people")
PAGE_SIZE = 50


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.route("")
def index():
    access = current_access()
    access.require_anywhere(Action.VIEW_PEOPLE)
    filters = PeopleFilterForm(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    query = (select(Person).join(Unit, Person.home_unit_id == Unit.id)
             .options(joinedload(Person.home_unit))
             .where(access.unit_condition(Action.VIEW_PEOPLE)))
    if filters.validate() and filters.q.data:
        term = f"%{filters.q.data.strip().lower()}%"
        query = query.where(or_(func.lower(Person.name).like(term),
                                func.lower(Person.email).like(term), Person.nip.like(term)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    people = list(db.session.scalars(
        query.order_by(Person.name).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return render_template("people/index.html", people=people, filters=filters, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total,
                           can_manage=access.can_anywhere(Action.MANAGE_PEOPLE))


def _home_unit_choices(access):
    return unit_choices(list(db.session.scalars(access.units(Action.MANAGE_PEOPLE))))


@bp.route("/new", methods=["GET", "POST"])
def new():
    access = current_access()
    access.require_anywhere(Action.MANAGE_PEOPLE)
    form = NewPersonForm()
    form.home_unit_id.choices = _home_unit_choices(access)
    if form.validate_on_submit():
        unit = access.fetch(Unit, form.home_unit_id.data, Action.MANAGE_PEOPLE)
        try:
            person = create_person(current_user, access, home_unit=unit, name=form.name.data,
                                   email=form.email.data, password=form.password.data,
                                   nip=form.nip.data, position_title=form.position_title.data,
                                   preferred_language=form.preferred_language.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("%(name)s has been added.", name=person.name), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


def _managed_person(access, person_id: int) -> Person:
    person = access.fetch(Person, person_id, Action.MANAGE_PEOPLE)
    access.require_manage_person(person)
    return person


@bp.route("/<int:person_id>")
def show(person_id: int):
    access = current_access()
    person = access.fetch(Person, person_id, Action.VIEW_PEOPLE)
    assignments = list(db.session.scalars(
        select(RoleAssignment).join(Unit, RoleAssignment.unit_id == Unit.id)
        .options(joinedload(RoleAssignment.unit))
        .where(RoleAssignment.person_id == person.id, access.unit_condition(Action.VIEW_UNIT))
        .order_by(RoleAssignment.valid_from.desc())))
    delegations = list(db.session.scalars(
        select(Delegation).join(Unit, Delegation.unit_id == Unit.id)
        .options(joinedload(Delegation.unit), joinedload(Delegation.delegator),
                 joinedload(Delegation.delegate))
        .where(or_(Delegation.delegate_id == person.id, Delegation.delegator_id == person.id),
               access.unit_condition(Action.VIEW_UNIT))
        .order_by(Delegation.valid_from.desc())))
    can_manage = access.can_manage_person(person)
    return render_template("people/show.html", person=person, assignments=assignments,
                           delegations=delegations, today=person.home_unit.today(),
                           can_manage=can_manage, confirm=ConfirmForm(),
                           sessions=live_sessions(person) if can_manage else [],
                           feeds=active_feeds(person) if can_manage else [])


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    access = current_access()
    person = _managed_person(access, person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)  # a POST carries its own version
    form.home_unit_id.choices = _home_unit_choices(access)
    if request.method == "GET":
        form.version.data = person.version
    if form.validate_on_submit():
        unit = access.fetch(Unit, form.home_unit_id.data, Action.MANAGE_PEOPLE)
        try:
            update_person(current_user, access, person, home_unit=unit, name=form.name.data,
                          email=form.email.data, nip=form.nip.data,
                          position_title=form.position_title.data,
                          preferred_language=form.preferred_language.data,
                          expected_version=form.expected_version)
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            person = _managed_person(access, person_id)
            choices = form.home_unit_id.choices
            form = PersonForm(formdata=None, obj=person)
            form.home_unit_id.choices = choices
            form.version.data = person.version
            form.apply_stale(error, person.home_unit)
        else:
            flash(_("%(name)s has been saved.", name=person.name), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=person)


@bp.route("/<int:person_id>/password", methods=["GET", "POST"])
def reset(person_id: int):
    access = current_access()
    person = _managed_person(access, person_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(current_user, access, person, form.password.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The password of %(name)s has been reset and their sessions ended.",
                    name=person.name), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/reset_password.html", form=form, person=person)


@bp.route("/<int:person_id>/<any(activate, deactivate):change>", methods=["POST"])
def activation(person_id: int, change: str):
    access = current_access()
    person = _managed_person(access, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        set_active(current_user, access, person, change == "activate")
    except RuleViolated as error:
        flash(_(error.violations[0].message), "error")
    except StaleEdit:
        flash(_("Someone else changed this person at the same moment. Check the page and try again."),
              "error")
    else:
        if change == "activate":
            flash(_("%(name)s can sign in again.", name=person.name), "success")
        else:
            flash(_("%(name)s has been deactivated and signed out everywhere.", name=person.name),
                  "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/feeds/revoke", methods=["POST"])
def revoke_feeds(person_id: int):
    access = current_access()
    person = _managed_person(access, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoked = revoke_all(current_user, person)
    flash(ngettext("%(num)d calendar subscription of %(name)s has been revoked.",
                   "%(num)d calendar subscriptions of %(name)s have been revoked.", revoked,
                   name=person.name), "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/sessions/end", methods=["POST"])
def end_sessions(person_id: int):
    access = current_access()
    person = _managed_person(access, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ended = sign_out_everywhere(current_user, access, person)
    flash(ngettext("%(num)d session of %(name)s has been ended.",
                   "%(num)d sessions of %(name)s have been ended.", ended, name=person.name),
          "success")
    return redirect(url_for("people.show", person_id=person.id))
