"""Upload slots: RFC 5545 recurrence rules checked and expanded in a unit's zone, variants
matched to slot occurrences, weekly counts against a target, and schedule adherence.
Plain data in, decisions out; messages are marked with `N_` for the web layer."""
from __future__ import annotations

import bisect
import calendar
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from planner.domain.errors import N_, RuleViolated, Violation

MAX_PER_WEEK = 50
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TOO_FINE = ("HOURLY", "MINUTELY", "SECONDLY")
# Parts a slot's rule may use, with the range of each number (BYDAY is read on its own).
NUMBERS = {"INTERVAL": (1, 99), "COUNT": (1, 10000), "BYMONTH": (1, 12), "BYMONTHDAY": (-31, 31),
           "BYHOUR": (0, 23), "BYMINUTE": (0, 59)}
KNOWN = {"FREQ", "UNTIL", "WKST", "BYDAY", *NUMBERS}
UNSUPPORTED = {"BYSETPOS", "BYYEARDAY", "BYWEEKNO", "BYEASTER", "BYSECOND"}
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February of a leap year
FIELD = "rule"
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a slot may run in (as the forms' dates)
EXAMPLE = "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def _refuse(message: str, field_name: str = FIELD, **params) -> RuleViolated:
    return RuleViolated([Violation(field_name, message, params)])


# -- reading a rule ----------------------------------------------------------------------

@dataclass(frozen=True)
class SlotRule:
    """A checked rule (as stored: without "RRULE:", DTSTART or UNTIL) and where it runs:
    from `starts_on` at `time_of_day` on the wall clock of `zone`, to `ends_on` included."""

    rule: str
    starts_on: date
    time_of_day: time
    ends_on: date | None
    zone: tzinfo

    @cached_property
    def _rrule(self):
        return rrulestr(self.rule, dtstart=datetime.combine(self.starts_on, self.time_of_day))

    def occurrences(self, start: datetime, end: datetime) -> list[datetime]:
        """The occurrences from `start` (included) to `end` (excluded), as UTC instants."""
        first = start.astimezone(self.zone).replace(tzinfo=None)
        last = end.astimezone(self.zone).replace(tzinfo=None)
        try:
            if self.ends_on is not None:
                last = min(last, datetime.combine(self.ends_on + timedelta(days=1), time()))
            if last <= first:
                return []
            found = self._rrule.between(first, last, inc=True)
        except (ValueError, TypeError, IndexError, OverflowError):  # a rule altered in the database
            return []
        return [moment.replace(tzinfo=self.zone).astimezone(timezone.utc)
                for moment in found if moment < last]

    @property
    def parts(self) -> dict[str, str]:
        return dict(part.split("=", 1) for part in self.rule.split(";"))


def _parse_moment(value: str, params: list[str], zone: tzinfo, what: str) -> datetime:
    """A DTSTART or UNTIL value (date, floating local time, UTC "Z", or with a TZID) on the
    wall clock of `zone`, without tzinfo."""
    source = zone
    for param in params:
        if param.upper().startswith("TZID="):
            try:
                source = ZoneInfo(param.split("=", 1)[1])
            except (ValueError, KeyError, OSError):
                raise _refuse(N_("%(what)s names an unknown time zone."), what=what) from None
    text = value.strip().upper()
    try:
        if text.endswith("Z"):
            moment = datetime.strptime(text[:-1], "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
        elif "T" in text:
            moment = datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=source)
        else:
            moment = datetime.strptime(text, "%Y%m%d").replace(tzinfo=source)
    except ValueError:
        raise _refuse(N_("%(what)s is not a valid date or time: write it as 20261231 or "
                         "20261231T090000."), what=what) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        # Beyond these years the arithmetic of the calendar (a day after the end) overflows.
        raise _refuse(N_("%(what)s must lie between the years %(first)s and %(last)s."), what=what,
                      first=FIRST_YEAR, last=LAST_YEAR)
    return moment.astimezone(zone).replace(tzinfo=None)


def _split_lines(text: str) -> tuple[str, str | None]:
    """The RRULE's value and the DTSTART line, if any; anything else is refused."""
    rules, start = [], None
    for line in (line.strip() for line in text.replace("\r", "\n").split("\n")):
        if not line:
            continue
        name = line.split(":", 1)[0].split(";", 1)[0].upper() if ":" in line else "RRULE"
        if name == "RRULE":
            rules.append(line.split(":", 1)[1] if ":" in line else line)
        elif name == "DTSTART":
            if start is not None:
                raise _refuse(N_("Give one DTSTART at most."))
            start = line
        else:
            raise _refuse(N_("Only a single RRULE is accepted here, not %(name)s."), name=name[:20])
    if not rules:
        raise _refuse(N_("Give a recurrence rule, for example %(example)s."), example=EXAMPLE)
    if len(rules) > 1:
        raise _refuse(N_("Give one RRULE, not %(count)s."), count=len(rules))
    return rules[0].strip(), start


def _numbers(name: str, value: str) -> list[int]:
    low, high = NUMBERS[name]
    try:
        numbers = [int(item) for item in value.split(",")]
    except ValueError:
        numbers = []
    if not numbers or any(not low <= n <= high or (name == "BYMONTHDAY" and n == 0) for n in numbers):
        raise _refuse(N_("%(name)s takes whole numbers from %(low)s to %(high)s."), name=name,
                      low=low, high=high)
    return numbers


def _weekdays(value: str, freq: str) -> list[tuple[int | None, str]]:
    days = []
    for item in value.split(","):
        code, number = item[-2:], item[:-2]
        if code not in WEEKDAY_CODES or (number and not number.lstrip("+-").isdigit()):
            raise _refuse(N_("BYDAY takes weekdays such as MO,WE,FR (or +1MO, -1FR in a monthly "
                             "rule)."))
        ordinal = int(number) if number else None
        if ordinal is not None:
            limit = 5 if freq == "MONTHLY" else 53
            if freq not in ("MONTHLY", "YEARLY") or ordinal == 0 or abs(ordinal) > limit:
                raise _refuse(N_("A numbered weekday such as +1MO needs FREQ=MONTHLY (from -5 to "
                                 "5) or FREQ=YEARLY (from -53 to 53)."))
        days.append((ordinal, code))
    return days


def _check_parts(value: str) -> tuple[list[tuple[str, str]], dict[str, list]]:
    pairs, numbers = [], {}
    for piece in value.upper().split(";"):
        if not piece.strip():
            continue
        name, sep, item = (p.strip() for p in piece.partition("="))
        if not sep or not item:
            raise _refuse(N_("Write each part of the rule as NAME=VALUE, for example %(example)s."),
                          example=EXAMPLE)
        if name in UNSUPPORTED:
            raise _refuse(N_("%(name)s is not supported for upload slots."), name=name)
        if name not in KNOWN:
            raise _refuse(N_("%(name)s is not a part of a recurrence rule."), name=name[:20])
        if any(name == seen for seen, _ in pairs):
            raise _refuse(N_("%(name)s is given twice."), name=name)
        pairs.append((name, item))
    parts = dict(pairs)
    freq = parts.get("FREQ")
    if freq is None:
        raise _refuse(N_("The rule needs a frequency, for example %(example)s."), example=EXAMPLE)
    if freq in TOO_FINE:
        raise _refuse(N_("Slots repeat at most daily: FREQ=%(freq)s is not accepted."), freq=freq)
    if freq not in FREQUENCIES:
        raise _refuse(N_("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY."))
    if "WKST" in parts and parts["WKST"] not in WEEKDAY_CODES:
        raise _refuse(N_("WKST takes a weekday such as MO."))
    if "COUNT" in parts and "UNTIL" in parts:
        raise _refuse(N_("Give COUNT or UNTIL, not both."))
    for name in NUMBERS:
        if name in parts:
            numbers[name] = _numbers(name, parts[name])
    if "BYDAY" in parts:
        numbers["BYDAY"] = _weekdays(parts["BYDAY"], freq)
    if "BYMONTHDAY" in parts:
        if freq == "WEEKLY":
            raise _refuse(N_("BYMONTHDAY cannot be used with FREQ=WEEKLY."))
        months = numbers.get("BYMONTH", range(1, 13))
        if not any(abs(day) <= DAYS_IN_MONTH[m - 1] for m in months for day in numbers["BYMONTHDAY"]):
            raise _refuse(N_("No month of the rule has the days given in BYMONTHDAY."))
    return pairs, numbers


def _densest_week(rule, start: datetime) -> int:
    """The most occurrences within seven days during the rule's first year (stops at 51)."""
    window: deque[datetime] = deque()
    most = 0
    for moment in rule.xafter(start, count=MAX_PER_WEEK * 60, inc=True):
        if moment > start + timedelta(days=371):
            break
        window.append(moment)
        while window[0] <= moment - timedelta(days=7):
            window.popleft()
        most = max(most, len(window))
        if most > MAX_PER_WEEK:
            break
    return most


def parse_rule(text: str, *, starts_on: date, time_of_day: time, ends_on: date | None,
               zone: tzinfo) -> SlotRule:
    """Check a rule typed by a person ("FREQ=WEEKLY;BYDAY=MO" with or without "RRULE:", and
    optionally a DTSTART agreeing with the start) and return it as it is to be stored.  An
    UNTIL becomes the end date.  Raises RuleViolated saying what is wrong."""
    if ends_on is not None and ends_on < starts_on:
        raise _refuse(N_("The end date is before the start date."), "ends_on")
    value, start_line = _split_lines(text or "")
    if start_line is not None:
        head, _, raw = start_line.partition(":")
        given = _parse_moment(raw, head.split(";")[1:], zone, "DTSTART")
        if given != datetime.combine(starts_on, time_of_day):
            raise _refuse(N_("DTSTART (%(given)s) disagrees with the start date and time of the "
                             "slot (%(start)s): leave DTSTART out, the start date and time are "
                             "used."), given=given.strftime("%Y-%m-%d %H:%M"),
                          start=datetime.combine(starts_on, time_of_day).strftime("%Y-%m-%d %H:%M"))
    pairs, numbers = _check_parts(value)
    parts = dict(pairs)
    if "UNTIL" in parts:
        until = _parse_moment(parts["UNTIL"], [], zone, "UNTIL").date()
        if until < starts_on:
            raise _refuse(N_("UNTIL (%(until)s) is before the start date."), until=until.isoformat())
        if ends_on is not None and until != ends_on:
            raise _refuse(N_("UNTIL (%(until)s) disagrees with the end date (%(ends_on)s): give "
                             "the end date only."), until=until.isoformat(),
                          ends_on=ends_on.isoformat())
        ends_on = until
    stored = ";".join(f"{name}={item}" for name, item in pairs if name != "UNTIL")
    checked = SlotRule(stored, starts_on, time_of_day, ends_on, zone)
    try:
        rule = checked._rrule
        first = next(iter(rule.xafter(datetime.combine(starts_on, time_of_day), count=1,
                                      inc=True)), None)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError) as error:
        raise _refuse(N_("This is not a valid recurrence rule (%(detail)s)."),
                      detail=str(error)[:120]) from None
    if first is None or (ends_on is not None and first.date() > ends_on):
        raise _refuse(N_("The rule gives no slot between the start date and the end date."))
    if _densest_week(rule, datetime.combine(starts_on, time_of_day)) > MAX_PER_WEEK:
        raise _refuse(N_("The rule gives more than %(most)s slots in a week."), most=MAX_PER_WEEK)
    return checked


