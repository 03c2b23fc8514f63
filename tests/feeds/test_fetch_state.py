"""The fingerprint's last change: it moves with changes in the feed's unit, below it and
above it, not with changes elsewhere or of kinds the feed does not show; the changes since
a given one name their objects; the units watched are those the feed's content reads."""
from __future__ import annotations

from datetime import datetime, timezone

from planner.domain.feeds import FeedKind
from planner.extensions import db
from planner.models import AuditEvent, FeedSubscription, Unit
from planner.permissions import Access
from planner.queries import feed_state
from planner.queries.feed_items import FEED_OBJECT_TYPES, feed_unit_paths
from planner.services.people import set_language
from tests.feeds.fetch_helpers import at, fetch_world, new_post, person, subscribe

TYPES = FEED_OBJECT_TYPES[FeedKind.UNIT]


def last(paths, types=TYPES) -> int:
    return feed_state.last_change(paths, types)


def newest_seq() -> int:
    return db.session.query(db.func.max(AuditEvent.seq)).scalar()


def test_the_last_change_follows_the_feeds_units_and_kinds(app):
    world = fetch_world(app)
    with app.app_context():
        division = db.session.get(Unit, world.division)
        paths = [division.path]
        before = last(paths)
        assert before > 0
        # Another unit's post: not watched.
        health_author = person(world.health_author)
        new_post(health_author, health_author.home_unit, "Posyandu", at(2))
        assert last(paths) == before
        # A language change is audited on the person, a kind no feed watches.
        set_language(person(world.author), "en")
        assert last(paths) == before
        # A post below the division and one in the city above it: both watched.
        author = person(world.author)
        below = new_post(author, author.home_unit, "Di subbagian", at(2))
        assert last(paths) == newest_seq()
        admin = person(world.sysadmin)
        above = new_post(admin, admin.home_unit, "Di kota", at(3), checked=False)
        assert last(paths) == newest_seq()
        assert last(paths, {"AgendaEvent"}) == 0
        assert feed_state.changes_since(before, paths, TYPES) == [("Post", below.id), ("Post", above.id)]
        assert feed_state.changes_since(before, paths, TYPES, limit=1) is None
        assert feed_state.last_change([], TYPES) == 0


def test_the_units_watched_are_those_the_feeds_content_reads(app):
    world = fetch_world(app)
    with app.app_context():
        author, admin = person(world.author), person(world.sysadmin)
        subs = [db.session.get(FeedSubscription, world.sub),
                subscribe(author, FeedKind.PERSONAL, name="Tugas")[0],
                subscribe(admin, FeedKind.PERSONAL, name="Admin")[0],
                subscribe(admin, FeedKind.AGENDA, admin.home_unit, "Agenda kota")[0]]
        for sub in subs:
            access = Access.load(sub.person, datetime.now(timezone.utc))
            found = feed_state.subscription_by_token(sub.token_hash)
            assert found.id == sub.id and found.scope_path == sub.scope_unit.path
            if sub.kind == FeedKind.PERSONAL:
                assert found.unit_last_change is None
            else:
                assert found.unit_last_change == feed_state.last_change(
                    [found.scope_path], FEED_OBJECT_TYPES[sub.kind]) > 0
            assert feed_state.feed_paths(FeedKind(sub.kind), found.scope_path,
                                         [g.unit_path for g in access.grants]) \
                == feed_unit_paths(sub, access), sub.name


def test_a_lookup_of_an_unknown_hash_finds_nothing(app):
    with app.app_context():
        assert feed_state.subscription_by_token("0" * 64) is None
