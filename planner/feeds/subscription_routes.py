"""The subscriptions page: a person's own calendar subscriptions, creating one, and
regenerating or revoking one of them.

An address is shown once, in the answer to the POST that made it (never redirected with the
token in a URL, never put in the session): that answer is `Cache-Control: no-store` and
`Referrer-Policy: no-referrer`.  Each form carries a one-time value kept in the session, so
that reloading that answer cannot create or regenerate a second time.
"""
from __future__ import annotations

import secrets

from flask import (abort, flash, g, make_response, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from planner.domain.access import Action
from planner.domain.content import PLATFORM_LABELS, POST_STATE_LABELS
from planner.domain.errors import NotVisible, RuleViolated
from planner.domain.feeds import FEED_KIND_LABELS
from planner.extensions import db
from planner.feeds import bp
from planner.feeds.addresses import feed_addresses
from planner.feeds.forms import OnceForm, SubscriptionForm
from planner.forms import violation_text
from planner.models import FeedSubscription
from planner.permissions import MAX_ID, current_access
from planner.queries.subscriptions import form_choices, own_subscriptions
from planner.services.feeds import create_subscription, regenerate_subscription, revoke_subscription

INVALID = 422
ONCE_KEY = "feed_forms"
ONCE_KEPT = 8  # forms of this many page loads (tabs) stay usable at a time


@bp.context_processor
def _feed_labels():
    kinds = {kind: _(label) for kind, label in FEED_KIND_LABELS.items()}
    states = {state: _(label) for state, label in POST_STATE_LABELS.items()}
    return {"feed_kind_label": kinds.__getitem__, "feed_state_label": states.__getitem__,
            "feed_platform_label": lambda p: _(PLATFORM_LABELS[p])}


def _issue_once() -> str:
    value = secrets.token_urlsafe(16)
    session[ONCE_KEY] = (session.get(ONCE_KEY) or [])[-(ONCE_KEPT - 1):] + [value]
    return value


def _take_once(value: str | None) -> bool:
    """Use up a form's one-time value: False if it was used already (a reload)."""
    kept = list(session.get(ONCE_KEY) or [])
    if not value or value not in kept:
        return False
    kept.remove(value)
    session[ONCE_KEY] = kept
    return True


def _already_sent():
    flash(_("That form had already been sent: its address was shown then and is not shown again. "
            "If you did not keep it, regenerate the subscription."), "info")
    return redirect(url_for("feeds.index"), 303)


def _prefilled() -> SubscriptionForm:
    """The create form, with the kind and unit a link asked for (the calendar's and the
    agenda's "subscribe" links) when they are among the choices; anything else is ignored."""
    form = SubscriptionForm(formdata=None)
    kind = request.args.get("kind", "")
    if kind in {k.value for k in FEED_KIND_LABELS}:
        form.kind.data = kind
    unit = request.args.get("unit", "")
    if unit.isdigit() and int(unit) < MAX_ID:
        form.unit.data = int(unit)
    return form


def _render_index(form: SubscriptionForm | None = None, status: int = 200):
    access = current_access()
    prefilled = form is None
    if form is None:
        form = _prefilled()
    form.set_choices(form_choices(access))
    if prefilled and form.unit.data not in {value for value, *_rest in form.unit.choices}:
        form.unit.data = 0
    once = _issue_once()
    form.once.data = once
    return render_template("feeds/index.html", form=form, once=once, action_form=OnceForm(formdata=None),
                           subscriptions=own_subscriptions(current_user), has_role=bool(access.grants)), status


def _render_address(sub: FeedSubscription, token: str, *, regenerated: bool):
    web, webcal = feed_addresses(token)
    response = make_response(render_template("feeds/address.html", sub=sub, web_address=web,
                                             webcal_address=webcal, regenerated=regenerated))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    g.referrer_policy = "no-referrer"
    return response


def _own(subscription_id: int) -> FeedSubscription:
    """One of the signed-in person's subscriptions; anyone else's does not exist (404)."""
    if not 0 < subscription_id < MAX_ID:
        raise NotVisible("FeedSubscription")
    sub = db.session.scalar(select(FeedSubscription).where(
        FeedSubscription.id == subscription_id, FeedSubscription.person_id == current_user.id))
    if sub is None:
        raise NotVisible("FeedSubscription")
    return sub


@bp.get("/feeds")
@login_required
def index():
    return _render_index()


@bp.post("/feeds")
@login_required
def create():
    access = current_access()
    access.require_anywhere(Action.VIEW_POSTS)  # a person with no role today: 403, audited
    form = SubscriptionForm()
    form.set_choices(form_choices(access))
    if not form.validate_on_submit():
        return _render_index(form, INVALID)
    if not _take_once(form.once.data):
        return _already_sent()
    try:
        sub, token = create_subscription(current_user, access, **form.values())
    except RuleViolated as error:
        form.apply(error)
        return _render_index(form, INVALID)
    return _render_address(sub, token, regenerated=False)


@bp.post("/feeds/<int:subscription_id>/regenerate")
@login_required
def regenerate(subscription_id: int):
    sub = _own(subscription_id)
    current_access().require_anywhere(Action.VIEW_POSTS)  # its feed would answer nothing
    form = OnceForm()
    if not form.validate_on_submit():
        abort(400)
    if not _take_once(form.once.data):
        return _already_sent()
    try:
        token = regenerate_subscription(current_user, current_access(), sub)
    except RuleViolated as error:
        flash(" ".join(violation_text(v) for v in error.violations), "error")
        return redirect(url_for("feeds.index"), 303)
    return _render_address(sub, token, regenerated=True)


@bp.post("/feeds/<int:subscription_id>/revoke")
@login_required
def revoke(subscription_id: int):
    sub = _own(subscription_id)
    form = OnceForm()
    if not form.validate_on_submit():
        abort(400)
    if revoke_subscription(current_user, current_access(), sub):
        flash(_("“%(name)s” has been revoked: its address no longer works.", name=sub.name), "success")
    else:
        flash(_("“%(name)s” had already been revoked.", name=sub.name), "info")
    return redirect(url_for("feeds.index"), 303)
