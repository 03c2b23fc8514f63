"""Routes of a published post's distribution log (which groups of its unit's network it was
sent to, when and by whom, and the coverage) and of its reuse by other units, with the
buttons that remove a wrong line.  Registered on the distribution blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.distribution.forms import AmplificationForm, ButtonForm, DistributionForm
from planner.distribution.routes import INVALID, bp
from planner.domain.access import Action
from planner.domain.content import AmplificationKind
from planner.domain.errors import N_, RuleViolated
from planner.forms import violation_text
from planner.models import Amplification, Distribution, Post
from planner.models.base import utcnow
from planner.permissions import current_access
from planner.queries.distribution import network_of, post_panel, reuse_units_for, senders_for
from planner.services.distribution import (record_amplification, record_distribution,
                                           remove_amplification, remove_distribution)

NOT_PUBLISHED = N_("Only a published post can be distributed or reused; this one is not published.")


def _post_for(post_id: int):
    """The post (404 outside the reader's units); recording needs RECORD_DISTRIBUTION (403)."""
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    if request.method == "POST":
        access.require(Action.RECORD_DISTRIBUTION, post)
    return access, post


@bp.route("/posts/<int:post_id>/distribution", methods=["GET", "POST"])
def post(post_id: int):
    access, found = _post_for(post_id)
    unit = found.unit
    network = network_of(unit)
    panel = post_panel(found, access, network=network)
    may_record = access.can(Action.RECORD_DISTRIBUTION, found)
    senders = senders_for(found) if may_record else []
    form = DistributionForm()
    form.prepare(senders)
    if request.method == "GET":
        if any(p.id == current_user.id for p in senders):
            form.sent_by_id.data = current_user.id
        form.show_sent_at(utcnow(), unit)
    if request.method == "POST" and not panel.published:
        form.form_errors.append(_(NOT_PUBLISHED))
    elif form.validate_on_submit():
        try:
            lines = record_distribution(current_user, access, found, group_ids=form.group_ids.data or [],
                                        sent_at=form.sent_at_in(unit),
                                        sent_by=next((p for p in senders if p.id == form.sent_by_id.data),
                                                     None))
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("Recorded: sent to %(groups)s.", groups=", ".join(line.group.name for line in lines)),
                  "success")
            return redirect(url_for("distribution.post", post_id=found.id))
    status = INVALID if form.is_submitted() else 200
    chosen = set(form.group_ids.data or []) if form.is_submitted() and not form.group_ids.errors else set()
    return render_template("distribution/post.html", post=found, unit=unit, panel=panel,
                           network=network, form=form, chosen=chosen,
                           sent={line.group_id for line in panel.lines},
                           remove_form=ButtonForm(formdata=None)), status


@bp.post("/posts/<int:post_id>/distribution/<int:line_id>/remove")
def remove_line(post_id: int, line_id: int):
    access, found = _post_for(post_id)
    line = access.fetch(Distribution, line_id, Action.RECORD_DISTRIBUTION)
    if line.post_id != found.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = line.group.name
    try:
        remove_distribution(current_user, access, line)
    except RuleViolated as error:
        flash(" ".join(violation_text(v) for v in error.violations), "error")
    else:
        flash(_("The line for %(name)s has been removed.", name=name), "success")
    return redirect(url_for("distribution.post", post_id=found.id))


@bp.route("/posts/<int:post_id>/amplification", methods=["GET", "POST"])
def amplification(post_id: int):
    access, found = _post_for(post_id)
    unit = found.unit
    panel = post_panel(found, access)
    may_record = access.can(Action.RECORD_DISTRIBUTION, found)
    units = reuse_units_for(access, found) if may_record else []
    form = AmplificationForm()
    form.prepare(units)
    if request.method == "GET":
        form.reused_on.data = unit.today()
    if request.method == "POST" and not panel.published:
        form.form_errors.append(_(NOT_PUBLISHED))
    elif form.validate_on_submit():
        reusing = next((u for u in units if u.id == form.unit_id.data), None)
        try:
            record_amplification(current_user, access, found, unit=reusing,
                                 kind=AmplificationKind(form.kind.data), reused_on=form.reused_on.data,
                                 url=form.url.data, note=form.note.data)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("Recorded: %(unit)s reused this post.", unit=reusing.name), "success")
            return redirect(url_for("distribution.amplification", post_id=found.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("distribution/amplification.html", post=found, unit=unit, panel=panel,
                           form=form, remove_form=ButtonForm(formdata=None)), status


@bp.post("/posts/<int:post_id>/amplification/<int:amplification_id>/remove")
def remove_amplification_line(post_id: int, amplification_id: int):
    access, found = _post_for(post_id)
    reuse = access.fetch(Amplification, amplification_id, Action.RECORD_DISTRIBUTION)
    if reuse.post_id != found.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = reuse.unit.name
    try:
        remove_amplification(current_user, access, reuse)
    except RuleViolated as error:
        flash(" ".join(violation_text(v) for v in error.violations), "error")
    else:
        flash(_("The reuse by %(unit)s has been removed.", unit=name), "success")
    return redirect(url_for("distribution.amplification", post_id=found.id))