def weekly_rule(weekdays: Iterable[int]) -> str:
    """The rule of the simple form: these weekdays (0 = Monday) every week."""
    days = sorted(set(weekdays))
    if not days:
        raise _refuse(N_("Tick at least one weekday, or type a rule."), "weekdays")
    return "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in days)


def simple_weekdays(rule: str) -> list[int] | None:
    """The weekdays of a rule of the simple form, or None if it is anything else."""
    if not rule.startswith("FREQ=WEEKLY;BYDAY=") or rule.count(";") != 1:
        return None
    codes = rule.split("=", 2)[2].split(",")
    if any(code not in WEEKDAY_CODES for code in codes):
        return None
    return sorted({WEEKDAY_CODES.index(code) for code in codes})


# -- a rule in words ---------------------------------------------------------------------

@dataclass(frozen=True)
class RuleWords:
    """An untranslated sentence: `days` and `monthdays` are filled in by the web layer
    (weekday names in the reader's language); `time` is a `datetime.time`."""

    message: str
    params: dict = field(default_factory=dict)
    weekdays: tuple[int, ...] = ()


def describe(slot: SlotRule, zone_label: str) -> RuleWords:
    parts = slot.parts
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    plain = {"time": slot.time_of_day, "zone": zone_label, "interval": interval}
    extra = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST"}
    byday = parts.get("BYDAY", "")
    if extra or any(len(d) > 2 for d in byday.split(",") if d):
        return RuleWords(N_("Custom rule %(rule)s, from %(time)s %(zone)s"),
                         {**plain, "rule": slot.rule})
    days = tuple(sorted({WEEKDAY_CODES.index(d) for d in byday.split(",")})) if byday else ()
    if freq == "DAILY" and not days and "BYMONTHDAY" not in parts:
        message = N_("Every day at %(time)s %(zone)s") if interval == 1 else \
            N_("Every %(interval)s days at %(time)s %(zone)s")
        return RuleWords(message, plain)
    daily_on_days = freq == "DAILY" and days and interval == 1
    if (freq == "WEEKLY" or daily_on_days) and "BYMONTHDAY" not in parts:
        days = days or (slot.starts_on.weekday(),)
        message = N_("Every %(days)s at %(time)s %(zone)s") if interval == 1 \
            else N_("Every %(interval)s weeks on %(days)s at %(time)s %(zone)s")
        return RuleWords(message, plain, days)
    if freq == "MONTHLY" and not days:
        monthdays = parts.get("BYMONTHDAY", str(slot.starts_on.day))
        message = N_("On day %(monthdays)s of every month at %(time)s %(zone)s") if interval == 1 \
            else N_("On day %(monthdays)s of every %(interval)s months at %(time)s %(zone)s")
        return RuleWords(message, {**plain, "monthdays": monthdays.replace(",", ", ")})
    return RuleWords(N_("Custom rule %(rule)s, from %(time)s %(zone)s"), {**plain, "rule": slot.rule})


