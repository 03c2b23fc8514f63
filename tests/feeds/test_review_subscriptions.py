"""Review of calendar subscriptions and feed addresses on the demo government (SQLite and
PostgreSQL): hostile form values, ids and feed addresses never answer 500; every feed
answer keeps its address out of Referer headers; a subscription's name cannot put control
characters into a feed (RFC 5545 forbids them in TEXT, and parsers choke on them); a
person of DPPPA can neither subscribe to nor read anything of Prokompim, in any kind of
feed, and gets 410 once their role ends."""
from __future__ import annotations

import re
from datetime import date, timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import func, select

from planner.domain.feeds import FeedKind
from planner.domain.errors import RuleViolated
from planner.extensions import db
from planner.models import (AgendaEvent, AuditEvent, Category, Channel, FeedSubscription, Person, Post,
                            RoleAssignment, Unit)
from planner.permissions import Access
from planner.services.feeds import create_subscription

ONCE = re.compile(r'name="once"[^>]*value="([^"]+)"')
TOKEN = re.compile(r"/feeds/([A-Za-z0-9_-]{43,})\.ics")
PROKOMPIM = "Bagian Protokol dan Komunikasi Pimpinan"
DPPPA = "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"
KADIS = "kadis.dpppa@demo.pranata.test"
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


def once(client) -> str:
    return ONCE.search(client.get("/feeds").get_data(as_text=True)).group(1)


def subscribe(app, email: str, kind: FeedKind, unit: int | None = None, name: str = "Kalender",
              **filters) -> str:
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == email))
        return create_subscription(person, Access.load(person), name=name, kind=kind, unit=unit,
                                   **filters)[1]


def subscriptions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(FeedSubscription))


# -- names ---------------------------------------------------------------------------------

def test_control_characters_of_a_name_never_reach_the_feed(demo, client):
    client.login("author@demo.pranata.test")
    response = client.post("/feeds", {"name": "Kalender\x01 Humas\x7f\x1b[31m \u0085", "kind": "personal",
                                      "unit": "0", "channel": "0", "category": "0", "state": "",
                                      "once": once(client)})
    assert response.status_code == 200
    token = TOKEN.search(response.get_data(as_text=True)).group(1)
    with demo.app_context():
        assert db.session.scalar(select(FeedSubscription.name)) == "Kalender Humas[31m"
    body = demo.test_client().get(f"/feeds/{token}.ics").data
    assert not CONTROL.search(body)
    assert str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"]) == "Kalender Humas[31m"
    assert vobject.readOne(body.decode("utf-8")).contents["x-wr-calname"][0].value == "Kalender Humas[31m"


def test_a_name_of_nothing_but_control_characters_is_refused(demo):
    with pytest.raises(RuleViolated) as refused, demo.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "author@demo.pranata.test"))
        create_subscription(person, Access.load(person), name="\x01\x02\x7f", kind=FeedKind.PERSONAL)
    assert [v.field for v in refused.value.violations] == ["name"]
    assert subscriptions(demo) == 0


def test_a_name_with_markup_is_kept_and_shown_escaped(demo, client):
    client.login("author@demo.pranata.test")
    response = client.post("/feeds", {"name": "<script>alert(1)</script>", "kind": "personal",
                                      "unit": "0", "channel": "0", "category": "0", "state": "",
                                      "once": once(client)})
    assert response.status_code == 200
    page = response.get_data(as_text=True) + client.get("/feeds").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- hostile input -------------------------------------------------------------------------

HOSTILE_VALUES = {
    "name": ["", " ", "x" * 121, "x" * 20_000, "\x01\x02"],
    "kind": ["", "UNIT", "bogus", "x" * 5000],
    "unit": ["", "-1", "abc", "4.5", "1e3", "9" * 30, "2147483648", "9223372036854775808", " 4", "٤"],
    "channel": ["-1", "abc", "9" * 30, "2147483648", "999999"],
    "category": ["-1", "abc", "9" * 30, "2147483648", "999999"],
    "state": ["bogus", "DRAFT", "x" * 1000],
}


def test_hostile_values_of_the_subscription_form_are_refused_never_a_500(demo, client):
    client.login("author@demo.pranata.test")
    division = unit_id(demo, "Subbagian Dokumentasi Pimpinan")
    for field, values in HOSTILE_VALUES.items():
        for value in values:
            data = {"name": "Kalender", "kind": "unit", "unit": str(division), "channel": "0",
                    "category": "0", "state": "", "once": once(client), field: value}
            response = client.post("/feeds", data)
            assert response.status_code == 422, (field, value, response.status_code)
    assert subscriptions(demo) == 0


