"""Error pages: every refusal is a translated page with the right status, never a stack trace."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from planner.domain.errors import NotPermitted, NotVisible, TransitionRefused
from planner.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Sign in required"), _l("Please sign in to open that page.")),
    403: (_l("Not allowed"), _l("Your roles do not allow you to do this.")),
    404: (_l("Not found"), _l("This page does not exist, or it belongs to a unit you cannot see.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    415: (_l("Not accepted"), _l("This address accepts only the forms of its own pages.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again.")),
}


def _page(code: int, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default), code


def _audit_refusal(action: str, **details) -> None:
    """Refused attempts are audit events too: who tried what, where."""
    from flask import request
    from flask_login import current_user

    from planner.services import record_refusal

    actor = current_user._get_current_object() if current_user.is_authenticated else None
    # Placed in the actor's home unit, so that the auditors of their government see it.
    record_refusal(actor, action, actor.home_unit_id if actor else None, method=request.method,
                   path=request.path[:300], endpoint=request.endpoint, **details)


def register_errorhandlers(app: Flask) -> None:
    for code in MESSAGES:
        if code not in (500, 429):
            app.register_error_handler(code, lambda e, code=code: _page(code))

    @app.errorhandler(429)
    def too_many(error):
        from flask import request
        if request.endpoint == "auth.login" and request.method == "POST":
            _audit_refusal("auth.sign_in_throttled")
        return _page(429)

    @app.errorhandler(500)
    def server_error(error):
        # Whatever failed, the transaction it left behind must not leak into the page.
        db.session.rollback()
        return _page(500)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, _l("The form has expired or was not sent from this site. "
                             "Reload the page and try again."))

    @app.errorhandler(NotVisible)
    def not_visible(error):
        return _page(404)

    @app.errorhandler(NotPermitted)
    def not_permitted(error):
        _audit_refusal("access.refused", permission=str(error))
        return _page(403)

    @app.errorhandler(TransitionRefused)
    def transition_refused(error):
        from planner.forms import violation_text

        db.session.rollback()
        if not error.audited:  # the services audit the refusals of the changes they refuse
            _audit_refusal("post.transition_refused", transition=error.transition,
                           reasons=[v.message % v.params if v.params else v.message
                                    for v in error.violations])
        title, _default = MESSAGES[403]
        return render_template("errors/error.html", code=403, title=title,
                               message=_l("The SOP does not allow this step now."),
                               reasons=[violation_text(v) for v in error.violations]), 403
