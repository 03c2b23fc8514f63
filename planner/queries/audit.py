"""Read-side queries of the audit trail: the events a person may see (filtered and paged
newest first, or streamed for export), the chain's head, and the streaming walk that
verifies the whole hash chain.

Paging is by `seq` (keyset), never by offset or count, so a page costs the same on a
trail of a million events as on the demo's: a fixed number of SQL statements."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import Text, cast, func, or_, select, text
from sqlalchemy.orm import contains_eager, joinedload

from planner.domain.access import Action
from planner.domain.audit_chain import GENESIS, HASHED_FIELDS, Verdict, verify
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import AuditEvent, Person, Unit
from planner.permissions import Access

PAGE_SIZE = 50
CHAIN_BATCH = 10_000
CHAIN_COLUMNS = ("id", "prev_hash", "hash", *HASHED_FIELDS)
JSON_COLUMNS = ("before", "after", "details")
TEXT_READ = ("occurred_at", *JSON_COLUMNS)


# -- who sees which events ---------------------------------------------------------------

def sees_unplaced_events(access: Access) -> bool:
    """Events with no unit (e.g. a failed sign-in of an unknown account) belong to no
    government: only a system administrator of a whole government sees them."""
    return any(g.role == Role.SYSADMIN and g.unit_path.count("/") == 2 for g in access.grants)


def visible(access: Access):
    """The WHERE clause for the events of units in `access`'s audit scope (needs Unit joined)."""
    condition = access.unit_condition(Action.VIEW_AUDIT, Unit.path)
    if sees_unplaced_events(access):
        condition = or_(condition, AuditEvent.unit_id.is_(None))
    return condition


# -- filters -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventFilter:
    """What the audit page and its export are limited to.  Every field is optional; the
    unit is given by its path (the unit and everything below it), the period in UTC."""

    unit_path: str | None = None
    actor_id: int | None = None
    person: str | None = None  # part of the name or e-mail of the actor or of whom they acted for
    object_type: str | None = None
    object_id: int | None = None
    action: str | None = None  # exact, or a prefix when it ends with "."
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def conditions(self) -> list:
        where = []
        if self.unit_path:
            where.append(Unit.path.startswith(self.unit_path, autoescape=True))
        if self.actor_id is not None:
            where.append(or_(AuditEvent.actor_id == self.actor_id,
                             AuditEvent.on_behalf_of_id == self.actor_id))
        if self.person:
            term = f"%{_escape_like(self.person.strip().lower())}%"
            people = select(Person.id).where(or_(func.lower(Person.name).like(term, escape="\\"),
                                                 func.lower(Person.email).like(term, escape="\\")))
            where.append(or_(AuditEvent.actor_id.in_(people), AuditEvent.on_behalf_of_id.in_(people)))
        if self.object_type:
            where.append(AuditEvent.object_type == self.object_type)
        if self.object_id is not None:
            where.append(AuditEvent.object_id == self.object_id)
        if self.action:
            if self.action.endswith("."):
                where.append(AuditEvent.action.startswith(self.action, autoescape=True))
            else:
                where.append(AuditEvent.action == self.action)
        if self.since is not None:
            where.append(AuditEvent.occurred_at >= self.since)
        if self.until is not None:
            where.append(AuditEvent.occurred_at < self.until)
        return where


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _events(access: Access, event_filter: EventFilter):
    return (select(AuditEvent)
            .outerjoin(Unit, AuditEvent.unit_id == Unit.id)
            .options(contains_eager(AuditEvent.unit), joinedload(AuditEvent.actor),
                     joinedload(AuditEvent.on_behalf_of))
            .where(visible(access), *event_filter.conditions()))


# -- the page --------------------------------------------------------------------------------

@dataclass
class EventPage:
    events: list[AuditEvent]  # newest first
    older_than: int | None  # the `before` of the next (older) page, if there is one
    newer_than: int | None  # the `after` of the previous (newer) page, if there is one


def event_page(access: Access, event_filter: EventFilter, *, before: int | None = None,
               after: int | None = None, size: int = PAGE_SIZE) -> EventPage:
    """One page of events, newest first: the newest, those older than seq `before`, or those
    newer than seq `after`.  One SQL statement."""
    query = _events(access, event_filter)
    if after is not None:
        rows = list(db.session.scalars(
            query.where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(size + 1)))
        more_newer = len(rows) > size
        events = list(reversed(rows[:size]))
        return EventPage(events, events[-1].seq if events else None,
                         events[0].seq if events and more_newer else None)
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    rows = list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(size + 1)))
    events = rows[:size]
    return EventPage(events, events[-1].seq if events and len(rows) > size else None,
                     events[0].seq if events and before is not None else None)


def export_events(access: Access, event_filter: EventFilter,
                  batch: int = 2_000) -> Iterator[AuditEvent]:
    """Every matching event, oldest first, fetched `batch` rows at a time."""
    query = _events(access, event_filter).order_by(AuditEvent.seq)
    yield from db.session.scalars(query.execution_options(yield_per=batch))


