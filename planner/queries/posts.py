"""Read side of the post pages: the filtered post list and everything the detail page shows
about one post (its SOP step, deadline, progress, history and what the reader may do now).
Each issues a fixed number of SQL statements, whatever the number of posts or steps."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from planner.domain import workflow
from planner.domain.access import Action
from planner.domain.content import PostState, SopStatus, StepKind
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.domain.organisation import Role
from planner.models import (AuditEvent, Category, Channel, Person, Post, PostComment, PostPublication,
                            PostStep, PostVariant, RoleAssignment, Sop, SopRoute, SopVersion, Unit)
from planner.permissions import Access
from planner.services.sops import lineage

PAGE_SIZE = 25
ASSIGNABLE_ROLES = (Role.AUTHOR, Role.CONTRIBUTOR)


def assignable_people(unit: Unit) -> list[Person]:
    """Who may be assigned a post of `unit`: active people holding the author or
    contributor role today in the unit or a unit above it."""
    today = unit.today()
    return list(db.session.scalars(
        select(Person).where(Person.active.is_(True), Person.id.in_(
            select(RoleAssignment.person_id).where(
                RoleAssignment.unit_id.in_(lineage(unit)),
                RoleAssignment.role.in_(ASSIGNABLE_ROLES), RoleAssignment.valid_from <= today,
                RoleAssignment.valid_to.is_(None) | (RoleAssignment.valid_to >= today))))
        .order_by(Person.name)))


def version_loading(path=None):
    """Load a version's routes, their steps and its standards (what `as_workflow` reads),
    below `path` (a loader option reaching the version) or for versions queried directly."""
    if path is None:
        return (selectinload(SopVersion.routes).selectinload(SopRoute.steps),
                selectinload(SopVersion.standards))
    return (path.selectinload(SopVersion.routes).selectinload(SopRoute.steps),
            path.selectinload(SopVersion.standards))


def channels_with_units(channels: list[Channel]) -> list[Channel]:
    """The channels with their units loaded in one statement (their labels name the unit)."""
    units = {u.id: u for u in db.session.scalars(
        select(Unit).where(Unit.id.in_({c.unit_id for c in channels})))}
    for channel in channels:
        set_committed_value(channel, "unit", units[channel.unit_id])
    return channels


def planning_warnings_for(post: Post) -> list:
    """The warnings shown while planning the post (they never block saving): a caption
    copied across channels, a missing website link where the unit's settings ask for one,
    and a plan that pushes the month's mix past the unit's target."""
    from planner.domain import planning
    from planner.queries.mix import overshoot_warnings
    from planner.queries.planning import settings_for

    texts = [planning.VariantText(v.channel.name, v.caption) for v in post.variants]
    warnings = planning.planning_warnings(texts, post.website_url,
                                          settings_for(post.unit).require_website_link)
    if post.planned_at is not None:
        warnings += overshoot_warnings(post.unit, post.category_id, post.planned_at,
                                       exclude_post_id=post.id)
    return warnings


# -- the list ----------------------------------------------------------------------------

@dataclass
class PostRow:
    post: Post
    step: workflow.Step | None
    deadline: datetime | None
    overdue: bool


@dataclass
class PostFilters:
    unit_id: int | None = None
    state: str | None = None
    category_id: int | None = None
    author_id: int | None = None
    channel_id: int | None = None
    campaign: str | None = None


def government_ids(access: Access) -> set[int]:
    """The governments (root units) the person holds any role in."""
    return {int(g.unit_path.strip("/").split("/")[0]) for g in access.grants}


def filter_choices(access: Access) -> tuple[list[Unit], list[Category], list[Person]]:
    """What the list's filters offer: visible units, the governments' categories, the
    authors of visible posts."""
    units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
    categories = list(db.session.scalars(
        select(Category).where(Category.government_id.in_(government_ids(access)))
        .order_by(Category.government_id, Category.position)))
    authors = list(db.session.scalars(
        select(Person).where(Person.id.in_(
            select(Post.author_id).join(Unit, Post.unit_id == Unit.id)
            .where(access.unit_condition(Action.VIEW_POSTS))))
        .order_by(Person.name)))
    return units, categories, authors


def planning_filter_choices(access: Access) -> tuple[list[Channel], list[str]]:
    """The channels of the units the person sees and the campaigns of the visible posts."""
    channels = list(db.session.scalars(
        select(Channel).join(Unit, Channel.unit_id == Unit.id)
        .where(access.unit_condition(Action.VIEW_POSTS)).options(joinedload(Channel.unit))
        .order_by(Unit.path, Channel.platform, Channel.name)))
    campaigns = list(db.session.scalars(
        select(Post.campaign).join(Unit, Post.unit_id == Unit.id)
        .where(access.unit_condition(Action.VIEW_POSTS), Post.campaign.is_not(None))
        .distinct().order_by(Post.campaign)))
    return channels, campaigns


def in_force_by_unit(units) -> dict[int, SopVersion]:
    """The SOP each of these units follows (its own in force, else the nearest unit's above
    it), in one query whatever their number."""
    lineages = {unit.id: lineage(unit) for unit in units}
    if not lineages:
        return {}
    ids = {i for chain in lineages.values() for i in chain}
    rows = db.session.execute(
        select(Sop.unit_id, SopVersion).join(Sop, SopVersion.sop_id == Sop.id)
        .options(*version_loading())
        .where(Sop.unit_id.in_(ids), SopVersion.status == SopStatus.IN_FORCE)).all()
    found = {unit_id: version for unit_id, version in rows}
    return {unit_id: next((found[i] for i in reversed(chain) if i in found), None)
            for unit_id, chain in lineages.items()}


class WorkflowCache:
    """`as_workflow()` once per SOP version, however many posts share it."""

    def __init__(self):
        self._seen: dict[int, workflow.SopVersion] = {}

    def __call__(self, version: SopVersion | None) -> workflow.SopVersion | None:
        if version is None:
            return None
        if version.id not in self._seen:
            self._seen[version.id] = version.as_workflow()
        return self._seen[version.id]


def post_list(access: Access, filters: PostFilters, page: int, now: datetime,
              page_size: int = PAGE_SIZE) -> tuple[list[PostRow], int]:
    """One page of the posts the person may see, newest first, and how many there are."""
    # The units first, then their posts through the index that leads with the unit: the
    # list of one unit does not read the rest of its government's posts.
    units = select(Unit.id).where(access.unit_condition(Action.VIEW_POSTS))
    if filters.unit_id:
        # The unit and the units below it (a division's list includes its subdivisions').
        chosen = select(Unit.path).where(Unit.id == filters.unit_id).scalar_subquery()
        units = units.where(Unit.path.startswith(chosen))
    query = select(Post).where(Post.unit_id.in_(units))
    if filters.state:
        query = query.where(Post.state == PostState(filters.state))
    if filters.category_id:
        query = query.where(Post.category_id == filters.category_id)
    if filters.author_id:
        query = query.where(Post.author_id == filters.author_id)
    if filters.channel_id:
        query = query.where(Post.id.in_(select(PostVariant.post_id)
                                        .where(PostVariant.channel_id == filters.channel_id)))
    if filters.campaign:
        query = query.where(Post.campaign == filters.campaign)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    posts = list(db.session.scalars(
        query.options(joinedload(Post.unit), joinedload(Post.category), joinedload(Post.author),
                      selectinload(Post.steps), *version_loading(selectinload(Post.sop_version)),
                      selectinload(Post.variants).joinedload(PostVariant.channel))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(page_size).offset((page - 1) * page_size)))
    in_force = in_force_by_unit({p.unit for p in posts if p.sop_version_id is None})
    as_workflow = WorkflowCache()
    rows = []
    for post in posts:
        wf = as_workflow(post.sop_version if post.sop_version_id else in_force.get(post.unit_id))
        facts = post.facts()
        due = workflow.deadline(facts, wf)
        rows.append(PostRow(post, workflow.current_step(facts, wf), due, bool(due and due < now)))
    return rows, total


# -- one post ----------------------------------------------------------------------------

@dataclass
class ProgressItem:
    step: workflow.Step
    status: str  # "done", "current" or "todo"


@dataclass
class HistoryEntry:
    record: PostStep
    activity: str | None
    version_number: int | None


@dataclass
class Edit:
    """The post's drafting and each later change of its text, from the audit trail."""

    event: AuditEvent
    changed: list[str]  # the names of the fields that changed


