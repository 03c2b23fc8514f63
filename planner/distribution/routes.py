"""Routes of the distribution feature (see the package docstring)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("distribution", __name__)
