"""Posts through the SOP workflow: create and edit drafts, submit, approve, return,
withdraw, cancel, schedule, publish, ratify, complete the steps after publication, comment.

Each transition locks the post's row, refuses a form loaded before someone else acted
(naming who did what and when), asks the workflow engine, then writes the state, the
step record and the audit event in one transaction.  A refusal by the rules is audited
in a transaction of its own, since the refused change itself is rolled back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from planner.domain import planning, workflow
from planner.domain.access import Action
from planner.domain.content import AFTER_PUBLICATION_KINDS, CommunicationFunction, Platform, PostState
from planner.domain.errors import N_, RuleViolated, StaleEdit, TransitionRefused, Violation
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import (AgendaEvent, Category, Person, Post, PostComment, PostPublication, PostStep,
                            PostVariant, SopVersion, Unit)
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import record, transaction
from planner.queries.posts import assignable_people
from planner.services import variants as variant_service
from planner.services.sops import applicable, government_of

INPUT_FIELDS = {"checklist", "reason", "urls", "planned_at"}


@dataclass
class PlanFields:
    """What a post carries for planning besides its title, brief and category."""

    function: CommunicationFunction = CommunicationFunction.INFORM
    campaign: str | None = None
    hashtags: str = ""
    website_url: str | None = None
    assignee: Person | None = None


def _snapshot(post: Post) -> dict:
    return {"state": post.state, "step": post.step_position, "round": post.round,
            "sop_version_id": post.sop_version_id}


def _check_fields(unit: Unit, title: str, category: Category) -> None:
    problems = []
    if not (title or "").strip():
        problems.append(Violation("title", N_("Give the post a title."), {}))
    if category.government_id != government_of(unit) or not category.active:
        problems.append(Violation("category_id", N_("Choose one of the government's categories."), {}))
    if problems:
        raise RuleViolated(problems)


def _checked_plan(unit: Unit, plan: PlanFields) -> dict:
    """The plan's columns, cleaned, or RuleViolated naming every problem."""
    def assignee():
        if plan.assignee is not None and plan.assignee.id not in {
                p.id for p in assignable_people(unit)}:
            raise RuleViolated.one("assignee_id", N_("%(name)s holds neither the author nor the "
                                                     "contributor role for %(unit)s."),
                                   name=plan.assignee.name, unit=unit.name)
        return plan.assignee.id if plan.assignee is not None else None

    texts, assignee_id = planning.collect(
        lambda: planning.plan_texts(plan.campaign, plan.hashtags, plan.website_url), assignee)
    return {**texts, "function": plan.function, "assignee_id": assignee_id}


def _plan_snapshot(post: Post) -> dict:
    return {"function": post.function, "campaign": post.campaign, "hashtags": post.hashtags,
            "website_url": post.website_url, "assignee_id": post.assignee_id}


def create_post(actor: Person, access: Access | None, unit: Unit, *, title: str, body: str,
                category: Category, planned_at: datetime | None = None,
                plan: PlanFields | None = None, event: AgendaEvent | None = None,
                variants: list | tuple = (), now: datetime | None = None) -> Post:
    """A new draft with its first variants (`VariantSpec`s), all saved or nothing.  `now`
    is the moment of creation (the demo builds history with an earlier one)."""
    if access is not None:
        access.require(Action.CREATE_POSTS, unit)
    now = now or utcnow()

    def event_of_government():
        if event is not None and government_of(event.unit) != government_of(unit):
            raise RuleViolated.one("event_id", N_("This agenda event belongs to another government."))

    _, values, rows, _, _ = planning.collect(
        lambda: _check_fields(unit, title, category),
        lambda: _checked_plan(unit, plan or PlanFields()),
        lambda: variant_service.checked_variants(unit, list(variants), planned_at, now),
        lambda: planning.planned_time(planned_at, now),
        event_of_government)
    with transaction():
        post = Post(unit=unit, title=title.strip(), body=(body or "").strip(), category=category,
                    planned_at=planned_at, author_id=actor.id, state=PostState.DRAFT,
                    event_id=event.id if event is not None else None, created_at=now,
                    updated_at=now, updated_by_id=actor.id, last_action="create", **values)
        db.session.add(post)
        for row in rows:
            db.session.add(PostVariant(post=post, **row))
        db.session.flush()
        record(actor, "post.created", post, unit.id, after={
            **_snapshot(post), "title": post.title, "category": category.code,
            "planned_at": planned_at, "event_id": post.event_id, **_plan_snapshot(post),
            "variants": [{"channel_id": v.channel_id, "caption": v.caption, "slot_id": v.slot_id,
                          "planned_at": v.planned_at} for v in post.variants]})
    return post


