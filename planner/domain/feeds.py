"""Calendar feeds as plain rules: the kinds of feed, the window a feed covers, how long a
cancelled item stays, and subscription tokens (made, hashed, compared in constant time).
Nothing here knows Flask or the database."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum

from planner.domain.errors import N_


class FeedKind(StrEnum):
    PERSONAL = "personal"  # my drafts, my reviews and approvals, my coverage duties
    UNIT = "unit"  # the unit's publication calendar
    SLOTS = "slots"  # the unit's upload slots, one recurring event per slot
    AGENDA = "agenda"  # the leader's agenda


FEED_KIND_LABELS = {
    FeedKind.PERSONAL: N_("My work"),
    FeedKind.UNIT: N_("Publication calendar"),
    FeedKind.SLOTS: N_("Upload slots"),
    FeedKind.AGENDA: N_("Leader's agenda"),
}

# Kinds that belong to a unit (a personal feed follows its owner wherever they work).
UNIT_KINDS = frozenset({FeedKind.UNIT, FeedKind.SLOTS, FeedKind.AGENDA})

# By default a feed covers 90 days back and 365 days ahead, so that it stays small.
DAYS_BACK = 90
DAYS_AHEAD = 365
# A cancelled item stays in the feed (as STATUS:CANCELLED) this long after it was cancelled,
# so that subscribed calendars remove it instead of keeping a stale copy.
CANCELLED_KEPT_DAYS = 30
# Calendar clients are asked to come back this often (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH_HOURS = 1

TOKEN_BYTES = 32  # random bytes per token (43 characters once encoded)
TOKEN_MAX_LENGTH = 100  # anything longer in a URL is not one of ours


@dataclass(frozen=True)
class Window:
    """The instants a feed covers, [start, end), in UTC, anchored on a local day so that a
    feed changes at most once a day by time passing alone."""

    start: datetime
    end: datetime
    cancelled_since: datetime  # cancelled items changed before this instant are left out
    anchor: date  # the local day the window was computed on


def window(zone: tzinfo, now: datetime, days_back: int = DAYS_BACK,
           days_ahead: int = DAYS_AHEAD) -> Window:
    today = now.astimezone(zone).date()
    midnight = datetime.combine(today, time(0), zone)
    return Window(
        start=(midnight - timedelta(days=days_back)).astimezone(timezone.utc),
        end=(midnight + timedelta(days=days_ahead + 1)).astimezone(timezone.utc),
        cancelled_since=(midnight - timedelta(days=CANCELLED_KEPT_DAYS)).astimezone(timezone.utc),
        anchor=today,
    )


def new_token() -> str:
    """A fresh subscription token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored instead of the token: its SHA-256, hex encoded."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Compare a presented token with a stored hash in constant time."""
    return hmac.compare_digest(token_hash(token), stored_hash)


def plausible_token(token: str) -> bool:
    """Cheap shape check before any lookup: URL-safe base64 of the right length."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return False
    return all(c.isalnum() or c in "-_" for c in token)
