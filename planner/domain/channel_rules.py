"""Rules for channels, follower counts and a unit's planner settings: what a channel record
needs, which counts and settings are acceptable, and the sparkline of a follower history."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from planner.domain.content import Platform
from planner.domain.errors import N_, Violation

# A WhatsApp cascade or a neighbourhood forum is known by its name; an online account needs
# a handle or an address so that people can find it.
NAME_ONLY_PLATFORMS = frozenset({Platform.WHATSAPP, Platform.OFFLINE})
MAX_WEEKLY_TARGET = 100
MAX_FOLLOWERS = 2_000_000_000  # fits any integer column; no account has more
EARLIEST_COUNT = date(2000, 1, 1)
MAX_TOLERANCE_MINUTES = 24 * 60


def normalise_handle(handle: str | None) -> str:
    """A handle as stored: trimmed, inner runs of spaces collapsed."""
    return " ".join((handle or "").split())


def same_handle(a: str, b: str) -> bool:
    """Handles are compared without regard to case: @PemkotUji and @pemkotuji are one account."""
    return normalise_handle(a).casefold() == normalise_handle(b).casefold()


def is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def check_channel(platform: Platform, name: str, handle: str, url: str,
                  weekly_target: int | None) -> list[Violation]:
    """Problems with a channel's fields (the uniqueness of the handle needs data: the
    service checks it)."""
    problems: list[Violation] = []
    if not (name or "").strip():
        problems.append(Violation("name", N_("Give the channel a name."), {}))
    if url and not is_web_address(url):
        problems.append(Violation("url", N_("Enter a web address starting with http:// or https://."), {}))
    if platform not in NAME_ONLY_PLATFORMS and not handle and not url:
        problems.append(Violation("handle", N_("Give the account's handle or its web address, so "
                                               "that people can find it."), {}))
    if weekly_target is not None and not 0 <= weekly_target <= MAX_WEEKLY_TARGET:
        problems.append(Violation("weekly_target", N_("A weekly target is between 0 and %(max)s posts."),
                                  {"max": MAX_WEEKLY_TARGET}))
    return problems


def check_follower_count(recorded_on: date | None, followers: int | None,
                         today: date) -> list[Violation]:
    """A count is of a day that has begun in the channel unit's zone, and a whole number
    from zero up."""
    problems: list[Violation] = []
    if recorded_on is None:
        problems.append(Violation("recorded_on", N_("Give the day of the count."), {}))
    elif recorded_on > today:
        problems.append(Violation("recorded_on", N_("The day of a count cannot be in the future."), {}))
    elif recorded_on < EARLIEST_COUNT:
        problems.append(Violation("recorded_on", N_("Give a day from the year 2000 on."), {}))
    if followers is None or not 0 <= followers <= MAX_FOLLOWERS:
        problems.append(Violation("followers", N_("Give the number of followers as a whole number "
                                                  "from 0 up."), {}))
    return problems


def check_settings(slot_tolerance_minutes: int | None,
                   distribution_target_percent: int | None) -> list[Violation]:
    problems: list[Violation] = []
    if slot_tolerance_minutes is None or not 0 <= slot_tolerance_minutes <= MAX_TOLERANCE_MINUTES:
        problems.append(Violation("slot_tolerance_minutes",
                                  N_("The tolerance is between 0 and %(max)s minutes (one day)."),
                                  {"max": MAX_TOLERANCE_MINUTES}))
    if distribution_target_percent is not None and not 0 <= distribution_target_percent <= 100:
        problems.append(Violation("distribution_target_percent",
                                  N_("A target is a percentage between 0 and 100."), {}))
    return problems


def sparkline(history: list[tuple[date, int]], width: int = 160, height: int = 40,
              pad: int = 3) -> str:
    """The `points` of an SVG polyline drawing a follower history (oldest first), x by date
    and y scaled between the lowest and highest count.  Empty with fewer than two counts."""
    if len(history) < 2:
        return ""
    history = sorted(history)
    first, last = history[0][0], history[-1][0]
    span_days = (last - first).days or 1
    low = min(v for _, v in history)
    high = max(v for _, v in history)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    points = []
    for day, value in history:
        x = pad + inner_w * (day - first).days / span_days
        y = pad + inner_h / 2 if high == low else pad + inner_h * (high - value) / (high - low)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)
