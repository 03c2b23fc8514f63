"""Importing an .ics file into a unit's leader's agenda, in one transaction.

Events are matched by their source UID within the unit: a new one is added, a changed one
updated (its version moves, its coverage stays), an identical one left alone (its row and
version untouched).  Events imported earlier from the same calendar that this file no
longer has, and that start within the span the file covers, are marked removed upstream
(cancelled, with the time they went).  The import is recorded as an `AgendaImport` row and
one audit event `agenda.imported`, written last.  A refused file changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from planner.domain.access import Action
from planner.domain.content import EventStatus
from planner.domain.errors import N_, RuleViolated, StaleEdit
from planner.domain.ics_import import ImportedEvent, ParsedCalendar, parse_calendar
from planner.extensions import db
from planner.models import AgendaEvent, AgendaImport, Person, Unit
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import record, transaction

SOURCE_PREFIX = "Impor"  # stored as data, in the language of the agenda's other sources
LISTED_IDS = 200  # event ids per kind kept in the audit event
LEADER_MAX = 200
FILENAME_MAX = 255
COMPARED = ("title", "place", "starts_at", "ends_at", "status", "notes")
CHUNK = 500  # ids per IN (...) list


@dataclass
class Outcome:
    """What one import did, event by event."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    unchanged: int = 0


def clean_filename(filename: str | None) -> str:
    """The file's own name, without the folders a browser may send along."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = " ".join(name.split())
    return name[:FILENAME_MAX] or "calendar.ics"


def import_agenda(actor: Person, access: Access | None, unit: Unit, *, filename: str | None,
                  data: bytes, leader: str, now: datetime | None = None,
                  max_bytes: int | None = None, untitled: str = "(untitled)") -> AgendaImport:
    """Import the events of an .ics file into the agenda of `unit`; `leader` attends the
    events it adds.  Raises RuleViolated (a `CalendarRefused` for the file, field "file")
    and writes nothing if anything is refused; StaleEdit if another import of the same
    events was saved at the same moment."""
    if access is not None:
        access.require(Action.MANAGE_AGENDA, unit)
    leader = " ".join((leader or "").split())
    if not leader:
        raise RuleViolated.one("leader", N_("Say which leader attends."))
    if len(leader) > LEADER_MAX:
        raise RuleViolated.one("leader", N_("Give at most %(max)s characters."), max=LEADER_MAX)
    filename = clean_filename(filename)
    now = now or utcnow()
    if max_bytes is None:
        max_bytes = current_app.config["AGENDA_IMPORT_MAX_BYTES"]
    parsed = parse_calendar(data, filename=filename, zone=unit.zone, now=now, max_bytes=max_bytes,
                            untitled=untitled)
    try:
        with transaction():
            # Imports into one agenda take turns, so that a second import of the same file
            # finds the events the first one added instead of adding them again.
            db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update(key_share=True))
            outcome = Outcome()
            existing = _matching(unit, [e.source_uid for e in parsed.events])
            added = [_apply(event, existing.get(event.source_uid), unit, parsed, actor, leader, now,
                            outcome) for event in parsed.events]
            db.session.flush()
            outcome.created = [row.id for row in added if row is not None]
            _mark_removed(unit, parsed, actor, now, outcome)
            db.session.flush()
            imported = AgendaImport(unit_id=unit.id, person_id=actor.id, filename=filename,
                                    source_calendar=parsed.name, imported_at=now,
                                    created=len(outcome.created), updated=len(outcome.updated),
                                    unchanged=outcome.unchanged, cancelled=len(outcome.cancelled),
                                    removed=len(outcome.removed))
            db.session.add(imported)
            db.session.flush()
            record(actor, "agenda.imported", imported, unit.id, object_type="AgendaImport",
                   filename=filename, source_calendar=parsed.name, leader=leader,
                   counts={"created": imported.created, "updated": imported.updated,
                           "unchanged": imported.unchanged, "cancelled": imported.cancelled,
                           "removed": imported.removed, "left_out": parsed.left_out},
                   window=[parsed.window_start, parsed.window_end],
                   span=list(parsed.span) if parsed.span else None,
                   created_ids=outcome.created[:LISTED_IDS], updated_ids=outcome.updated[:LISTED_IDS],
                   cancelled_ids=outcome.cancelled[:LISTED_IDS],
                   removed_ids=outcome.removed[:LISTED_IDS])
    except IntegrityError:
        # Another import added the same UIDs between our read and our write (possible where
        # the row lock above does not exist, as on SQLite): nothing of ours was saved.
        raise StaleEdit(None, None, what="import") from None
    return imported


def _matching(unit: Unit, uids: list[str]) -> dict[str, AgendaEvent]:
    """The unit's events with these source UIDs, locked for the rest of the import."""
    found: dict[str, AgendaEvent] = {}
    for start in range(0, len(uids), CHUNK):
        rows = db.session.scalars(
            select(AgendaEvent)
            .where(AgendaEvent.unit_id == unit.id, AgendaEvent.source_uid.in_(uids[start:start + CHUNK]))
            .with_for_update().execution_options(populate_existing=True))
        found.update({row.source_uid: row for row in rows})
    return found


