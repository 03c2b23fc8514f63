"""Calendar feeds written as RFC 5545: one VEVENT per feed event (rendered on its own, so
that a feed can reuse the bytes of the events that did not change) and the VCALENDAR
around them, with a VTIMEZONE for every zone used.

Values are escaped and long lines folded by the `icalendar` library (at 75 octets, never
inside a UTF-8 character or an escape); lines end in CRLF.  Start and end are written on
the wall clock of the event's zone with its TZID; DTSTAMP, LAST-MODIFIED and an RRULE's
UNTIL in UTC.  Rendering is deterministic: the same event gives the same bytes.  Nothing
here knows Flask or the database."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration, vRecur, vText
from icalendar.parser import Contentline

from planner.domain.slots import SlotRule

STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})
LINE_OCTETS = 75  # RFC 5545 3.1: content lines longer than this are folded
# Control characters other than tab, newline and carriage return are not allowed in TEXT.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An RRULE value: NAME=VALUE parts, nothing that could end the line or start another.
_RULE = re.compile(r"[A-Z]+=[A-Z0-9,+\-]+(;[A-Z]+=[A-Z0-9,+\-]+)*")
# The VTIMEZONE rules are computed over these years (Indonesia's zones have no daylight
# saving time, so each is one STANDARD block whatever the range).
ZONE_FIRST = date(1970, 1, 1)
ZONE_LAST = date(2100, 1, 1)


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT of a feed."""

    uid: str
    sequence: int
    stamp: datetime  # DTSTAMP and LAST-MODIFIED (aware; written in UTC)
    start: datetime  # aware; written on the wall clock of `zone` with TZID
    end: datetime
    zone: str  # IANA name, e.g. "Asia/Jakarta"
    summary: str
    description: str = ""
    location: str = ""
    status: str = "CONFIRMED"  # CONFIRMED | TENTATIVE | CANCELLED
    categories: tuple[str, ...] = ()
    url: str | None = None
    rrule: str | None = None  # e.g. "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T165959Z"
    transparent: bool = False


@dataclass(frozen=True)
class FeedMeta:
    """What the VCALENDAR says about itself."""

    name: str
    zone: str
    description: str = ""
    refresh_hours: int = 1
    prodid: str = "-//Pranata//Kalender Pranata//ID"


# -- values ------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    """The zone of a TZID; an unknown name raises (ZoneInfoNotFoundError is a KeyError)."""
    if not name or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", name):
        raise ValueError(f"not a time zone name: {name!r}")
    return ZoneInfo(name)


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")
    return moment


def _utc(moment: datetime, what: str) -> str:
    return _aware(moment, what).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, zone: ZoneInfo, what: str) -> str:
    return _aware(moment, what).astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _text(value: str) -> str:
    """A TEXT value escaped by icalendar (\\ ; , and line breaks), without control characters."""
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return vText(value).to_ical().decode("utf-8")


def _fold(line: str) -> str:
    """The content line folded at 75 octets by icalendar, ended with CRLF."""
    if len(line) <= LINE_OCTETS and line.isascii():
        return line + "\r\n"
    if len(line.encode("utf-8")) <= LINE_OCTETS:
        return line + "\r\n"
    return Contentline(line).to_ical().decode("utf-8") + "\r\n"


def _rule(rule: str) -> str:
    rule = rule.strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:"):]
    if not _RULE.fullmatch(rule) or not any(p.startswith("FREQ=") for p in rule.split(";")):
        raise ValueError(f"not a recurrence rule: {rule!r}")
    vRecur.from_ical(rule)  # raises on a rule icalendar cannot read
    return rule


# -- one event ---------------------------------------------------------------------------

def render_event(event: FeedEvent) -> bytes:
    """One "BEGIN:VEVENT ... END:VEVENT" with CRLF line ends, folded and escaped."""
    if event.status not in STATUSES:
        raise ValueError(f"unknown STATUS {event.status!r}")
    if event.sequence < 0:
        raise ValueError("SEQUENCE cannot be negative")
    zone = _zone(event.zone)
    stamp = _utc(event.stamp, "stamp")
    lines = [
        "BEGIN:VEVENT",
        "UID:" + _text(event.uid),
        "DTSTAMP:" + stamp,
        "LAST-MODIFIED:" + stamp,
        f"SEQUENCE:{int(event.sequence)}",
        f"DTSTART;TZID={event.zone}:" + _local(event.start, zone, "start"),
    ]
    if _aware(event.end, "end") > event.start:  # no DTEND: the event ends when it starts
        lines.append(f"DTEND;TZID={event.zone}:" + _local(event.end, zone, "end"))
    if event.rrule:
        lines.append("RRULE:" + _rule(event.rrule))
    lines.append("SUMMARY:" + _text(event.summary))
    if event.description:
        lines.append("DESCRIPTION:" + _text(event.description))
    if event.location:
        lines.append("LOCATION:" + _text(event.location))
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(_text(c) for c in event.categories if c))
    if event.url:
        if _CONTROL.search(event.url) or any(c in event.url for c in "\r\n "):
            raise ValueError("a URL cannot hold spaces or control characters")
        lines.append("URL:" + event.url)
    lines.append("STATUS:" + event.status)
    lines.append("TRANSP:" + ("TRANSPARENT" if event.transparent else "OPAQUE"))
    lines.append("END:VEVENT")
    return "".join(_fold(line) for line in lines).encode("utf-8")


