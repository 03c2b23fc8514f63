"""The benchmark's measuring function at tiny sizes: every page answers, and no page
needs more SQL queries for a bigger government.  No timing is asserted."""
from __future__ import annotations

import pytest

from bench.run import PAGES, run_benchmark

SIZES = (3, 12)


@pytest.fixture(scope="module")
def report():
    return run_benchmark(SIZES, requests=2, warmups=1)


def test_every_measured_page_answers_200(report):
    rows = {(row["size"], row["page"]): row["statuses"] for row in report["results"]}
    assert set(rows) == {(size, page.name) for size in SIZES for page in PAGES}
    assert {key: statuses for key, statuses in rows.items() if statuses != [200]} == {}


def test_query_count_per_page_does_not_grow_with_the_government(report):
    per_page = report["queries_per_page"]
    assert set(per_page) == {page.name for page in PAGES}
    growing = {page: counts for page, counts in per_page.items() if len(set(counts.values())) != 1}
    assert growing == {}, f"queries per request grow with the number of units: {growing}"
    assert report["queries_constant"] is True


def test_pages_other_than_the_baseline_query_the_database(report):
    """The counter really counts: /healthz needs no query, every signed-in page some."""
    per_page = report["queries_per_page"]
    assert set(per_page["healthz"].values()) == {0}
    assert all(min(counts.values()) > 0 for page, counts in per_page.items() if page != "healthz")
