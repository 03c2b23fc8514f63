"""People: creating and editing them, activating, deactivating and resetting passwords."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.domain.access import Action
from planner.domain.errors import N_, RuleViolated, Violation
from planner.extensions import db
from planner.models import Person, Unit
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import check_version, record, transaction
from planner.services.sessions import (check_new_password, end_all_sessions, hash_password,
                                      store_password)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _check_unique(email: str, nip: str | None, person_id: int | None) -> None:
    problems = []
    other = db.session.scalar(select(Person.id).where(func.lower(Person.email) == email))
    if other is not None and other != person_id:
        problems.append(Violation("email", N_("Another person already uses this e-mail address.")))
    if nip:
        other = db.session.scalar(select(Person.id).where(Person.nip == nip))
        if other is not None and other != person_id:
            problems.append(Violation("nip", N_("Another person already has this employee number (NIP).")))
    if problems:
        raise RuleViolated(problems)


def create_person(actor: Person | None, access: Access | None, *, home_unit: Unit, name: str,
                  email: str, password: str | None, nip: str | None = None,
                  position_title: str | None = None, preferred_language: str = "id") -> Person:
    """Record a person; with a password they can sign in.  `access` is None from the CLI."""
    if access is not None:
        access.require(Action.MANAGE_PEOPLE, home_unit)
    email, nip = normalise_email(email), (nip or "").strip() or None
    _check_unique(email, nip, None)
    if password is not None:
        check_new_password(password)
    with _unique_guard(email, nip, None), transaction():
        person = Person(home_unit=home_unit, name=name.strip(), email=email, nip=nip,
                        position_title=(position_title or "").strip() or None,
                        preferred_language=preferred_language, active=True,
                        updated_by_id=actor.id if actor else None)
        if password is not None:
            person.password_hash = hash_password(password)
            person.password_changed_at = utcnow()
        db.session.add(person)
        record(actor, "person.created", person, home_unit.id, email=email, name=person.name)
    return person


@contextmanager
def _unique_guard(email: str, nip: str | None, person_id: int | None):
    """Two administrators saving the same e-mail at once: the database's unique constraint
    stops the second, who gets the same message as if they had been a moment later."""
    try:
        yield
    except IntegrityError:
        _check_unique(email, nip, person_id)
        raise


def update_person(actor: Person, access: Access, person: Person, *, home_unit: Unit, name: str,
                  email: str, nip: str | None, position_title: str | None,
                  preferred_language: str, expected_version: int | None) -> Person:
    access.require_manage_person(person)
    if home_unit.id != person.home_unit_id:
        access.require(Action.MANAGE_PEOPLE, home_unit)
    check_version(person, expected_version)
    email, nip = normalise_email(email), (nip or "").strip() or None
    _check_unique(email, nip, person.id)
    values = dict(home_unit_id=home_unit.id, name=name.strip(), email=email, nip=nip,
                  position_title=(position_title or "").strip() or None,
                  preferred_language=preferred_language)
    changes = {k: [getattr(person, k), v] for k, v in values.items() if getattr(person, k) != v}
    if not changes:
        return person
    with _unique_guard(email, nip, person.id), transaction():
        for field, (_, new) in changes.items():
            setattr(person, field, new)
        person.updated_by_id = actor.id
        record(actor, "person.updated", person, home_unit.id, changes=changes)
    return person


def set_active(actor: Person, access: Access, person: Person, active: bool) -> Person:
    """Activate or deactivate an account; deactivation ends every session at once."""
    access.require_manage_person(person)
    if person.id == actor.id and not active:
        raise RuleViolated.one(None, N_("You cannot deactivate your own account."))
    if person.active == active:
        return person
    with transaction():
        person.active = active
        person.updated_by_id = actor.id
        if not active:
            end_all_sessions(person, "deactivated")
        record(actor, "person.activated" if active else "person.deactivated", person,
               person.home_unit_id)
    return person


def sign_out_everywhere(actor: Person, access: Access, person: Person) -> int:
    """End every live session of a person (a lost phone, a shared computer); returns how many."""
    access.require_manage_person(person)
    with transaction():
        ended = end_all_sessions(person, "ended_by_admin")
        record(actor, "person.signed_out_everywhere", person, person.home_unit_id, sessions=ended)
    return ended


def reset_password(actor: Person, access: Access, person: Person, new_password: str) -> Person:
    """A system administrator sets a new password; the person's sessions end."""
    access.require_manage_person(person)
    check_new_password(new_password)
    with transaction():
        store_password(person, new_password)
        end_all_sessions(person, "password_reset")
        record(actor, "person.password_reset", person, person.home_unit_id)
    return person


def set_language(person: Person, language: str) -> Person:
    """A person's own choice of interface language."""
    if person.preferred_language == language:
        return person
    with transaction():
        person.preferred_language = language
        person.updated_by_id = person.id
        record(person, "person.language_changed", person, person.home_unit_id, language=language)
    return person