def _lock(post: Post, expected_version: int | None) -> None:
    """Take the post's row lock and refuse a form that was opened before the last change."""
    db.session.execute(select(Post.id).where(Post.id == post.id).with_for_update())
    db.session.refresh(post)
    if expected_version is None or post.version != expected_version:
        raise StaleEdit(post.updated_by.name if post.updated_by else None, post.updated_at,
                        post.last_action)


def _version_for(post: Post) -> SopVersion | None:
    """The pinned version, or for a post not yet submitted the SOP its unit follows now
    (share-locked, so that it cannot be retired before the post pins it)."""
    return post.sop_version if post.sop_version_id else applicable(post.unit, lock=True)


def _decide(actor: Person, access: Access | None, post: Post, transition: Transition,
            version: SopVersion | None, **inputs) -> workflow.Decision:
    roles = access.acting_in(post.unit) if access is not None else []
    decision = workflow.decide(transition, post.facts(), version.as_workflow() if version else None,
                               actor.id, roles, **inputs)
    if not decision:
        if any(v.field in INPUT_FIELDS for v in decision.reasons):
            raise RuleViolated(list(decision.reasons))
        raise TransitionRefused(transition.value, list(decision.reasons))
    return decision


def audit_refusal(actor: Person, post: Post, error: TransitionRefused) -> None:
    """Record a refused transition (after the refused change has been rolled back)."""
    with transaction():
        record(actor, "post.transition_refused", post, post.unit_id, transition=error.transition,
               state=post.state, reasons=[v.message % v.params if v.params else v.message
                                          for v in error.violations])
    error.audited = True


def _apply(actor: Person, post: Post, decision: workflow.Decision, version: SopVersion | None,
           to_state: PostState, *, step_position=None, checklist=(), reason=None, audit=None,
           restart_clock: bool = True, due: datetime | None = None) -> PostStep:
    """Write the outcome: state, step record, audit event.  `restart_clock` False keeps the
    time the current step started (scheduling or ratifying is not a new step); `due` is the
    deadline the action answered, if not the current step's."""
    now = utcnow()
    before = _snapshot(post)
    facts = post.facts()
    if due is None:
        due = workflow.deadline(facts, version.as_workflow() if version else None)
    step = decision.step
    acting = decision.acting
    on_behalf = db.session.get(Person, acting.for_person) if acting and acting.for_person else None
    entry = PostStep(post=post, round=post.round, action=decision.transition.value,
                     sop_version_id=version.id if version else None,
                     step_position=step.position if step else None,
                     step_kind=step.kind if step else None, from_state=post.state, to_state=to_state,
                     actor_id=actor.id, on_behalf_of_id=on_behalf.id if on_behalf else None,
                     acting_kind=acting.kind if acting else None,
                     acting_role=acting.role.value if acting else None,
                     performed_at=now, due_at=due, checklist=list(checklist), reason=reason)
    db.session.add(entry)
    post.state = to_state
    post.step_position = step_position
    if restart_clock:
        post.step_started_at = now
    post.updated_at = now
    post.updated_by_id = actor.id
    post.last_action = decision.transition.value
    db.session.flush()
    details = {"step": step.position if step else None,
               "step_activity": step.activity if step else None,
               "sop_version_id": version.id if version else None,
               "sop_version": version.number if version else None,
               "acting_role": acting.role.value if acting else None,
               "acting_kind": acting.kind if acting else None, "due_at": due, **(audit or {})}
    if reason:
        details["reason"] = reason
    if checklist:
        details["checklist"] = list(checklist)
    record(actor, f"post.{decision.transition.value}", post, post.unit_id, on_behalf_of=on_behalf,
           before=before, after=_snapshot(post), **details)
    return entry


def _transition(actor: Person, access: Access | None, post: Post, expected_version: int | None,
                transition: Transition, apply, **inputs):
    try:
        with transaction():
            _lock(post, expected_version)
            version = _version_for(post)
            decision = _decide(actor, access, post, transition, version, **inputs)
            return apply(decision, version)
    except TransitionRefused as error:
        audit_refusal(actor, post, error)
        raise


