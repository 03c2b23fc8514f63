"""A post's variants page, on the `posts` blueprint: one variant per channel, each with its
caption, media notes, asset links and time; add one, edit one, remove one, without
JavaScript.  Only while the post may be edited (the workflow's edit rule answers 403 with
the reason otherwise); a channel or variant id out of sight is 404."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.domain.access import Action
from planner.domain.errors import NotVisible, RuleViolated, StaleEdit, TransitionRefused
from planner.extensions import db
from planner.models import Channel, Post, PostVariant
from planner.permissions import current_access
from planner.posts.prefill import channel_or_slot
from planner.posts.routes import CONFLICT, INVALID, _editing_allowed, bp, stale_notice, warning_texts
from planner.posts.variant_forms import (AddVariantForm, EditVariantForm, RemoveVariantForm,
                                         channel_choices)
from planner.queries.planning import usable_channels
from planner.queries.posts import channels_with_units, load_post
from planner.services import variants as service
from planner.services.posts import audit_refusal


def _variant_of(access, post: Post, variant_id: int) -> PostVariant:
    variant = access.fetch(PostVariant, variant_id, Action.VIEW_POSTS)
    if variant.post_id != post.id:
        raise NotVisible("PostVariant")
    return variant


def _may_edit(access, post: Post) -> None:
    """403 with the reason (audited) when the rules keep the post closed to this person."""
    try:
        _editing_allowed(access, post)
    except TransitionRefused as error:
        audit_refusal(current_user, post, error)
        raise


def render_variants(post: Post, *, add_form: AddVariantForm | None = None,
                    failed: tuple[int, EditVariantForm] | None = None, notice: str | None = None,
                    status: int = 200):
    """The variants page: every variant's edit form (the refused one with its messages),
    the form to add one for a channel the post does not use yet, the warnings."""
    post = load_post(post.id)
    used = {v.channel_id for v in post.variants}
    free = channels_with_units([c for c in usable_channels(post.unit) if c.id not in used])
    if add_form is None:
        add_form = AddVariantForm(formdata=None, prefix="add")
        add_form.show_planned_at(post.planned_at, post.unit)
    add_form.channel_id.choices = channel_choices(free)
    add_form.version.data = post.version
    edit_forms, remove_forms = {}, {}
    for variant in post.variants:
        if failed is not None and failed[0] == variant.id:
            form = failed[1]
        else:
            form = EditVariantForm(formdata=None, prefix=f"v{variant.id}", obj=variant)
            form.show_planned_at(variant.planned_at, post.unit)
        form.version.data = post.version
        edit_forms[variant.id] = form
        remove_forms[variant.id] = RemoveVariantForm(formdata=None, prefix=f"r{variant.id}")
        remove_forms[variant.id].version.data = post.version
    return render_template("posts/variants.html", post=post, add_form=add_form, free=free,
                           edit_forms=edit_forms, remove_forms=remove_forms, notice=notice,
                           warnings=warning_texts(post)), status


def _stale(access, post_id: int, error: StaleEdit):
    db.session.expire_all()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    return render_variants(post, notice=stale_notice(error, post.unit), status=CONFLICT)


@bp.route("/posts/<int:post_id>/variants")
def variants(post_id: int):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    _editing_allowed(access, post)
    return render_variants(post)


@bp.route("/posts/<int:post_id>/variants", methods=["POST"])
def add_variant(post_id: int):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    _may_edit(access, post)
    form = AddVariantForm(prefix="add")
    if not form.validate_on_submit():
        return render_variants(post, add_form=form, status=INVALID)
    channel = channel_or_slot(access, Channel, form.channel_id.data, [post.unit])
    spec = service.VariantSpec(channel, form.caption.data or "", form.media_notes.data or "",
                               form.asset_links.data or "", form.planned_at_in(post.unit))
    try:
        service.add_variant(current_user, access, post, form.expected_version, spec)
    except RuleViolated as error:
        form.apply(error)
        db.session.expire_all()
        return render_variants(post, add_form=form, status=INVALID)
    except StaleEdit as error:
        return _stale(access, post_id, error)
    flash(_("The variant for %(channel)s has been added.", channel=channel.name), "success")
    return redirect(url_for("posts.variants", post_id=post_id))


@bp.route("/posts/<int:post_id>/variants/<int:variant_id>", methods=["POST"])
def edit_variant(post_id: int, variant_id: int):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    variant = _variant_of(access, post, variant_id)
    _may_edit(access, post)
    form = EditVariantForm(prefix=f"v{variant_id}")
    if not form.validate_on_submit():
        return render_variants(post, failed=(variant_id, form), status=INVALID)
    try:
        service.update_variant(current_user, access, post, form.expected_version, variant,
                               caption=form.caption.data or "", media_notes=form.media_notes.data or "",
                               asset_links=form.asset_links.data or "",
                               planned_at=form.planned_at_in(post.unit))
    except RuleViolated as error:
        form.apply(error)
        db.session.expire_all()
        return render_variants(post, failed=(variant_id, form), status=INVALID)
    except StaleEdit as error:
        return _stale(access, post_id, error)
    flash(_("The variant for %(channel)s has been saved.", channel=variant.channel.name), "success")
    return redirect(url_for("posts.variants", post_id=post_id, _anchor=f"variant-{variant_id}"))


@bp.route("/posts/<int:post_id>/variants/<int:variant_id>/remove", methods=["POST"])
def remove_variant(post_id: int, variant_id: int):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    variant = _variant_of(access, post, variant_id)
    channel = variant.channel.name
    _may_edit(access, post)
    form = RemoveVariantForm(prefix=f"r{variant_id}")
    if not form.validate_on_submit():
        return render_variants(post, notice=_("The form could not be read; try again."),
                               status=INVALID)
    try:
        service.remove_variant(current_user, access, post, form.expected_version, variant)
    except StaleEdit as error:
        return _stale(access, post_id, error)
    flash(_("The variant for %(channel)s has been removed.", channel=channel), "success")
    return redirect(url_for("posts.variants", post_id=post_id))
