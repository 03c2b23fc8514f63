"""Routes for posts: the list, a new post, a post's page, editing it, and the inbox.  The
workflow actions (submit, approve, return, ...) and comments live in
`planner.posts.action_routes` on the same blueprint."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner.domain import workflow
from planner.domain.access import Action
from planner.domain.content import (FUNCTION_LABELS, PLATFORM_LABELS, POST_STATE_LABELS,
                                    STEP_KIND_LABELS, Platform)
from planner.domain.content import CommunicationFunction, PostState
from planner.domain.errors import N_, NotPermitted, NotVisible, RuleViolated, StaleEdit, TransitionRefused
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.forms import choice, unit_choices, violation_text
from planner.models import AgendaEvent, Category, Channel, Post, Unit, UploadSlot
from planner.models.base import utcnow
from planner.permissions import current_access
from planner.posts.forms import ACTION_FORMS, CommentForm, EditPostForm, PostFilterForm
from planner.posts.prefill import channel_or_slot, read_prefill
from planner.posts.variant_forms import (NewPostWithVariantForm, channel_choices, parse_instant,
                                         publish_form_for)
from planner.queries.distribution import post_panel
from planner.queries.inbox import inbox_for
from planner.queries.planning import usable_channels
from planner.queries.posts import (PostFilters, assignable_people, channels_with_units, filter_choices,
                                   planning_filter_choices, planning_warnings_for, post_list,
                                   post_page)
from planner.services.posts import PlanFields, categories_for, create_post, update_post
from planner.services.variants import VariantSpec
from planner.services.sops import government_of

bp = Blueprint("posts", __name__)
INVALID = 422  # a form that was refused: nothing saved, the page shows why
CONFLICT = 409  # someone else changed the post since the form was opened

# What someone else did meanwhile, by the post's last action (a stale form names it).
STALE_MESSAGES = {
    "create": N_("%(name)s created this post at %(when)s."),
    "edit": N_("%(name)s edited this post at %(when)s while you had it open."),
    "submit": N_("%(name)s submitted this post at %(when)s while you had it open."),
    "approve": N_("%(name)s approved this post at %(when)s while you had it open."),
    "return": N_("%(name)s returned this post to its author at %(when)s while you had it open."),
    "withdraw": N_("%(name)s withdrew this post at %(when)s while you had it open."),
    "cancel": N_("%(name)s cancelled this post at %(when)s while you had it open."),
    "schedule": N_("%(name)s scheduled this post at %(when)s while you had it open."),
    "publish": N_("%(name)s published this post at %(when)s while you had it open."),
    "ratify": N_("%(name)s ratified this post at %(when)s while you had it open."),
    "complete": N_("%(name)s completed a step of this post at %(when)s while you had it open."),
    "variant": N_("%(name)s changed the post's channels at %(when)s while you had it open."),
}
HISTORY_LABELS = {
    "submit": N_("Submitted"), "approve": N_("Approved"), "return": N_("Returned to the author"),
    "withdraw": N_("Withdrawn"), "cancel": N_("Cancelled"), "schedule": N_("Scheduled"),
    "publish": N_("Published"), "ratify": N_("Ratified"), "complete": N_("Step completed"),
}


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in person."""


@bp.context_processor
def _labels():
    return {
        "state_label": lambda state: _(POST_STATE_LABELS[state]),
        "step_kind_label": lambda kind: _(STEP_KIND_LABELS[kind]),
        "platform_label": lambda platform: _(PLATFORM_LABELS[Platform(platform)]),
        "function_label": lambda function: _(FUNCTION_LABELS[function]),
        "history_label": lambda action: _(HISTORY_LABELS[action]) if action in HISTORY_LABELS
        else action,
    }


