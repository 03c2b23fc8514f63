"""Reading an .ics file (a secretary's calendar exported from Google Calendar or Outlook)
into the events of a leader's agenda.

The text is checked line by line first (`ics_text`), then read with icalendar; times are
made RFC 5545 (X-WR-TIMEZONE calendars through x-wr-timezone, floating times and all-day
dates on the unit's own clock), and recurring events are expanded with
recurring-ical-events within the import window (by default 90 days back, 365 ahead, as the
feeds).  A file that cannot be imported raises `CalendarRefused` (field "file") with each
reason and the line it lies on.  No Flask, no database.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.timezone import tzp

from planner.domain.content import EventStatus
from planner.domain.errors import N_
from planner.domain.feeds import DAYS_AHEAD, DAYS_BACK, window
from planner.domain.ics_limits import (FIRST_YEAR, LAST_YEAR, ExpansionTooLong, check_zone_names,
                                       expansion_budget, plausible_year, zone_lookup_breaks,
                                       zones_of_this_file)
from planner.domain.ics_text import (FIELD, MAX_PROBLEMS, MESSAGES, CalendarRefused, EventOutline,
                                     Outline, content_lines, decode, excerpt, outline, unescape)

__all__ = ["FIELD", "CalendarRefused", "ImportedEvent", "ParsedCalendar", "parse_calendar"]

MAX_EVENTS = 5000  # events in a file, and occurrences within the window
TITLE_MAX = PLACE_MAX = 200  # the agenda's columns
NOTES_MAX = 5000  # what the event form accepts
UID_MAX = 255  # the source_uid column
CALENDAR_NAME_MAX = 255
MAX_PER_DAY = 24  # BYHOUR × BYMINUTE × BYSECOND: an agenda does not repeat more often
SUB_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
LINE = "X-PRANATA-LINE"  # stamped on each event so that its occurrences know their line
TIME_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")
READ_PROPERTIES = TIME_PROPERTIES + ("DURATION", "RRULE")
STATUSES = {"CANCELLED": EventStatus.CANCELLED, "TENTATIVE": EventStatus.TENTATIVE}

MESSAGES.update({
    "too_many": N_("The file holds %(count)s events; at most %(limit)s can be imported at once. "
                   "Export a shorter period of the calendar."),
    "too_many_occurrences": N_("Between %(start)s and %(end)s the events of this file occur more "
                               "than %(limit)s times (the last one counted is the event on line "
                               "%(line)s, “%(title)s”). Export a shorter period of the calendar."),
    "no_uid": N_("The event on line %(line)s (“%(title)s”) has no UID: without one, a later import "
                 "of the calendar could not find it again."),
    "no_start": N_("The event on line %(line)s (“%(title)s”) has no start (DTSTART)."),
    "same_uid": N_("The events on lines %(first)s and %(line)s have the same UID “%(uid)s”: each "
                   "event of a calendar needs its own."),
    "unreadable": N_("The calendar cannot be read: %(detail)s."),
    "bad_value": N_("Line %(line)s: the %(name)s of the event “%(title)s” cannot be read "
                    "(%(detail)s)."),
    "unknown_zone": N_("Line %(line)s: the time zone “%(zone)s” of the event “%(title)s” is "
                       "unknown. Export the calendar again with a standard time zone (for "
                       "example Asia/Jakarta)."),
    "unknown_calendar_zone": N_("Line %(line)s: the calendar's time zone “%(zone)s” is unknown."),
    "mixed_kinds": N_("The event on line %(line)s (“%(title)s”) starts on a date but ends at a "
                      "time (or the other way round)."),
    "end_before_start": N_("The event on line %(line)s (“%(title)s”) ends before it starts."),
    "too_frequent": N_("Line %(line)s: the event “%(title)s” repeats more often than every hour, "
                       "which an agenda does not need."),
    "not_gregorian": N_("Line %(line)s: only Gregorian calendars can be imported."),
    "cannot_expand": N_("The repetitions of the event on line %(line)s (“%(title)s”) cannot be "
                        "worked out (%(detail)s)."),
})


@dataclass(frozen=True)
class ImportedEvent:
    """One event (or one occurrence of a recurring event) as the agenda will hold it."""

    source_uid: str  # UID, or "<UID>/<original start>" for an occurrence
    title: str
    place: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    status: EventStatus
    description: str
    line: int  # where its VEVENT begins in the file


@dataclass(frozen=True)
class ParsedCalendar:
    name: str  # X-WR-CALNAME, else PRODID, else the file's name
    events: tuple[ImportedEvent, ...]  # within the window, by start
    window_start: datetime
    window_end: datetime
    left_out: int  # events of the file with no occurrence within the window

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        """From the earliest start to the latest end of the file's events (in the window)."""
        if not self.events:
            return None
        return min(e.starts_at for e in self.events), max(e.ends_at for e in self.events)


