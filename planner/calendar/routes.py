"""Routes of the calendar feature (see the package docstring)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calendar", __name__)
