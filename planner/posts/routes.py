"""Routes for posts (being written)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("posts", __name__)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.route("/posts")
def index():
    abort(404)


@bp.route("/inbox")
def inbox():
    abort(404)