def update_post(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
                title: str, body: str, category: Category, planned_at: datetime | None,
                plan: PlanFields | None = None, now: datetime | None = None) -> Post:
    """Save the post's fields (`plan` None keeps its planning fields).  A planned time may
    stay where it was even if that has passed; a changed one must lie in the future."""
    now = now or utcnow()
    _check_fields(post.unit, title, category)

    def apply(decision, version):
        values = planning.collect(
            lambda: _checked_plan(post.unit, plan) if plan is not None else {},
            lambda: planning.planned_time(planned_at, now, previous=post.planned_at, is_new=False))[0]
        before = {"title": post.title, "body": post.body, "category": post.category.code,
                  "planned_at": post.planned_at, **_plan_snapshot(post)}
        post.title, post.body, post.category = title.strip(), (body or "").strip(), category
        post.planned_at = planned_at
        for name, value in values.items():
            setattr(post, name, value)
        post.updated_at, post.updated_by_id, post.last_action = utcnow(), actor.id, "edit"
        db.session.flush()
        acting_for = decision.acting.for_person if decision.acting else None
        record(actor, "post.edited", post, post.unit_id, before=before,
               on_behalf_of=db.session.get(Person, acting_for) if acting_for else None,
               after={"title": post.title, "body": post.body, "category": category.code,
                      "planned_at": planned_at, **_plan_snapshot(post)})
        return post

    return _transition(actor, access, post, expected_version, Transition.EDIT, apply)


def submit(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
           ticked: set[str]) -> Post:
    def apply(decision, version):
        if post.sop_version_id is None:
            post.sop_version = version  # pinned: the post finishes on this version
        wf = version.as_workflow()
        first = workflow.first_review(wf, post.category.code)
        post.round += 1
        post.returned_reason = None
        _apply(actor, post, decision, version, PostState.IN_REVIEW, step_position=first.position,
               checklist=sorted(ticked))
        return post

    return _transition(actor, access, post, expected_version, Transition.SUBMIT, apply, ticked=ticked)


def approve(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
            ticked: set[str], note: str | None = None) -> Post:
    def apply(decision, version):
        state, position = workflow.after_approval(post.facts(), version.as_workflow())
        _apply(actor, post, decision, version, state, step_position=position,
               checklist=sorted(ticked), reason=(note or "").strip() or None)
        return post

    return _transition(actor, access, post, expected_version, Transition.APPROVE, apply, ticked=ticked)


def return_to_author(actor: Person, access: Access | None, post: Post, expected_version: int | None,
                     *, reason: str) -> Post:
    def apply(decision, version):
        post.returned_reason = reason.strip()
        _apply(actor, post, decision, version, PostState.RETURNED, reason=reason.strip())
        return post

    return _transition(actor, access, post, expected_version, Transition.RETURN, apply,
                       reason=reason or "")


def withdraw(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
             reason: str | None = None) -> Post:
    def apply(decision, version):
        _apply(actor, post, decision, version, PostState.WITHDRAWN, reason=(reason or "").strip() or None)
        return post

    return _transition(actor, access, post, expected_version, Transition.WITHDRAW, apply)


def cancel(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
           reason: str) -> Post:
    def apply(decision, version):
        _apply(actor, post, decision, version, PostState.CANCELLED, reason=reason.strip())
        return post

    return _transition(actor, access, post, expected_version, Transition.CANCEL, apply,
                       reason=reason or "")


def schedule(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
             planned_at: datetime) -> Post:
    def apply(decision, version):
        # Checked after the rules: someone who may not schedule is refused, not corrected.
        if planned_at is None or planned_at <= utcnow():
            raise RuleViolated.one("planned_at", N_("Choose a publication time in the future."))
        post.planned_at = planned_at
        _apply(actor, post, decision, version, PostState.SCHEDULED, restart_clock=False,
               audit={"planned_at": planned_at})
        return post

    return _transition(actor, access, post, expected_version, Transition.SCHEDULE, apply)