@pytest.mark.parametrize("path", ["/feeds/{own}/revoke", "/feeds/{own}/regenerate"])
def test_revoke_and_regenerate_refuse_others_huge_and_odd_ids(demo, client, path):
    other = subscribe(demo, "approver@demo.pranata.test", FeedKind.PERSONAL)
    with demo.app_context():
        others_id = db.session.scalar(select(FeedSubscription.id))
    client.login("author@demo.pranata.test")
    for ident in (others_id, 0, 2147483648, 9223372036854775808, 10 ** 30):
        assert client.post(path.format(own=ident), {"once": once(client)}).status_code == 404, ident
    for ident in ("-1", "abc", "1.0", "%00"):
        assert client.post(path.format(own=ident), {"once": once(client)}).status_code == 404, ident
    assert client.get(path.format(own=others_id)).status_code == 405
    assert demo.test_client().get(f"/feeds/{other}.ics").status_code == 200  # untouched


ODD_TOKENS = ["a", "x" * 101, "x" * 20_000, "é" * 43, "%C3%A9" * 10, "..", "%2e%2e", "a.b",
              "%00", "%ff", "%", "😀", "-" * 43, "_" * 43, "%20" * 43, "..%2F..%2Fetc%2Fpasswd",
              "a/b"]


def test_odd_feed_addresses_answer_404_with_no_referrer_never_a_500(demo):
    demo.config["RATELIMIT_ENABLED"] = False  # the limit on unknown addresses has its own tests
    http = demo.test_client()
    token = subscribe(demo, "author@demo.pranata.test", FeedKind.PERSONAL)
    for odd in ODD_TOKENS + [token.upper(), token[:-1], token + "x", token + ".ics"]:
        for method in ("GET", "HEAD"):
            response = http.open(f"/feeds/{odd}.ics", method=method)
            assert response.status_code == 404, (odd, method)
            assert response.headers["Referrer-Policy"] == "no-referrer"
    assert http.post(f"/feeds/{token}.ics").status_code == 405
    # Mistyped, the address still holds the token: its error page must not pass it on.
    for mistyped in (f"/feeds/{token}", f"/feeds/{token}.ic", f"/feeds/{token}.ics/"):
        response = http.get(mistyped)
        assert response.status_code == 404 and response.headers["Referrer-Policy"] == "no-referrer"


CONDITIONS = [
    {"If-None-Match": value} for value in
    ['"', "", ",,,", "garbage", "W/", "\x01", "x" * 20_000, '"a", W/"b" ,, "c"']
] + [
    {"If-Modified-Since": value} for value in
    ["garbage", "", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "-1",
     "Tue, 99 Zzz 2020 99:99:99 GMT", "x" * 20_000]
]


@pytest.mark.parametrize("kind", [FeedKind.PERSONAL, FeedKind.UNIT, FeedKind.SLOTS, FeedKind.AGENDA])
def test_garbage_conditions_get_the_whole_feed_and_its_etag(demo, kind):
    unit = None if kind == FeedKind.PERSONAL else unit_id(demo, PROKOMPIM)
    token = subscribe(demo, "approver@demo.pranata.test", kind, unit)
    http = demo.test_client()
    first = http.get(f"/feeds/{token}.ics")
    assert first.status_code == 200 and first.headers["Referrer-Policy"] == "no-referrer"
    for headers in CONDITIONS:
        response = http.get(f"/feeds/{token}.ics", headers=headers)
        assert response.status_code == 200, headers
        assert response.headers["ETag"] == first.headers["ETag"] and response.data == first.data
    for etag in (first.headers["ETag"], "*", "W/" + first.headers["ETag"], f'"x", {first.headers["ETag"]}'):
        response = http.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
        assert response.status_code == 304 and response.headers["Referrer-Policy"] == "no-referrer"


# -- across governments ------------------------------------------------------------------

def prokompim_titles(app) -> set[str]:
    """Titles of Tanjungpinang's posts and agenda events (none of them is DPPPA's)."""
    with app.app_context():
        tanjungpinang = db.session.scalar(select(Unit.path).where(Unit.name == PROKOMPIM)).split("/")[1]
        inside = Unit.path.startswith(f"/{tanjungpinang}/")
        titles = set(db.session.scalars(select(Post.title).join(Unit, Post.unit_id == Unit.id).where(inside)))
        titles |= set(db.session.scalars(select(AgendaEvent.title).join(Unit, AgendaEvent.unit_id == Unit.id)
                                         .where(inside)))
    return titles


