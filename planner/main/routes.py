"""Home page per role, and a trivial health endpoint (also the benchmarks' baseline)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from planner.domain.access import RULES, Action
from planner.extensions import limiter
from planner.models.base import utcnow
from planner.permissions import current_access
from planner.queries.agenda import uncovered_events
from planner.queries.inbox import inbox_for
from planner.queries.home import home_for

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    access = current_access()
    today = current_user.home_unit.today()
    now = utcnow()
    waiting = inbox_for(access, access.person, now)
    return render_template("main/home.html", home=home_for(access, today), today=today,
                           waiting=waiting[:5], waiting_total=len(waiting),
                           overdue=sum(1 for item in waiting if item.overdue),
                           uncovered=_uncovered_this_week(access, now))


def _uncovered_this_week(access, now) -> list | None:
    """The events of the next seven days nobody covers yet, in the units where the person
    arranges coverage (None for those who do not)."""
    if not access.can_anywhere(Action.MANAGE_AGENDA):
        return None
    units = [g.unit_id for g in access.grants if g.role in RULES[Action.MANAGE_AGENDA]]
    return uncovered_events(access, units, now, now + timedelta(days=7))


@bp.route("/healthz")
@limiter.exempt
def healthz():
    return {"status": "ok"}
