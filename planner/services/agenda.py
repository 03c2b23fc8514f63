"""The leader's agenda: adding and editing events, assigning people to cover them and
removing an assignment.

Each change runs in one transaction under the event's row lock and writes its audit event
last.  Edits carry the version they loaded; assignments do not change the event's version,
so that assigning a photographer does not make someone's open edit form stale.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from planner.domain.access import Action
from planner.domain.agenda_rules import check_event
from planner.domain.content import CoverageRole, EventStatus
from planner.domain.errors import N_, RuleViolated
from planner.extensions import db
from planner.models import AgendaEvent, CoverageAssignment, Person, RoleAssignment, Unit
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import check_version, record, transaction
from planner.services.sops import lineage

EVENT_FIELDS = ("title", "place", "starts_at", "ends_at", "leader", "source", "status", "notes")
ALREADY_ASSIGNED = N_("%(name)s is already assigned to this role for this event.")


def candidate_condition(unit: Unit, today: date):
    """Who may cover an event of `unit`: an active person holding a role today in the unit or
    a unit above it (a role covers the units below), or whose home unit lies in the unit's
    subtree.  A WHERE clause on Person."""
    holds_role = exists().where(
        RoleAssignment.person_id == Person.id, RoleAssignment.unit_id.in_(lineage(unit)),
        RoleAssignment.valid_from <= today,
        RoleAssignment.valid_to.is_(None) | (RoleAssignment.valid_to >= today))
    works_below = Person.home_unit_id.in_(
        select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True)))
    return Person.active.is_(True) & (holds_role | works_below)


def _clean(title: str, place: str | None, starts_at: datetime | None, ends_at: datetime | None,
           leader: str, source: str | None, status, notes: str | None) -> dict:
    try:
        status = EventStatus(status)
    except ValueError:
        raise RuleViolated.one("status", N_("Choose confirmed, tentative or cancelled.")) from None
    values = {"title": " ".join((title or "").split()), "place": (place or "").strip(),
              "starts_at": starts_at, "ends_at": ends_at, "leader": " ".join((leader or "").split()),
              "source": (source or "").strip(), "status": status, "notes": (notes or "").strip()}
    problems = check_event(values["title"], values["leader"], starts_at, ends_at, utcnow())
    if problems:
        raise RuleViolated(problems)
    return values


def _snapshot(event: AgendaEvent) -> dict:
    return {name: getattr(event, name) for name in EVENT_FIELDS}


def create_event(actor: Person | None, access: Access | None, unit: Unit, *, title: str,
                 starts_at: datetime | None, ends_at: datetime | None, leader: str,
                 place: str | None = "", source: str | None = "",
                 status=EventStatus.CONFIRMED, notes: str | None = "") -> AgendaEvent:
    if access is not None:
        access.require(Action.MANAGE_AGENDA, unit)
    values = _clean(title, place, starts_at, ends_at, leader, source, status, notes)
    actor_id = actor.id if actor else None
    with transaction():
        event = AgendaEvent(unit=unit, created_by_id=actor_id, updated_by_id=actor_id, **values)
        db.session.add(event)
        db.session.flush()
        record(actor, "agenda.event_created", event, unit.id, after=_snapshot(event))
    return event


def _lock(event: AgendaEvent) -> None:
    db.session.execute(select(AgendaEvent.id).where(AgendaEvent.id == event.id).with_for_update())
    db.session.refresh(event)


def update_event(actor: Person, access: Access | None, event: AgendaEvent,
                 expected_version: int | None, *, title: str, starts_at: datetime | None,
                 ends_at: datetime | None, leader: str, place: str | None, source: str | None,
                 status, notes: str | None) -> AgendaEvent:
    if access is not None:
        access.require(Action.MANAGE_AGENDA, event)
    values = _clean(title, place, starts_at, ends_at, leader, source, status, notes)
    with transaction():
        _lock(event)
        check_version(event, expected_version)
        before = _snapshot(event)
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return event
        for key, value in changed.items():
            setattr(event, key, value)
        event.updated_at, event.updated_by_id = utcnow(), actor.id
        db.session.flush()
        record(actor, "agenda.event_updated", event, event.unit_id,
               before={k: before[k] for k in changed}, after=changed)
    return event


def assign_coverage(actor: Person, access: Access | None, event: AgendaEvent, *,
                    person: Person, role) -> CoverageAssignment:
    """Assign someone to cover the event as photographer, videographer or writer."""
    if access is not None:
        access.require(Action.MANAGE_AGENDA, event)
    try:
        role = CoverageRole(role)
    except ValueError:
        raise RuleViolated.one("role", N_("Choose photographer, videographer or writer.")) from None
    try:
        with transaction():
            _lock(event)
            if event.status == EventStatus.CANCELLED:
                raise RuleViolated.one("person_id", N_("The event is cancelled: nobody needs to cover it."))
            may_cover = db.session.scalar(select(Person.id).where(
                Person.id == person.id, candidate_condition(event.unit, event.unit.today())))
            if may_cover is None:
                raise RuleViolated.one("person_id", N_("%(name)s neither works in this unit nor holds a "
                                                       "role covering it."), name=person.name)
            taken = db.session.scalar(select(CoverageAssignment.id).where(
                CoverageAssignment.event_id == event.id, CoverageAssignment.person_id == person.id,
                CoverageAssignment.role == role))
            if taken is not None:
                raise RuleViolated.one("person_id", ALREADY_ASSIGNED, name=person.name)
            assignment = CoverageAssignment(event=event, person_id=person.id, role=role,
                                            assigned_by_id=actor.id,
                                            assigned_at=utcnow())
            db.session.add(assignment)
            db.session.flush()
            record(actor, "agenda.coverage_assigned", event, event.unit_id,
                   after={"person_id": person.id, "person": person.name, "role": role},
                   assignment_id=assignment.id)
    except IntegrityError:
        raise RuleViolated.one("person_id", ALREADY_ASSIGNED, name=person.name) from None
    return assignment


def remove_coverage(actor: Person | None, access: Access | None, event: AgendaEvent,
                    assignment_id: int) -> bool:
    """Remove an assignment of the event.  False when it was already gone (someone else
    removed it meanwhile): nothing to do, nothing audited."""
    if access is not None:
        access.require(Action.MANAGE_AGENDA, event)
    with transaction():
        _lock(event)
        assignment = db.session.scalar(select(CoverageAssignment).where(
            CoverageAssignment.id == assignment_id, CoverageAssignment.event_id == event.id))
        if assignment is None:
            return False
        before = {"person_id": assignment.person_id, "person": assignment.person.name,
                  "role": assignment.role}
        db.session.delete(assignment)
        db.session.flush()
        record(actor, "agenda.coverage_removed", event, event.unit_id, before=before,
               assignment_id=assignment_id)
    return True
