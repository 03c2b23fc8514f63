"""Routes for the audit trail (being written)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("audit", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.route("/audit")
def index():
    abort(404)