def parse_calendar(data: bytes, *, filename: str, zone: tzinfo, now: datetime, max_bytes: int,
                   max_events: int = MAX_EVENTS, days_back: int = DAYS_BACK,
                   days_ahead: int = DAYS_AHEAD, untitled: str = "(untitled)") -> ParsedCalendar:
    """The events of an .ics file within the window around `now`, on the clock of `zone`
    (the unit's), or `CalendarRefused` saying why and where."""
    lines = content_lines(decode(data, max_bytes))
    shape = outline(lines)
    if len(shape.events) > max_events:
        raise CalendarRefused.one("too_many", count=len(shape.events), limit=max_events)
    _check_outlines(shape)
    check_zone_names(lines)
    span = window(zone, now, days_back, days_ahead)
    try:
        # Reading the file's own time zones and expanding rules walks recurrence rules.
        with zones_of_this_file(), expansion_budget():
            calendar = _read("\r\n".join(f"{item.name}{item.params}:{item.value}" for item in lines))
            components = calendar.walk("VEVENT")
            if len(components) != len(shape.events):
                raise CalendarRefused.one("unreadable", detail="VEVENT")
            problems: list[tuple[str, dict]] = []
            for component, seen in zip(components, shape.events):
                problems.extend(_problems(component, seen, zone))
                component[LINE] = str(seen.line)
                if len(problems) >= MAX_PROBLEMS:
                    break
            if problems:
                raise CalendarRefused(problems[:MAX_PROBLEMS])
            calendar = _on_clock(calendar, shape, zone)
            events, left_out = _expand(calendar, shape, zone, span.start, span.end, max_events,
                                       untitled)
    except ExpansionTooLong:
        raise CalendarRefused.one("too_long_to_expand") from None
    return ParsedCalendar(_calendar_name(shape, filename), tuple(events), span.start, span.end, left_out)


def _check_outlines(shape: Outline) -> None:
    """Every event needs a UID and a start, and (but for the changed occurrences of a
    recurring event, which carry a RECURRENCE-ID) a UID of its own."""
    problems: list[tuple[str, dict]] = []
    first_with: dict[str, int] = {}
    for seen in shape.events:
        if not seen.uid:
            problems.append(("no_uid", {"line": seen.line, "title": seen.title}))
        elif "RECURRENCE-ID" not in seen.properties:
            if seen.uid in first_with:
                problems.append(("same_uid", {"line": seen.line, "first": first_with[seen.uid],
                                              "uid": excerpt(seen.uid)}))
            first_with.setdefault(seen.uid, seen.line)
        if "DTSTART" not in seen.properties:
            problems.append(("no_start", {"line": seen.line, "title": seen.title}))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise CalendarRefused(problems[:MAX_PROBLEMS])


def _read(text: str) -> icalendar.Calendar:
    try:
        return icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, TypeError, IndexError, OverflowError) as error:
        raise CalendarRefused.one("unreadable", detail=excerpt(str(error))) from None
    except OSError:  # a name the standard library took for a file (never its path in a message)
        raise CalendarRefused.one("unreadable", detail="TZID") from None


def _values(component, name: str) -> list:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _times(value) -> list:
    dts = getattr(value, "dts", None)
    return [d.dt for d in dts] if dts is not None else [getattr(value, "dt", None)]


