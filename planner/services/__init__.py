"""Service functions: one state change each, in one transaction, with its audit event.

Services check permission through `planner.permissions.Access`, call the domain
rules, write the change and the audit event, and commit once.  They never render.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from planner.domain.errors import StaleEdit
from planner.extensions import db
from planner.models import AuditEvent, Person


@contextmanager
def transaction():
    """Commit everything done inside, or nothing."""
    try:
        yield db.session
        db.session.commit()
    except StaleDataError:
        # Someone saved between our read and our write (the version check in SQL caught it).
        db.session.rollback()
        raise StaleEdit(None, None) from None
    except BaseException:
        db.session.rollback()
        raise


def record(actor: Person | None, action: str, obj, unit_id: int | None, *,
           on_behalf_of: Person | None = None, **details) -> AuditEvent:
    """Add the audit event for a change to the current transaction."""
    db.session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        unit_id=unit_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(event)
    return event


def check_version(obj, expected_version: int | None) -> None:
    """Refuse to save over a change someone else made after the editor loaded the record.
    A form that lost its version is treated as stale: its values may be old."""
    if expected_version is None or obj.version != expected_version:
        who = obj.updated_by.name if getattr(obj, "updated_by", None) else None
        raise StaleEdit(who, obj.updated_at)


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)