# -- weeks and months --------------------------------------------------------------------

def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def month_bounds(month: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The month of `month` on the wall clock of `zone`, as UTC instants [start, end)."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (datetime.combine(first, time(), zone).astimezone(timezone.utc),
            datetime.combine(following, time(), zone).astimezone(timezone.utc))


def weeks_of_month(month: date) -> list[date]:
    """The Mondays of the weeks that overlap the month."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    monday, weeks = week_start(month.replace(day=1)), []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def per_week(moments: Iterable[datetime], zone: tzinfo) -> Counter:
    """How many of these instants fall in each week (by its Monday, in `zone`)."""
    return Counter(week_start(moment.astimezone(zone).date()) for moment in moments)


# -- matching and adherence --------------------------------------------------------------

@dataclass(frozen=True)
class Occurrence:
    slot_id: int
    channel_id: int
    at: datetime  # UTC


@dataclass(frozen=True)
class PlannedVariant:
    variant_id: int
    channel_id: int
    slot_id: int | None
    planned_at: datetime | None


def match_variants(occurrences: Iterable[Occurrence], variants: Iterable[PlannedVariant],
                   tolerance: timedelta) -> dict[Occurrence, int]:
    """Which variant fills which occurrence: one each, on the occurrence's channel, planned
    within `tolerance` of it.  A variant that names the slot is preferred, then the nearest."""
    by_channel: dict[int, list[PlannedVariant]] = {}
    for variant in variants:
        if variant.planned_at is not None:
            by_channel.setdefault(variant.channel_id, []).append(variant)
    for planned in by_channel.values():
        planned.sort(key=lambda v: v.planned_at)
    candidates = []
    for occurrence in occurrences:
        planned = by_channel.get(occurrence.channel_id, [])
        times = [v.planned_at for v in planned]
        low = bisect.bisect_left(times, occurrence.at - tolerance)
        high = bisect.bisect_right(times, occurrence.at + tolerance)
        for variant in planned[low:high]:
            distance = abs(variant.planned_at - occurrence.at)
            preference = 0 if variant.slot_id == occurrence.slot_id else 1
            candidates.append((preference, distance, occurrence.at, occurrence.slot_id,
                               variant.variant_id, occurrence))
    filled: dict[Occurrence, int] = {}
    used: set[int] = set()
    for *_, variant_id, occurrence in sorted(candidates, key=lambda c: c[:5]):
        if occurrence not in filled and variant_id not in used:
            filled[occurrence] = variant_id
            used.add(variant_id)
    return filled


@dataclass(frozen=True)
class Publication:
    """A variant as published: when it was planned and when it went out."""

    channel_id: int
    planned_at: datetime | None
    published_at: datetime


@dataclass
class Adherence:
    """One channel's schedule in one month."""

    slots: int = 0
    filled: int = 0
    published: int = 0
    on_time: int = 0
    late: int = 0
    early: int = 0
    unplanned: int = 0  # published without a planned time
    off_slot: int = 0

    @property
    def fill_percent(self) -> int | None:
        return round(100 * self.filled / self.slots) if self.slots else None

    @property
    def on_time_percent(self) -> int | None:
        timed = self.on_time + self.late + self.early
        return round(100 * self.on_time / timed) if timed else None


