"""Routes of the mix feature: the unit picker and each unit's mix page (planned and published
share of each category per month against the target, as a chart and a table).  The category
list and the target mixes have their own modules, registered on the same blueprint."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import format_date, gettext as _
from flask_login import login_required

from planner.domain import mix
from planner.domain.access import Action
from planner.domain.content import MIX_BOUND_LABELS, PARTICIPATION_LABELS
from planner.extensions import db
from planner.forms import violation_text
from planner.mix.chart import build_chart
from planner.models import Unit
from planner.permissions import current_access
from planner.queries.mix import mix_page

bp = Blueprint("mix", __name__)
BAD_REQUEST = 400


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


def month_label(value, format="MMMM yyyy") -> str:
    return format_date(value, format) if value else ""


@bp.context_processor
def _labels():
    bounds = {bound: _(label) for bound, label in MIX_BOUND_LABELS.items()}
    levels = {level: _(label) for level, label in PARTICIPATION_LABELS.items()}
    return {"bound_label": bounds.__getitem__, "participation_label": levels.__getitem__,
            "month_label": month_label}


@bp.route("/mix")
def index():
    access = current_access()
    units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
    return render_template("mix/index.html", units=units,
                           can_manage_targets=access.can_anywhere(Action.MANAGE_TARGETS))


def _requested_range(unit: Unit):
    """The months asked for (?from=YYYY-MM&to=YYYY-MM), else the last six months to next
    month in the unit's zone; a problem message instead when they cannot be shown."""
    default_first, default_last = mix.default_range(unit.today())
    raw_first, raw_last = request.args.get("from", ""), request.args.get("to", "")
    first = mix.parse_month(raw_first) if raw_first else default_first
    if raw_last:
        last = mix.parse_month(raw_last)
    elif first is not None:  # from a given month: up to next month, within the widest range
        last = max(first, min(default_last, mix.add_months(first, mix.MAX_MONTHS - 1)))
    else:
        last = default_last
    if first is None or last is None:
        return raw_first, raw_last, _("Give the months as YYYY-MM, e.g. 2026-07.")
    problems = mix.check_range(first, last)
    if problems:
        return raw_first, raw_last, violation_text(problems[0])
    return first, last, None


@bp.route("/units/<int:unit_id>/mix")
def unit_mix(unit_id: int):
    access = current_access()
    unit = access.fetch(Unit, unit_id, Action.VIEW_POSTS)
    first, last, problem = _requested_range(unit)
    can_manage = access.can(Action.MANAGE_TARGETS, unit)
    if problem:
        return render_template("mix/unit.html", unit=unit, page=None, chart=None, problem=problem,
                               shown_from=first, shown_to=last, can_manage=can_manage), BAD_REQUEST
    page = mix_page(unit, first, last)
    return render_template("mix/unit.html", unit=unit, page=page, chart=build_chart(page),
                           problem=None, shown_from=first.strftime("%Y-%m"),
                           shown_to=last.strftime("%Y-%m"), can_manage=can_manage)


from planner.mix import category_routes, target_routes  # noqa: E402,F401  (routes on `bp`)
