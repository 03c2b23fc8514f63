"""Idempotent get-or-create helpers over the services, used by the demo."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.domain.organisation import DelegationKind, Role, TimeZoneCode, UnitType
from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit
from planner.services.people import create_person
from planner.services.roles import assign_role, delegate_role, end_assignment
from planner.services.units import create_unit


class DemoBuilder:
    """Creates each record only if its natural key is not there yet, so that running
    the demo twice changes nothing.  Counts what it created."""

    def __init__(self, password: str | None):
        self.password = password
        self.created = 0

    def unit(self, name: str, type: UnitType, parent: Unit | None = None,
             short_name: str | None = None, timezone: TimeZoneCode = TimeZoneCode.WIB) -> Unit:
        existing = db.session.scalar(select(Unit).where(
            Unit.name == name,
            Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id))
        if existing:
            return existing
        self.created += 1
        return create_unit(None, None, name=name, type=type, timezone=timezone, parent=parent,
                           short_name=short_name)

    def person(self, email: str, name: str, home_unit: Unit, *, nip: str | None = None,
               position_title: str | None = None, can_sign_in: bool = False,
               language: str = "id") -> Person:
        existing = db.session.scalar(select(Person).where(Person.email == email))
        if existing:
            return existing
        self.created += 1
        return create_person(None, None, home_unit=home_unit, name=name, email=email,
                             password=self.password if can_sign_in else None, nip=nip,
                             position_title=position_title, preferred_language=language)

    def assignment(self, person: Person, unit: Unit, role: Role, valid_from: date, *,
                   valid_to: date | None = None, position_title: str | None = None,
                   decree: tuple[str, date, str] | None = None,
                   ended_because: str | None = None) -> RoleAssignment:
        existing = db.session.scalar(select(RoleAssignment).where(
            RoleAssignment.person_id == person.id, RoleAssignment.unit_id == unit.id,
            RoleAssignment.role == role, RoleAssignment.valid_from == valid_from))
        if existing:
            return existing
        self.created += 1
        number, signed_on, signed_by = decree or (None, None, None)
        assignment = assign_role(None, None, person=person, unit=unit, role=role,
                                 valid_from=valid_from, position_title=position_title,
                                 decree_number=number, decree_date=signed_on,
                                 decree_signed_by=signed_by)
        if valid_to is not None:
            # Recorded the way it happened: the assignment began open-ended and was ended.
            end_assignment(None, None, assignment, end_date=valid_to,
                           reason=ended_because or "Masa tugas berakhir")
        return assignment

    def delegation(self, delegator: Person, delegate: Person, unit: Unit, role: Role,
                   kind: DelegationKind, valid_from: date, valid_to: date | None,
                   decree: tuple[str, date, str], reason: str) -> Delegation:
        number, signed_on, signed_by = decree
        existing = db.session.scalar(select(Delegation).where(
            Delegation.delegator_id == delegator.id, Delegation.delegate_id == delegate.id,
            Delegation.unit_id == unit.id, Delegation.role == role,
            Delegation.decree_number == number))
        if existing:
            return existing
        self.created += 1
        return delegate_role(None, None, delegator=delegator, delegate=delegate, unit=unit,
                             role=role, kind=kind, valid_from=valid_from, valid_to=valid_to,
                             reason=reason, decree_number=number, decree_date=signed_on,
                             decree_signed_by=signed_by)
