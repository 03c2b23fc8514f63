"""Unbound extension objects; the application factory binds them with `init_app`."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from planner.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)


def person_key() -> str:
    """Rate-limit key for signed-in work: the person, never the office's shared address.
    (Limits run before `login_required`, so the visitor may still be anonymous.)"""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return f"person:{current_user.id}"
    return f"address:{get_remote_address()}"
