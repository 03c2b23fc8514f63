"""Home page per role, and a trivial health endpoint (also the benchmarks' baseline)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from planner.extensions import limiter
from planner.models.base import utcnow
from planner.permissions import current_access
from planner.queries.inbox import inbox_for
from planner.queries.home import home_for

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    access = current_access()
    today = current_user.home_unit.today()
    waiting = inbox_for(access, access.person, utcnow())
    return render_template("main/home.html", home=home_for(access, today), today=today,
                           waiting=waiting[:5], waiting_total=len(waiting),
                           overdue=sum(1 for item in waiting if item.overdue))


@bp.route("/healthz")
@limiter.exempt
def healthz():
    return {"status": "ok"}
