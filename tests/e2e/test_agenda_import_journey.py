"""Importing the secretary's calendar in a real browser (issue 5, item 6).

The demo author opens the import page from the agenda, uploads the sample Google export
of the Wali Kota's agenda into Prokompim's agenda, uploads it again, and finds each event
once in the agenda; the second import reports every event unchanged.  A file with an event
without UID is refused with the reason beside the file field, and nothing of it is
imported.  The sample is moved by whole weeks so that its events lie ahead of today.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.agenda_import_helpers import SAMPLE_NAME, SAMPLE_OCCURRENCES, calendar, sample_bytes, vevent
from tests.e2e.conftest import PHONE
from tests.e2e.test_planner_journeys import demo_lookup
from tests.e2e.test_sign_in_journeys import PROKOMPIM, no_horizontal_scroll
from tests.e2e.test_workflow_journeys import answered_with, person

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture reports it: skipped here, failed in CI
    expect = None

pytestmark = pytest.mark.e2e

RESULT_URL = re.compile(r"/agenda/imports/(\d+)$")


def prokompim(live_server) -> tuple[int, str]:
    from planner.models import Unit
    from planner.queries.agenda_imports import usual_leader

    def query(session):
        unit = session.scalars(select(Unit).where(Unit.name == PROKOMPIM)).one()
        return unit.id, usual_leader(unit)
    return demo_lookup(live_server, query)


def imported(live_server) -> tuple[int, int]:
    from planner.models import AgendaEvent, AgendaImport

    def query(session):
        return (session.scalar(select(func.count(AgendaEvent.id)).where(AgendaEvent.source_uid.is_not(None))),
                session.scalar(select(func.count(AgendaImport.id))))
    return demo_lookup(live_server, query)


def sample_titles_and_span(live_server, data: bytes):
    from planner.domain.ics_import import parse_calendar
    from planner.domain.organisation import ZONES
    from planner.models.base import utcnow

    parsed = parse_calendar(data, filename="x.ics", zone=ZONES["WIB"], now=utcnow(), max_bytes=10**6)
    first, last = parsed.span
    return ([e.title for e in parsed.events], first.astimezone(ZONES["WIB"]).date(),
            last.astimezone(ZONES["WIB"]).date())


def send(page, unit_id: int, name: str, data: bytes) -> None:
    page.locator("select[name=unit]").select_option(str(unit_id))
    page.locator("input[name=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/calendar", "buffer": data}])
    page.get_by_test_id("import-form").locator("button[type=submit]").click()


def count_of(page, kind: str) -> int:
    return int(page.locator(f'[data-testid="import-counts"] [data-count="{kind}"] .stat-value').inner_text())


def test_the_author_imports_the_secretarys_calendar_twice_and_the_agenda_shows_each_event_once(
        browsing, live_server):
    unit_id, leader = prokompim(live_server)
    data = sample_bytes()
    titles, first_day, last_day = sample_titles_and_span(live_server, data)
    author = person(browsing, "author")

    author.goto("/agenda")
    author.get_by_test_id("import-link").click()
    expect(author).to_have_url(re.compile(r"/agenda/import$"))
    expect(author.locator("input[name=leader]")).to_have_value(leader)
    send(author, unit_id, "agenda_sekretariat.ics", data)
    expect(author).to_have_url(RESULT_URL)
    expect(author.locator("h1")).to_contain_text(SAMPLE_NAME)
    assert count_of(author, "created") == SAMPLE_OCCURRENCES

    author.get_by_role("link", name="Import another file").click()
    send(author, unit_id, "agenda_sekretariat.ics", data)
    expect(author).to_have_url(RESULT_URL)
    assert (count_of(author, "created"), count_of(author, "unchanged")) == (0, SAMPLE_OCCURRENCES)
    assert imported(live_server) == (SAMPLE_OCCURRENCES, 2)

    author.goto(f"/agenda?unit={unit_id}&from={first_day.isoformat()}"
                f"&to={(last_day + timedelta(days=1)).isoformat()}")
    shown = author.locator("li.agenda-item .agenda-title a").all_inner_texts()
    for title in set(titles):
        assert shown.count(title) == titles.count(title), title
    cancelled = author.locator("li.agenda-item.is-cancelled", has_text="Penyerahan Bantuan Sembako")
    expect(cancelled).to_have_count(1)

    cancelled.locator(".agenda-title a").click()
    expect(author.get_by_test_id("imported-from")).to_contain_text(SAMPLE_NAME)

    author.goto(f"/agenda/import?unit={unit_id}")
    expect(author.get_by_test_id("recent-imports").locator("tbody tr")).to_have_count(2)


def test_a_malformed_file_is_refused_with_the_reason_and_nothing_is_imported(browsing, live_server):
    unit_id, _leader = prokompim(live_server)
    author = person(browsing, "author", viewport=PHONE)
    author.goto("/agenda/import")
    broken = calendar(vevent("uji-1"), vevent(None, summary="Peresmian Pasar"))
    with answered_with(browsing, author, 422):
        send(author, unit_id, "rusak.ics", broken)
    error = author.locator("#file-error")
    expect(error).to_contain_text("line 11")
    expect(error).to_contain_text("has no UID")
    assert no_horizontal_scroll(author)
    assert imported(live_server) == (0, 0)