def _instant(value, zone: tzinfo) -> datetime:
    """A DATE-TIME or DATE value as a UTC instant: floating times and dates (midnight) on
    the clock of `zone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(timezone.utc)


def _one_time(value):
    """The date or date-time of a property given once, else None (given twice, as TEXT, or
    dropped by the reader for a malformed line)."""
    moment = getattr(value, "dt", None)
    return moment if isinstance(moment, (date, datetime)) else None


def _problems(component, seen: EventOutline, zone: tzinfo) -> list[tuple[str, dict]]:
    """What makes one event unreadable: a broken time value or rule, an unknown time zone,
    an end before the start, a repetition more often than hourly."""
    where = lambda name: seen.properties.get(name, seen.line)  # noqa: E731
    broken = [(name, detail) for name, detail in getattr(component, "errors", [])
              if name in READ_PROPERTIES]
    if broken:
        name, detail = broken[0]
        return [("bad_value", {"line": where(name), "name": name, "title": seen.title,
                               "detail": excerpt(str(detail))})]
    for name in TIME_PROPERTIES:
        for value in _values(component, name):
            zone_id = value.params.get("TZID")
            if zone_id and any(isinstance(t, datetime) and t.tzinfo is None for t in _times(value)):
                return [("unknown_zone", {"line": where(name), "zone": excerpt(zone_id),
                                          "title": seen.title})]
    for name in ("DTSTART", "DTEND"):
        if (name == "DTSTART" or name in component) and _one_time(component.get(name)) is None:
            return [("not_one_time", {"line": where(name), "name": name, "title": seen.title})]
    if "DURATION" in component and not isinstance(getattr(component["DURATION"], "dt", None), timedelta):
        return [("not_a_duration", {"line": where("DURATION"), "title": seen.title})]
    for name in TIME_PROPERTIES:
        if not all(plausible_year(t) for value in _values(component, name) for t in _times(value)):
            return [("out_of_range", {"line": where(name), "title": seen.title,
                                      "first": FIRST_YEAR, "last": LAST_YEAR})]
    start = component["DTSTART"].dt
    end = component["DTEND"].dt if "DTEND" in component else None
    if end is not None:
        if isinstance(start, datetime) != isinstance(end, datetime):
            return [("mixed_kinds", {"line": seen.line, "title": seen.title})]
        if _instant(end, zone) < _instant(start, zone):
            return [("end_before_start", {"line": seen.line, "title": seen.title})]
    elif "DURATION" in component and component["DURATION"].dt < timedelta(0):
        return [("end_before_start", {"line": seen.line, "title": seen.title})]
    for rule in _values(component, "RRULE"):
        intervals = [i for i in rule.get("INTERVAL", []) if not isinstance(i, int) or i < 1]
        if intervals:
            return [("bad_interval", {"line": where("RRULE"), "title": seen.title,
                                      "interval": excerpt(str(intervals[0]))})]
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(1, len(rule.get(part, [])))
        if set(rule.get("FREQ", [])) & SUB_DAILY or per_day > MAX_PER_DAY:
            return [("too_frequent", {"line": where("RRULE"), "title": seen.title})]
    return []


def _on_clock(calendar, shape: Outline, zone: tzinfo):
    """RFC 5545 times: a calendar with X-WR-TIMEZONE (Google) has its UTC and floating
    times put on that zone's clock (as x-wr-timezone does); floating times of any other
    calendar are on the unit's clock."""
    scale = shape.properties.get("CALSCALE")
    if scale and scale[0].strip().upper() != "GREGORIAN":
        raise CalendarRefused.one("not_gregorian", line=scale[1])
    calendar_zone = None
    stated = shape.properties.get("X-WR-TIMEZONE")
    if stated and stated[0].strip():
        name = unescape(stated[0]).strip()
        calendar_zone = None if zone_lookup_breaks(name) else tzp.timezone(name)
        if calendar_zone is None:
            raise CalendarRefused.one("unknown_calendar_zone", line=stated[1], zone=excerpt(name))
    calendar = _OnClock(calendar_zone, zone).walk(calendar)
    # Done: recurring-ical-events would apply x-wr-timezone again, taking a zone of the file
    # without TZNAME for a floating time.
    calendar.pop("X-WR-TIMEZONE", None)
    return calendar


class _OnClock(x_wr_timezone.CalendarWalker):
    """x-wr-timezone's walk over the events' times, telling floating and UTC times apart by
    their offset rather than their name: a zone of the file without TZNAME has no name,
    yet is no floating time."""

    def __init__(self, calendar_zone: tzinfo | None, unit_zone: tzinfo):
        self.calendar_zone = calendar_zone
        self.floating_zone = calendar_zone or unit_zone

    def is_Floating(self, dt):
        return dt.tzinfo is None or dt.utcoffset() is None

    def walk_value_datetime(self, dt):
        if self.is_Floating(dt):
            return dt.replace(tzinfo=self.floating_zone)
        if self.calendar_zone is not None and icalendar.is_utc(dt):
            return dt.astimezone(self.calendar_zone)
        return dt


