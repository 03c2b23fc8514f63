"""A slot feed, expanded by a calendar client (recurring-ical-events), gives exactly the
occurrences the planner shows (`SlotRule.occurrences`, and the calendar page's empty
slots): rules with COUNT, with their own UNTIL, with an end date, cut short or not, in WIB,
WITA and WIT units; and, as a property, for any rule the planner accepts."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest
import recurring_ical_events
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.domain.errors import RuleViolated
from planner.domain.feeds import FeedKind, window
from planner.domain.ical import FeedEvent, FeedMeta, render_calendar, render_event, slot_recurrence
from planner.domain.organisation import ZONES
from planner.domain.slots import WEEKDAY_CODES, SlotRule, parse_rule
from planner.permissions import Access
from planner.queries.calendar import CalendarFilters, calendar_entries, rule_of
from tests import calendar_helpers as ch
from tests.feeds.content_helpers import feed_bytes, subscribe, zone_world

STAMP = datetime(2025, 1, 1, tzinfo=timezone.utc)


def expanded(calendar: icalendar.Calendar, start: datetime, end: datetime) -> dict[str, list[datetime]]:
    """Each UID's occurrence starts in [start, end), as a client expands them, in UTC."""
    found: dict[str, list[datetime]] = {}
    for occurrence in recurring_ical_events.of(calendar).between(start, end):
        moment = occurrence.decoded("DTSTART").astimezone(timezone.utc)
        if start <= moment < end:
            found.setdefault(str(occurrence["UID"]), []).append(moment)
    return {uid: sorted(moments) for uid, moments in found.items()}


def one_slot_calendar(rule: SlotRule, zone_name: str) -> icalendar.Calendar | None:
    recurrence = slot_recurrence(rule)
    if recurrence is None:
        return None
    event = FeedEvent(uid="slot-1@pranata", sequence=0, stamp=STAMP, start=recurrence.first,
                      end=recurrence.first + timedelta(minutes=30), zone=zone_name,
                      summary="Slot", rrule=recurrence.rule)
    return icalendar.Calendar.from_ical(
        render_calendar(FeedMeta("Slot", zone_name), [render_event(event)], [zone_name]))


# -- the rules one by one ----------------------------------------------------------------

CASES = [
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", None),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", date(2025, 3, 12)),  # an end date: UNTIL
    ("FREQ=DAILY;COUNT=10", None),  # COUNT kept
    ("FREQ=DAILY;COUNT=100", date(2025, 1, 20)),  # COUNT cut short by the end date
    ("FREQ=DAILY;COUNT=5", date(2025, 12, 31)),  # COUNT ends first
    ("FREQ=DAILY;UNTIL=20250110", None),  # a rule row with its own UNTIL (a date)
    ("FREQ=DAILY;UNTIL=20250110T090000", date(2025, 1, 8)),  # its own UNTIL and an earlier end
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", None),  # starts on a Wednesday: first is 13 days on
    ("FREQ=MONTHLY;BYDAY=-1FR", None),
    ("FREQ=MONTHLY;BYMONTHDAY=31", None),  # months without a 31st are skipped
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", None),  # leap days only
    ("FREQ=DAILY;BYDAY=SA,SU;WKST=SU", None),
    ("FREQ=DAILY;BYHOUR=9,15;BYMINUTE=30", None),  # more than one time a day
]


@pytest.mark.parametrize("zone", ["WIB", "WITA", "WIT"])
@pytest.mark.parametrize("rule, ends_on", CASES)
def test_a_client_expands_a_slot_into_the_planners_occurrences(rule, ends_on, zone):
    tz = ZONES[zone]
    slot = SlotRule(rule, date(2025, 1, 1), time(23, 30), ends_on, tz)
    calendar = one_slot_calendar(slot, tz.key)
    start, end = datetime(2024, 12, 1, tzinfo=timezone.utc), datetime(2029, 3, 1, tzinfo=timezone.utc)
    planner = slot.occurrences(start, end)
    assert planner, "every case has occurrences"
    assert expanded(calendar, start, end) == {"slot-1@pranata": planner}
    assert "COUNT" not in slot_recurrence(slot).rule or "UNTIL" not in slot_recurrence(slot).rule


def test_a_rule_without_occurrences_or_unreadable_gives_no_event():
    tz = ZONES["WIB"]
    assert slot_recurrence(SlotRule("FREQ=DAILY", date(2025, 1, 10), time(9), date(2025, 1, 9), tz)) is None
    assert slot_recurrence(SlotRule("FREQ=DAILY;UNTIL=20250105T000000Z", date(2025, 1, 1), time(9),
                                    None, tz)) is None  # the planner cannot expand it either
    assert slot_recurrence(SlotRule("FREQ=SOMETIMES", date(2025, 1, 1), time(9), None, tz)) is None
    assert slot_recurrence(SlotRule("FREQ=DAILY;COUNT=3", date(2025, 1, 1), time(9),
                                    date(2024, 12, 31), tz)) is None


