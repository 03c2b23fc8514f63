"""What waits for a person on their home page, by the roles they hold today."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from planner.domain.access import Action
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit
from planner.permissions import Access
from planner.queries.structure import UnitStructure, structure_on

SOON = timedelta(days=30)
LIST_LIMIT = 10


@dataclass
class StructureHealth:
    """Signals for those who keep the structure documented (sysadmin, auditor)."""

    unit_count: int = 0
    active_people: int = 0
    undocumented: list[RoleAssignment] = field(default_factory=list)
    undocumented_count: int = 0
    ending_soon: list[RoleAssignment] = field(default_factory=list)
    acting_ending_soon: list[Delegation] = field(default_factory=list)
    without_approver: list[Unit] = field(default_factory=list)
    without_approver_count: int = 0
    without_role: list[Person] = field(default_factory=list)
    without_role_count: int = 0


@dataclass
class Home:
    my_assignments: list[RoleAssignment]
    acting_for: list[Delegation]
    acted_for_by: list[Delegation]
    teams: list[UnitStructure]
    health: StructureHealth | None


def _current(model, day: date):
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to >= day))


def home_for(access: Access, today: date) -> Home:
    person = access.person
    my_assignments = list(db.session.scalars(
        select(RoleAssignment).options(joinedload(RoleAssignment.unit))
        .where(RoleAssignment.person_id == person.id, _current(RoleAssignment, today))
        .order_by(RoleAssignment.valid_from)))
    acting_for = list(db.session.scalars(
        select(Delegation).options(joinedload(Delegation.unit), joinedload(Delegation.delegator))
        .where(Delegation.delegate_id == person.id, _current(Delegation, today))))
    acted_for_by = list(db.session.scalars(
        select(Delegation).options(joinedload(Delegation.unit), joinedload(Delegation.delegate))
        .where(Delegation.delegator_id == person.id,
               or_(Delegation.valid_to.is_(None),
                   and_(Delegation.valid_to >= today, Delegation.valid_to >= Delegation.valid_from)))
        .order_by(Delegation.valid_from)))

    team_units = {g.unit_id for g in access.grants
                  if g.role in (Role.AUTHOR, Role.CONTRIBUTOR, Role.REVIEWER, Role.APPROVER)}
    teams = []
    for unit_id in sorted(team_units):
        unit = db.session.get(Unit, unit_id)
        teams.extend(structure_on(unit, today, include_subunits=False))

    health = None
    if access.can_anywhere(Action.VIEW_PEOPLE):
        health = structure_health(access, today)
    return Home(my_assignments, acting_for, acted_for_by, teams, health)


def structure_health(access: Access, today: date) -> StructureHealth:
    in_scope = access.unit_condition(Action.VIEW_PEOPLE)
    health = StructureHealth()
    health.unit_count = db.session.scalar(select(func.count(Unit.id)).where(in_scope))
    health.active_people = db.session.scalar(
        select(func.count(Person.id)).join(Unit, Person.home_unit_id == Unit.id)
        .where(in_scope, Person.active.is_(True)))

    current_in_scope = and_(in_scope, _current(RoleAssignment, today))
    undocumented = or_(RoleAssignment.decree_number.is_(None), RoleAssignment.decree_date.is_(None))
    health.undocumented_count = db.session.scalar(
        select(func.count(RoleAssignment.id)).join(Unit, RoleAssignment.unit_id == Unit.id)
        .where(current_in_scope, undocumented))
    health.undocumented = list(db.session.scalars(
        select(RoleAssignment).join(Unit, RoleAssignment.unit_id == Unit.id)
        .options(joinedload(RoleAssignment.person), joinedload(RoleAssignment.unit))
        .where(current_in_scope, undocumented).order_by(Unit.path).limit(LIST_LIMIT)))
    health.ending_soon = list(db.session.scalars(
        select(RoleAssignment).join(Unit, RoleAssignment.unit_id == Unit.id)
        .options(joinedload(RoleAssignment.person), joinedload(RoleAssignment.unit))
        .where(current_in_scope, RoleAssignment.valid_to.is_not(None),
               RoleAssignment.valid_to <= today + SOON)
        .order_by(RoleAssignment.valid_to).limit(LIST_LIMIT)))
    health.acting_ending_soon = list(db.session.scalars(
        select(Delegation).join(Unit, Delegation.unit_id == Unit.id)
        .options(joinedload(Delegation.delegate), joinedload(Delegation.delegator),
                 joinedload(Delegation.unit))
        .where(in_scope, _current(Delegation, today), Delegation.valid_to.is_not(None),
               Delegation.valid_to <= today + SOON)
        .order_by(Delegation.valid_to).limit(LIST_LIMIT)))

    # An approving head covers their unit and every unit below it.
    ancestor = aliased(Unit)
    has_approver = (
        select(RoleAssignment.id).join(ancestor, RoleAssignment.unit_id == ancestor.id)
        .where(RoleAssignment.role == Role.APPROVER, _current(RoleAssignment, today),
               Unit.path.startswith(ancestor.path))
        .exists())
    # A unit with a team (authors or reviewers today) but nobody to approve its posts.
    has_team = exists().where(RoleAssignment.unit_id == Unit.id, _current(RoleAssignment, today),
                              RoleAssignment.role.in_([Role.AUTHOR, Role.REVIEWER]))
    without = and_(in_scope, has_team, ~has_approver)
    health.without_approver_count = db.session.scalar(select(func.count(Unit.id)).where(without))
    health.without_approver = list(db.session.scalars(
        select(Unit).where(without).order_by(Unit.path).limit(LIST_LIMIT)))

    holder = aliased(RoleAssignment)
    no_role = and_(in_scope, Person.active.is_(True),
                   ~exists().where(holder.person_id == Person.id, _current(holder, today)))
    health.without_role_count = db.session.scalar(
        select(func.count(Person.id)).join(Unit, Person.home_unit_id == Unit.id).where(no_role))
    health.without_role = list(db.session.scalars(
        select(Person).join(Unit, Person.home_unit_id == Unit.id).where(no_role)
        .order_by(Person.name).limit(LIST_LIMIT)))
    return health
