"""Every kind of feed parses with icalendar and with an independent parser (vobject), and both
read the same events back: UID, DTSTAMP and LAST-MODIFIED in UTC, SEQUENCE, STATUS, start
and end in the unit's zone with a VTIMEZONE for it, texts unescaped, the recurrence of a
slot.  On SQLite and PostgreSQL, in English and Indonesian."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from planner.domain.content import PostState
from planner.domain.feeds import FeedKind
from planner.services import posts as post_service
from planner.permissions import Access
from tests import calendar_helpers as ch
from tests import factories
from tests.feeds.content_helpers import at, events_of, feed_bytes, feed_world, subscribe, zone_world

TITLE = "Sosialisasi “Gerakan Bersama Cegah Stunting”; Kelurahan Tanjungpinang Timur — ✓ 🙂, \\ akhir"
WINDOW_CHECK = (datetime.now(timezone.utc) - timedelta(days=30), datetime.now(timezone.utc) + timedelta(days=90))


@pytest.fixture
def w(ctx):
    w = feed_world()
    long_post = ch.post(w.subdivision, w.author, TITLE, at(6, 15), state=PostState.APPROVED)
    ch.variant(long_post, w.instagram, at(6, 16))
    cancelled = ch.post(w.division, w.author, "Dibatalkan", at(7))
    post_service.cancel(w.author, Access.load(w.author), cancelled, cancelled.version, reason="Ditunda")
    ch.slot(w.facebook, "FREQ=DAILY;COUNT=20", starts_on=date.today() - timedelta(days=5), label=TITLE)
    ch.slot(w.facebook, "FREQ=MONTHLY;BYDAY=-1FR", starts_on=date.today(),
            ends_on=date.today() + timedelta(days=200))
    ch.event(w.division, TITLE, at(9, 13))
    post_service.submit(w.author, Access.load(w.author), w.bare, w.bare.version,
                        ticked=factories.checklist(w.bare))
    return w


def subscriptions(w):
    return {
        "personal-author": subscribe(w.author, FeedKind.PERSONAL),
        "personal-reviewer": subscribe(w.reviewer, FeedKind.PERSONAL),
        "unit": subscribe(w.author, FeedKind.UNIT, w.division),
        "slots": subscribe(w.author, FeedKind.SLOTS, w.subdivision),
        "agenda": subscribe(w.author, FeedKind.AGENDA, w.division),
    }


def check_with_icalendar(body: bytes, expected: dict) -> None:
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert calendar.get_missing_tzids() == set()
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == set(expected)
    for uid, event in events.items():
        want = expected[uid]
        start = event.decoded("DTSTART")
        assert start == want.start and start.tzinfo.key == want.zone and want.zone in zones
        assert event["DTSTART"].params["TZID"] == want.zone
        assert event.decoded("DTSTAMP") == want.stamp.replace(microsecond=0)
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert event.decoded("LAST-MODIFIED") == event.decoded("DTSTAMP")
        assert int(event["SEQUENCE"]) == want.sequence
        assert str(event["STATUS"]) == want.status
        assert str(event["SUMMARY"]) == want.summary
        assert str(event.get("DESCRIPTION", "")) == want.description
        if want.end > want.start:
            assert event.decoded("DTEND") == want.end
        if want.rrule:
            assert event["RRULE"] == icalendar.vRecur.from_ical(want.rrule)


def check_with_vobject(body: bytes, expected: dict) -> None:
    calendar = vobject.readOne(body.decode("utf-8"))
    assert calendar.method.value == "PUBLISH"
    assert calendar.x_wr_calname.value and calendar.x_wr_timezone.value
    events = {e.uid.value: e for e in calendar.vevent_list} if "vevent" in calendar.contents else {}
    assert set(events) == set(expected)
    for uid, event in events.items():
        want = expected[uid]
        assert event.dtstart.value == want.start
        assert event.dtstart.value.utcoffset() == want.start.astimezone(ZoneInfo(want.zone)).utcoffset()
        assert event.dtstamp.value == want.stamp.replace(microsecond=0)
        assert int(event.sequence.value) == want.sequence
        assert event.status.value == want.status
        assert event.summary.value == want.summary
        if want.location:
            assert event.location.value == want.location
        if want.categories:
            assert list(event.categories.value) == list(want.categories)
        if want.rrule:  # the planner's expansion is compared in test_slot_feed_expansion
            occurrences = event.getrruleset().between(*WINDOW_CHECK, inc=True)
            assert all(o.utcoffset() == event.dtstart.value.utcoffset() for o in occurrences)


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_kind_of_feed_parses_with_icalendar_and_vobject(w, language):
    for name, sub in subscriptions(w).items():
        expected = {e.uid: e for e in events_of(sub, language=language)}
        assert expected, name
        body = feed_bytes(sub, language=language)
        assert body.count(b"\n") == body.count(b"\r\n")
        assert all(len(line) <= 75 for line in body.split(b"\r\n"))
        check_with_icalendar(body, expected)
        check_with_vobject(body, expected)


def test_the_feeds_carry_the_texts_and_states_they_should(w):
    subs = subscriptions(w)
    unit = icalendar.Calendar.from_ical(feed_bytes(subs["unit"]))
    summaries = {str(e["SUMMARY"]): str(e["STATUS"]) for e in unit.walk("VEVENT")}
    assert summaries[f"[Instagram Prokompim] {TITLE} (Approved)"] == "CONFIRMED"
    assert summaries["Dibatalkan (Cancelled)"] == "CANCELLED"
    assert summaries["Pengumuman tanpa kanal (In review)"] == "TENTATIVE"
    reviewer = vobject.readOne(feed_bytes(subs["personal-reviewer"]).decode())
    assert [e.summary.value for e in reviewer.vevent_list] == ["Review: Pengumuman tanpa kanal"]
    slots = vobject.readOne(feed_bytes(subs["slots"]).decode())
    rules = sorted(e.rrule.value for e in slots.vevent_list)
    assert rules[0] == "FREQ=DAILY;COUNT=20"
    assert rules[1].startswith("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=") and rules[1].endswith("Z")
    agenda = icalendar.Calendar.from_ical(feed_bytes(subs["agenda"]))
    assert TITLE in {str(e["SUMMARY"]) for e in agenda.walk("VEVENT")}


def test_feeds_of_units_in_wita_and_wit_carry_their_zones(ctx):
    z = zone_world()
    ch.slot(z.city_channel, "FREQ=WEEKLY;BYDAY=TU", starts_on=date.today())
    ch.slot(z.east_channel, "FREQ=WEEKLY;BYDAY=TH", starts_on=date.today())
    post = ch.post(z.east, z.head, "Liputan di Jayapura", at(3, 10, ch.WIB))
    ch.variant(post, z.city_channel, at(3, 12))
    for sub in (subscribe(z.head, FeedKind.SLOTS, z.east), subscribe(z.head, FeedKind.UNIT, z.city)):
        body = feed_bytes(sub)
        expected = {e.uid: e for e in events_of(sub)}
        check_with_icalendar(body, expected)
        check_with_vobject(body, expected)
        calendar = icalendar.Calendar.from_ical(body)
        assert str(calendar["X-WR-TIMEZONE"]) == sub.unit.zone.key
    slots = icalendar.Calendar.from_ical(feed_bytes(subscribe(z.head, FeedKind.SLOTS, z.east)))
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in slots.walk("VEVENT")}
    assert starts["Upload slot: Instagram Papua"].tzinfo.key == "Asia/Jayapura"
    assert starts["Upload slot: Instagram Makassar"].tzinfo.key == "Asia/Makassar"
    assert {str(tz["TZID"]) for tz in slots.walk("VTIMEZONE")} == {"Asia/Jayapura", "Asia/Makassar"}
    assert {s.hour for s in starts.values()} == {9}  # each slot at 09:00 on its own clock
    unit = {e.uid: e for e in events_of(subscribe(z.head, FeedKind.UNIT, z.city))}
    assert {e.zone for e in unit.values()} == {"Asia/Jayapura"}  # the post's unit's zone
