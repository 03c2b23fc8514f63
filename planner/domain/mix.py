"""The arithmetic of the content mix: months in a unit's zone, shares of categories, how a
month stands against a target's lines, what one more post would push past a bound, and
which target lines contradict each other.  Plain data in, decisions out."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone, tzinfo

from planner.domain.content import MixBound
from planner.domain.errors import N_, Violation

MAX_MONTHS = 24  # the widest range the mix page shows


# -- months ------------------------------------------------------------------------------

def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first of the month `count` months after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(month: date) -> date:
    return date.fromordinal(add_months(month, 1).toordinal() - 1)


def months_between(first: date, last: date) -> list[date]:
    """The firsts of the months from `first`'s to `last`'s, both included."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def month_of(instant: datetime, zone: tzinfo) -> date:
    """The first of the month `instant` (aware, or naive UTC) falls in, in `zone`."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return first_of_month(instant.astimezone(zone).date())


def month_start_utc(month: date, zone: tzinfo) -> datetime:
    """The UTC instant at which `month` begins in `zone` (midnight of its first day)."""
    return datetime.combine(first_of_month(month), time(), tzinfo=zone).astimezone(timezone.utc)


def month_bounds_utc(month: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of `month` in `zone`, as UTC instants."""
    return month_start_utc(month, zone), month_start_utc(add_months(month, 1), zone)


def parse_month(text: str | None) -> date | None:
    """'YYYY-MM' as the first of that month (years 2000-2100), anything else None."""
    if not text or len(text) != 7 or text[4] != "-":
        return None
    year, month = text[:4], text[5:]
    if not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        return None
    year_n, month_n = int(year), int(month)
    if not (2000 <= year_n <= 2100 and 1 <= month_n <= 12):
        return None
    return date(year_n, month_n, 1)


def default_range(today: date) -> tuple[date, date]:
    """The mix page's default: the last six months up to next month."""
    this = first_of_month(today)
    return add_months(this, -6), add_months(this, 1)


def check_range(first: date, last: date) -> list[Violation]:
    if last < first:
        return [Violation("to", N_("The last month comes before the first."))]
    if len(months_between(first, last)) > MAX_MONTHS:
        return [Violation("to", N_("Choose at most %(count)s months."), {"count": MAX_MONTHS})]
    return []


# -- shares ------------------------------------------------------------------------------

def share_tenths(count: int, total: int) -> int | None:
    """count/total as a percentage in tenths, rounded half up (1/8 -> 125, i.e. 12.5 %);
    None when there is nothing to share."""
    if total <= 0:
        return None
    return (2000 * count + total) // (2 * total)


def share_text(count: int, total: int) -> str:
    """The share as shown: '12.5', '33.3', '100' ('' when the month has no posts)."""
    tenths = share_tenths(count, total)
    if tenths is None:
        return ""
    whole, tenth = divmod(tenths, 10)
    return str(whole) if tenth == 0 else f"{whole}.{tenth}"


@dataclass(frozen=True)
class TargetLine:
    """One bound of a target: these categories together at most / at least `percent` %."""

    bound: MixBound
    percent: int
    categories: tuple[tuple[int, str], ...]  # (id, name), in ladder order

    @classmethod
    def of(cls, bound: MixBound, percent: int, category_ids: Iterable[int]) -> "TargetLine":
        """A line whose categories are known by id only (named by their ids)."""
        return cls(bound, percent, tuple((c, str(c)) for c in sorted(set(category_ids))))

    @property
    def category_ids(self) -> frozenset[int]:
        return frozenset(c for c, _ in self.categories)

    @property
    def names(self) -> str:
        return " + ".join(name for _, name in self.categories)

    def count(self, counts: Mapping[int, int]) -> int:
        return sum(counts.get(c, 0) for c in self.category_ids)

    def met_by(self, count: int, total: int) -> bool:
        """Exact comparison in integers: 3 of 10 is within 'at most 30 %', 4 of 13 is not."""
        if self.bound == MixBound.AT_MOST:
            return 100 * count <= self.percent * total
        return 100 * count >= self.percent * total


OK = "ok"
BEYOND = "beyond"
NO_POSTS = "no_posts"