def stale_notice(error: StaleEdit, unit: Unit) -> str:
    """"Dewi Kartika approved this post at 10:02 WIB while you had it open. ..." """
    from flask import current_app

    nothing_saved = _("Nothing of yours was saved; here is the current state.")
    if not error.changed_by:
        return _("Someone else changed this post while you had it open.") + " " + nothing_saved
    when = current_app.jinja_env.filters["local_datetime"](error.changed_at, unit)
    message = STALE_MESSAGES.get(error.what or "", STALE_MESSAGES["edit"])
    return _(message, name=error.changed_by, when=when) + " " + nothing_saved


def sop_version_url(version_id: int) -> str:
    """The SOP version's page."""
    return url_for("sop.version", version_id=version_id)


# -- the list and a new post ---------------------------------------------------------------

@bp.route("/posts")
def index():
    access = current_access()
    filters = PostFilterForm(request.args)
    filters.set_choices(*filter_choices(access), *planning_filter_choices(access))
    filters.validate()
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    chosen = PostFilters(unit_id=filters.chosen("unit"), state=filters.chosen("state"),
                         category_id=filters.chosen("category"), author_id=filters.chosen("author"),
                         channel_id=filters.chosen("channel"), campaign=filters.chosen("campaign"))
    rows, total = post_list(access, chosen, page, utcnow())
    pages = max((total + 24) // 25, 1)
    return render_template("posts/index.html", rows=rows, total=total, page=page, pages=pages,
                           filters=filters, can_create=access.can_anywhere(Action.CREATE_POSTS),
                           query={"unit": chosen.unit_id or "", "state": chosen.state or "",
                                  "category": chosen.category_id or "",
                                  "author": chosen.author_id or "",
                                  "channel": chosen.channel_id or "", "campaign": chosen.campaign or ""})


def _categories_of(units: list[Unit]):
    """The active categories of every government these units belong to."""
    one_unit_per_government = {government_of(u): u for u in units}
    return [c for u in one_unit_per_government.values() for c in categories_for(u)]


def plan_of(form, assignees: dict) -> PlanFields:
    """The planning fields as typed; an assignee who was not on offer is refused."""
    chosen = form.assignee_id.data or 0
    assignee = assignees.get(chosen)
    if chosen and assignee is None:
        raise RuleViolated.one("assignee_id", N_("Choose one of the people offered: an author or "
                                                 "contributor of the post's unit."))
    return PlanFields(function=form.chosen_function(), campaign=form.campaign.data,
                      hashtags=form.hashtags.data or "", website_url=form.website_url.data,
                      assignee=assignee)


def _first_variant(access, form, unit: Unit) -> tuple[list[VariantSpec], AgendaEvent | None]:
    """The first variant and the event the new-post form carries (ids re-checked: a channel
    or slot out of sight is 404, like any other id)."""
    event = None
    if form.event_id.data:
        event = access.fetch(AgendaEvent, form.event_id.data, Action.VIEW_POSTS)
    if form.slot_id.data:
        slot = channel_or_slot(access, UploadSlot, form.slot_id.data, [unit])
        return [VariantSpec(slot.channel, form.variant_caption.data or "",
                            form.variant_media_notes.data or "", form.variant_asset_links.data or "",
                            parse_instant(form.slot_at.data), slot)], event
    if not form.variant_channel_id.data:
        return [], event
    channel = channel_or_slot(access, Channel, form.variant_channel_id.data, [unit])
    return [VariantSpec(channel, form.variant_caption.data or "", form.variant_media_notes.data or "",
                        form.variant_asset_links.data or "", form.variant_planned_at_in(unit))], event


@bp.route("/posts/new", methods=["GET", "POST"])
def new():
    access = current_access()
    access.require_anywhere(Action.CREATE_POSTS)
    units = list(db.session.scalars(access.units(Action.CREATE_POSTS)))
    categories = {c.id: c for c in _categories_of(units)}
    form = NewPostWithVariantForm()
    form.unit_id.choices = unit_choices(units)
    form.category_id.choices = [choice(c.id, c.name) for c in categories.values()]
    prefill = read_prefill(access, request.args, units, utcnow()) if request.method == "GET" else None
    unit_for_lists = (prefill.unit if prefill and prefill.unit else
                      db.session.get(Unit, form.unit_id.data) if form.unit_id.data in
                      {u.id for u in units} else units[0] if units else None)
    assignees = {p.id: p for p in assignable_people(unit_for_lists)} if unit_for_lists else {}
    form.set_assignees(assignees.values())
    form.variant_channel_id.choices = channel_choices(channels_with_units(list(
        {c.id: c for u in units for c in usable_channels(u)}.values())), blank=_("No channel yet"))
    if prefill is not None:
        _apply_prefill(form, prefill, categories)
    if form.validate_on_submit():
        unit = access.fetch(Unit, form.unit_id.data, Action.CREATE_POSTS)
        variants, event = _first_variant(access, form, unit)
        try:
            post = create_post(current_user, access, unit, title=form.title.data,
                               body=form.body.data or "", category=categories[form.category_id.data],
                               planned_at=form.planned_at_in(unit), plan=plan_of(form, assignees),
                               event=event, variants=variants)
        except RuleViolated as error:
            form.apply(error)
        else:
            flash(_("The draft “%(title)s” has been saved.", title=post.title), "success")
            return redirect(url_for("posts.detail", post_id=post.id))
    status = INVALID if form.is_submitted() else 400 if prefill and prefill.problems else 200
    return render_template("posts/form.html", form=form, post=None, prefill=prefill,
                           slot=_carried_slot(access, form)), status


def _apply_prefill(form, prefill, categories: dict[int, Category]) -> None:
    form.form_errors.extend(prefill.problems)
    if prefill.unit is not None:
        form.unit_id.data = prefill.unit.id
    if prefill.channel is not None:
        form.variant_channel_id.data = prefill.channel.id
    if prefill.slot is not None:
        form.slot_id.data, form.slot_at.data = prefill.slot.id, prefill.at.isoformat()
    if prefill.event is not None:
        form.event_id.data = prefill.event.id
        form.title.data = prefill.event.title[:200]
        seremonial = next((c for c in categories.values() if c.code == "seremonial"
                           and prefill.unit and c.government_id == government_of(prefill.unit)), None)
        if seremonial is not None:
            form.category_id.data = seremonial.id
        form.function.data = CommunicationFunction.SELF_PRESENTATION.value
    if prefill.planned_at is not None and prefill.unit is not None:
        form.show_planned_at(prefill.planned_at, prefill.unit)


def _carried_slot(access, form):
    """The upload slot the form fills, to name it on the page (None if none or unreadable)."""
    if not form.slot_id.data:
        return None
    try:
        return channel_or_slot(access, UploadSlot, form.slot_id.data,
                               list(db.session.scalars(access.units(Action.CREATE_POSTS))))
    except (NotVisible, NotPermitted):  # a tampered hidden field only loses the label
        return None


# -- one post ------------------------------------------------------------------------------

def render_detail(post: Post, *, failed: dict | None = None, comment_form: CommentForm | None = None,
                  notice: str | None = None, status: int = 200):
    """The post's page.  `failed` holds an action form that was refused, with its messages;
    every other action form starts fresh with the post's current version."""
    access = current_access()
    page = post_page(access, post, utcnow())
    post = page.post
    forms = {}
    for name, form_class in ACTION_FORMS.items():
        form = (failed or {}).get(name)
        if form is None:
            form = (publish_form_for(post.variants, formdata=None, prefix=name)
                    if name == "publish" and post.variants else form_class(formdata=None, prefix=name))
            form.version.data = post.version
            if name == "schedule":
                form.show_planned_at(post.planned_at, post.unit)
        checklist = getattr(form, "checklist", None)
        if checklist is not None:
            checklist.choices = [choice(item, item) for item in page.checklists.get(Transition(name), ())]
        forms[name] = form
    hidden_errors = [message for name, form in (failed or {}).items()
                     if not page.allowed(name) for messages in form.errors.values()
                     for message in messages]
    return render_template(
        "posts/detail.html", page=page, post=post, forms=forms, notice=notice,
        hidden_errors=hidden_errors, comment_form=comment_form or CommentForm(formdata=None),
        can_comment=access.can(Action.COMMENT_POSTS, post), now=utcnow(),
        warnings=warning_texts(post), event_url=event_url(post),
        distribution_panel=post_panel(post, access) if post.state == PostState.PUBLISHED else None,
        sop_version_url=sop_version_url(page.version.id) if page.version else None), status


def warning_texts(post: Post) -> list[str]:
    """The planning warnings of the post, in the reader's language."""
    return [violation_text(v) for v in planning_warnings_for(post)]


def event_url(post: Post) -> str | None:
    """The page of the agenda event the post covers, once the agenda has one."""
    if post.event_id is None or "agenda.event" not in current_app.view_functions:
        return None
    return url_for("agenda.event", event_id=post.event_id)


@bp.route("/posts/<int:post_id>")
def detail(post_id: int):
    post = current_access().fetch(Post, post_id, Action.VIEW_POSTS)
    return render_detail(post)


def _editing_allowed(access, post: Post) -> None:
    """Opening the edit form of a post the rules keep closed answers 403 with the reason."""
    version = post.sop_version
    facts = post.facts()
    wf = version.as_workflow() if version is not None else None
    decision = workflow.decide(Transition.EDIT, facts, wf, access.person.id, access.acting_in(post.unit))
    if not decision:
        raise TransitionRefused(Transition.EDIT.value, list(decision.reasons))


def _edit_form(post: Post, formdata=None) -> EditPostForm:
    """The edit form: from the post (formdata None) or as submitted."""
    form = EditPostForm(formdata=formdata, obj=post if formdata is None else None)
    form.category_id.choices = [choice(c.id, c.name) for c in categories_for(post.unit)]
    form.set_assignees(assignable_people(post.unit))
    if formdata is None:
        form.version.data = post.version
        form.function.data = post.function.value
        form.assignee_id.data = post.assignee_id or 0
        form.show_planned_at(post.planned_at, post.unit)
    return form


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int):
    access = current_access()
    post = access.fetch(Post, post_id, Action.VIEW_POSTS)
    if request.method == "GET":
        _editing_allowed(access, post)
    form = _edit_form(post, None if request.method == "GET" else request.form)
    categories = {c.id: c for c in categories_for(post.unit)}
    status = 200
    if form.validate_on_submit():
        try:
            update_post(current_user, access, post, form.expected_version, title=form.title.data,
                        body=form.body.data or "", category=categories[form.category_id.data],
                        planned_at=form.planned_at_in(post.unit),
                        plan=plan_of(form, {p.id: p for p in assignable_people(post.unit)}))
        except RuleViolated as error:
            form.apply(error)
        except StaleEdit as error:
            db.session.expire_all()
            post = access.fetch(Post, post_id, Action.VIEW_POSTS)
            form = _edit_form(post)
            form.form_errors.append(stale_notice(error, post.unit))
            status = CONFLICT
        else:
            flash(_("The post has been saved."), "success")
            return redirect(url_for("posts.detail", post_id=post.id))
    if form.is_submitted() and status == 200:
        status = INVALID
    return render_template("posts/form.html", form=form, post=post,
                           warnings=warning_texts(post)), status


# -- the inbox -----------------------------------------------------------------------------

INBOX_PAGE_SIZE = 50  # soonest deadlines first, so the first page is what matters most

@bp.route("/inbox")
def inbox():
    access = current_access()
    items = inbox_for(access, access.person, utcnow())
    pages = max(1, -(-len(items) // INBOX_PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = items[(page - 1) * INBOX_PAGE_SIZE:page * INBOX_PAGE_SIZE]
    return render_template("posts/inbox.html", items=shown, total=len(items), page=page,
                           pages=pages, overdue=sum(1 for item in items if item.overdue))


from planner.posts import action_routes, variant_routes  # noqa: E402,F401  (register their views)
