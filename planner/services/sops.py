"""SOP versions: drafting, editing a draft, putting a version in force (which retires the
one before).  A version in force never changes; changes make a new version."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from planner.domain.access import Action
from planner.domain.content import SopStatus, StepKind
from planner.domain.errors import N_, RuleViolated, Violation
from planner.domain.organisation import Role
from planner.domain.sop_rules import DEFAULT_ROUTE, check_activation
from planner.extensions import db
from planner.models import (Category, Delegation, Person, RoleAssignment, Sop, SopRoute, SopStandard,
                            SopStep, SopVersion, Unit)
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import check_version, record, transaction

DEFAULT_SOP_TITLE = "SOP Pengelolaan Media Sosial"


@dataclass
class StepSpec:
    kind: StepKind
    activity: str
    role: Role
    hours: int
    inputs: list[str] = field(default_factory=list)
    output: str | None = None
    note: str | None = None


@dataclass
class RouteSpec:
    category: str | None
    steps: list[StepSpec]
    fast_track: bool = False
    ratify_hours: int | None = None


IDENTITY_FIELDS = ("name", "document_number", "effective_date", "approved_by_name", "qualification",
                   "equipment", "warning", "recording", "related", "change_note",
                   "allow_repeat_approver", "decree_number", "decree_date", "decree_signed_by")


def government_of(unit: Unit) -> int:
    return int(unit.path.strip("/").split("/")[0])


def in_force(unit: Unit) -> SopVersion | None:
    """The version in force of the unit's own SOP."""
    return db.session.scalar(select(SopVersion).join(Sop).where(
        Sop.unit_id == unit.id, SopVersion.status == SopStatus.IN_FORCE))


def lineage(unit: Unit) -> list[int]:
    """The unit's id and those of the units above it, top first (from its path)."""
    return [int(x) for x in unit.path.strip("/").split("/")]


def applicable(unit: Unit, *, lock: bool = False) -> SopVersion | None:
    """The SOP a unit's posts follow: its own in force, else that of the nearest unit above
    it (a subdivision works under its division's SOP).  With `lock`, the SOP rows are
    share-locked first, so that a version cannot be retired while a post pins it."""
    ids = lineage(unit)
    if lock:
        db.session.execute(select(Sop.id).where(Sop.unit_id.in_(ids)).with_for_update(read=True))
    versions = {sop_unit: version for sop_unit, version in db.session.execute(
        select(Sop.unit_id, SopVersion).join(Sop, SopVersion.sop_id == Sop.id)
        .where(Sop.unit_id.in_(ids), SopVersion.status == SopStatus.IN_FORCE))}
    return next((versions[i] for i in reversed(ids) if i in versions), None)


def _summary(version: SopVersion) -> dict:
    return {"status": version.status, "number": version.number,
            "routes": [{"category": r.category_code, "fast_track": r.fast_track,
                        "ratify_hours": r.ratify_hours,
                        "steps": [[s.position, s.kind, s.performer_role, s.hours_allowed]
                                  for s in r.steps]} for r in version.routes]}


def _refuse_unless_draft(version: SopVersion) -> None:
    if version.status != SopStatus.DRAFT:
        raise RuleViolated.one(None, N_("Version %(number)s is %(status)s and can no longer be changed. "
                                        "Draft a new version to change the SOP."),
                               number=version.number, status=version.status.value)


def _fill(version: SopVersion, identity: dict, routes: list[RouteSpec],
          standards: list[tuple[str, StepKind]]) -> None:
    for name in IDENTITY_FIELDS:
        if name in identity:
            value = identity[name]
            setattr(version, name, value.strip() or None if isinstance(value, str) else value)
    version.name = version.name or DEFAULT_SOP_TITLE
    version.routes = [
        SopRoute(category_code=r.category or None, position=i, fast_track=r.fast_track,
                 ratify_hours=r.ratify_hours if r.fast_track else None,
                 steps=[SopStep(position=n, kind=StepKind(s.kind), activity=s.activity.strip(),
                                performer_role=Role(s.role), hours_allowed=s.hours,
                                inputs=[i.strip() for i in s.inputs if i.strip()],
                                output=(s.output or "").strip() or None,
                                note=(s.note or "").strip() or None)
                        for n, s in enumerate(r.steps, start=1)])
        for i, r in enumerate(routes)]
    version.standards = [SopStandard(position=i, text=text.strip(), step_kind=StepKind(kind))
                         for i, (text, kind) in enumerate(standards) if text.strip()]


def _check_draft(routes: list[RouteSpec]) -> None:
    problems: list[Violation] = []
    seen: set[str | None] = set()
    for route in routes:
        if route.category in seen:
            problems.append(Violation("steps", N_("Route %(route)s is defined twice."),
                                      {"route": route.category or DEFAULT_ROUTE}))
        seen.add(route.category)
        for step in route.steps:
            if not step.activity.strip():
                problems.append(Violation("steps", N_("Every step needs an activity."), {}))
                break
    if problems:
        raise RuleViolated(problems)


def spec_of(version: SopVersion) -> tuple[list[RouteSpec], list[tuple[str, StepKind]]]:
    """A version's routes and standards as plain specs (to copy or edit them)."""
    routes = [RouteSpec(r.category_code, [StepSpec(s.kind, s.activity, s.performer_role,
                                                   s.hours_allowed, list(s.inputs or []),
                                                   s.output, s.note) for s in r.steps],
                        r.fast_track, r.ratify_hours) for r in version.routes]
    return routes, [(s.text, s.step_kind) for s in version.standards]


