"""The benchmark's measuring function at tiny sizes: every page answers, no page needs more
SQL queries for a bigger government (the reviewer's inbox included, though it holds more
posts), the planner's pages (month calendar, mix, post list) need as many statements at
two numbers of posts, and `audit verify` walks generated chains of two lengths.  No timing
is asserted."""
from __future__ import annotations

import pytest

from bench.planner import PLANNER_PAGES
from bench.run import INBOX, PAGES, run_benchmark

SIZES = (3, 12)
CHAINS = (300, 2_500)
POSTS = (100, 400)


@pytest.fixture(scope="module")
def report():
    return run_benchmark(SIZES, requests=2, warmups=1, audit_events=CHAINS, planner_posts=POSTS)


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


def test_the_inbox_holds_more_posts_at_a_bigger_size_with_the_same_queries(report):
    inbox = report["inbox"]
    assert set(inbox["queries"]) == {str(size) for size in SIZES}
    waiting = [inbox["posts_in_review"][str(size)] for size in SIZES]
    assert 0 < waiting[0] < waiting[1]
    assert len(set(inbox["queries"].values())) == 1 and inbox["queries_constant"] is True
    assert report["queries_per_page"][INBOX] == inbox["queries"]
    sizes = {s["size"]: s for s in report["sizes"]}
    assert [sizes[size]["posts_in_review"] for size in SIZES] == waiting


def test_audit_verify_walks_generated_chains_of_each_length(report):
    runs = report["audit_verify"]
    assert [run["events"] for run in runs] == list(CHAINS)
    for run in runs:
        assert run["exit_code"] == 0
        assert run["checked"] == run["events"]
        assert run["events_per_s"] > 0 and run["peak_rss_mb"] > 0
        assert run["verify_s"] <= run["process_s"]


def test_every_planner_page_answers_200_at_each_number_of_posts(report):
    rows = {(row["size"], row["page"]): row["statuses"] for row in report["planner"]["results"]}
    assert set(rows) == {(posts, page.name) for posts in POSTS for page in PLANNER_PAGES}
    assert {key: statuses for key, statuses in rows.items() if statuses != [200]} == {}


def test_planner_pages_need_the_same_statements_for_four_times_the_posts(report):
    planner = report["planner"]
    assert [s["posts"] for s in planner["sizes"]] == list(POSTS)
    per_page = planner["queries_per_page"]
    assert set(per_page) == {page.name for page in PLANNER_PAGES}
    for page, counts in per_page.items():
        assert set(counts) == {str(posts) for posts in POSTS}
        assert len(set(counts.values())) == 1, f"{page}: {counts}"
        assert (min(counts.values()) == 0) == (page == "healthz"), f"{page}: {counts}"
    assert planner["queries_constant"] is True and planner["queries_growing"] == {}