def adherence(occurrences: list[Occurrence], variants: Iterable[PlannedVariant],
              publications: Iterable[Publication], tolerance: timedelta,
              month: tuple[datetime, datetime]) -> Adherence:
    """Slots of the month and how many are filled; publications of the month on time
    (within `tolerance` of the planned time), late, early, and off-slot (no occurrence of
    the channel's slots within `tolerance`).  `occurrences` may reach `tolerance` beyond the
    month, so that a publication just after midnight still finds its slot."""
    start, end = month
    inside = [o for o in occurrences if start <= o.at < end]
    result = Adherence(slots=len(inside))
    result.filled = sum(1 for o in match_variants(occurrences, variants, tolerance) if o in inside)
    slot_times: dict[int, list[datetime]] = {}
    for occurrence in sorted(occurrences, key=lambda o: o.at):
        slot_times.setdefault(occurrence.channel_id, []).append(occurrence.at)
    for publication in publications:
        if not start <= publication.published_at < end:
            continue
        result.published += 1
        if publication.planned_at is None:
            result.unplanned += 1
        elif publication.published_at > publication.planned_at + tolerance:
            result.late += 1
        elif publication.published_at < publication.planned_at - tolerance:
            result.early += 1
        else:
            result.on_time += 1
        times = slot_times.get(publication.channel_id, [])
        index = bisect.bisect_left(times, publication.published_at - tolerance)
        if index == len(times) or times[index] > publication.published_at + tolerance:
            result.off_slot += 1
    return result