# -- any rule the planner accepts ---------------------------------------------------------

@st.composite
def slot_rules(draw):
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if freq in ("DAILY", "WEEKLY") and draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(WEEKDAY_CODES), min_size=1, max_size=4, unique=True))
        parts.append("BYDAY=" + ",".join(days))
    if freq == "MONTHLY":
        choice = draw(st.sampled_from(["day", "weekday", "none"]))
        if choice == "day":
            parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 5, 15, 28, 30, 31, -1]))}")
        elif choice == "weekday":
            parts.append(f"BYDAY={draw(st.sampled_from(['+1MO', '-1FR', '2WE', '+3TH']))}")
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(WEEKDAY_CODES))}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(1, 60))}")
    starts_on = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    ends_on = draw(st.none() | st.integers(0, 500).map(lambda d: starts_on + timedelta(days=d)))
    at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    zone = ZONES[draw(st.sampled_from(["WIB", "WITA", "WIT"]))]
    return ";".join(parts), starts_on, at, ends_on, zone


@settings(max_examples=80, deadline=None)
@given(slot_rules(), st.dates(date(2024, 10, 1), date(2028, 6, 1)), st.integers(1, 500))
def test_any_accepted_rule_expands_to_the_planners_occurrences(rule_parts, first_day, days):
    text, starts_on, at, ends_on, zone = rule_parts
    try:
        rule = parse_rule(text, starts_on=starts_on, time_of_day=at, ends_on=ends_on, zone=zone)
    except RuleViolated:
        assume(False)
    start = datetime.combine(first_day, time(), timezone.utc)
    end = start + timedelta(days=days)
    planner = rule.occurrences(start, end)
    calendar = one_slot_calendar(rule, zone.key)
    assert calendar is not None  # an accepted rule has at least one occurrence
    assert expanded(calendar, start, end) == ({"slot-1@pranata": planner} if planner else {})


# -- the feed of a unit, against the calendar page ---------------------------------------------

@pytest.fixture
def z(ctx):
    z = zone_world()
    today = date.today()
    z.slots = [
        ch.slot(z.city_channel, "FREQ=WEEKLY;BYDAY=MO,TH", starts_on=today - timedelta(days=40)),
        ch.slot(z.city_channel, "FREQ=DAILY;COUNT=12", starts_on=today - timedelta(days=3), at=time(7, 15)),
        ch.slot(z.east_channel, "FREQ=DAILY;INTERVAL=3", starts_on=today,
                ends_on=today + timedelta(days=50), at=time(20, 0)),
        ch.slot(z.east_channel, f"FREQ=WEEKLY;BYDAY=SA;UNTIL={today + timedelta(days=70):%Y%m%d}",
                starts_on=today - timedelta(days=10), at=time(6, 0)),
        ch.slot(z.east_channel, "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=30", starts_on=today,
                ends_on=today + timedelta(days=150), at=time(23, 45)),
    ]
    return z


def test_the_slot_feed_expands_to_what_the_planner_shows(z):
    sub = subscribe(z.head, FeedKind.SLOTS, z.east)
    calendar = icalendar.Calendar.from_ical(feed_bytes(sub))
    span = window(z.east.zone, datetime.now(timezone.utc))
    client = expanded(calendar, span.start, span.end)
    planner = {f"slot-{slot.id}@pranata": rule_of(slot).occurrences(span.start, span.end)
               for slot in z.slots}
    assert client == {uid: moments for uid, moments in planner.items() if moments}
    assert len(client) == len(z.slots)


def test_the_slot_feed_matches_the_calendar_pages_empty_slots(z):
    sub = subscribe(z.head, FeedKind.SLOTS, z.city)
    calendar = icalendar.Calendar.from_ical(feed_bytes(sub))
    start = datetime.combine(date.today() + timedelta(days=1), time(), z.city.zone).astimezone(timezone.utc)
    end = start + timedelta(days=60)
    page = calendar_entries(Access.load(z.head), CalendarFilters(z.city), start, end,
                            datetime.now(timezone.utc))
    shown: dict[str, list[datetime]] = {}
    for entry in page:
        if entry.kind == "slot":
            shown.setdefault(f"slot-{entry.slot.id}@pranata", []).append(entry.at)
    assert shown
    assert expanded(calendar, start, end) == {uid: sorted(m) for uid, m in shown.items()}
