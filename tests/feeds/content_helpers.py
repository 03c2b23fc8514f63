"""Helpers of the feed content tests: subscriptions written as rows (the subscription service
is another part's), a feed built the way the fetch path builds it (feed_groups, then
render_event per event and render_calendar), and a factory world with posts, variants, slots,
agenda events and coverage around today.  Call inside an application context."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

import icalendar
import sqlalchemy as sa
from flask_babel import force_locale

from planner.domain.content import CoverageRole, Platform, PostState
from planner.domain.feeds import FeedKind, new_token, token_hash, window
from planner.domain.ical import render_calendar, render_event
from planner.domain.organisation import Role, TimeZoneCode, UnitType
from planner.extensions import db
from planner.models import FeedSubscription
from planner.permissions import Access
from planner.queries.feed_items import feed_groups, feed_meta
from tests import calendar_helpers as ch
from tests import factories

BASE_URL = "https://pranata.example"
DOMAIN = "pranata"


def subscribe(person, kind: FeedKind, unit=None, *, channel=None, category=None,
              state: PostState | None = None, name: str | None = None) -> FeedSubscription:
    sub = FeedSubscription(person=person, name=name or f"Kalender {kind.value}", kind=kind,
                           unit=unit, channel=channel, category=category, state=state,
                           token_hash=token_hash(new_token()))
    db.session.add(sub)
    db.session.commit()
    return sub


def groups_of(sub: FeedSubscription, *, now: datetime | None = None, only=None,
              language: str = "en"):
    """feed_groups with the owner's access as it is now."""
    now = now or datetime.now(timezone.utc)
    db.session.expire_all()
    access = Access.load(db.session.get(type(sub.person), sub.person_id))
    with force_locale(language):
        return feed_groups(sub, access, window(sub.scope_unit.zone, now), base_url=BASE_URL,
                           uid_domain=DOMAIN, only=only)


def events_of(sub: FeedSubscription, **kwargs) -> list:
    return [event for group in groups_of(sub, **kwargs).values() for event in group]


def feed_bytes(sub: FeedSubscription, *, now: datetime | None = None, language: str = "en") -> bytes:
    """The whole feed as the fetch path writes it."""
    events = events_of(sub, now=now, language=language)
    access = Access.load(sub.person)
    meta = feed_meta(sub, access, language=language)
    return render_calendar(meta, [render_event(e) for e in events], {e.zone for e in events})


def parsed(sub: FeedSubscription, **kwargs) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(feed_bytes(sub, **kwargs))


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def count_statements(function):
    """How many SQL statements `function()` sends, and what it returns."""
    seen = []

    def count(*args, **kwargs):
        seen.append(1)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        result = function()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(seen), result


def at(days: float, hour: int = 9, zone=ch.WIB) -> datetime:
    """A UTC instant `days` from today at `hour` on the clock of `zone`."""
    day = datetime.now(zone).date() + timedelta(days=int(days))
    return datetime.combine(day, time(hour), zone).astimezone(timezone.utc)


def feed_world():
    """calendar_world() with an SOP in the division and, around today: a post of the
    subdivision with an Instagram variant (its own time) and a Facebook variant (the post's),
    a post without variants, a post of the health agency and one of another government, an
    upload slot, agenda events of the division (one covered by the author) and of the
    health agency."""
    w = ch.calendar_world()
    factories.sop(w.division)
    w.post = ch.post(w.subdivision, w.author, "Liputan rapat koordinasi; banjir, Bukit Bestari",
                     at(3, 10), code="informasi-publik")
    w.instagram_variant = ch.variant(w.post, w.instagram, at(3, 11))
    w.facebook_variant = ch.variant(w.post, w.facebook, None)
    w.bare = ch.post(w.division, w.author, "Pengumuman tanpa kanal", at(5, 14))
    w.health_post = ch.post(w.health, w.health_author, "Vaksinasi massal", at(4, 9))
    w.outside_post = ch.post(w.agency, w.outside_author, "Berita provinsi", at(4, 9))
    w.slot = ch.slot(w.instagram, "FREQ=WEEKLY;BYDAY=MO,WE,FR", starts_on=date.today() - timedelta(days=30))
    w.health_slot = ch.slot(w.health_channel, "FREQ=DAILY", starts_on=date.today())
    w.event = ch.event(w.division, "Kunjungan kerja Wali Kota", at(2, 9))
    w.health_event = ch.event(w.health, "Rapat Dinkes", at(2, 13))
    w.coverage = ch.cover(w.event, w.author, w.approver, CoverageRole.WRITER)
    return w


def zone_world():
    """A government in WITA with a division in WIT (each with a channel), for time zones."""
    city = factories.unit("Pemerintah Kota Makassar Uji", timezone=TimeZoneCode.WITA)
    east = factories.unit("Bagian Papua", city, UnitType.DIVISION, timezone=TimeZoneCode.WIT)
    head = factories.person(city, "Kepala Humas Makassar")
    factories.role(head, city, Role.APPROVER)
    return SimpleNamespace(city=city, east=east, head=head,
                           city_channel=ch.channel(city, "Instagram Makassar"),
                           east_channel=ch.channel(east, "Instagram Papua", Platform.FACEBOOK))


__all__ = ["BASE_URL", "DOMAIN", "at", "count_statements", "events_of", "feed_bytes",
           "feed_world", "groups_of", "parsed", "subscribe", "vevents", "zone_world"]