# -- an upload slot as a recurring event -------------------------------------------------

@dataclass(frozen=True)
class Recurrence:
    """A slot as DTSTART and RRULE: `first` is the first occurrence (UTC), `rule` the RRULE
    value, `last` a bound no occurrence passes (UTC), None for a rule without end."""

    first: datetime
    rule: str
    last: datetime | None


def _until_of(value: str) -> datetime:
    """A stored rule's own UNTIL on the slot's wall clock, as the planner's expansion reads
    it (a date is its midnight)."""
    value = value.strip().upper()
    if value.endswith("Z"):
        raise ValueError("the planner cannot expand a UTC UNTIL without a zone")
    return datetime.strptime(value, "%Y%m%dT%H%M%S" if "T" in value else "%Y%m%d")


def slot_recurrence(slot: SlotRule) -> Recurrence | None:
    """The recurrence a calendar client expands into exactly the occurrences the planner
    shows (`SlotRule.occurrences`), or None when the rule gives none or cannot be read.

    DTSTART moves to the first occurrence (RFC 5545 leaves a DTSTART off the rule
    undefined; the planner never counts it).  The end date becomes an UNTIL in UTC, the
    last second of that day on the slot's clock.  A COUNT stays when the end date does not
    cut it short; otherwise the occurrences are the rule's first ones up to the last kept,
    which becomes the UNTIL (RFC 5545 forbids COUNT and UNTIL together)."""
    zone = slot.zone
    try:
        expanded = slot._rrule
        first = expanded.after(datetime.combine(slot.starts_on, slot.time_of_day), inc=True)
        pairs = [tuple(part.split("=", 1)) for part in slot.rule.upper().split(";") if part.strip()]
        parts = dict(pairs)
        bound = None if slot.ends_on is None else datetime.combine(slot.ends_on, time(23, 59, 59))
        if "UNTIL" in parts:
            until = _until_of(parts["UNTIL"])
            bound = until if bound is None else min(bound, until)
        if first is None or (bound is not None and first > bound):
            return None
        kept = [(name, value) for name, value in pairs if name not in ("UNTIL", "COUNT")]
        count = int(parts["COUNT"]) if "COUNT" in parts else None
        if count is not None:
            occurrences = [moment for moment in expanded if bound is None or moment <= bound]
            if not occurrences:
                return None
            bound = occurrences[-1]
            if len(occurrences) == count:
                kept.append(("COUNT", str(count)))
                bound_text = None
            else:
                bound_text = _utc(bound.replace(tzinfo=zone), "UNTIL")
        else:
            bound_text = None if bound is None else _utc(bound.replace(tzinfo=zone), "UNTIL")
    except (ValueError, TypeError, IndexError, KeyError, OverflowError):
        return None  # a rule altered in the database: the planner shows nothing either
    if bound_text is not None:
        kept.append(("UNTIL", bound_text))
    return Recurrence(first=first.replace(tzinfo=zone).astimezone(timezone.utc),
                      rule=";".join(f"{name}={value}" for name, value in kept),
                      last=None if bound is None else bound.replace(tzinfo=zone).astimezone(timezone.utc))


# -- the calendar ------------------------------------------------------------------------

@lru_cache(maxsize=16)
def vtimezone(name: str) -> bytes:
    """The VTIMEZONE block of one zone, computed once per process."""
    _zone(name)
    block = Timezone.from_tzid(name, first_date=ZONE_FIRST, last_date=ZONE_LAST)
    block.pop("COMMENT", None)  # "only works from ... to ...": not so for a zone without DST
    block.add("X-LIC-LOCATION", vText(name))
    return block.to_ical()


@lru_cache(maxsize=256)
def _head(meta: FeedMeta, zones: tuple[str, ...]) -> bytes:
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", vText(meta.prodid))
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    name, description = _CONTROL.sub("", meta.name), _CONTROL.sub("", meta.description)
    calendar.add("X-WR-CALNAME", vText(name))
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-TIMEZONE", vText(meta.zone))
    if description:
        calendar.add("X-WR-CALDESC", vText(description))
        calendar.add("DESCRIPTION", vText(description))
    every = vDuration(timedelta(hours=max(1, int(meta.refresh_hours))))
    calendar.add("REFRESH-INTERVAL", every, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vText(every.to_ical().decode("ascii")))
    text = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert text.endswith(end)
    return text[:-len(end)] + b"".join(vtimezone(zone) for zone in zones)


def render_calendar(meta: FeedMeta, chunks: Iterable[bytes], zones: Iterable[str]) -> bytes:
    """The VCALENDAR: its properties, one VTIMEZONE per zone (those given and the
    calendar's own), then the event chunks as they are."""
    used = tuple(sorted({meta.zone, *zones}))
    parts = [_head(meta, used)]
    parts.extend(chunks)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


__all__ = ["FeedEvent", "FeedMeta", "Recurrence", "render_calendar", "render_event",
           "slot_recurrence", "vtimezone"]
