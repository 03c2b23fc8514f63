"""Rules for the leader's agenda: an event's times, the ranges the agenda shows, and which
events are left uncovered."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from planner.domain.content import CoverageRole, EventStatus
from planner.domain.errors import N_, Violation

EARLIEST_EVENT = datetime(2000, 1, 1, tzinfo=timezone.utc)
MAX_AHEAD = timedelta(days=731)  # about two years: an agenda does not plan further
MAX_DURATION = timedelta(days=31)
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30


def check_event(title: str, leader: str, starts_at: datetime | None, ends_at: datetime | None,
                now: datetime) -> list[Violation]:
    """Problems with an event's fields; times are UTC instants."""
    problems: list[Violation] = []
    if not (title or "").strip():
        problems.append(Violation("title", N_("Give the event a title."), {}))
    if not (leader or "").strip():
        problems.append(Violation("leader", N_("Say which leader attends."), {}))
    if starts_at is None:
        problems.append(Violation("starts_at", N_("Give the day and time the event starts."), {}))
    elif starts_at < EARLIEST_EVENT:
        problems.append(Violation("starts_at", N_("Give a day from the year 2000 on."), {}))
    elif starts_at > now + MAX_AHEAD:
        problems.append(Violation("starts_at", N_("An event more than two years ahead cannot be "
                                                  "planned yet: check the year."), {}))
    if ends_at is None:
        problems.append(Violation("ends_at", N_("Give the day and time the event ends."), {}))
    elif starts_at is not None:
        if ends_at < starts_at:
            problems.append(Violation("ends_at", N_("The event cannot end before it starts."), {}))
        elif ends_at - starts_at > MAX_DURATION:
            problems.append(Violation("ends_at", N_("An event lasts at most %(days)s days: check the "
                                                    "end date."), {"days": MAX_DURATION.days}))
    return problems


def check_range(start: date, end: date) -> list[Violation]:
    """A range of days the agenda shows (both ends included)."""
    if end < start:
        return [Violation("end", N_("The end of the range cannot be before its start."), {})]
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return [Violation("end", N_("Show at most %(days)s days at once."), {"days": MAX_RANGE_DAYS})]
    return []


def missing_roles(assigned: Iterable[CoverageRole]) -> list[CoverageRole]:
    """The capacities nobody covers yet, in the usual order."""
    taken = set(assigned)
    return [role for role in CoverageRole if role not in taken]


def is_uncovered(status: EventStatus, assignment_count: int) -> bool:
    """An event that takes place and has nobody assigned to cover it."""
    return status != EventStatus.CANCELLED and assignment_count == 0
