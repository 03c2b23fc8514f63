"""Routes of the agenda import: the upload form with the unit's recent imports, the import
itself, and the page of what one import did.

The upload is bounded before anything reads it: Flask-WTF's CSRF check parses the body in
an app-wide `before_request`, so the limit for this one address is set in a URL value
preprocessor (those run before any `before_request`).  A body beyond it is refused by
Werkzeug with 413, which this blueprint answers with the form and the reason beside the
file field; a file within the body limit but beyond AGENDA_IMPORT_MAX_BYTES is caught
while it is read in chunks.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from planner.agenda.import_forms import AgendaImportForm, read_upload, too_large_message
from planner.agenda.routes import INVALID, bp
from planner.domain.access import Action
from planner.domain.errors import RuleViolated, StaleEdit
from planner.domain.ics_text import human_size
from planner.errors import MESSAGES
from planner.extensions import db
from planner.forms import database_int
from planner.models import AgendaImport, Unit
from planner.permissions import current_access
from planner.queries.agenda_imports import import_report, recent_imports, usual_leader
from planner.services.agenda_import import import_agenda

FORM_ALLOWANCE = 64 * 1024  # the other fields and the multipart framing around the file
TOO_LARGE = 413


def _limit() -> int:
    return current_app.config["AGENDA_IMPORT_MAX_BYTES"]


@bp.url_value_preprocessor
def _bound_upload(endpoint, values):
    if endpoint == "agenda.import_calendar" and request.method == "POST":
        request.max_content_length = _limit() + FORM_ALLOWANCE


def _managed_units() -> list[Unit]:
    return list(db.session.scalars(current_access().units(Action.MANAGE_AGENDA)))


def _chosen(units: list[Unit], value) -> Unit | None:
    try:
        wanted = database_int(value) if value not in (None, "") else None
    except ValueError:
        wanted = None
    return next((u for u in units if u.id == wanted), units[0] if units else None)


def _render(form: AgendaImportForm, unit: Unit | None, status: int = 200):
    return render_template("agenda/import.html", form=form, unit=unit,
                           imports=recent_imports(unit) if unit is not None else [],
                           limit=human_size(_limit())), status


@bp.route("/agenda/import", methods=["GET", "POST"])
def import_calendar():
    access = current_access()
    access.require_anywhere(Action.MANAGE_AGENDA)
    units = _managed_units()
    form = AgendaImportForm()
    form.set_choices(units)
    if request.method == "GET":
        unit = _chosen(units, request.args.get("unit"))
        if unit is not None:
            form.unit.data = unit.id
            form.leader.data = usual_leader(unit)
        return _render(form, unit)
    unit = None
    if form.validate_on_submit():
        unit = access.fetch(Unit, form.unit.data, Action.MANAGE_AGENDA)
        data = read_upload(form.file.data, _limit())
        if data is None:
            form.refuse_file(too_large_message(human_size(_limit())))
        else:
            try:
                imported = import_agenda(current_user, access, unit, filename=form.file.data.filename,
                                         data=data, leader=form.leader.data, untitled=_("(untitled)"))
            except RuleViolated as error:
                form.apply(error)
            except StaleEdit:
                form.refuse_file(_("Another import into this agenda was saved at the same moment, so "
                                   "nothing from this file was imported. Send the file again."))
            else:
                flash(_("The calendar “%(calendar)s” has been imported.",
                        calendar=imported.source_calendar), "success")
                return redirect(url_for("agenda.import_result", import_id=imported.id))
    return _render(form, unit or _chosen(units, form.unit.data), INVALID)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body beyond the limit: the form again, with the reason beside the file field."""
    if (request.endpoint != "agenda.import_calendar" or not current_user.is_authenticated
            or not current_access().can_anywhere(Action.MANAGE_AGENDA)):
        title, message = MESSAGES[TOO_LARGE]
        return render_template("errors/error.html", code=TOO_LARGE, title=title, message=message), TOO_LARGE
    units = _managed_units()
    form = AgendaImportForm(formdata=None)
    form.set_choices(units)
    unit = _chosen(units, None)
    if unit is not None:
        form.unit.data, form.leader.data = unit.id, usual_leader(unit)
    form.refuse_file(too_large_message(human_size(_limit())))
    return _render(form, unit, TOO_LARGE)


@bp.route("/agenda/imports/<int:import_id>")
def import_result(import_id: int):
    record = current_access().fetch(AgendaImport, import_id, Action.MANAGE_AGENDA)
    return render_template("agenda/import_result.html", report=import_report(record), record=record)
