"""The calendar feed benchmark at tiny sizes, through `run_benchmark` as `make bench` runs
it: every case answers as it should (200; 304 with the ETag), each is measured in process
and over HTTP, the ratios the issue sets targets for are reported, and the statements per
fetch do not grow with the events.  No timing is asserted."""
from __future__ import annotations

import pytest

from bench.feeds import CASES, TARGETS, TRANSPORTS, feeds_summary, feeds_table
from bench.run import run_benchmark

EVENTS = (20, 60)


@pytest.fixture(scope="module")
def feeds():
    return run_benchmark((), requests=2, warmups=1, feed_events=EVENTS)["feeds"]


def test_every_case_answers_as_expected_in_both_transports(feeds):
    rows = {(r["events"], r["transport"], r["case"]): r for r in feeds["results"]}
    assert set(rows) == {(n, t, c) for n in EVENTS for t in TRANSPORTS for c in CASES}
    assert {key: r["statuses"] for key, r in rows.items() if not r["ok"]} == {}
    assert feeds["statuses_ok"] is True
    assert all(rows[(n, t, "304")]["statuses"] == [304] for n in EVENTS for t in TRANSPORTS)


def test_the_feed_holds_the_events_asked_for_and_the_floor_writes_the_same_bytes(feeds):
    sizes = {s["events"]: s for s in feeds["sizes"]}
    assert set(sizes) == set(EVENTS)
    rows = {(r["events"], r["transport"], r["case"]): r for r in feeds["results"]}
    for events in EVENTS:
        assert sizes[events]["posts"] == events // 2
        for transport in TRANSPORTS:
            warm, plain = rows[(events, transport, "warm build")], rows[(events, transport, "plain bytes")]
            assert warm["bytes"] > 0 and abs(warm["bytes"] - plain["bytes"]) < 200
            assert rows[(events, transport, "304")]["bytes"] == 0
    assert rows[(60, "in process", "cold build")]["bytes"] > rows[(20, "in process", "cold build")]["bytes"]


def test_statements_per_fetch_do_not_grow_with_the_events(feeds):
    by_case: dict[str, set[int]] = {}
    for row in feeds["results"]:
        by_case.setdefault(row["case"], set()).add(row["queries"])
    assert by_case["healthz"] == {0} and by_case["plain bytes"] == {0} and by_case["one query"] == {1}
    for case in ("304", "warm build", "cold build"):
        assert len(by_case[case]) == 1 and min(by_case[case]) > 0, (case, by_case[case])
    assert min(by_case["304"]) < min(by_case["warm build"])


def test_the_ratios_of_the_targets_are_reported_for_each_size_and_transport(feeds):
    ratios = {(r["events"], r["transport"], r["case"]): r for r in feeds["ratios"]}
    assert set(ratios) == {(n, t, c) for n in EVENTS for t in TRANSPORTS for c in TARGETS}
    for ratio in ratios.values():
        assert ratio["ratio"] > 0 and ratio["target"] == TARGETS[ratio["case"]][1]
        assert ratio["met"] == (ratio["ratio"] <= ratio["target"])
    table = feeds_table(feeds)
    assert "warm build" in table and "plain bytes" in table
    assert len(feeds_summary(feeds)) == len(ratios)