@dataclass
class PostPage:
    post: Post
    version: SopVersion | None  # the pinned version, or the one in force before submission
    pinned: bool
    route: workflow.Route | None
    facts: workflow.PostFacts
    current: workflow.Step | None
    deadline: datetime | None
    overdue: bool
    ratify_due: datetime | None
    ratify_overdue: bool
    progress: list[ProgressItem]
    history: list[HistoryEntry]
    options: dict[Transition, workflow.Decision]
    checklists: dict[Transition, tuple[str, ...]]
    acting_for: dict[int, str] = field(default_factory=dict)  # person id -> name
    edits: list[Edit] = field(default_factory=list)

    def allowed(self, transition: str) -> workflow.Decision | None:
        decision = self.options.get(Transition(transition))
        return decision if decision else None

    @property
    def any_action(self) -> bool:
        return any(d for t, d in self.options.items() if t != Transition.EDIT)


def _progress(route: workflow.Route | None, facts: workflow.PostFacts,
              current: workflow.Step | None) -> list[ProgressItem]:
    if route is None:
        return []
    done = {d.position for d in facts.done if d.round == facts.round}
    items = []
    for step in route.steps:
        if current is not None:
            if step.position == current.position:
                status = "current"
            elif step.position < current.position or step.position in done:
                status = "done"
            else:
                status = "todo"
        elif facts.state == PostState.PUBLISHED:
            status = "done"
        else:  # cancelled: what was done before it stopped
            submitted = step.kind == StepKind.DRAFT and facts.round > 0
            status = "done" if submitted or step.position in done else "todo"
        items.append(ProgressItem(step, status))
    return items


