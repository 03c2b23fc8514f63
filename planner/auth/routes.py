"""Routes for signing in and out, changing one's password and choosing a language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from planner.auth.forms import ChangePasswordForm, SignInForm
from planner.domain.errors import RuleViolated, StaleEdit
from planner.domain.organisation import LANGUAGES
from planner.extensions import limiter
from planner.services import sessions
from planner.services.people import set_language

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    """The account a sign-in attempt is for (JSON bodies are refused before this runs)."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()


def _sign_in_failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def _password_change_key() -> str:
    # Limits are checked before the view (and before login_required), so someone may be anonymous.
    return f"password-change:{getattr(current_user, 'id', 'anonymous')}"


def _password_change_failed(response) -> bool:
    return bool(g.get("password_change_failed"))


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unbalanced "[" in a host: not a local path either
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_sign_in_failed, scope="sign-in-account")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_FAILED_PER_ADDRESS"], methods=["POST"],
               deduct_when=_sign_in_failed, scope="sign-in-address")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        person = sessions.authenticate(form.email.data, form.password.data)
        if person is not None:
            sessions.start_session(person, request.user_agent.string)
            session.clear()
            login_user(person)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
        g.sign_in_failed = True
        form.form_errors.append(_("The e-mail address or the password is not correct."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end_session(current_user, current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_LIMIT"], key_func=_password_change_key,
               methods=["POST"], deduct_when=_password_change_failed, scope="password-change")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            sessions.change_own_password(current_user, form.current_password.data,
                                         form.new_password.data, request.user_agent.string)
        except RuleViolated as error:
            g.password_change_failed = any(v.field == "current_password" for v in error.violations)
            form.apply(error)
        else:
            # The person now carries the new session's token; the old one is dead.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Every other session has been signed out."),
                  "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/language", methods=["POST"])
def language():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            try:
                set_language(current_user, lang)
            except StaleEdit:
                pass  # an administrator saved the profile at that moment; the session keeps the choice
    return redirect(_safe_next(request.form.get("next")) or url_for("main.home"))
