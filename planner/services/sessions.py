"""Sign-in, sign-out and password changes, with sessions kept on the server."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from planner.domain.errors import N_, RuleViolated
from planner.extensions import db
from planner.models import Person, SignInSession
from planner.models.base import utcnow
from planner.services import record, transaction

# Checked against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH: dict[str, str] = {}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _DUMMY_HASH[method]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_new_password(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise RuleViolated.one(field, N_("The password must be at least %(count)d characters long."),
                               count=minimum)


def store_password(person: Person, password: str) -> None:
    """Write a new password hash (inside the caller's transaction).  The password is not part
    of the profile that administrators edit, so this leaves the profile's version alone."""
    db.session.execute(update(Person).where(Person.id == person.id).values(
        password_hash=hash_password(password), password_changed_at=utcnow()))
    db.session.expire(person, ["password_hash", "password_changed_at"])


EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this e-mail and password, or None.  Failures are audited."""
    email = (email or "").strip().lower()
    person = db.session.scalar(select(Person).where(func.lower(Person.email) == email))
    stored = person.password_hash if person is not None and person.password_hash else _dummy_hash()
    good = check_password_hash(stored, password or "")
    if person is not None and good and person.active and person.password_hash:
        return person
    with transaction():
        if person is not None:
            record(None, "auth.sign_in_failed", person, person.home_unit_id,
                   reason="inactive" if not person.active else "password")
        else:
            # An unknown account belongs to no government, so the event is seen by every
            # government's administrators: keep only the domain typed (which organisation
            # is being tried), and only if it looks like an address (people sometimes type
            # their password into the e-mail field).
            domain = email.rpartition("@")[2][:254] if EMAIL_SHAPE.fullmatch(email) else None
            record(None, "auth.sign_in_failed", None, None, object_type="Person",
                   reason="unknown_account", email_domain=domain)
    return None


def start_session(person: Person, user_agent: str | None = None) -> str:
    """Open a server-side session; returns the token that goes into the cookie."""
    token = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(SignInSession(token_hash=token_hash(token), person_id=person.id,
                                     user_agent=(user_agent or "")[:300] or None))
        # Not a profile change: leave the version that edit forms check alone.
        db.session.execute(update(Person).where(Person.id == person.id).values(last_sign_in_at=utcnow()))
        db.session.expire(person, ["last_sign_in_at"])
        record(person, "auth.signed_in", person, person.home_unit_id)
    person.session_token = token
    return token


def person_for_token(token: str) -> Person | None:
    """The person behind a live session token, or None if it ended or the account is off."""
    row = db.session.execute(
        select(SignInSession, Person)
        .join(Person, SignInSession.person_id == Person.id)
        .where(SignInSession.token_hash == token_hash(token), SignInSession.ended_at.is_(None))
    ).first()
    if row is None:
        return None
    session, person = row
    if not person.active:
        return None
    now = utcnow()
    interval = timedelta(seconds=current_app.config["SESSION_TOUCH_INTERVAL"])
    if now - session.last_seen_at > interval:
        session.last_seen_at = now
        db.session.commit()
    person.session_token = token
    return person


def end_session(person: Person, token: str, reason: str = "signed_out") -> None:
    with transaction():
        db.session.execute(
            update(SignInSession)
            .where(SignInSession.token_hash == token_hash(token), SignInSession.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason)
        )
        record(person, "auth.signed_out", person, person.home_unit_id)


def end_all_sessions(person: Person, reason: str) -> int:
    """End every live session of a person (inside the caller's transaction); returns how many."""
    result = db.session.execute(
        update(SignInSession)
        .where(SignInSession.person_id == person.id, SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return result.rowcount


def live_sessions(person: Person) -> list[SignInSession]:
    return list(db.session.scalars(
        select(SignInSession)
        .where(SignInSession.person_id == person.id, SignInSession.ended_at.is_(None))
        .order_by(SignInSession.last_seen_at.desc())))


def change_own_password(person: Person, current_password: str, new_password: str,
                        user_agent: str | None = None) -> str:
    """Change one's own password: every session ends, and this browser gets a new one."""
    if not check_password_hash(person.password_hash or _dummy_hash(), current_password or ""):
        raise RuleViolated.one("current_password", N_("The current password is not correct."))
    check_new_password(new_password, "new_password")
    if current_password == new_password:
        raise RuleViolated.one("new_password", N_("The new password must differ from the current one."))
    with transaction():
        store_password(person, new_password)
        end_all_sessions(person, "password_changed")
        record(person, "person.password_changed", person, person.home_unit_id)
    return start_session(person, user_agent)