def _checklists(route: workflow.Route | None, facts: workflow.PostFacts,
                current: workflow.Step | None) -> dict[Transition, tuple[str, ...]]:
    """The checklist each action's form shows, taken from the route whoever reads it."""
    if route is None:
        return {}
    lists: dict[Transition, tuple[str, ...]] = {}
    for transition, step in (
            (Transition.SUBMIT, route.first({StepKind.DRAFT})),
            (Transition.APPROVE, route.step(facts.step_position)
             if facts.state == PostState.IN_REVIEW else None),
            (Transition.PUBLISH, route.first({StepKind.PUBLISH})),
            (Transition.COMPLETE, current if facts.state == PostState.PUBLISHED else None)):
        lists[transition] = step.checklist if step is not None else ()
    return lists


def checklists_for(post: Post) -> dict[Transition, tuple[str, ...]]:
    """The checklists an action form on this post offers (for reading a submitted form)."""
    version = post.sop_version or in_force_by_unit({post.unit}).get(post.unit_id)
    wf = version.as_workflow() if version is not None else None
    facts = post.facts()
    route = wf.route_for(post.category.code) if wf is not None else None
    return _checklists(route, facts, workflow.current_step(facts, wf))


def load_post(post_id: int) -> Post:
    """The post with everything its page shows, in a fixed number of statements."""
    return db.session.scalars(
        select(Post).where(Post.id == post_id)
        .options(joinedload(Post.unit), joinedload(Post.category), joinedload(Post.author),
                 joinedload(Post.updated_by),
                 selectinload(Post.steps).options(joinedload(PostStep.actor),
                                                  joinedload(PostStep.on_behalf_of),
                                                  joinedload(PostStep.sop_version)),
                 selectinload(Post.comments).joinedload(PostComment.author),
                 selectinload(Post.publications).options(joinedload(PostPublication.recorded_by),
                                                         joinedload(PostPublication.variant)),
                 joinedload(Post.assignee), joinedload(Post.event),
                 selectinload(Post.variants).options(
                     joinedload(PostVariant.channel).joinedload(Channel.unit),
                     joinedload(PostVariant.slot)),
                 *version_loading(selectinload(Post.sop_version)))
        .execution_options(populate_existing=True)).one()


def post_page(access: Access, post: Post, now: datetime) -> PostPage:
    """Everything about one post the person may see, and what they may do to it now."""
    post = load_post(post.id)
    version = post.sop_version
    if version is None:
        version = in_force_by_unit({post.unit}).get(post.unit_id)
    wf = version.as_workflow() if version is not None else None
    route = wf.route_for(post.category.code) if wf is not None else None
    facts = post.facts()
    current = workflow.current_step(facts, wf)
    due = workflow.deadline(facts, wf)
    ratify_due = workflow.ratification_due(facts, wf)
    person = access.person
    options = workflow.options(facts, wf, person.id, access.acting_in(post.unit))
    activities = {s.position: s.activity for s in route.steps} if route else {}
    history = [HistoryEntry(s, activities.get(s.step_position)
                            if s.sop_version_id == (version.id if version else None) else None,
                            s.sop_version.number if s.sop_version else None)
               for s in post.steps]
    acting_ids = {d.acting.for_person for d in options.values()
                  if d and d.acting is not None and d.acting.for_person}
    acting_for = dict(db.session.execute(
        select(Person.id, Person.name).where(Person.id.in_(acting_ids))).all()) if acting_ids else {}
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor), joinedload(AuditEvent.on_behalf_of))
        .where(AuditEvent.object_type == "Post", AuditEvent.object_id == post.id,
               AuditEvent.action.in_(("post.created", "post.edited")))
        .order_by(AuditEvent.seq))
    edits = [Edit(e, sorted(k for k in (e.after or {}) if (e.before or {}).get(k) != e.after[k])
                  if e.before else []) for e in events]
    return PostPage(
        edits=edits,
        post=post, version=version, pinned=post.sop_version_id is not None, route=route,
        facts=facts, current=current, deadline=due, overdue=bool(due and due < now),
        ratify_due=ratify_due, ratify_overdue=bool(ratify_due and ratify_due < now),
        progress=_progress(route, facts, current), history=history, options=options,
        checklists=_checklists(route, facts, current), acting_for=acting_for)


__all__ = ["PAGE_SIZE", "assignable_people", "planning_filter_choices", "planning_warnings_for", "channels_with_units", "checklists_for", "PostFilters", "PostPage", "PostRow", "filter_choices", "load_post",
           "post_list", "post_page", "in_force_by_unit", "WorkflowCache", "version_loading"]