def _values(event: ImportedEvent) -> dict:
    return {"title": event.title, "place": event.place, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "status": event.status, "notes": event.description}


def _apply(event: ImportedEvent, row: AgendaEvent | None, unit: Unit, parsed: ParsedCalendar,
           actor: Person, leader: str, now: datetime, outcome: Outcome) -> AgendaEvent | None:
    """Add the event, or bring its row up to date; the new row if one was added."""
    values = _values(event)
    if row is None:
        row = AgendaEvent(unit_id=unit.id, leader=leader, source=f"{SOURCE_PREFIX}: {parsed.name}"[:200],
                          source_uid=event.source_uid, source_calendar=parsed.name, imported_at=now,
                          created_at=now, created_by_id=actor.id, updated_at=now,
                          updated_by_id=actor.id, **values)
        db.session.add(row)
        return row
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    came_back = row.removed_upstream_at is not None
    if not changed and not came_back and row.source_calendar == parsed.name:
        outcome.unchanged += 1
        return None
    newly_cancelled = changed.get("status") == EventStatus.CANCELLED
    for name, value in changed.items():
        setattr(row, name, value)
    row.removed_upstream_at = None
    row.source_calendar = parsed.name
    row.imported_at, row.updated_at, row.updated_by_id = now, now, actor.id
    (outcome.cancelled if newly_cancelled else outcome.updated).append(row.id)
    return None


def _mark_removed(unit: Unit, parsed: ParsedCalendar, actor: Person, now: datetime,
                  outcome: Outcome) -> None:
    """Events of an earlier import of this calendar that start within the span of this
    file (and of the window) but are no longer in it: removed upstream.  Marked once."""
    if parsed.span is None:
        return
    earliest, latest = parsed.span
    earliest = max(earliest, parsed.window_start)
    kept = {event.source_uid for event in parsed.events}
    rows = db.session.scalars(
        select(AgendaEvent)
        .where(AgendaEvent.unit_id == unit.id, AgendaEvent.source_calendar == parsed.name,
               AgendaEvent.source_uid.is_not(None), AgendaEvent.removed_upstream_at.is_(None),
               AgendaEvent.starts_at >= earliest, AgendaEvent.starts_at <= latest)
        .order_by(AgendaEvent.starts_at, AgendaEvent.id)
        .with_for_update().execution_options(populate_existing=True))
    for row in rows:
        if row.source_uid in kept:
            continue
        row.status = EventStatus.CANCELLED
        row.removed_upstream_at = now
        row.updated_at, row.updated_by_id = now, actor.id
        outcome.removed.append(row.id)