def known_actions() -> list[str]:
    """The distinct actions recorded so far.  One statement that hops through the action
    index (an emulated loose index scan) instead of reading every event."""
    return list(db.session.scalars(text(
        "WITH RECURSIVE seen(action) AS ("
        " SELECT MIN(action) FROM audit_event"
        " UNION ALL"
        " SELECT (SELECT MIN(e.action) FROM audit_event e WHERE e.action > seen.action)"
        " FROM seen WHERE seen.action IS NOT NULL)"
        " SELECT action FROM seen WHERE action IS NOT NULL")))


# -- the chain ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    occurred_at: datetime | None

    def line(self) -> str:
        """One line to keep outside the system (and to give to `audit verify --expect-head`)."""
        when = self.occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if self.occurred_at else "-"
        return f"seq={self.seq} hash={self.hash} at={when}"

    def as_json(self) -> str:
        return json.dumps({"seq": self.seq, "hash": self.hash,
                           "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None})


def chain_head() -> Head:
    """The newest event of the chain (seq 0 and the genesis hash when it is empty)."""
    row = db.session.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.occurred_at)
                             .order_by(AuditEvent.seq.desc()).limit(1)).first()
    return Head(row.seq, row.hash, row.occurred_at) if row else Head(0, GENESIS, None)


def chain_rows(batch: int = CHAIN_BATCH) -> Iterator[dict]:
    """Every event's hashed columns in seq order, streamed `batch` rows at a time (a
    server-side cursor on PostgreSQL), so a trail of millions never sits in memory.

    SQLite keeps any text in any column, so there the time and the JSON columns are read
    as the text stored and parsed here: a value edited by hand into something unreadable is
    handed on as that text, whose hash cannot match, and `verify` names the event instead of
    the walk failing with an error.  PostgreSQL refuses such values (and any edit at all)."""
    table = AuditEvent.__table__  # plain columns: no ORM row processing, a quarter of the memory
    as_text = db.session.get_bind().dialect.name == "sqlite"
    columns = [cast(table.c[name], Text).label(name) if as_text and name in TEXT_READ
               else table.c[name] for name in CHAIN_COLUMNS]
    result = db.session.execute(select(*columns).order_by(table.c.seq)
                                .execution_options(yield_per=batch))
    if not as_text:
        yield from result.mappings()
        return
    for row in result.mappings():
        fields = dict(row)
        fields["occurred_at"] = _instant(fields["occurred_at"])
        for name in JSON_COLUMNS:
            fields[name] = _json_value(fields[name])
        yield fields


def _instant(value):
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return value


def _json_value(value):
    try:
        return None if value is None else json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class ChainCheck:
    """The verdict on the whole chain, and where the head kept outside was found."""

    verdict: Verdict
    head: Head
    expected_head: str | None = None
    expected_at: int | None = None  # the seq of the kept head, None if not in the chain

    @property
    def expected_missing(self) -> bool:
        return self.expected_head is not None and self.expected_at is None

    @property
    def ok(self) -> bool:
        return self.verdict.ok and not self.expected_missing


def check_chain(expected_head: str | None = None, batch: int = CHAIN_BATCH) -> ChainCheck:
    """Walk the whole chain; with `expected_head`, also require that hash to be in it."""
    found: list[int] = [0] if expected_head == GENESIS else []
    last: dict = {}

    def watched(rows):
        for row in rows:
            if expected_head is not None and row["hash"] == expected_head:
                found.append(row["seq"])
            last["row"] = row
            yield row

    verdict = verify(watched(chain_rows(batch)))
    # Only a hash inside the verified part counts: a forged row could carry any hash.
    expected_at = next((seq for seq in found if seq <= verdict.checked), None)
    row = last.get("row") if verdict.ok else None
    head = Head(verdict.checked, verdict.head, row["occurred_at"] if row else None)
    return ChainCheck(verdict, head, expected_head, expected_at)


# -- presenting ------------------------------------------------------------------------------------

def compact(value, limit: int | None = 120) -> str:
    """A JSON value in a few characters: text as is, lists joined, the rest as compact JSON."""
    if value is None:
        return "\u2014"
    if isinstance(value, str):
        shown = value
    elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        shown = ", ".join(str(v) for v in value)
    else:
        shown = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return shown if limit is None or len(shown) <= limit else shown[:limit - 1] + "\u2026"


_ABSENT = object()


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str | None]]:
    """The keys whose value differs between `before` and `after`, with both values shown
    compactly (None when the key is absent on that side)."""
    before, after = before or {}, after or {}
    keys = [k for k in after if before.get(k, _ABSENT) != after[k]]
    keys += [k for k in before if k not in after]
    return [(k, compact(before[k]) if k in before else None,
             compact(after[k]) if k in after else None) for k in keys]


__all__ = ["ChainCheck", "EventFilter", "EventPage", "Head", "chain_head", "chain_rows",
           "changes", "check_chain", "compact", "event_page", "export_events", "known_actions",
           "visible"]
