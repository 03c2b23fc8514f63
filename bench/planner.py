"""The content planner's pages at growing numbers of posts: the month calendar, the mix
page and the post list, each against /healthz in the same run.

For each number of posts a fresh database gets the real migrations, a generated
government of `units_for(posts)` units (a unit publishes about 1,000 posts over the
generated 13 months, some 75 a month) and `planner.demo.planner_generator` fills it:
channels and slots per unit, the agenda, the networks, and the posts with 1-3 variants,
publications, step records and distributions.  The root unit's author signs in and
reads the pages of one subdivision (its calendar shows what one team plans) and of
the whole government (the post list and the mix of every unit below the root).
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from bench.run import MIGRATIONS, PASSWORD, Page, SizeResult, make_app, measure_app

DEFAULT_POSTS = (1_000, 10_000, 100_000)
PLANNER_PAGES = (
    Page("healthz", "anonymous", "/healthz"),
    Page("calendar month, one unit", "author", "/calendar?month={month}&unit={deep}"),
    Page("mix, one unit", "author", "/units/{deep}/mix"),
    Page("mix, whole government", "author", "/units/{root}/mix"),
    Page("posts, one unit", "author", "/posts?unit={deep}"),
    Page("posts, whole government", "author", "/posts?unit={root}"),
)


def units_for(posts: int) -> int:
    return max(5, posts // 1_000)


def build_planner_government(app, posts: int) -> dict:
    """Run the real migrations, then generate a government and its planner data."""
    from flask_migrate import upgrade

    from planner.demo.generator import generate_government
    from planner.extensions import db

    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        made = generate_government(units_for(posts), password=PASSWORD, audit_events=0,
                                   planner_posts=posts)
        info = {"root": made["root"].id, "deep": made["deep_unit"].id, "units": made["units"],
                "author": made["author"], "month": date.today().strftime("%Y-%m"),
                "posts": made["planner"]["posts"]}
        db.session.remove()
    return info


def measure_planner(posts: int, databases, requests: int, warmups: int, database: str) -> SizeResult:
    from planner.extensions import db

    url = databases.create(f"posts{posts}")
    try:
        app = make_app(url)
        try:
            government = build_planner_government(app, posts)
            return measure_app(app, government, posts, requests, warmups, database,
                               pages=PLANNER_PAGES)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        databases.drop(url)


def planner_report(results: list[SizeResult]) -> dict:
    """Rows, statements per page and size, and whether they stayed constant."""
    by_page: dict[str, dict[str, int]] = {}
    for result in results:
        for row in result.pages:
            by_page.setdefault(row.page, {})[str(result.size)] = row.queries
    growing = {page: counts for page, counts in by_page.items() if len(set(counts.values())) > 1}
    return {
        "sizes": [{k: v for k, v in asdict(r).items() if k != "pages"} for r in results],
        "results": [asdict(row) for r in results for row in r.pages],
        "queries_per_page": by_page,
        "queries_constant": not growing,
        "queries_growing": growing,
        "queries_varied_within_a_size": [f"{row.page} at {r.size}" for r in results for row in r.pages
                                         if row.queries_min != row.queries_max],
    }


def planner_summary(data: dict) -> list[str]:
    if not data.get("results"):
        return []
    lines = [f"Planner, {s['posts']:,} posts in {s['units']} units: peak Python memory of one "
             f"request of the biggest page ({s['memory_page']}): {s['memory_peak_kb'] / 1024:.1f} MB"
             for s in data["sizes"]]
    sizes = ", ".join(f"{s['size']:,}" for s in data["sizes"])
    if data["queries_constant"]:
        lines.append(f"Planner pages: query count per page stayed constant across {sizes} posts: yes.")
    else:
        growing = "; ".join(f"{page}: " + ", ".join(f"{k}→{v}" for k, v in counts.items())
                            for page, counts in data["queries_growing"].items())
        lines.append(f"Planner pages: query count per page stayed constant across {sizes} posts: "
                     f"NO, it grows for {growing}.")
    if data["queries_varied_within_a_size"]:
        lines.append("Planner pages whose query count varied between requests: "
                     + ", ".join(data["queries_varied_within_a_size"]))
    return lines
