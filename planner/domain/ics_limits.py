"""Bounds on the work an uploaded .ics file can make the server do, and on the values it may
hold, so that a hostile or broken file is refused with a reason instead of hanging a
worker or failing with an error.

Recurrence rules are expanded by dateutil (through icalendar, x-wr-timezone and
recurring-ical-events), which walks a rule period by period from its start and, for a rule
that never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, a BYSETPOS beyond the set, an
INTERVAL of 0), keeps walking until the year 9999 or forever: neither COUNT nor UNTIL stops
it, since both are only checked on an occurrence.  `expansion_budget` counts those steps
in the current thread and stops the work once a file has used its share.

icalendar keeps every VTIMEZONE it reads in one cache for the whole process, under its TZID,
the first definition winning: a later file (of another unit) defining the same TZID with
other offsets would get the first file's times, and the cache would grow with every file.
`zones_of_this_file` makes reads take turns and drops what a read added.  No Flask, no
database.
"""
from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from dateutil import rrule as dateutil_rrule
from icalendar.timezone import tzp

from planner.domain.errors import N_
from planner.domain.ics_text import MESSAGES, CalendarRefused, ContentLine, excerpt, unescape

# Dates a file may hold: wide enough for a yearly event begun centuries ago (Apple writes
# 1604 for a birthday without a year), far enough from the year 1 and the year 9999 that
# moving a time to another zone, or adding a day, never leaves the calendar.
FIRST_YEAR = 1000
LAST_YEAR = 9000
# Work of rule expansion one file may make dateutil do, in steps of a microsecond or two: a
# day looked at is two steps, a week two, a month three, a year twenty-five (a year's days
# are walked one by one), an occurrence produced one.  A generous calendar (a hundred
# series begun years ago, yearly ones begun centuries ago) stays within; the most a file
# can make a worker spend this way is a few seconds.
MAX_EXPANSION_STEPS = 1_500_000
TZID_PARAMETER = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.IGNORECASE)
ZONE_PROPERTIES = ("TZID", "X-WR-TIMEZONE")

MESSAGES.update({
    "unusable_zone": N_("Line %(line)s: the time zone “%(zone)s” is unknown. Export the calendar "
                        "again with a standard time zone (for example Asia/Jakarta)."),
    "not_one_time": N_("Line %(line)s: the event “%(title)s” needs one %(name)s, given once as a "
                       "date or a date and time."),
    "not_a_duration": N_("Line %(line)s: the DURATION of the event “%(title)s” is not a length "
                         "of time (for example PT1H)."),
    "out_of_range": N_("Line %(line)s: the event “%(title)s” has a date outside the years "
                       "%(first)s to %(last)s."),
    "bad_interval": N_("Line %(line)s: the event “%(title)s” repeats with an INTERVAL of "
                       "%(interval)s; it must be 1 or more."),
    "too_long_to_expand": N_("The repetitions of the events in this file take too long to work "
                             "out (a rule that rarely or never occurs, or one begun very long "
                             "ago). Export a shorter period of the calendar."),
})

_PERIOD_WEIGHTS = {"ydayset": 25, "mdayset": 3, "wdayset": 2, "ddayset": 2,
                   "htimeset": 1, "mtimeset": 1, "stimeset": 1}
_STEP_WEIGHTS = {
    **{getattr(dateutil_rrule._iterinfo, name).__code__: weight  # noqa: SLF001 - what we count
       for name, weight in _PERIOD_WEIGHTS.items()},
    dateutil_rrule.rrule._iter.__code__: 1,  # noqa: SLF001 - resumed once per occurrence
}


class ExpansionTooLong(BaseException):
    """Raised inside the libraries' loops when a file used up its steps.  A BaseException,
    so that no library's `except Exception` takes it for a bad value and carries on."""


@contextmanager
def expansion_budget(steps: int | None = None) -> Iterator[None]:
    """Within the block, raise ExpansionTooLong once dateutil took more than `steps` steps
    (by default MAX_EXPANSION_STEPS) of recurrence expansion in this thread.  The count is
    deterministic: steps, not time."""
    steps = MAX_EXPANSION_STEPS if steps is None else steps
    taken = 0

    def count(frame, event, arg):
        nonlocal taken
        if event == "call":
            weight = _STEP_WEIGHTS.get(frame.f_code)
            if weight:
                taken += weight
                if taken > steps:
                    raise ExpansionTooLong(taken)

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        yield
    finally:
        sys.setprofile(previous)


_ZONE_CACHE_LOCK = threading.Lock()


@contextmanager
def zones_of_this_file() -> Iterator[None]:
    """Within the block, the time zones a file defines are its own: one file is read at a
    time, and the zones icalendar cached while reading it are forgotten afterwards."""
    cache = tzp._TZP__tz_cache  # noqa: SLF001 - icalendar has no way to forget a zone
    with _ZONE_CACHE_LOCK:
        before = set(cache)
        try:
            yield
        finally:
            for name in set(cache) - before:
                cache.pop(name, None)


def plausible_year(value) -> bool:
    """Whether a date or date-time value lies within FIRST_YEAR..LAST_YEAR."""
    return not isinstance(value, date) or FIRST_YEAR <= value.year <= LAST_YEAR


def zone_lookup_breaks(name: str) -> bool:
    """Whether looking up this zone name fails with an error of the system rather than a
    plain "unknown" (the standard library opens a file named after the zone: "Asia" is a
    folder, a 300-character name is too long for a file name)."""
    try:
        tzp.timezone(name)
    except OSError:
        return True
    except Exception:  # noqa: BLE001 - any other failure means "unknown", which the import reports
        return False
    return False


def check_zone_names(lines: list[ContentLine]) -> None:
    """Refuse, with its line, a time zone name whose lookup fails with a system error
    (before any library looks it up and lets that error through)."""
    checked: dict[str, bool] = {}
    for item in lines:
        names = [value.strip('"') for value in TZID_PARAMETER.findall(item.params)]
        if item.name in ZONE_PROPERTIES:
            names.append(unescape(item.value))
        for name in (name.strip() for name in names):
            if name and name not in checked:
                checked[name] = zone_lookup_breaks(name)
            if name and checked[name]:
                raise CalendarRefused.one("unusable_zone", line=item.line, zone=excerpt(name))
