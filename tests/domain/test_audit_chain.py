"""The hash chain without a database: canonical form, hashing, and `verify` naming the first
altered, removed or out-of-order event."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from planner.domain.audit_chain import GENESIS, Break, canonical, chain_hash, verify

START = datetime(2026, 3, 1, 2, 30, 15, 123456, tzinfo=timezone.utc)


def make_chain(count: int) -> list[dict]:
    """A valid chain of `count` events, as rows read back from the database."""
    rows, previous = [], GENESIS
    for seq in range(1, count + 1):
        row = {"id": seq * 10, "seq": seq, "occurred_at": START + timedelta(minutes=seq),
               "actor_id": 3, "on_behalf_of_id": None, "unit_id": 7, "action": "post.approve",
               "object_type": "Post", "object_id": 100 + seq,
               "before": {"state": "in_review", "step": 2}, "after": {"state": "in_review", "step": 3},
               "details": {"step": 2, "checklist": ["Fakta diperiksa"]}, "request_id": f"req-{seq:08d}",
               "prev_hash": previous}
        row["hash"] = chain_hash(previous, row)
        previous = row["hash"]
        rows.append(row)
    return rows


def rehash_from(rows: list[dict], start: int) -> None:
    """What a forger who knows the algorithm would do: recompute the hashes after a change."""
    previous = rows[start - 1]["hash"] if start else GENESIS
    for row in rows[start:]:
        row["prev_hash"] = previous
        row["hash"] = chain_hash(previous, row)
        previous = row["hash"]


def test_an_intact_chain_verifies_and_reports_its_head():
    rows = make_chain(5)
    verdict = verify(rows)
    assert verdict.ok and verdict.broken is None
    assert verdict.checked == 5
    assert verdict.head == rows[-1]["hash"]


def test_an_empty_chain_is_intact_with_the_genesis_head():
    verdict = verify([])
    assert verdict.ok and verdict.checked == 0 and verdict.head == GENESIS


@pytest.mark.parametrize("field, value", [
    ("details", {"step": 2, "checklist": []}),
    ("actor_id", 4),
    ("on_behalf_of_id", 9),
    ("unit_id", 8),
    ("action", "post.return"),
    ("object_id", 999),
    ("before", None),
    ("after", {"state": "approved"}),
    ("request_id", "another-request"),
    ("occurred_at", START),
])
def test_an_altered_field_names_that_event(field, value):
    rows = make_chain(6)
    rows[3][field] = value
    verdict = verify(rows)
    assert not verdict.ok
    assert verdict.broken == Break(rows[3]["id"], 4, "altered")
    assert verdict.checked == 3
    assert verdict.head == rows[2]["hash"]


def test_an_altered_hash_breaks_the_link_of_the_next_event():
    rows = make_chain(4)
    rows[1]["hash"] = "f" * 64
    verdict = verify(rows)
    assert verdict.broken == Break(rows[1]["id"], 2, "altered")


def test_an_event_altered_and_rehashed_still_breaks_the_link_to_it():
    rows = make_chain(5)
    rows[2]["details"] = {"note": "forged"}
    rows[2]["hash"] = chain_hash(rows[2]["prev_hash"], rows[2])  # its own hash fixed, not the next link
    verdict = verify(rows)
    assert verdict.broken == Break(rows[3]["id"], 4, "broken_link")


def test_a_removed_event_names_the_event_after_the_gap():
    rows = make_chain(5)
    del rows[2]
    verdict = verify(rows)
    assert verdict.broken == Break(rows[2]["id"], 4, "removed")
    assert verdict.checked == 2


def test_removing_the_first_event_is_detected():
    rows = make_chain(3)[1:]
    assert verify(rows).broken == Break(rows[0]["id"], 2, "removed")


def test_a_removed_event_with_the_rest_renumbered_and_rehashed_breaks_nowhere_but_the_head_moves():
    """Only a head kept outside the system reveals a fully rewritten tail."""
    rows = make_chain(5)
    original_head = rows[-1]["hash"]
    del rows[2]
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
    rehash_from(rows, 2)
    verdict = verify(rows)
    assert verdict.ok and verdict.head != original_head
    assert original_head not in {row["hash"] for row in rows}


def test_events_swapped_and_renumbered_break_the_link_at_the_first_of_them():
    rows = make_chain(5)
    rows[1], rows[2] = rows[2], rows[1]
    rows[1]["seq"], rows[2]["seq"] = 2, 3  # renumbered to hide the swap
    verdict = verify(rows)
    assert verdict.broken == Break(30, 2, "broken_link")


def test_an_event_written_under_an_older_id_than_its_predecessor_is_out_of_order():
    """Ids only grow: a row re-inserted later under a freed id gives itself away."""
    rows = make_chain(5)
    rows[3]["id"] = 5  # the id is not hashed, the order of ids is checked instead
    verdict = verify(rows)
    assert verdict.broken == Break(5, 4, "out_of_order")


def test_a_duplicated_seq_is_out_of_order():
    rows = make_chain(4)
    forged = dict(rows[2], id=999)
    rows.insert(3, forged)
    verdict = verify(rows)
    assert verdict.broken == Break(999, 3, "out_of_order")


def test_an_event_inserted_in_the_middle_breaks_the_link_after_it():
    rows = make_chain(4)
    forged = dict(rows[1], details={"note": "inserted"})
    forged["hash"] = chain_hash(forged["prev_hash"], forged)
    rows[1] = forged  # same seq and link, other contents: the next event no longer links to it
    verdict = verify(rows)
    assert verdict.broken == Break(rows[2]["id"], 3, "broken_link")


def test_a_wrong_prev_hash_is_a_broken_link():
    rows = make_chain(3)
    rows[2]["prev_hash"] = GENESIS
    assert verify(rows).broken == Break(rows[2]["id"], 3, "broken_link")


def test_verify_reads_a_stream_once_and_stops_at_the_first_break():
    rows = make_chain(10)
    rows[4]["action"] = "changed"
    seen = []

    def stream():
        for row in rows:
            seen.append(row["seq"])
            yield row

    assert verify(stream()).broken.seq == 5
    assert seen == [1, 2, 3, 4, 5]


def test_the_canonical_form_does_not_depend_on_key_order():
    a = {"seq": 1, "occurred_at": START, "details": {"b": 1, "a": [1, 2]}, "after": {"y": 1, "x": 2}}
    b = {"after": {"x": 2, "y": 1}, "details": {"a": [1, 2], "b": 1}, "occurred_at": START, "seq": 1}
    assert canonical(a) == canonical(b)
    assert chain_hash(GENESIS, a) == chain_hash(GENESIS, b)


def test_the_canonical_form_keeps_only_the_hashed_fields_and_times_in_utc():
    wib = timezone(timedelta(hours=7))
    a = {"seq": 1, "occurred_at": START, "id": 5, "hash": "x", "extra": 1}
    b = {"seq": 1, "occurred_at": START.astimezone(wib)}
    assert canonical(a) == canonical(b)
    body = json.loads(canonical(a))
    assert body["occurred_at"] == "2026-03-01T02:30:15.123456Z"
    assert "id" not in body and "hash" not in body and body["actor_id"] is None


def test_non_ascii_text_is_hashed_as_utf8_and_any_change_is_seen():
    fields = {"seq": 1, "details": {"alasan": "Tarif belum sesuai — mohon dicek ulang ✓", "nama": "Ñoño"}}
    data = canonical(fields)
    assert "Tarif belum sesuai — mohon dicek ulang ✓".encode("utf-8") in data
    changed = {"seq": 1, "details": {"alasan": "Tarif belum sesuai - mohon dicek ulang ✓", "nama": "Ñoño"}}
    assert chain_hash(GENESIS, fields) != chain_hash(GENESIS, changed)


def test_a_hash_is_sha256_hex_and_depends_on_the_previous_hash():
    fields = {"seq": 1, "action": "unit.created"}
    first = chain_hash(GENESIS, fields)
    assert len(first) == 64 and int(first, 16) >= 0
    assert chain_hash("1" * 64, fields) != first


def test_break_describes_the_event_and_the_reason():
    text = Break(12, 5, "altered").describe()
    assert "event id 12" in text and "seq 5" in text and "altered" in text
    assert "removed" in Break(3, 9, "removed").describe()
    assert "out of order" in Break(3, 9, "out_of_order").describe()
