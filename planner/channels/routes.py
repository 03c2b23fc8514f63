"""Routes of the channels feature (see the package docstring)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("channels", __name__)
