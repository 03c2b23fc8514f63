"""Routes for the audit trail: the filtered list of events and its CSV export.  Read only:
there is no POST route, and nothing here changes anything."""
from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user, login_required

from planner.audit.forms import AuditFilterForm, object_label
from planner.domain.access import Action
from planner.domain.audit_chain import timestamp
from planner.domain.errors import NotPermitted, NotVisible
from planner.extensions import db, limiter, person_key
from planner.models import Person
from planner.models.base import utcnow
from planner.permissions import current_access
from planner.queries.audit import (changes, chain_head, compact, event_page, export_events,
                                   known_actions)

bp = Blueprint("audit", __name__)
MAX_SEQ = 2**62
CSV_COLUMNS = ("seq", "event_id", "occurred_at_utc", "occurred_at_local", "zone", "actor_id",
               "actor", "on_behalf_of_id", "on_behalf_of", "unit_id", "unit", "action",
               "object_type", "object_id", "before", "after", "details", "request_id",
               "prev_hash", "hash")


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


def _filters(access) -> tuple[AuditFilterForm, object]:
    access.require_anywhere(Action.VIEW_AUDIT)
    units = list(db.session.scalars(access.units(Action.VIEW_AUDIT)))
    form = AuditFilterForm(request.args, units, known_actions())
    return form, form.event_filter(current_user.home_unit.zone)


def _seq(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value < MAX_SEQ else None


def _person_label(access, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    try:
        return access.fetch(Person, person_id, Action.VIEW_PEOPLE).name
    except (NotVisible, NotPermitted):
        return f"#{person_id}"


@bp.route("/audit")
def index():
    access = current_access()
    form, event_filter = _filters(access)
    page = event_page(access, event_filter, before=_seq("before"), after=_seq("after"))
    return render_template("audit/index.html", form=form, page=page, head=chain_head(),
                           args=form.active_args(), home_unit=current_user.home_unit,
                           actor_label=_person_label(access, event_filter.actor_id),
                           changes=changes, compact=compact, object_label=object_label)


def _csv_text(value) -> str:
    """Text that Excel would take for a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _csv_row(event, fallback_unit) -> list:
    unit = event.unit or fallback_unit
    local = event.occurred_at.astimezone(unit.zone)
    row = [event.seq, event.id, timestamp(event.occurred_at),
           local.strftime("%Y-%m-%d %H:%M:%S"), unit.timezone.value,
           event.actor_id, event.actor.name if event.actor else "",
           event.on_behalf_of_id, event.on_behalf_of.name if event.on_behalf_of else "",
           event.unit_id, event.unit.name if event.unit else "", event.action,
           event.object_type, event.object_id, _json(event.before), _json(event.after),
           _json(event.details), event.request_id or "", event.prev_hash, event.hash]
    return [_csv_text(value) for value in row]


@bp.route("/audit/export.csv")
@limiter.limit(lambda: current_app.config["EXPORT_LIMIT"], key_func=person_key)
def export():
    """The filtered events, oldest first, as CSV for Excel (UTF-8 with a byte-order mark):
    streamed, so an export of a whole year never sits in memory."""
    access = current_access()
    form, event_filter = _filters(access)
    home_unit = current_user.home_unit

    def lines():
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for count, event in enumerate(export_events(access, event_filter), start=1):
            writer.writerow(_csv_row(event, home_unit))
            if count % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = f"audit-{utcnow().strftime('%Y%m%d-%H%M%S')}.csv"
    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
