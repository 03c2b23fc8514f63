"""What a calendar feed was built from, read cheaply from the audit trail: the last change
that could alter a feed (one statement, walking the index (unit_id, object_type, seq) once
per unit and kind of object) and which objects changed since a given change.

Every change to what a feed shows is audited (posts and their variants, agenda events and
their coverage, upload slots, channels, categories, units), each event placed in the unit
of the object.  So "the highest `seq` among the audit events of these kinds in these units"
moves exactly when something a feed may show changed, and it is cheap to ask."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, and_, func, literal, select, true, union_all

from planner.extensions import db
from planner.models import AuditEvent, Unit


def _types(object_types: Iterable[str]):
    """The object types as a one-column derived table, the same SQL on SQLite and PostgreSQL."""
    rows = [select(literal(name, String).label("object_type")) for name in sorted(object_types)]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("feed_types")


def last_change(units: ColumnElement[bool], object_types: Iterable[str]) -> int:
    """The highest audit `seq` of the given object types in the units matching `units`
    (0 when there is none).  One statement: for each such unit and type, the last entry of
    the index (unit_id, object_type, seq), then the greatest of those."""
    types = _types(object_types)
    newest = (select(func.max(AuditEvent.seq))
              .where(AuditEvent.unit_id == Unit.id,
                     AuditEvent.object_type == types.c.object_type)
              .correlate(Unit, types).scalar_subquery())
    per_unit = select(newest.label("seq")).select_from(Unit).join(types, true()) \
        .where(units).subquery("per_unit")
    return db.session.execute(select(func.max(per_unit.c.seq))).scalar() or 0


def changes_since(seq: int, units: ColumnElement[bool], object_types: Iterable[str], *,
                  limit: int = 500) -> list[tuple[str, int | None]] | None:
    """The (object_type, object_id) of the audit events after `seq` of the given types in the
    matching units, oldest first, each object once.  None when there are more than `limit`
    of them (rebuilding everything is then as cheap)."""
    rows = db.session.execute(
        select(AuditEvent.object_type, AuditEvent.object_id)
        .join(Unit, Unit.id == AuditEvent.unit_id)
        .where(and_(AuditEvent.seq > seq, AuditEvent.object_type.in_(sorted(object_types)), units))
        .order_by(AuditEvent.seq).limit(limit * 4 + 1)).all()
    changed = list(dict.fromkeys((kind, object_id) for kind, object_id in rows))
    if len(rows) > limit * 4 or len(changed) > limit:
        return None
    return changed
