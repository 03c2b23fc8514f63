"""Routes of the agenda feature: the agenda list with its uncovered events, an event's page
with its coverage and the posts started from it, adding and editing an event, assigning
someone to cover it and removing an assignment."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from planner.agenda.forms import (AgendaFilterForm, CoverageForm, EditEventForm, NewEventForm,
                                  RemoveCoverageForm)
from planner.domain.access import Action
from planner.domain.agenda_rules import DEFAULT_RANGE_DAYS, check_range
from planner.domain.content import COVERAGE_ROLE_LABELS, EVENT_STATUS_LABELS
from planner.domain.errors import RuleViolated, StaleEdit
from planner.extensions import db
from planner.forms import database_int, unit_choices, violation_text
from planner.models import AgendaEvent, Person, Unit
from planner.permissions import current_access
from planner.queries.agenda import agenda_list, event_page
from planner.services.agenda import assign_coverage, create_event, remove_coverage, update_event

bp = Blueprint("agenda", __name__)
INVALID = 422  # a form that was refused: nothing saved, the page shows why
CONFLICT = 409  # someone else saved the event since the form was opened


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.context_processor
def _labels():
    roles = {role: _(label) for role, label in COVERAGE_ROLE_LABELS.items()}
    statuses = {status: _(label) for status, label in EVENT_STATUS_LABELS.items()}
    return {"coverage_role_label": roles.__getitem__, "event_status_label": statuses.__getitem__}


def _local_midnight(day, zone) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(timezone.utc)


@bp.route("/agenda")
def index():
    access = current_access()
    units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
    # The page's query names are `from` and `to`.
    args = MultiDict({"unit": request.args.get("unit", ""), "start": request.args.get("from", ""),
                      "end": request.args.get("to", ""), "uncovered": request.args.get("uncovered", "")})
    filters = AgendaFilterForm(args)
    filters.set_choices(units)
    filters.validate()
    unit = next((u for u in units if u.id == filters.chosen_unit()), None)
    zone_unit = unit or current_user.home_unit
    start = filters.start.data if not filters.start.errors and filters.start.data else zone_unit.today()
    end = filters.end.data if not filters.end.errors and filters.end.data else None
    if end is not None:
        problems = check_range(start, end)
        if problems:
            filters.end.errors = list(filters.end.errors) + [violation_text(p) for p in problems]
            end = None
    if end is None:
        end = start + timedelta(days=DEFAULT_RANGE_DAYS - 1)
    rows = agenda_list(access, unit, _local_midnight(start, zone_unit.zone),
                       _local_midnight(end + timedelta(days=1), zone_unit.zone),
                       uncovered_only=bool(filters.uncovered.data))
    managed = [u for u in units if access.can(Action.MANAGE_AGENDA, u)]
    return render_template("agenda/index.html", rows=rows, filters=filters, start=start, end=end,
                           zone=zone_unit.timezone.value, new_unit_choices=unit_choices(managed),
                           uncovered_count=sum(1 for row in rows if row.uncovered),
                           subscribe_unit=unit or (units[0] if units else None))


@bp.route("/agenda/new")
def choose_unit():
    """The list's "add an event to…" picker: on to that unit's form."""
    try:
        unit_id = database_int(request.args.get("unit", ""))
    except ValueError:
        abort(400)
    unit = current_access().fetch(Unit, unit_id, Action.MANAGE_AGENDA)
    return redirect(url_for("agenda.new", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/agenda/new", methods=["GET", "POST"])
def new(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.MANAGE_AGENDA)
    form = NewEventForm()
    if form.validate_on_submit():
        try:
            event = create_event(current_user, access, unit, **form.values(unit))
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The event “%(title)s” has been added to the agenda.", title=event.title), "success")
            return redirect(url_for("agenda.event", event_id=event.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("agenda/form.html", form=form, unit=unit, event=None), status


@bp.route("/agenda/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    access = current_access()
    event = access.fetch(AgendaEvent, event_id, Action.MANAGE_AGENDA)
    # A POST carries every field, the version above all; nothing is taken from the record.
    form = EditEventForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.show(event)
        form.version.data = event.version
    status = 200
    if form.validate_on_submit():
        try:
            update_event(current_user, access, event, form.expected_version, **form.values(event.unit))
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            event = access.fetch(AgendaEvent, event_id, Action.MANAGE_AGENDA)
            form = EditEventForm(formdata=None)
            form.show(event)
            form.version.data = event.version
            form.apply_stale(error, event.unit)
            status = CONFLICT
        else:
            flash(_("The event has been saved."), "success")
            return redirect(url_for("agenda.event", event_id=event.id))
    if form.is_submitted() and status == 200:
        status = INVALID
    return render_template("agenda/form.html", form=form, unit=event.unit, event=event), status


def _render_event(event: AgendaEvent, coverage_form: CoverageForm | None = None, status: int = 200):
    access = current_access()
    can_manage = access.can(Action.MANAGE_AGENDA, event)
    page = event_page(access, event, with_candidates=can_manage)
    if coverage_form is None:
        coverage_form = CoverageForm(formdata=None)
    coverage_form.set_choices(page.candidates)
    return render_template("agenda/event.html", page=page, event=event, can_manage=can_manage,
                           coverage_form=coverage_form, remove_form=RemoveCoverageForm(formdata=None),
                           can_start_post=access.can(Action.CREATE_POSTS, event)), status


@bp.route("/agenda/<int:event_id>")
def event(event_id: int):
    found = current_access().fetch(AgendaEvent, event_id, Action.VIEW_POSTS)
    return _render_event(found)


@bp.post("/agenda/<int:event_id>/coverage")
def assign(event_id: int):
    access = current_access()
    found = access.fetch(AgendaEvent, event_id, Action.MANAGE_AGENDA)
    form = CoverageForm()
    form.set_choices(event_page(access, found, with_candidates=True).candidates)
    if form.validate_on_submit():
        person = db.session.get(Person, form.person_id.data)  # one of the offered candidates
        try:
            assign_coverage(current_user, access, found, person=person, role=form.role.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("%(name)s now covers this event.", name=person.name), "success")
            return redirect(url_for("agenda.event", event_id=found.id))
    return _render_event(found, form, INVALID)


@bp.post("/agenda/<int:event_id>/coverage/<int:assignment_id>/remove")
def unassign(event_id: int, assignment_id: int):
    access = current_access()
    found = access.fetch(AgendaEvent, event_id, Action.MANAGE_AGENDA)
    form = RemoveCoverageForm()
    if not form.validate_on_submit():
        abort(400)
    if remove_coverage(current_user, access, found, assignment_id):
        flash(_("The assignment has been removed."), "success")
    else:
        flash(_("That assignment had already been removed."), "info")
    return redirect(url_for("agenda.event", event_id=found.id))


from planner.agenda import import_routes  # noqa: E402,F401  (the import pages, on this blueprint)
