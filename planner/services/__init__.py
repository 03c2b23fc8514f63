"""Service functions: one state change each, in one transaction, with its audit event.

Services check permission through `planner.permissions.Access`, call the domain
rules, write the change and the audit event, and commit once.  They never render.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from planner.domain.audit_chain import GENESIS, chain_hash
from planner.domain.errors import StaleEdit
from planner.extensions import db
from planner.models import AuditEvent, Person
from planner.models.base import utcnow

# The id of the web request (or command) being served, stamped on every audit event.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# Any constant will do: every transaction that appends to the chain takes this lock.
AUDIT_CHAIN_LOCK = 0x50524E41


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
           on_behalf_of: Person | None = None, before: dict | None = None,
           after: dict | None = None, object_type: str | None = None, **details) -> AuditEvent:
    """Append the audit event for a change to the current transaction's chain.

    The chain lock is held until commit, so events are chained in commit order: on
    PostgreSQL a transaction-scoped advisory lock; on SQLite the database's write lock,
    taken by a statement that writes nothing (a plain SELECT would not take it, and two
    threads would read the same head).  `seq` is unique on both.  Call it last in a
    service, after the change itself and after every row lock it needs."""
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    else:
        db.session.execute(text("UPDATE audit_event SET seq = seq WHERE 1 = 0"))
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        unit_id=unit_id,
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        details={k: _plain(v) for k, v in details.items()},
        request_id=request_id.get(),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, event.chain_fields())
    db.session.add(event)
    db.session.flush()
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
    if isinstance(value, str):
        return str(value)  # an enum member becomes its plain value
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def record_refusal(actor: Person | None, action: str, unit_id: int | None = None, **details) -> None:
    """Audit an attempt that was refused (its own change, if any, is already rolled back)."""
    db.session.rollback()
    with transaction():
        record(actor, action, actor, unit_id, object_type="Person", **details)