def test_dpppa_cannot_subscribe_to_any_of_tanjungpinangs_calendars(demo):
    prokompim = unit_id(demo, PROKOMPIM)
    with demo.app_context():
        channel = db.session.scalar(select(Channel.id).join(Unit).where(Unit.name == PROKOMPIM))
        category = db.session.scalar(select(Category.id).join(Unit, Category.government_id == Unit.id)
                                     .where(Unit.parent_id.is_(None), Unit.name.like("%Tanjungpinang%")))
    refusals = [(kind, {"unit": prokompim}) for kind in (FeedKind.UNIT, FeedKind.SLOTS, FeedKind.AGENDA)]
    refusals += [(FeedKind.UNIT, {"unit": unit_id(demo, DPPPA), "channel": channel}),
                 (FeedKind.UNIT, {"unit": unit_id(demo, DPPPA), "category": category})]
    for kind, values in refusals:
        with pytest.raises(RuleViolated):
            subscribe(demo, KADIS, kind, **values)
    assert subscriptions(demo) == 0
    with demo.app_context():
        refused = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.action == "feed.create_refused"))
    assert refused == len(refusals)


def test_dpppa_feeds_show_nothing_of_tanjungpinang_and_end_with_the_role(demo):
    dpppa = unit_id(demo, DPPPA)
    tokens = [subscribe(demo, KADIS, FeedKind.PERSONAL)] + [
        subscribe(demo, KADIS, kind, dpppa) for kind in (FeedKind.UNIT, FeedKind.SLOTS, FeedKind.AGENDA)]
    foreign = prokompim_titles(demo)
    http = demo.test_client()
    shown = 0
    for token in tokens:
        response = http.get(f"/feeds/{token}.ics")
        assert response.status_code == 200
        events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
        summaries = [str(event.get("SUMMARY")) for event in events]
        shown += len(summaries)
        assert not [s for s in summaries if any(title in s for title in foreign)]
    assert shown > 0  # DPPPA's own posts and slots are there
    with demo.app_context():
        kadis = db.session.scalar(select(Person).where(Person.email == KADIS))
        roles = select(RoleAssignment).where(RoleAssignment.person_id == kadis.id)
        for assignment in db.session.scalars(roles):
            assignment.valid_to = date.today() - timedelta(days=2)
        db.session.commit()
    assert [http.get(f"/feeds/{token}.ics").status_code for token in tokens] == [410] * 4


def test_a_calendar_written_with_control_characters_in_its_name_has_none():
    # Subscriptions named before the service dropped them, or a person's name in the
    # description of a personal feed: the calendar's head is cleaned as its events are.
    from planner.domain.ical import FeedMeta, render_calendar

    body = render_calendar(FeedMeta(name="Kal\x01ender\x7f", zone="Asia/Jakarta",
                                    description="Milik\x0b Budi\x1f"), [], [])
    assert not CONTROL.search(body)
    calendar = icalendar.Calendar.from_ical(body)
    assert (str(calendar["NAME"]), str(calendar["X-WR-CALDESC"])) == ("Kalender", "Milik Budi")


# -- revoke and regenerate in another worker -----------------------------------------------

@pytest.mark.parametrize("action", ["revoke", "regenerate"])
def test_revoke_and_regenerate_take_effect_at_once_in_another_worker(demo, database_url, client, action):
    from tests.conftest import make_app

    client.login("author@demo.pranata.test")
    created = client.post("/feeds", {"name": "Kalender", "kind": "personal", "unit": "0", "channel": "0",
                                     "category": "0", "state": "", "once": once(client)})
    token = TOKEN.search(created.get_data(as_text=True)).group(1)
    other = make_app(database_url)  # a second worker: its own in-process cache of feeds
    try:
        worker = other.test_client()
        before = worker.get(f"/feeds/{token}.ics")
        etag = before.headers["ETag"]
        assert worker.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag}).status_code == 304
        with demo.app_context():
            sub_id = db.session.scalar(select(FeedSubscription.id))
        response = client.post(f"/feeds/{sub_id}/{action}", {"once": once(client)})
        assert response.status_code in (200, 303)
        for headers in ({}, {"If-None-Match": etag}, {"If-None-Match": "*"}):
            old = worker.get(f"/feeds/{token}.ics", headers=headers)
            assert old.status_code == 404 and old.headers["Referrer-Policy"] == "no-referrer"
        if action == "regenerate":
            new = TOKEN.search(response.get_data(as_text=True)).group(1)
            after = worker.get(f"/feeds/{new}.ics")
            # the same events under the same UIDs: nothing in a feed depends on its address
            assert after.status_code == 200 and after.data == before.data
            assert b"UID:" in after.data and after.headers["ETag"] == etag
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
