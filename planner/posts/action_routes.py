"""The workflow actions on a post (submit, approve, return, withdraw, cancel, schedule,
publish, ratify, complete a step) and its comments, on the `posts` blueprint.

Each action: fetch the post the person may see, read its form, call the service.  A
refused input re-renders the post's page with the message beside the field (422); a form
opened before someone else acted re-renders it with who did what and when (409); a step
the SOP forbids raises `TransitionRefused` to the app's 403 page (the service audits it).
"""
from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.domain.access import Action
from planner.domain.errors import RuleViolated, StaleEdit
from planner.domain.workflow import Transition
from planner.extensions import db, limiter, person_key
from planner.forms import choice
from planner.models import Post
from planner.permissions import current_access
from planner.posts.forms import ACTION_FORMS, CommentForm
from planner.posts.variant_forms import publish_form_for
from planner.posts.routes import CONFLICT, INVALID, bp, render_detail, stale_notice
from planner.queries.posts import checklists_for
from planner.services import posts as service

def _done_message(name: str) -> str:
    # Spelled out so that the messages are extracted for translation.
    return {
        "submit": _("The post has been submitted for review."),
        "approve": _("You approved this step of the post."),
        "return": _("The post has been returned to its author with your reason."),
        "withdraw": _("The post has been withdrawn; it can be edited and submitted again."),
        "cancel": _("The post has been cancelled."),
        "schedule": _("The post has been scheduled."),
        "publish": _("The publication has been recorded."),
        "ratify": _("You ratified this fast-track post."),
        "complete": _("The step has been recorded as done."),
    }[name]


def _perform(name: str, access, post: Post, form) -> None:
    """Call the service for one action with what its form carries."""
    actor, version = current_user, form.expected_version
    ticked = form.checklist.ticked() if hasattr(form, "checklist") else set()
    if name == "submit":
        service.submit(actor, access, post, version, ticked=ticked)
    elif name == "approve":
        service.approve(actor, access, post, version, ticked=ticked, note=form.note.data)
    elif name == "return":
        service.return_to_author(actor, access, post, version, reason=form.reason.data or "")
    elif name == "withdraw":
        service.withdraw(actor, access, post, version, reason=form.reason.data)
    elif name == "cancel":
        service.cancel(actor, access, post, version, reason=form.reason.data or "")
    elif name == "schedule":
        service.schedule(actor, access, post, version, planned_at=form.planned_at_in(post.unit))
    elif name == "publish" and hasattr(form, "publications"):
        service.publish(actor, access, post, version, urls={}, ticked=ticked,
                        variant_urls=form.publications(post.unit))
    elif name == "publish":
        service.publish(actor, access, post, version, urls=form.urls(), ticked=ticked)
    elif name == "ratify":
        service.ratify(actor, access, post, version)
    elif name == "complete":
        service.complete_step(actor, access, post, version, ticked=ticked, note=form.note.data)
    else:  # pragma: no cover - the URL rule admits only the names above
        raise ValueError(name)


@bp.route("/posts/<int:post_id>/<any(submit, approve, return, withdraw, cancel, schedule, publish, "
          "ratify, complete):name>", methods=["POST"])
@limiter.limit(lambda: current_app.config["WORKFLOW_ACTION_LIMIT"], key_func=person_key)
def act(post_id: int, name: str):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    form = (publish_form_for(post.variants, prefix=name) if name == "publish" and post.variants
            else ACTION_FORMS[name](prefix=name))
    if hasattr(form, "checklist"):
        # Only the items of the step the post is at now count as ticked.
        items = checklists_for(post).get(Transition(name), ())
        form.checklist.choices = [choice(item, item) for item in items]
    if not form.validate_on_submit():
        return render_detail(post, failed={name: form}, status=INVALID)
    try:
        _perform(name, access, post, form)
    except RuleViolated as error:
        form.apply(error)
        db.session.expire_all()
        return render_detail(post, failed={name: form}, status=INVALID)
    except StaleEdit as error:
        db.session.expire_all()
        post = access.fetch(Post, post_id, Action.VIEW_POSTS)
        return render_detail(post, notice=stale_notice(error, post.unit), status=CONFLICT)
    flash(_done_message(name), "success")
    return redirect(url_for("posts.detail", post_id=post.id))


@bp.route("/posts/<int:post_id>/comments", methods=["POST"])
@limiter.limit(lambda: current_app.config["WORKFLOW_ACTION_LIMIT"], key_func=person_key)
def comment(post_id: int):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            service.add_comment(current_user, access, post, form.body.data or "")
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("Your comment has been added."), "success")
            return redirect(url_for("posts.detail", post_id=post.id, _anchor="comments"))
    return render_detail(post, comment_form=form, status=INVALID)
