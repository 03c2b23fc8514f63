"""Date periods with an inclusive start and an optional inclusive end."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo


@dataclass(frozen=True)
class Period:
    start: date
    end: date | None = None  # None: open-ended

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: "Period") -> bool:
        starts_before_other_ends = other.end is None or self.start <= other.end
        other_starts_before_self_ends = self.end is None or other.start <= self.end
        return starts_before_other_ends and other_starts_before_self_ends

    def within(self, outer: "Period") -> bool:
        """True when every day of this period lies inside `outer`."""
        if self.start < outer.start:
            return False
        if outer.end is None:
            return True
        return self.end is not None and self.end <= outer.end

    @property
    def is_valid(self) -> bool:
        return self.end is None or self.end >= self.start


def local_today(zone: tzinfo, now: datetime | None = None) -> date:
    """The calendar date in `zone` at `now` (UTC now by default)."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(zone).date()
