"""The calendar (month, week, list) and the schedule adherence page: every role, empty slots
with the link that fills them, filled slots, uncovered events, the filters, navigation that
keeps them, bad parameters (400/404, never 500) and a query count that does not grow."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.domain.content import CoverageRole, EventStatus, PostState
from tests import calendar_helpers as ch
from tests.web.post_helpers import login, statements

EVERYONE = ["author", "approver", "sysadmin", "reviewer", "auditor", "contributor"]


@pytest.fixture
def world(app):
    """A future month: Instagram slots Monday, Wednesday, Friday 09:00 WIB; the first Monday's
    filled by a variant; an uncovered event on the first Tuesday, a covered one on Thursday,
    a cancelled one on Friday; a Facebook post assigned to the contributor; a post of the
    health agency."""
    with app.app_context():
        w = ch.calendar_world()
        month = ch.future_month()
        monday = ch.first_weekday(month, 0)
        w.slot = ch.slot(w.instagram)
        filled = ch.post(w.division, w.author, "Pelayanan KTP keliling", ch.wib(monday, 9))
        ch.variant(filled, w.instagram, ch.wib(monday, 9), slot_=w.slot)
        fb = ch.post(w.subdivision, w.author, "Jajak pendapat taman baca", ch.wib(monday, 14),
                     code="interaktif", state=PostState.IN_REVIEW, assignee=w.contributor)
        ch.variant(fb, w.facebook, ch.wib(monday, 14))
        ch.post(w.division, w.author, "Draf tanpa kanal", ch.wib(monday + timedelta(days=1), 10))
        ch.post(w.health, w.health_author, "Imunisasi anak", ch.wib(monday, 10))
        uncovered = ch.event(w.division, "Rapat paripurna DPRD", ch.wib(monday + timedelta(days=1), 8))
        covered = ch.event(w.division, "Peresmian pasar", ch.wib(monday + timedelta(days=3), 8))
        ch.cover(covered, w.contributor, w.author, CoverageRole.VIDEOGRAPHER)
        cancelled = ch.event(w.division, "Kunjungan batal", ch.wib(monday + timedelta(days=4), 8),
                             status=EventStatus.CANCELLED)
        w.ids = {"division": w.division.id, "health": w.health.id, "province": w.province.id,
                 "instagram": w.instagram.id, "facebook": w.facebook.id, "slot": w.slot.id,
                 "outside_channel": w.outside_channel.id, "filled": filled.id, "fb": fb.id,
                 "uncovered": uncovered.id, "covered": covered.id, "cancelled": cancelled.id,
                 "contributor": w.contributor.id, "outsider": w.outsider.id, "author": w.author.id,
                 "interaktif": ch.factories.category(w.division, "interaktif").id}
        w.month, w.monday = month, monday
        return w


def month_url(w, **params) -> str:
    query = {"unit": w.ids["division"], "month": w.month.strftime("%Y-%m"), **params}
    return "/calendar?" + "&".join(f"{k}={v}" for k, v in query.items())


def entries(page: str, testid: str) -> list[str]:
    return re.findall(rf'<li class="cal-entry[^"]*" data-testid="{testid}" data-\w+="(\d+)"', page)


def at_utc(day, hour) -> str:
    return ch.wib(day, hour).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("who", EVERYONE)
def test_every_role_reads_the_month_week_and_list_and_adherence(client, world, who):
    login(client, f"{who}@uji.pranata.test")
    week = f"/calendar/week?unit={world.ids['division']}&week={world.monday.isoformat()}"
    listing = (f"/calendar/list?unit={world.ids['division']}&from={world.month.isoformat()}"
               f"&to={(world.month + timedelta(days=20)).isoformat()}")
    adherence = f"/units/{world.ids['division']}/adherence?month={world.month.strftime('%Y-%m')}"
    for url in (month_url(world), week, listing, adherence, "/calendar", "/calendar/week", "/calendar/list"):
        response = client.get(url)
        assert response.status_code == 200, (who, url)
    page = client.get(week).get_data(as_text=True)
    assert world.ids["filled"] in map(int, entries(page, "cal-post"))


def test_an_empty_slot_shows_with_the_link_that_fills_it_and_a_filled_one_does_not(client, world):
    login(client, "author@uji.pranata.test")
    page = client.get(f"/calendar/week?unit={world.ids['division']}&week={world.monday.isoformat()}"
                      ).get_data(as_text=True)
    wednesday, friday = world.monday + timedelta(days=2), world.monday + timedelta(days=4)
    assert len(entries(page, "cal-slot")) == 2  # Wednesday and Friday; Monday's is filled
    for day in (wednesday, friday):
        link = (f'/posts/new?unit={world.ids["division"]}&amp;channel={world.ids["instagram"]}'
                f'&amp;slot={world.ids["slot"]}&amp;at={at_utc(day, 9)}')
        assert link in page
    assert at_utc(world.monday, 9) not in page.split('data-testid="cal-post"')[0]
    monday_cell = page[page.find(f'data-day="{world.monday.isoformat()}"'):
                       page.find(f'data-day="{(world.monday + timedelta(days=1)).isoformat()}"')]
    assert "Pelayanan KTP keliling" in monday_cell and "Empty slot" not in monday_cell
    assert "09:00 WIB" in monday_cell


@pytest.mark.parametrize("who, link", [("author", True), ("contributor", True), ("approver", False),
                                       ("reviewer", False), ("auditor", False)])
def test_the_fill_link_is_offered_only_to_those_who_create_posts(client, world, who, link):
    login(client, f"{who}@uji.pranata.test")
    page = client.get(month_url(world)).get_data(as_text=True)
    assert entries(page, "cal-slot")
    assert ('data-testid="fill-slot"' in page) is link


def test_an_event_without_coverage_is_flagged_and_covered_or_cancelled_ones_are_not(client, world):
    login(client, "reviewer@uji.pranata.test")
    page = client.get(month_url(world)).get_data(as_text=True)
    shown = set(map(int, entries(page, "cal-event")))
    assert {world.ids["uncovered"], world.ids["covered"], world.ids["cancelled"]} <= shown
    flagged = re.findall(r'data-event="(\d+)">(?:(?!</li>).)*data-testid="uncovered"', page, re.S)
    assert [int(i) for i in flagged] == [world.ids["uncovered"]]


def test_the_filters_narrow_the_entries(client, world):
    login(client, "sysadmin@uji.pranata.test")
    ids = world.ids
    posts = lambda **p: set(map(int, entries(client.get(month_url(world, **p)).get_data(as_text=True),
                                             "cal-post")))  # noqa: E731
    everything = posts()
    assert {ids["filled"], ids["fb"]} <= everything and len(everything) == 3  # not the health post
    assert posts(channel=ids["facebook"]) == {ids["fb"]}
    assert posts(category=ids["interaktif"]) == {ids["fb"]}
    assert posts(state="in_review") == {ids["fb"]}
    assert posts(person=ids["contributor"]) == {ids["fb"]}
    assert len(posts(unit=ids["health"])) == 1
    # A person filter keeps the events that person covers and hides empty slots.
    page = client.get(month_url(world, person=ids["contributor"])).get_data(as_text=True)
    assert set(map(int, entries(page, "cal-event"))) == {ids["covered"]} and not entries(page, "cal-slot")
    # A channel filter keeps that channel's empty slots and hides the agenda.
    page = client.get(month_url(world, channel=ids["instagram"])).get_data(as_text=True)
    assert entries(page, "cal-slot") and not entries(page, "cal-event")
    assert not entries(client.get(month_url(world, channel=ids["facebook"])).get_data(as_text=True), "cal-slot")


def test_navigation_keeps_the_filters(client, world):
    login(client, "author@uji.pranata.test")
    page = client.get(month_url(world, channel=world.ids["instagram"])).get_data(as_text=True)
    following = (world.month + timedelta(days=32)).strftime("%Y-%m")
    assert re.search(rf'href="/calendar\?month={following}&amp;unit={world.ids["division"]}'
                     rf'&amp;channel={world.ids["instagram"]}" rel="next"', page)
    week = client.get(f"/calendar/week?unit={world.ids['division']}&week={world.monday}&state=draft"
                      ).get_data(as_text=True)
    assert f"week={(world.monday + timedelta(days=7)).isoformat()}&amp;unit={world.ids['division']}&amp;state=draft" in week


@pytest.mark.parametrize("url, status", [
    ("/calendar?month=2026-13", 400), ("/calendar?month=2026-1", 400), ("/calendar?month=abcd-ef", 400),
    ("/calendar?month=1999-12", 400), ("/calendar/week?week=2026-02-30", 400),
    ("/calendar/week?week=yesterday", 400), ("/calendar/list?from=2026-01-01&to=2026-06-30", 400),
    ("/calendar/list?from=2026-02-01&to=2026-01-01", 400), ("/calendar?state=bogus", 400),
    ("/calendar?channel=abc", 400), ("/calendar?unit=99999999999999", 400), ("/calendar?unit=999999", 404),
    ("/calendar?unit={health}", 404), ("/calendar?unit={province}", 404),
    ("/calendar?channel={outside_channel}", 404), ("/calendar?person={outsider}", 404),
    ("/calendar?category=999999", 404), ("/units/{province}/adherence", 404),
    ("/units/{health}/adherence", 404), ("/units/{division}/adherence?month=2026-13", 400),
])
def test_bad_parameters_are_refused_never_a_server_error(client, world, url, status):
    login(client, "author@uji.pranata.test")
    assert client.get(url.format(**world.ids)).status_code == status


def test_the_list_view_accepts_ninety_two_days(client, world):
    login(client, "author@uji.pranata.test")
    first = world.month
    assert client.get(f"/calendar/list?from={first}&to={first + timedelta(days=91)}").status_code == 200
    assert client.get(f"/calendar/list?from={first}&to={first + timedelta(days=92)}").status_code == 400


def test_the_adherence_page_counts_slots_filled_and_publications(client, world):
    with client.app.app_context():
        from planner.extensions import db
        from planner.models import Person, PostVariant, Unit
        variant = db.session.scalar(select(PostVariant).where(PostVariant.post_id == world.ids["filled"]))
        ch.publication(variant, ch.wib(world.monday, 9, 20), db.session.get(Person, world.ids["author"]))
        ch.tolerance(db.session.get(Unit, world.ids["division"]), 30)
    login(client, "auditor@uji.pranata.test")
    page = client.get(f"/units/{world.ids['division']}/adherence?month={world.month.strftime('%Y-%m')}"
                      ).get_data(as_text=True)
    assert "within 30 minutes" in page
    row = page[page.find(f'data-testid="adherence-row" data-channel="{world.ids["instagram"]}"'):]
    row = row[:row.find("</tr>")]
    cells = dict(re.findall(r'data-col="(\w+)">(\d+)', row))
    assert cells["filled"] == "1" and cells["published"] == "1" and cells["on_time"] == "1"
    assert cells["late"] == cells["early"] == cells["off_slot"] == "0" and int(cells["slots"]) >= 12


def test_the_month_needs_the_same_number_of_statements_with_5_or_50_posts(client, world):
    app = client.app
    login(client, "author@uji.pranata.test")

    def add(count):
        with app.app_context():
            from planner.extensions import db
            from planner.models import Channel, Person, Unit
            division = db.session.get(Unit, world.ids["division"])
            author = db.session.get(Person, world.ids["author"])
            instagram = db.session.get(Channel, world.ids["instagram"])
            for n in range(count):
                day = world.month + timedelta(days=n % 28)
                event = ch.event(division, f"Acara {n}", ch.wib(day, 7))
                made = ch.post(division, author, f"Unggahan {n}", ch.wib(day, 11), event=event)
                ch.variant(made, instagram, ch.wib(day, 11))

    add(5)
    small = statements(app, client, month_url(world))
    add(45)
    large = statements(app, client, month_url(world))
    assert small == large, (small, large)
