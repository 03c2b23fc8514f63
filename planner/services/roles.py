"""Role assignments and delegations to acting officials: recording and ending them.

Nothing here deletes: ending an assignment or a delegation sets its end date and
reason, so the structure on any past date can still be shown.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from planner.domain.access import Action
from planner.domain.errors import RuleViolated
from planner.domain.organisation import DelegationKind, Role
from planner.domain.periods import Period
from planner.domain.structure_rules import check_assignment, check_assignment_end, check_delegation
from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit
from planner.permissions import Access
from planner.services import check_version, record, transaction


def _lock_person(person: Person) -> None:
    """Serialise concurrent changes to one person's roles (a row lock on PostgreSQL)."""
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def _assignment_periods(person: Person, unit: Unit, role: Role) -> list[Period]:
    rows = db.session.execute(
        select(RoleAssignment.valid_from, RoleAssignment.valid_to).where(
            RoleAssignment.person_id == person.id, RoleAssignment.unit_id == unit.id,
            RoleAssignment.role == role)
    ).all()
    return [Period(start, end) for start, end in rows]


def assign_role(actor: Person | None, access: Access | None, *, person: Person, unit: Unit,
                role: Role, valid_from: date, valid_to: date | None = None,
                position_title: str | None = None, decree_number: str | None = None,
                decree_date: date | None = None, decree_signed_by: str | None = None) -> RoleAssignment:
    """Record that `person` holds `role` in `unit` for a period, on a decree."""
    if access is not None:
        access.require(Action.MANAGE_ASSIGNMENTS, unit)
    role = Role(role)
    with transaction():
        _lock_person(person)
        problems = check_assignment(Period(valid_from, valid_to),
                                    _assignment_periods(person, unit, role))
        if problems:
            raise RuleViolated(problems)
        assignment = RoleAssignment(
            person=person, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to,
            position_title=(position_title or "").strip() or None,
            decree_number=(decree_number or "").strip() or None, decree_date=decree_date,
            decree_signed_by=(decree_signed_by or "").strip() or None,
            created_by_id=actor.id if actor else None)
        db.session.add(assignment)
        record(actor, "assignment.created", assignment, unit.id, person_id=person.id,
               role=role.value, valid_from=valid_from, valid_to=valid_to,
               decree_number=assignment.decree_number)
    return assignment


def end_assignment(actor: Person | None, access: Access | None, assignment: RoleAssignment, *,
                   end_date: date, reason: str) -> RoleAssignment:
    """End an assignment on `end_date` (inclusive).  Delegations resting on it end too."""
    if access is not None:
        access.require(Action.MANAGE_ASSIGNMENTS, assignment)
    with transaction():
        _lock_person(assignment.person)
        db.session.refresh(assignment)  # someone may have ended it while the form was open
        problems = check_assignment_end(assignment.valid_from, assignment.valid_to, end_date)
        if problems:
            raise RuleViolated(problems)
        resting = _delegations_resting_on(assignment, end_date)
        assignment.valid_to = end_date
        assignment.end_reason = reason.strip()
        assignment.updated_by_id = actor.id if actor else None
        record(actor, "assignment.ended", assignment, assignment.unit_id, end_date=end_date,
               reason=assignment.end_reason)
        for delegation in resting:
            _cut_delegation(actor, delegation, end_date, "assignment_ended")
    return assignment


def _delegations_resting_on(assignment: RoleAssignment, end_date: date) -> list[Delegation]:
    """Delegations of this assignment's role that reach past `end_date`: those that lie
    within the assignment's period (not within an earlier or later one of the same role)."""
    within = Delegation.valid_from >= assignment.valid_from
    if assignment.valid_to is not None:
        within &= Delegation.valid_from <= assignment.valid_to
    return list(db.session.scalars(select(Delegation).where(
        Delegation.delegator_id == assignment.person_id, Delegation.unit_id == assignment.unit_id,
        Delegation.role == assignment.role, within,
        Delegation.valid_to.is_(None) | (Delegation.valid_to > end_date))))


def _cut_delegation(actor: Person | None, delegation: Delegation, end_date: date, reason: str) -> None:
    # A delegation that had not begun by the end date ends the day before it starts:
    # it never took effect, and its record stays.
    new_end = end_date if delegation.valid_from <= end_date else delegation.valid_from - timedelta(days=1)
    delegation.valid_to = new_end
    delegation.end_reason = reason
    record(actor, "delegation.ended", delegation, delegation.unit_id, end_date=new_end, reason=reason)


