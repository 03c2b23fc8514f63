"""Wiring of the web layer: extensions, blueprints, template helpers and logging."""
from __future__ import annotations

import logging
import re
import uuid
from urllib.parse import unquote
from functools import lru_cache

from flask import Flask, abort, g, request, session
from flask_babel import format_date, format_datetime, get_locale, lazy_gettext
from flask_login import current_user

from planner.domain.organisation import (
    DELEGATION_KIND_LABELS, DELEGATION_KIND_SHORT, LANGUAGES, ROLE_LABELS, UNIT_TYPE_LABELS, ZONES,
)
from planner.extensions import babel, csrf, db, limiter, login_manager, migrate, talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_language in LANGUAGES:
        return current_user.preferred_language
    return "id"


def register_extensions(app: Flask) -> None:
    import planner.models  # noqa: F401  (every table must be known to Alembic)
    from planner.services.sessions import person_for_token

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True,
                     render_item=render_migration_item)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    limiter.init_app(app)
    # Registered before the security-headers extension, so that it runs after it.
    app.after_request(pin_referrer_policy)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "()",
                            "browsing-topics": "()"},
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to open that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are checked on the server instead
    login_manager.user_loader(person_for_token)


FEED_PATHS = "/feeds/"  # a feed's address holds its token, even mistyped (/feeds/<token>)


def pin_referrer_policy(response):
    """A page that shows or serves a secret address asks for a stricter Referrer-Policy than
    the application's (`g.referrer_policy = "no-referrer"`); it gets it here, after the
    security-headers extension has set the default.  So does any answer under /feeds/, even
    the error page of a mistyped feed address, whose styles would carry it as Referer."""
    policy = g.get("referrer_policy")
    if policy is None and request.path.startswith(FEED_PATHS):
        policy = "no-referrer"
    if policy:
        response.headers["Referrer-Policy"] = policy
    return response


def render_migration_item(type_, obj, autogen_context):
    """Migrations name plain SQLAlchemy types, never the application's own classes."""
    from planner.models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def reject_unusable_input():
    """Refuse, before any route runs, input no page of Pranata takes: a JSON body (every form
    is an HTML form; Flask-WTF would otherwise read JSON too) and text with a NUL byte
    (PostgreSQL refuses those)."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.is_json:
        abort(415)
    for values in (request.args, request.form):
        for _, items in values.lists():
            if any("\x00" in value for value in items):
                abort(400)


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def assign_request_id():
    """Every request gets an id, stamped on the audit events it writes and returned in
    `X-Request-ID`.  Behind a trusted proxy (TRUSTED_PROXIES) a well-formed id it sends is
    kept, so that its logs and ours join up; otherwise a client could choose the id."""
    from flask import current_app

    from planner.services import request_id

    given = request.headers.get("X-Request-ID", "") if current_app.config.get("TRUSTED_PROXIES") else ""
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_id_token = request_id.set(g.request_id)


def return_request_id(response):
    if "request_id" in g:
        response.headers["X-Request-ID"] = g.request_id
    return response


def forget_request_id(_error=None):
    from planner.services import request_id

    token = g.pop("request_id_token", None)
    if token is not None:
        request_id.reset(token)


def register_blueprints(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.after_request(return_request_id)
    app.teardown_request(forget_request_id)
    app.before_request(reject_unusable_input)
    from planner.auth.routes import bp as auth_bp
    from planner.main.routes import bp as main_bp
    from planner.org.routes import bp as org_bp
    from planner.people.routes import bp as people_bp
    from planner.sop.routes import bp as sop_bp
    from planner.posts.routes import bp as posts_bp
    from planner.audit.routes import bp as audit_bp
    from planner.channels.routes import bp as channels_bp
    from planner.mix.routes import bp as mix_bp
    from planner.calendar.routes import bp as calendar_bp
    from planner.agenda.routes import bp as agenda_bp
    from planner.distribution.routes import bp as distribution_bp
    from planner.feeds import bp as feeds_bp

    for bp in (auth_bp, main_bp, org_bp, people_bp, sop_bp, posts_bp, audit_bp, channels_bp,
               mix_bp, calendar_bp, agenda_bp, distribution_bp, feeds_bp):
        app.register_blueprint(bp)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import gettext

    from planner.permissions import current_access

    def local_datetime(value, unit=None, format="medium"):
        """A UTC instant shown in the unit's zone, with the zone's name (WIB, WITA, WIT)."""
        if value is None:
            return ""
        zone = unit.zone if unit is not None else ZONES["WIB"]
        label = unit.timezone.value if unit is not None else "WIB"
        return f"{format_datetime(value.astimezone(zone), format, rebase=False)} {label}"

    @lru_cache(maxsize=4096)
    def _date_label(value, format, locale):
        return format_date(value, format)

    def date_label(value, format="medium"):
        # Long structure pages show the same few dates thousands of times.
        return _date_label(value, format, str(get_locale())) if value else ""

    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["date_label"] = date_label

    @app.context_processor
    def inject():
        # Translated once per page: long structure pages ask for them thousands of times.
        roles = {key: gettext(label) for key, label in ROLE_LABELS.items()}
        unit_types = {key: gettext(label) for key, label in UNIT_TYPE_LABELS.items()}
        kinds = {key: gettext(label) for key, label in DELEGATION_KIND_LABELS.items()}
        return {
            "access": current_access(),
            "role_label": roles.__getitem__,
            "unit_type_label": unit_types.__getitem__,
            "delegation_kind_label": kinds.__getitem__,
            "delegation_short": lambda k: DELEGATION_KIND_SHORT[k],
            "languages": LANGUAGES,
            "current_language": select_locale(),
        }


class SecretFilter(logging.Filter):
    """Keep tokens and passwords out of logs, whatever logs them: werkzeug's and gunicorn's
    request lines, the application's own messages.  A calendar feed's address is its token
    (/feeds/<token>.ics), so any path segment there that ends in .ics or is long enough to
    be a token is hidden, even mistyped (/feeds/<token>.ic, /feeds/<token>); a line with
    percent-encoding is read decoded (werkzeug serves /feeds%2F<token>.ics too), and any
    run of exactly a token's 43 URL-safe characters is hidden wherever it stands."""

    PATTERN = re.compile(r"((?:token|password|secret|csrf_token)=)[^&\s\"']+", re.IGNORECASE)
    FEED_ADDRESS = re.compile(r"(/feeds/)([^/\s\"'?#&]+)", re.IGNORECASE)
    TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")

    @staticmethod
    def _hide_feed(match: re.Match) -> str:
        segment = match.group(2)
        if segment.lower().endswith(".ics"):
            return match.group(1) + "[hidden].ics"
        if len(segment) >= 16:
            return match.group(1) + "[hidden]"
        return match.group(0)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: the handler reports it, as always
            return True
        message = self.PATTERN.sub(r"\1[hidden]", message)
        if "%" in message:
            message = unquote(message)
        message = self.FEED_ADDRESS.sub(self._hide_feed, message.replace("/./", "/"))
        record.msg, record.args = self.TOKEN_LIKE.sub("[hidden]", message), None
        return True


def configure_logging(app: Flask) -> None:
    secret_filter = SecretFilter()
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logging.getLogger(name).addFilter(secret_filter)
    app.logger.addFilter(secret_filter)
