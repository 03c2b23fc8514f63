"""The audit trail's hash chain: canonical serialisation, hashing and verification.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON
serialisation of the event (sorted keys, no spaces, UTF-8, times in UTC with
microseconds).  Changing, removing or re-ordering any event breaks the chain from
that event on, and `verify` names the first one.  No Flask, no database here.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "occurred_at", "actor_id", "on_behalf_of_id", "unit_id", "action",
                 "object_type", "object_id", "before", "after", "details", "request_id")


def timestamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict) -> bytes:
    """The bytes that are hashed for one event: only `HASHED_FIELDS`, in a fixed form."""
    body = {}
    for name in HASHED_FIELDS:
        value = fields.get(name)
        body[name] = timestamp(value) if isinstance(value, datetime) else value
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def chain_hash(prev_hash: str, fields: dict) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain first fails, and why."""

    event_id: int | None
    seq: int | None
    reason: str  # "altered", "removed", "out_of_order", "broken_link"

    def describe(self) -> str:
        texts = {
            "altered": "its contents no longer match its hash (altered)",
            "removed": "one or more events before it are missing (removed)",
            "out_of_order": "it was inserted out of order",
            "broken_link": "it does not link to the event before it (altered or re-ordered)",
        }
        return f"event id {self.event_id} (seq {self.seq}): {texts[self.reason]}"


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(rows: Iterable[dict]) -> Verdict:
    """Walk events in `seq` order.  Each row is a dict with `id`, `prev_hash`, `hash`
    and the `HASHED_FIELDS`.  Stops at the first break."""
    expected_seq, previous, last_id, checked = 1, GENESIS, 0, 0
    for row in rows:
        seq, event_id = row["seq"], row["id"]
        if seq != expected_seq:
            reason = "removed" if seq > expected_seq else "out_of_order"
            return Verdict(checked, previous, Break(event_id, seq, reason))
        if event_id <= last_id:
            return Verdict(checked, previous, Break(event_id, seq, "out_of_order"))
        if row["prev_hash"] != previous:
            return Verdict(checked, previous, Break(event_id, seq, "broken_link"))
        if chain_hash(previous, row) != row["hash"]:
            return Verdict(checked, previous, Break(event_id, seq, "altered"))
        previous, last_id, expected_seq = row["hash"], event_id, seq + 1
        checked += 1
    return Verdict(checked, previous, None)