def _expand(calendar, shape: Outline, zone: tzinfo, start: datetime, end: datetime,
            max_events: int, untitled: str) -> tuple[list[ImportedEvent], int]:
    """Every event and every occurrence of a recurring event that overlaps [start, end)."""
    lines = {seen.uid: seen for seen in reversed(shape.events) if seen.uid}
    components = calendar.walk("VEVENT")
    recurring = {str(c["UID"]).strip() for c in components
                 if any(name in c for name in ("RRULE", "RDATE", "RECURRENCE-ID"))}
    try:
        query = recurring_ical_events.of(calendar)
    except Exception as error:  # noqa: BLE001 - the library raises many kinds on bad input
        raise CalendarRefused.one("unreadable", detail=excerpt(str(error))) from None
    events: dict[str, ImportedEvent] = {}
    found: set[str] = set()
    for series in query.series:
        uid = str(series.uid).strip()
        seen = lines.get(uid) or shape.events[0]
        try:
            for occurrence in series.between(start, end):
                event = _event(occurrence, uid, uid in recurring, zone, untitled)
                events.setdefault(event.source_uid, event)
                found.add(uid)
                if len(events) > max_events:
                    raise CalendarRefused.one(
                        "too_many_occurrences", limit=max_events, start=start.astimezone(zone).date(),
                        end=end.astimezone(zone).date(), line=event.line, title=excerpt(event.title))
        except CalendarRefused:
            raise
        except Exception as error:  # noqa: BLE001
            raise CalendarRefused.one("cannot_expand", line=seen.line, title=seen.title,
                                      detail=excerpt(str(error))) from None
    all_uids = {str(c["UID"]).strip() for c in components}
    ordered = sorted(events.values(), key=lambda e: (e.starts_at, e.source_uid))
    return ordered, len(all_uids - found)


def _event(occurrence, uid: str, recurring: bool, zone: tzinfo, untitled: str) -> ImportedEvent:
    component = occurrence.as_component(False)
    key = uid
    if recurring:
        original = component.get("RECURRENCE-ID")
        key = f"{uid}/{_stamp(original.dt if original is not None else occurrence.start, zone)}"
    status = str(_first(component, "STATUS") or "").strip().upper()
    return ImportedEvent(
        source_uid=fit_uid(key),
        title=short_text(_first(component, "SUMMARY"), TITLE_MAX) or untitled,
        place=short_text(_first(component, "LOCATION"), PLACE_MAX),
        starts_at=_instant(occurrence.start, zone),
        ends_at=_instant(occurrence.end, zone),
        status=STATUSES.get(status, EventStatus.CONFIRMED),
        description=notes_text(_first(component, "DESCRIPTION")),
        line=int(component.get(LINE, 0)))


def _first(component, name: str):
    values = _values(component, name)
    return values[0] if values else None


def _stamp(value, zone: tzinfo) -> str:
    """An occurrence's original start as written in its source_uid: a UTC instant, or the
    day itself for an all-day event (so that it does not depend on the unit's zone)."""
    if not isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    return _instant(value, zone).strftime("%Y%m%dT%H%M%SZ")


def fit_uid(key: str) -> str:
    """A source_uid of at most 255 characters: a longer one keeps its beginning and ends
    with a hash of the whole, so that it stays the same from one import to the next."""
    if len(key) <= UID_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{key[:UID_MAX - 33]}#{digest}"


def short_text(value, limit: int) -> str:
    """A one-line text of at most `limit` characters, cut at a space where one is near."""
    text = " ".join(str(value or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


HTML_HINT = re.compile(r"<(br|p|div|b|i|u|a|span|ul|ol|li|strong|em)\b[^>]*>", re.IGNORECASE)


def notes_text(value) -> str:
    """DESCRIPTION as plain notes: Google's HTML descriptions lose their tags, blank runs
    shrink, and the whole is kept within what the event form accepts."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    if HTML_HINT.search(text):
        text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", text, flags=re.IGNORECASE)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
    return text if len(text) <= NOTES_MAX else text[:NOTES_MAX - 1].rstrip() + "…"


def _calendar_name(shape: Outline, filename: str) -> str:
    """Which calendar a file is an export of: its X-WR-CALNAME (Google, Outlook).  Without
    one, the file's name with the PRODID: a PRODID alone names the application, not the
    calendar, and two calendars exported from one application must not be taken for one
    (the second would mark the first's events removed upstream)."""
    def prop(name: str) -> str:
        return " ".join(unescape(shape.properties.get(name, ("", 0))[0]).split())

    named = prop("X-WR-CALNAME")
    if named:
        return named[:CALENDAR_NAME_MAX]
    file_name = " ".join(filename.split())
    product = prop("PRODID")
    value = f"{file_name} ({product})" if file_name and product else file_name or product
    return value[:CALENDAR_NAME_MAX] or "calendar.ics"

