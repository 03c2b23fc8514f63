"""Routes of the mix feature (see the package docstring)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mix", __name__)
