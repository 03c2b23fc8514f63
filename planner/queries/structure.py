"""The documented structure of a unit (and the units below it) on a given date."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit

ROLE_ORDER = [Role.APPROVER, Role.REVIEWER, Role.AUTHOR, Role.CONTRIBUTOR, Role.AUDITOR, Role.SYSADMIN]


@dataclass
class Holder:
    assignment: RoleAssignment
    person: Person
    acted_for_by: list[Delegation] = field(default_factory=list)


@dataclass
class UnitStructure:
    unit: Unit
    holders: list[Holder] = field(default_factory=list)
    acting: list[Delegation] = field(default_factory=list)

    @property
    def undocumented(self) -> int:
        return sum(1 for h in self.holders if not h.assignment.has_decree)

    @property
    def empty(self) -> bool:
        return not self.holders and not self.acting


def _valid_on(model, day: date):
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to >= day))


def structure_on(unit: Unit, day: date, include_subunits: bool = True) -> list[UnitStructure]:
    """Who held which role in `unit` (and below) on `day`, and who acted for whom."""
    if include_subunits:
        units = list(db.session.scalars(
            select(Unit).where(Unit.path.startswith(unit.path, autoescape=True)).order_by(Unit.path)))
    else:
        units = [unit]
    blocks = {u.id: UnitStructure(u) for u in units}
    unit_filter = (Unit.path.startswith(unit.path, autoescape=True) if include_subunits
                   else Unit.id == unit.id)

    assignments = db.session.execute(
        select(RoleAssignment, Person)
        .join(Person, RoleAssignment.person_id == Person.id)
        .join(Unit, RoleAssignment.unit_id == Unit.id)
        .where(unit_filter, _valid_on(RoleAssignment, day))
        .order_by(Person.name)
    ).all()
    delegator, delegate = aliased(Person), aliased(Person)
    delegations = db.session.execute(
        select(Delegation, delegator, delegate)
        .join(delegator, Delegation.delegator_id == delegator.id)
        .join(delegate, Delegation.delegate_id == delegate.id)
        .join(Unit, Delegation.unit_id == Unit.id)
        .where(unit_filter, _valid_on(Delegation, day))
    ).all()

    acting_for = defaultdict(list)
    for delegation, _, _ in delegations:
        acting_for[(delegation.delegator_id, delegation.unit_id, delegation.role)].append(delegation)
        blocks[delegation.unit_id].acting.append(delegation)
    for assignment, person in assignments:
        blocks[assignment.unit_id].holders.append(
            Holder(assignment, person, acting_for[(person.id, assignment.unit_id, assignment.role)]))
    for block in blocks.values():
        block.holders.sort(key=lambda h: (ROLE_ORDER.index(h.assignment.role), h.person.name))
    return list(blocks.values())
