"""Measure Pranata's main pages on synthetic governments of several sizes.

    .venv/bin/python -m bench.run                       # SQLite, 5, 50 and 500 units
    .venv/bin/python -m bench.run --sizes 5,50 --requests 50
    .venv/bin/python -m bench.run --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.run --audit-events 0     # skip the audit-chain walk
    .venv/bin/python -m bench.run --sizes 0 --audit-events 0 --planner-posts 0 --feed-events 1000,10000

For each size a fresh database is built by the real migrations and filled by
`planner.demo.generator.generate_government`.  The generated sysadmin, auditor, author and
reviewer sign in through the real /login form; then every page is requested round-robin (one
request of each page per round, the order rotated each round) so that machine noise
falls on every page alike.  Reported per page: median and p95 latency, the median as
a multiple of the /healthz median, SQL statements per request (counted with a
`before_cursor_execute` listener on the engine) and response size; per size, the
peak Python memory (tracemalloc) of one request of the biggest page.  Then
`flask audit verify` walks chains of 100,000 and 1,000,000 events (bench/audit_verify.py),
and a calendar feed of 1,000 and 10,000 events is fetched cold, warm and as a 304 against
the plain-bytes floor and /healthz (bench/feeds.py).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from bench.audit_verify import DEFAULT_EVENTS
from bench.audit_verify import table as audit_table
from bench.databases import PostgresDatabases, SQLiteDatabases, _normalise

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
DEFAULT_JSON = ROOT / "bench" / "results" / "latest.json"
DEFAULT_SIZES = (5, 50, 500)
PASSWORD = "pranata-bench"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str  # label in the table
    user: str  # "anonymous", "sysadmin", "auditor", "author" or "reviewer"
    path: str  # URL template: {root} and {deep} are filled per government


PAGES = (
    Page("healthz", "anonymous", "/healthz"),
    Page("home (sysadmin)", "sysadmin", "/"),
    Page("home (author)", "author", "/"),
    Page("structure root (sysadmin)", "sysadmin", "/units/{root}/structure"),
    Page("structure deep (author)", "author", "/units/{deep}/structure"),
    Page("units (sysadmin)", "sysadmin", "/units"),
    Page("inbox (reviewer)", "reviewer", "/inbox"),
    Page("audit trail (auditor)", "auditor", "/audit"),
)
INBOX = "inbox (reviewer)"
BASELINE = "healthz"


@dataclass
class PageResult:
    size: int
    page: str
    user: str
    path: str
    requests: int
    median_ms: float
    p95_ms: float
    ratio: float  # median / median of /healthz at the same size
    queries: int  # the usual number of SQL statements per request (the mode)
    queries_min: int
    queries_max: int
    bytes: int
    statuses: list[int] = field(default_factory=list)  # the distinct status codes seen


@dataclass
class SizeResult:
    size: int
    units: int
    database: str
    pages: list[PageResult]
    memory_page: str
    memory_peak_kb: float
    posts_in_review: int = 0  # posts waiting at the review step for the generated reviewer
    audit_events: int = 0  # events the generator added to the audit trail
    posts: int = 0  # planner posts the generator added (the planner's sizes)


# -- building a government ----------------------------------------------------

def make_app(database_url: str, **overrides):
    """The application as the tests make it (TestingConfig), without rate limits."""
    from config import TestingConfig
    from planner import create_app

    settings = {"RATELIMIT_ENABLED": False, **overrides}
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, **settings)


def build_government(app, size: int) -> dict:
    """Run the real migrations, then generate a government of `size` units."""
    from flask_migrate import upgrade

    from planner.demo.generator import generate_government
    from planner.extensions import db

    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        made = generate_government(size, password=PASSWORD)
        info = {"root": made["root"].id, "deep": made["deep_unit"].id, "units": made["units"],
                "sysadmin": made["sysadmin"], "author": made["author"], "auditor": made["auditor"],
                "reviewer": made["reviewer"], "posts_in_review": made["posts_in_review"],
                "audit_events": made["audit_events"]}
        db.session.remove()
    return info


class QueryCounter:
    """Counts the SQL statements an engine sends (every cursor execute)."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        self.count += 1

    def close(self):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def sign_in(app, email: str):
    """A test client signed in through the real form (CSRF token scraped from it)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    if match is None:
        raise RuntimeError("no csrf_token in the /login form")
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": match.group(1)})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed: HTTP {response.status_code}")
    return client


# -- measuring -------------------------------------------------------------------

def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure_app(app, government: dict, size: int, requests: int = 30, warmups: int = 3,
                database: str = "sqlite", pages: tuple[Page, ...] = PAGES) -> SizeResult:
    """Measure every page of `pages` on an application whose database holds `government`
    (its keys fill the pages' URL templates).

    Must be called outside any application context: each request then gets its own
    context (its own `g` and database session), as in production.
    """
    from planner.extensions import db

    with app.app_context():
        engine = db.engine
    clients = {"anonymous": app.test_client()}
    for user in {p.user for p in pages} - {"anonymous"}:
        clients[user] = sign_in(app, government[user])
    urls = {p.name: p.path.format(**government) for p in pages}
    times: dict[str, list[float]] = {p.name: [] for p in pages}
    queries: dict[str, list[int]] = {p.name: [] for p in pages}
    statuses: dict[str, set[int]] = {p.name: set() for p in pages}
    sizes: dict[str, int] = {}

    counter = QueryCounter(engine)
    try:
        for round_ in range(warmups + requests):
            shift = round_ % len(pages)
            for page in pages[shift:] + pages[:shift]:
                client = clients[page.user]
                counter.count = 0
                start = time.perf_counter()
                response = client.get(urls[page.name])
                elapsed = time.perf_counter() - start
                body = response.get_data()
                statuses[page.name].add(response.status_code)
                if round_ < warmups:
                    continue
                times[page.name].append(elapsed * 1000)
                queries[page.name].append(counter.count)
                sizes[page.name] = len(body)
    finally:
        counter.close()

    baseline = statistics.median(times[BASELINE])
    results = []
    for page in pages:
        median = statistics.median(times[page.name])
        counts = queries[page.name]
        results.append(PageResult(
            size=size, page=page.name, user=page.user, path=urls[page.name], requests=requests,
            median_ms=round(median, 3), p95_ms=round(p95(times[page.name]), 3),
            ratio=round(median / baseline, 1) if baseline else float("nan"),
            queries=Counter(counts).most_common(1)[0][0], queries_min=min(counts),
            queries_max=max(counts), bytes=sizes[page.name],
            statuses=sorted(statuses[page.name])))

    biggest = max(results, key=lambda r: r.bytes)
    client = clients[next(p.user for p in pages if p.name == biggest.page)]
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        client.get(urls[biggest.page]).get_data()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return SizeResult(size=size, units=government["units"], database=database, pages=results,
                      memory_page=biggest.page, memory_peak_kb=round((peak - before) / 1024, 1),
                      posts_in_review=government.get("posts_in_review", 0),
                      audit_events=government.get("audit_events", 0), posts=government.get("posts", 0))


def measure_size(size: int, databases, requests: int, warmups: int, database: str) -> SizeResult:
    from planner.extensions import db

    url = databases.create(size)
    try:
        app = make_app(url)
        try:
            government = build_government(app, size)
            return measure_app(app, government, size, requests, warmups, database)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        databases.drop(url)


def run_benchmark(sizes=DEFAULT_SIZES, database_url: str | None = None, requests: int = 30,
                  warmups: int = 3, progress=None, audit_events=(), planner_posts=(),
                  feed_events=()) -> dict:
    """Measure every size, the planner's pages at each number of posts in `planner_posts`,
    a calendar feed at each number of events in `feed_events`, then `audit verify` over
    chains of each length in `audit_events`; returns the JSON-ready report."""
    from bench.audit_verify import measure_verify
    from bench.feeds import feeds_report, measure_feed
    from bench.planner import measure_planner, planner_report

    database = "postgresql" if database_url else "sqlite"
    databases = PostgresDatabases(database_url) if database_url else SQLiteDatabases()
    results: list[SizeResult] = []
    verified, planner, feeds = [], [], []
    try:
        for size in sizes:
            if progress:
                progress(f"size {size}: building and measuring on {database} ...")
            results.append(measure_size(size, databases, requests, warmups, database))
        for posts in planner_posts:
            if progress:
                progress(f"planner, {posts:,} posts: building and measuring on {database} ...")
            planner.append(measure_planner(posts, databases, requests, warmups, database))
        for events in feed_events:
            if progress:
                progress(f"calendar feed, {events:,} events: building and measuring on {database} ...")
            feeds.append(measure_feed(events, databases, requests, warmups, database))
        for events in audit_events:
            if progress:
                progress(f"audit verify: building a chain of {events:,} events on {database} ...")
            verified.append(measure_verify(events, databases, database, make_app, str(MIGRATIONS)))
    finally:
        databases.close()
    return {**report(results, requests, warmups, database, verified), "planner": planner_report(planner),
            "feeds": feeds_report(feeds)}


def report(results: list[SizeResult], requests: int, warmups: int, database: str,
           verified=()) -> dict:
    by_page: dict[str, dict[int, int]] = {}
    for result in results:
        for row in result.pages:
            by_page.setdefault(row.page, {})[result.size] = row.queries
    growing = {page: counts for page, counts in by_page.items() if len(set(counts.values())) > 1}
    unstable = [f"{row.page} at {result.size}" for result in results for row in result.pages
                if row.queries_min != row.queries_max]
    return {
        "meta": {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": database, "requests": requests, "warmups": warmups,
            "python": platform.python_version(), "sqlalchemy": sa.__version__,
            "machine": platform.platform(), "cpus": os.cpu_count(),
        },
        "sizes": [{**{k: v for k, v in asdict(r).items() if k != "pages"}} for r in results],
        "results": [asdict(row) for r in results for row in r.pages],
        "queries_per_page": {page: {str(k): v for k, v in counts.items()}
                             for page, counts in by_page.items()},
        "queries_constant": not growing,
        "queries_growing": {page: {str(k): v for k, v in counts.items()}
                            for page, counts in growing.items()},
        "queries_varied_within_a_size": unstable,
        "inbox": {"queries": {str(k): v for k, v in by_page.get(INBOX, {}).items()},
                  "posts_in_review": {str(r.size): r.posts_in_review for r in results},
                  "queries_constant": INBOX in by_page and INBOX not in growing},
        "audit_verify": [asdict(v) for v in verified],
    }


# -- output ----------------------------------------------------------------------

def table(data: dict, size_label: str = "size") -> str:
    headers = (size_label, "page", "median ms", "p95 ms", "× baseline", "queries", "KB")
    rows = []
    for row in data["results"]:
        queries = str(row["queries"]) if row["queries_min"] == row["queries_max"] \
            else f"{row['queries']} ({row['queries_min']}-{row['queries_max']})"
        status = "" if row["statuses"] == [200] else f"  HTTP {row['statuses']}"
        rows.append((str(row["size"]), row["page"] + status, f"{row['median_ms']:.2f}",
                     f"{row['p95_ms']:.2f}", f"{row['ratio']:.1f}", queries,
                     f"{row['bytes'] / 1024:.1f}"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    left = {1}

    def line(cells):
        return "  ".join(c.ljust(w) if i in left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    out = [line(headers), "  ".join("-" * w for w in widths)]
    previous = None
    for row, cells in zip(data["results"], rows):
        if previous is not None and row["size"] != previous:
            out.append("")
        previous = row["size"]
        out.append(line(cells))
    return "\n".join(out)


def summary(data: dict) -> str:
    from bench.feeds import feeds_summary
    from bench.planner import planner_summary

    lines = [f"Peak Python memory of one request of the biggest page, size {s['size']} "
             f"({s['memory_page']}): {s['memory_peak_kb'] / 1024:.1f} MB" for s in data["sizes"]]
    sizes = ", ".join(str(s["size"]) for s in data["sizes"])
    if data["sizes"] and data["queries_constant"]:
        lines.append(f"Query count per page stayed constant across sizes ({sizes}): yes.")
    elif data["sizes"]:
        growing = "; ".join(f"{page}: " + ", ".join(f"{k}→{v}" for k, v in counts.items())
                            for page, counts in data["queries_growing"].items())
        lines.append(f"Query count per page stayed constant across sizes ({sizes}): NO, "
                     f"it grows for {growing}.")
    lines += planner_summary(data.get("planner") or {})
    lines += feeds_summary(data.get("feeds") or {})
    inbox = data["inbox"]
    if inbox["queries"]:
        lines.append("Inbox of the reviewer: " + ", ".join(
            f"{inbox['posts_in_review'][size]} posts waiting → {count} queries"
            for size, count in inbox["queries"].items()) + ".")
    for run in data["audit_verify"]:
        lines.append(f"audit verify over {run['events']:,} events: {run['verify_s']:.1f} s, "
                     f"{run['events_per_s']:,} events/s, exit {run['exit_code']}, "
                     f"peak resident memory of the command {run['peak_rss_mb']:.0f} MB.")
    if data["queries_varied_within_a_size"]:
        lines.append("Query count varied between requests of the same page for: "
                     + ", ".join(data["queries_varied_within_a_size"]))
    return "\n".join(lines)


def main(argv=None) -> int:
    from bench.feeds import DEFAULT_FEED_EVENTS, feeds_table
    from bench.planner import DEFAULT_POSTS

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated numbers of units (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default: 30)")
    parser.add_argument("--warmups", type=int, default=3, help="unmeasured requests first (default: 3)")
    parser.add_argument("--database-url", help="a PostgreSQL server's admin URL; a database of our own "
                                               "is created and dropped per size (default: SQLite in a temp dir)")
    parser.add_argument("--audit-events", default=",".join(map(str, DEFAULT_EVENTS)),
                        help="comma-separated lengths of audit chains for `audit verify`, "
                             "0 to skip (default: %(default)s)")
    parser.add_argument("--planner-posts", default=",".join(map(str, DEFAULT_POSTS)),
                        help="comma-separated numbers of posts for the planner's pages (calendar, "
                             "mix, post list), 0 to skip (default: %(default)s)")
    parser.add_argument("--feed-events", default=",".join(map(str, DEFAULT_FEED_EVENTS)),
                        help="comma-separated numbers of events in a calendar feed, fetched cold, "
                             "warm and as a 304, 0 to skip (default: %(default)s)")
    parser.add_argument("--json", default=str(DEFAULT_JSON),
                        help="where to write the results as JSON, '-' for stdout (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip() and int(s) != 0]
        audit_events = [int(n) for n in args.audit_events.split(",") if n.strip() and int(n) > 0]
        planner_posts = [int(n) for n in args.planner_posts.split(",") if n.strip() and int(n) > 0]
        feed_events = [int(n) for n in args.feed_events.split(",") if n.strip() and int(n) > 0]
    except ValueError:
        parser.error("--sizes, --planner-posts, --feed-events and --audit-events take numbers "
                     "separated by commas, e.g. 5,50,500")
    if (sizes and min(sizes) < 1) or args.requests < 1 or args.warmups < 0:
        parser.error("sizes and --requests must be at least 1 (--sizes 0: skip), --warmups at least 0")
    if args.database_url and not _normalise(args.database_url).startswith("postgresql+psycopg://"):
        parser.error("--database-url must be a postgresql:// URL")

    def progress(message):
        print(message, file=sys.stderr, flush=True)

    data = run_benchmark(sizes, args.database_url, args.requests, args.warmups, progress,
                         audit_events, planner_posts, feed_events)
    print(f"\nPranata benchmark on {data['meta']['database']}: {args.requests} requests per page "
          f"after {args.warmups} warm-ups, interleaved round-robin\n")
    if data["results"]:
        print(table(data))
        print()
    if data["planner"]["results"]:
        print("The content planner, by number of posts\n")
        print(table(data["planner"], size_label="posts"))
        print()
    if data["feeds"]["results"]:
        print("A calendar feed, by number of events (in process: the test client; http: a real "
              "server on localhost)\n")
        print(feeds_table(data["feeds"]))
        print()
    if data["audit_verify"]:
        print("flask --app wsgi audit verify, in a process of its own (walk: as the command "
              "timed it; command: start-up included)\n")
        print(audit_table(data["audit_verify"]))
        print()
    print(summary(data))
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if args.json == "-":
        print(text)
    else:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
        print(f"\nJSON written to {path}")
    failed = [f"{r['page']} at {r['size']}" for r in data["results"] + data["planner"]["results"]
              if r["statuses"] != [200]]
    if failed:
        print("Pages that did not answer 200: " + ", ".join(failed), file=sys.stderr)
        return 1
    if not data["feeds"]["statuses_ok"]:
        print("A calendar feed case did not answer as expected (200, or 304 with the ETag)",
              file=sys.stderr)
        return 1
    if any(run["exit_code"] != 0 or run["checked"] != run["events"] for run in data["audit_verify"]):
        print("audit verify did not pass over a generated chain", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