@dataclass(frozen=True)
class LineStanding:
    line: TargetLine
    count: int
    total: int

    @property
    def share(self) -> str:
        return share_text(self.count, self.total)

    @property
    def status(self) -> str:
        if self.total == 0:
            return NO_POSTS
        return OK if self.line.met_by(self.count, self.total) else BEYOND


def standings(lines: Iterable[TargetLine], counts: Mapping[int, int]) -> list[LineStanding]:
    """How a month's counts (category id -> posts) stand against each line."""
    total = sum(counts.values())
    return [LineStanding(line, line.count(counts), total) for line in lines]


def overshoots(lines: Iterable[TargetLine], counts: Mapping[int, int],
               category_id: int) -> list[LineStanding]:
    """The 'at most' lines that one more post in `category_id` would take past their
    percentage (an 'at least' line cannot be pushed past by adding posts).  A line already
    beyond before the post counts too: the plan keeps the month beyond it."""
    after = dict(counts)
    after[category_id] = after.get(category_id, 0) + 1
    total = sum(after.values())
    found = []
    for line in lines:
        if line.bound != MixBound.AT_MOST or category_id not in line.category_ids:
            continue
        standing = LineStanding(line, line.count(after), total)
        if standing.status == BEYOND:
            found.append(standing)
    return found


def overshoot_violations(lines: Iterable[TargetLine], counts: Mapping[int, int],
                         category_id: int, field: str = "category_id") -> list[Violation]:
    return [Violation(field, N_(
        "This plan takes %(categories)s to %(share)s %% of the month's planned posts "
        "(%(count)s of %(total)s), beyond the target of at most %(percent)s %%."),
        {"categories": s.line.names, "share": s.share, "count": s.count,
         "total": s.total, "percent": s.line.percent})
        for s in overshoots(lines, counts, category_id)]


# -- checking a target --------------------------------------------------------------------

def line_problems(lines: list[TargetLine], field: str = "lines") -> list[Violation]:
    """Lines that cannot all hold at once: an empty line, a percentage outside 0-100, 'at
    least' lines adding up to more than 100 %, a category in two 'at least' lines, or an
    'at least' line asking more than an 'at most' line over the same categories (or more
    of them) allows."""
    problems: list[Violation] = []
    for number, line in enumerate(lines, start=1):
        if not line.category_ids:
            problems.append(Violation(field, N_("Line %(number)s names no category."),
                                      {"number": number}))
        if not 0 <= line.percent <= 100:
            problems.append(Violation(field, N_(
                "Line %(number)s: a percentage runs from 0 to 100."), {"number": number}))
    minimums = [line for line in lines if line.bound == MixBound.AT_LEAST]
    floor = sum(line.percent for line in minimums)
    if floor > 100:
        problems.append(Violation(field, N_(
            "The 'at least' lines add up to %(sum)s %%: a target mix that adds up to more "
            "than 100 %% cannot be met."), {"sum": floor}))
    seen: dict[int, str] = {}
    for line in minimums:
        for category_id, name in line.categories:
            if category_id in seen:
                problems.append(Violation(field, N_(
                    "%(category)s is in two 'at least' lines; put it in one."),
                    {"category": name}))
            seen[category_id] = name
    for low in minimums:
        for high in lines:
            if (high.bound == MixBound.AT_MOST and low.category_ids
                    and low.category_ids <= high.category_ids and low.percent > high.percent):
                problems.append(Violation(field, N_(
                    "At least %(low)s %% of %(low_names)s contradicts at most %(high)s %% "
                    "of %(high_names)s."),
                    {"low": low.percent, "low_names": low.names,
                     "high": high.percent, "high_names": high.names}))
    return _unique(problems)


def _unique(problems: list[Violation]) -> list[Violation]:
    out: list[Violation] = []
    for problem in problems:
        if problem not in out:
            out.append(problem)
    return out


def check_period(starts_on: date, ends_on: date | None) -> list[Violation]:
    """A target runs from the first of a month to the last day of a month, or stays open."""
    problems = []
    if starts_on.day != 1:
        problems.append(Violation("starts_on", N_("A target starts on the first of a month.")))
    if ends_on is not None:
        if ends_on != last_of_month(ends_on):
            problems.append(Violation("ends_on", N_("A target ends on the last day of a month.")))
        if ends_on < starts_on:
            problems.append(Violation("ends_on", N_("The end comes before the start.")))
    return problems