def create_draft(actor: Person | None, access: Access | None, unit: Unit, *,
                 based_on: SopVersion | None = None, identity: dict | None = None,
                 routes: list[RouteSpec] | None = None,
                 standards: list[tuple[str, StepKind]] | None = None) -> SopVersion:
    """Start a new draft version of the unit's SOP, empty or as a copy of `based_on`."""
    if access is not None:
        access.require(Action.MANAGE_SOP, unit)
    with transaction():
        # The unit's row lock serialises two first drafts (the SOP row does not exist yet).
        db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())
        sop = db.session.scalar(select(Sop).where(Sop.unit_id == unit.id).with_for_update())
        if sop is None:
            sop = Sop(unit=unit, title=DEFAULT_SOP_TITLE)
            db.session.add(sop)
            db.session.flush()
        number = (db.session.scalar(select(func.max(SopVersion.number))
                                    .where(SopVersion.sop_id == sop.id)) or 0) + 1
        version = SopVersion(sop_id=sop.id, number=number, status=SopStatus.DRAFT,
                             name=DEFAULT_SOP_TITLE, created_by_id=actor.id if actor else None,
                             based_on_id=based_on.id if based_on else None)
        db.session.add(version)
        if based_on is not None:
            copied_routes, copied_standards = spec_of(based_on)
            base_identity = {name: getattr(based_on, name) for name in IDENTITY_FIELDS}
            base_identity.update(effective_date=None, change_note=None, decree_number=None,
                                 decree_date=None, decree_signed_by=None)
            _fill(version, {**base_identity, **(identity or {})}, routes or copied_routes,
                  standards if standards is not None else copied_standards)
        else:
            _check_draft(routes or [])
            _fill(version, identity or {}, routes or [], standards or [])
        db.session.flush()
        record(actor, "sop.drafted", version, unit.id, after=_summary(version),
               based_on=based_on.number if based_on else None)
    return version


def update_draft(actor: Person | None, access: Access | None, version: SopVersion,
                 expected_version: int | None, *, identity: dict, routes: list[RouteSpec],
                 standards: list[tuple[str, StepKind]]) -> SopVersion:
    """Replace a draft's identity block, routes, steps and standards."""
    unit = version.sop.unit
    if access is not None:
        access.require(Action.MANAGE_SOP, unit)
    with transaction():
        db.session.refresh(version, with_for_update=True)
        _refuse_unless_draft(version)
        check_version(version, expected_version)
        _check_draft(routes)
        before = _summary(version)
        for route in list(version.routes):  # replaced whole: a draft has no history to keep
            db.session.delete(route)
        db.session.flush()
        _fill(version, identity, routes, standards)
        version.updated_by_id = actor.id if actor else None
        version.updated_at = utcnow()
        db.session.flush()
        record(actor, "sop.draft_updated", version, unit.id, before=before, after=_summary(version))
    return version


def _roles_held(unit: Unit, day: date) -> set[Role]:
    """Roles someone holds on `day` in the unit or above it (a role covers the units below)."""
    ids = lineage(unit)

    def current(model):
        return (model.unit_id.in_(ids), model.valid_from <= day,
                model.valid_to.is_(None) | (model.valid_to >= day))

    held = set(db.session.scalars(select(RoleAssignment.role).join(Person, RoleAssignment.person_id == Person.id)
                                  .where(*current(RoleAssignment), Person.active.is_(True))))
    held |= set(db.session.scalars(select(Delegation.role).where(*current(Delegation))))
    return {Role(r) for r in held}


def activation_problems(version: SopVersion, effective_date: date | None) -> list[Violation]:
    unit = version.sop.unit
    categories = db.session.execute(select(Category.code, Category.fast_track_allowed).where(
        Category.government_id == government_of(unit), Category.active.is_(True))).all()
    current = in_force(unit)
    return check_activation(
        [r.as_workflow(version) for r in version.routes],
        known_categories={code for code, _ in categories},
        fast_track_categories={code for code, fast in categories if fast},
        roles_held=_roles_held(unit, unit.today()),
        effective_date=effective_date, previous_effective=current.effective_date if current else None,
        today=unit.today())


def activate(actor: Person | None, access: Access | None, version: SopVersion,
             expected_version: int | None, *, effective_date: date | None = None) -> SopVersion:
    """Put a draft in force; the version in force until now is retired in the same step."""
    unit = version.sop.unit
    if access is not None:
        access.require(Action.MANAGE_SOP, unit)
    with transaction():
        # Every row lock before the first audit event (which takes the chain lock).
        db.session.execute(select(Sop.id).where(Sop.id == version.sop_id).with_for_update())
        db.session.refresh(version, with_for_update=True)
        _refuse_unless_draft(version)
        check_version(version, expected_version)
        effective_date = effective_date or version.effective_date
        problems = activation_problems(version, effective_date)
        if problems:
            raise RuleViolated(problems)
        previous = in_force(unit)
        now = utcnow()
        if previous is not None:
            previous.status = SopStatus.RETIRED
            previous.retired_at = now
            db.session.flush()
            record(actor, "sop.retired", previous, unit.id, before={"status": SopStatus.IN_FORCE},
                   after={"status": SopStatus.RETIRED}, replaced_by=version.number)
        version.effective_date = effective_date
        version.status = SopStatus.IN_FORCE
        version.activated_at = now
        version.activated_by_id = actor.id if actor else None
        version.updated_by_id = actor.id if actor else None
        db.session.flush()
        record(actor, "sop.activated", version, unit.id, before={"status": SopStatus.DRAFT},
               after=_summary(version), effective_date=effective_date,
               decree_number=version.decree_number, approved_by=version.approved_by_name)
    return version