def delegate_role(actor: Person | None, access: Access | None, *, delegator: Person,
                  delegate: Person, unit: Unit, role: Role, kind: DelegationKind,
                  valid_from: date, valid_to: date | None = None, reason: str | None = None,
                  decree_number: str | None = None, decree_date: date | None = None,
                  decree_signed_by: str | None = None) -> Delegation:
    """Record an acting official (Plt./Plh.) holding `delegator`'s role in `unit`."""
    if access is not None:
        access.require(Action.MANAGE_ASSIGNMENTS, unit)
    role = Role(role)
    with transaction():
        _lock_person(delegator)
        problems = check_delegation(delegator.id, delegate.id, Period(valid_from, valid_to),
                                    _assignment_periods(delegator, unit, role))
        if problems:
            raise RuleViolated(problems)
        delegation = Delegation(
            delegator=delegator, delegate=delegate, unit=unit, role=role,
            kind=DelegationKind(kind), valid_from=valid_from, valid_to=valid_to,
            reason=(reason or "").strip() or None,
            decree_number=(decree_number or "").strip() or None, decree_date=decree_date,
            decree_signed_by=(decree_signed_by or "").strip() or None,
            created_by_id=actor.id if actor else None)
        db.session.add(delegation)
        record(actor, "delegation.created", delegation, unit.id, delegator_id=delegator.id,
               delegate_id=delegate.id, role=role.value, kind=delegation.kind.value,
               valid_from=valid_from, valid_to=valid_to, decree_number=delegation.decree_number)
    return delegation


def end_delegation(actor: Person, access: Access, delegation: Delegation, *,
                   end_date: date, reason: str) -> Delegation:
    access.require(Action.MANAGE_ASSIGNMENTS, delegation)
    with transaction():
        db.session.execute(select(Delegation.id).where(Delegation.id == delegation.id).with_for_update())
        db.session.refresh(delegation)  # someone may have ended it while the form was open
        problems = check_assignment_end(delegation.valid_from, delegation.valid_to, end_date)
        if problems:
            raise RuleViolated(problems)
        delegation.valid_to = end_date
        delegation.end_reason = reason.strip()
        delegation.updated_by_id = actor.id
        record(actor, "delegation.ended", delegation, delegation.unit_id, end_date=end_date,
               reason=delegation.end_reason)
    return delegation


def correct_assignment(actor: Person, access: Access, assignment: RoleAssignment, *,
                       position_title: str | None, decree_number: str, decree_date: date,
                       decree_signed_by: str, expected_version: int | None) -> RoleAssignment:
    """Correct how an assignment was recorded (its position title and decree).  Its person,
    role and period are facts: a different one is a new assignment, or an ending."""
    access.require(Action.MANAGE_ASSIGNMENTS, assignment)
    check_version(assignment, expected_version)
    return _correct(actor, assignment, "assignment.corrected",
                    position_title=(position_title or "").strip() or None,
                    **_legal_basis(decree_number, decree_date, decree_signed_by))


def correct_delegation(actor: Person, access: Access, delegation: Delegation, *,
                       reason: str | None, decree_number: str, decree_date: date,
                       decree_signed_by: str, expected_version: int | None) -> Delegation:
    """Correct how a delegation was recorded (its reason and decree)."""
    access.require(Action.MANAGE_ASSIGNMENTS, delegation)
    check_version(delegation, expected_version)
    return _correct(actor, delegation, "delegation.corrected",
                    reason=(reason or "").strip() or None,
                    **_legal_basis(decree_number, decree_date, decree_signed_by))


def _legal_basis(number: str, signed_on: date, signed_by: str) -> dict:
    return {"decree_number": (number or "").strip() or None, "decree_date": signed_on,
            "decree_signed_by": (signed_by or "").strip() or None}


def _correct(actor: Person, record_, action: str, **values):
    changes = {k: [getattr(record_, k), v] for k, v in values.items() if getattr(record_, k) != v}
    if not changes:
        return record_
    with transaction():
        for field, (_, new) in changes.items():
            setattr(record_, field, new)
        record_.updated_by_id = actor.id
        record(actor, action, record_, record_.unit_id, changes=changes)
    return record_