def _clean_urls(urls: dict[str, str]) -> dict[Platform, str]:
    cleaned, problems = {}, []
    for platform, url in urls.items():
        url = (url or "").strip()
        if not url:
            continue
        if not planning.is_web_address(url):
            problems.append(Violation("urls", N_("%(url)s is not a web address (https://…)."), {"url": url[:80]}))
            continue
        cleaned[Platform(platform)] = url
    if problems:
        raise RuleViolated(problems)
    return cleaned


def publish(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
            urls: dict[str, str], ticked: set[str],
            variant_urls: dict[int, planning.Publication] | None = None) -> Post:
    """Record the publication: for a post planned per channel one address (and the time it
    went out) per variant, else one address per platform."""
    def apply(decision, version):
        # Checked after the rules: someone who may not publish is refused, not corrected.
        now = utcnow()
        if variant_urls is not None:
            variants = {v.id: v for v in post.variants}
            published = [(variants[i], url, at) for i, url, at in planning.variant_publications(
                variant_urls, {i: v.channel.name for i, v in variants.items()}, now)]
            for variant, url, at in published:
                db.session.add(PostPublication(post=post, platform=variant.channel.platform,
                                               variant_id=variant.id, url=url, published_at=at,
                                               recorded_at=now, recorded_by_id=actor.id))
            audit = {"urls": {str(v.id): u for v, u, _ in published},
                     "published_at": {str(v.id): at for v, _, at in published}}
        else:
            cleaned = _clean_urls(urls)
            for platform, url in cleaned.items():
                db.session.add(PostPublication(post=post, platform=platform, url=url,
                                               published_at=now, recorded_at=now,
                                               recorded_by_id=actor.id))
            audit = {"urls": {p.value: u for p, u in cleaned.items()}}
        post.published_at = now
        route = version.as_workflow().route_for(post.category.code)
        follow_up = route.first(AFTER_PUBLICATION_KINDS)
        _apply(actor, post, decision, version, PostState.PUBLISHED, checklist=sorted(ticked),
               step_position=follow_up.position if follow_up else None, audit=audit)
        return post

    given = ({str(k): v.url for k, v in variant_urls.items()} if variant_urls is not None else urls)
    return _transition(actor, access, post, expected_version, Transition.PUBLISH, apply,
                       urls={k: v for k, v in given.items() if (v or "").strip()}, ticked=ticked)


def ratify(actor: Person, access: Access | None, post: Post, expected_version: int | None) -> Post:
    def apply(decision, version):
        due = workflow.ratification_due(post.facts(), version.as_workflow())
        post.ratified_at = utcnow()
        _apply(actor, post, decision, version, PostState.PUBLISHED, step_position=post.step_position,
               restart_clock=False, due=due, audit={"ratify_due_at": due, "late": bool(due and post.ratified_at > due)})
        return post

    return _transition(actor, access, post, expected_version, Transition.RATIFY, apply)


def complete_step(actor: Person, access: Access | None, post: Post, expected_version: int | None, *,
                  ticked: set[str], note: str | None = None) -> Post:
    """Record a step after publication (distribution, evaluation) as done; the post then
    waits on the next one, if any."""
    def apply(decision, version):
        route = version.as_workflow().route_for(post.category.code)
        following = route.next_after(decision.step.position, AFTER_PUBLICATION_KINDS)
        _apply(actor, post, decision, version, PostState.PUBLISHED,
               step_position=following.position if following else None,
               checklist=sorted(ticked), reason=(note or "").strip() or None)
        return post

    return _transition(actor, access, post, expected_version, Transition.COMPLETE, apply, ticked=ticked)


def add_comment(actor: Person, access: Access | None, post: Post, body: str) -> PostComment:
    if access is not None:
        access.require(Action.COMMENT_POSTS, post)
    body = (body or "").strip()
    if not body:
        raise RuleViolated.one("body", N_("Write the comment first."))
    if len(body) > 5000:
        raise RuleViolated.one("body", N_("A comment can be at most 5,000 characters."))
    with transaction():
        comment = PostComment(post=post, author_id=actor.id, body=body)
        db.session.add(comment)
        db.session.flush()
        record(actor, "post.commented", post, post.unit_id, comment_id=comment.id, body=body)
    return comment


def categories_for(unit: Unit) -> list[Category]:
    return list(db.session.scalars(select(Category).where(
        Category.government_id == government_of(unit), Category.active.is_(True))
        .order_by(Category.position)))

