"""Read side of the agenda import: a unit's recent imports, what one import did (from its
audit event), and the leader a unit's events most often name.  Each a fixed number of
SQL statements."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.extensions import db
from planner.models import AgendaEvent, AgendaImport, AuditEvent, Unit

RECENT = 20
KINDS = ("created", "updated", "cancelled", "removed")


def recent_imports(unit: Unit, limit: int = RECENT) -> list[AgendaImport]:
    """The unit's latest imports, newest first, with who made them."""
    return list(db.session.scalars(
        select(AgendaImport).options(joinedload(AgendaImport.person))
        .where(AgendaImport.unit_id == unit.id)
        .order_by(AgendaImport.imported_at.desc(), AgendaImport.id.desc()).limit(limit)))


def usual_leader(unit: Unit) -> str:
    """The leader the unit's agenda names most often ("" if it has no event yet)."""
    return db.session.scalar(
        select(AgendaEvent.leader).where(AgendaEvent.unit_id == unit.id)
        .group_by(AgendaEvent.leader)
        .order_by(func.count(AgendaEvent.id).desc(), AgendaEvent.leader).limit(1)) or ""


@dataclass
class ImportReport:
    """One import with the events it added, updated, cancelled and marked removed (up to
    the number its audit event lists) and how many events of the file lay outside the
    window."""

    record: AgendaImport
    events: dict[str, list[AgendaEvent]] = field(default_factory=dict)
    left_out: int = 0
    listed_all: bool = True


def import_report(record: AgendaImport) -> ImportReport:
    details = db.session.scalar(
        select(AuditEvent.details).where(AuditEvent.object_type == "AgendaImport",
                                         AuditEvent.object_id == record.id,
                                         AuditEvent.action == "agenda.imported").limit(1)) or {}
    ids = {kind: [int(i) for i in details.get(f"{kind}_ids", [])] for kind in KINDS}
    wanted = {i for values in ids.values() for i in values}
    rows = {}
    if wanted:
        rows = {row.id: row for row in db.session.scalars(
            select(AgendaEvent).where(AgendaEvent.id.in_(wanted), AgendaEvent.unit_id == record.unit_id))}
    events = {kind: sorted((rows[i] for i in ids[kind] if i in rows), key=lambda e: (e.starts_at, e.id))
              for kind in KINDS}
    listed_all = all(len(ids[kind]) == getattr(record, kind) for kind in KINDS)
    return ImportReport(record, events, int(details.get("counts", {}).get("left_out", 0)), listed_all)
