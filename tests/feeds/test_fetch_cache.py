"""Rebuilding only what changed: a patched feed is byte for byte the feed built from scratch
(as a property of the assembly, and through the real fetch after changes of every kind); the
in-process cache is bounded and forgets on demand; another worker answers 304 from what the
subscription stores."""
from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.content import EventStatus, Platform
from planner.domain.feeds import FeedKind
from planner.domain.ical import FeedMeta
from planner.extensions import db
from planner.feeds.cache import Chunk, FeedCache, assemble, patch
from planner.models import AgendaEvent, Channel, Post, Unit, UploadSlot
from planner.permissions import Access
from planner.services import feed_fetch
from planner.services.agenda import create_event, update_event
from planner.services.channels import update_channel
from planner.services.slots import create_slot, set_slot_active, update_slot
from planner.services.variants import VariantSpec, add_variant
from tests import calendar_helpers as ch
from tests.conftest import make_app
from tests.feeds.fetch_helpers import (at, cancel_post, fetch_world, move_post, new_post, person,
                                       retitle_post, subscribe)

META = FeedMeta(name="Kalender", zone="Asia/Jakarta", description="Uji")
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")

keys = st.tuples(st.sampled_from(("event", "post", "slot")), st.integers(1, 40))
chunks = st.builds(lambda text, zones: Chunk(f"BEGIN:VEVENT\r\nSUMMARY:{text}\r\nEND:VEVENT\r\n".encode(),
                                             tuple(sorted(set(zones)))),
                   st.text(alphabet="abcxyz", max_size=12), st.lists(st.sampled_from(ZONES), max_size=2))


# -- the assembly, without a database ----------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(before=st.dictionaries(keys, chunks, max_size=25),
       changes=st.dictionaries(keys, st.one_of(st.none(), chunks), max_size=10))
def test_a_patched_feed_is_the_feed_assembled_from_scratch(before, changes):
    built = assemble(1, "base", 5, "f5", META, before)
    after = {key: chunk for key, chunk in {**before, **changes}.items() if chunk is not None}
    patched = patch(built, 6, "f6", changes)
    fresh = assemble(1, "base", 6, "f6", META, after)
    assert patched.body == fresh.body
    assert patched.etag == fresh.etag
    assert patched.keys == fresh.keys and patched.starts == fresh.starts
    assert patched.zone_count == fresh.zone_count
    for key, chunk in after.items():
        assert patched.chunk_of(key) == chunk.data


def test_a_patch_that_changes_nothing_keeps_the_etag():
    built = assemble(1, "base", 5, "f5", META, {("post", 1): Chunk(b"A\r\n", ("Asia/Jakarta",))})
    again = patch(built, 9, "f9", {("post", 1): Chunk(b"A\r\n", ("Asia/Jakarta",)), ("post", 2): None})
    assert again.body == built.body and again.etag == built.etag and again.seq == 9


def test_the_cache_keeps_the_most_recently_used_feeds_within_its_bytes():
    def feed(sub_id, size):
        return assemble(sub_id, "b", 1, "f", META, {("post", 1): Chunk(b"x" * size, ())})

    one = feed(1, 1000)
    cache = FeedCache(max_bytes=3 * one.size + 10)
    for sub_id in (1, 2, 3):
        cache.put(feed(sub_id, 1000))
    assert len(cache) == 3
    assert cache.get(1) is not None  # 1 is now the most recently used
    cache.put(feed(4, 1000))
    assert cache.get(2) is None and cache.get(1) is not None and cache.get(4) is not None
    assert cache.bytes <= cache.max_bytes
    cache.put(feed(5, 10 * 1000))  # larger than the whole cache: not kept, nothing evicted for it
    assert cache.get(5) is None and len(cache) == 3
    cache.forget(1)
    assert cache.get(1) is None and len(cache) == 2
    assert cache.bytes == sum(cache.get(i).size for i in (3, 4))


# -- through the real fetch ------------------------------------------------------------------

def url(token: str) -> str:
    return f"/feeds/{token}.ics"


@pytest.fixture
def world(app):
    return fetch_world(app)


@pytest.fixture
def builds(monkeypatch):
    """Each call of feed_groups by the fetch path: the `only` it asked for (None: everything)."""
    seen = []
    original = feed_fetch.feed_groups

    def spy(*args, **kwargs):
        seen.append(kwargs.get("only"))
        return original(*args, **kwargs)

    monkeypatch.setattr(feed_fetch, "feed_groups", spy)
    return seen


def full_build(app, client, token, sub_id) -> bytes:
    """The feed built from nothing: the worker's copy dropped first."""
    with app.app_context():
        feed_fetch.forget(sub_id)
    return client.get(url(token)).get_data()


def test_a_change_to_posts_rebuilds_only_those_posts_and_gives_the_full_builds_bytes(
        app, client, world, builds):
    client.get(url(world.token))
    assert builds == [None]
    steps = [
        lambda: move_post(app, world.post, world.author, at(10, 8)),
        lambda: retitle_post(app, world.other_post, world.author, "Pengumuman layanan; jadwal baru"),
        lambda: new_post(person(world.author), person(world.author).home_unit, "Draf baru", at(7)),
        lambda: cancel_post(app, world.other_post, world.author),
        lambda: move_post(app, world.post, world.author, at(400)),  # out of the window: it leaves
    ]
    for number, step in enumerate(steps):
        with app.app_context():
            step()
        builds.clear()
        patched = client.get(url(world.token))
        assert patched.status_code == 200
        assert len(builds) == 1 and builds[0] is not None and set(builds[0]) == {"post"}, (number, builds)
        assert patched.get_data() == full_build(app, client, world.token, world.sub), number
        assert builds[-1] is None
    body = client.get(url(world.token)).get_data()
    assert f"post-{world.post}@".encode() not in body
    assert b"Draf baru" in body and b"STATUS:CANCELLED" in body


def test_a_channel_renamed_rebuilds_the_whole_feed(app, client, world, builds):
    with app.app_context():
        owner = person(world.author)
        channel = ch.channel(db.session.get(Unit, world.division), "Instagram Prokompim")
        post = db.session.get(Post, world.post)
        add_variant(owner, Access.load(owner), post, post.version,
                    VariantSpec(channel=channel, caption="Halo", planned_at=at(3, 11)))
        channel_id = channel.id
    first = client.get(url(world.token))
    assert b"[Instagram Prokompim]" in first.get_data()
    with app.app_context():
        admin = person(world.sysadmin)
        channel = db.session.get(Channel, channel_id)
        update_channel(admin, Access.load(admin), channel, channel.version, unit=channel.unit,
                       platform=channel.platform, name="Instagram Humas", handle=channel.handle,
                       url=channel.url, weekly_target=channel.weekly_target, active=True)
    builds.clear()
    renamed = client.get(url(world.token))
    assert builds == [None]
    assert b"[Instagram Humas]" in renamed.get_data()
    assert renamed.headers["ETag"] != first.headers["ETag"]


def test_agenda_and_slot_feeds_patch_their_events_and_slots_like_a_full_build(app, client, world, builds):
    with app.app_context():
        owner = person(world.author)
        unit = owner.home_unit.parent  # the division, where the author's roles are
        event = create_event(owner, Access.load(owner), unit, title="Kunjungan kerja",
                             starts_at=at(2, 9), ends_at=at(2, 11), leader="Wali Kota")
        channel = ch.channel(unit, "Facebook Prokompim", Platform.FACEBOOK)
        admin = person(world.sysadmin)
        slot = create_slot(admin, None, channel, label="Pagi", rule="FREQ=WEEKLY;BYDAY=MO,WE",
                           starts_on=date.today(), time_of_day=time(9, 0))
        _, agenda = subscribe(owner, FeedKind.AGENDA, unit, "Agenda")
        _, slots = subscribe(owner, FeedKind.SLOTS, unit, "Slot")
        ids = {"event": event.id, "slot": slot.id, "agenda": agenda, "slots": slots,
               "channel": channel.id, "unit": unit.id}
    agenda_sub, slot_sub = _subscription_ids(app, ids["agenda"], ids["slots"])
    client.get(url(ids["agenda"]))
    client.get(url(ids["slots"]))

    with app.app_context():
        owner = person(world.author)
        event = db.session.get(AgendaEvent, ids["event"])
        update_event(owner, Access.load(owner), event, event.version, title="Kunjungan kerja ke pasar",
                     starts_at=at(2, 10), ends_at=at(2, 12), leader="Wali Kota", place="Pasar",
                     source="", status=EventStatus.CONFIRMED, notes="")
        create_event(owner, Access.load(owner), event.unit, title="Rapat paripurna",
                     starts_at=at(4, 13), ends_at=at(4, 15), leader="Wali Kota")
    builds.clear()
    patched = client.get(url(ids["agenda"])).get_data()
    assert builds and set(builds[0]) == {"event"}
    assert b"Kunjungan kerja ke pasar" in patched and b"Rapat paripurna" in patched
    assert patched == full_build(app, client, ids["agenda"], agenda_sub)

    with app.app_context():
        admin = person(world.sysadmin)
        slot = db.session.get(UploadSlot, ids["slot"])
        update_slot(admin, None, slot, slot.version, label="Siang", rule="FREQ=WEEKLY;BYDAY=TU",
                    starts_on=date.today(), time_of_day=time(13, 0))
        slot = db.session.get(UploadSlot, ids["slot"])
        set_slot_active(admin, None, slot, slot.version, False)
    builds.clear()
    patched = client.get(url(ids["slots"])).get_data()
    assert builds and set(builds[0]) == {"slot"}
    assert b"STATUS:CANCELLED" in patched and b"BYDAY=TU" in patched
    assert patched == full_build(app, client, ids["slots"], slot_sub)


def _subscription_ids(app, *tokens):
    from planner.domain.feeds import token_hash
    from planner.models import FeedSubscription
    from sqlalchemy import select

    with app.app_context():
        return [db.session.scalar(select(FeedSubscription.id).where(
            FeedSubscription.token_hash == token_hash(token))) for token in tokens]


def test_another_worker_answers_304_from_what_the_subscription_stores(app, database_url, client,
                                                                     world, monkeypatch):
    etag = client.get(url(world.token)).headers["ETag"]
    other = make_app(database_url)
    try:
        def no_build(*args, **kwargs):
            raise AssertionError("built")

        monkeypatch.setattr(feed_fetch, "feed_groups", no_build)
        response = other.test_client().get(url(world.token), headers={"If-None-Match": etag})
        assert response.status_code == 304 and response.headers["ETag"] == etag
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_another_worker_builds_the_same_bytes_and_keeps_the_last_modified(app, database_url, client, world):
    first = client.get(url(world.token))
    other = make_app(database_url)
    try:
        second = other.test_client().get(url(world.token))
        assert second.get_data() == first.get_data()
        assert second.headers["ETag"] == first.headers["ETag"]
        assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_forget_drops_the_workers_copy(app, client, world):
    client.get(url(world.token))
    with app.app_context():
        assert feed_fetch.feed_cache().get(world.sub) is not None
        feed_fetch.forget(world.sub)
        assert feed_fetch.feed_cache().get(world.sub) is None


def test_a_cache_too_small_for_the_feed_still_answers(app, client, world, builds):
    app.config["FEED_CACHE_MAX_BYTES"] = 100
    first = client.get(url(world.token))
    again = client.get(url(world.token))
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert builds == [None, None]
    with app.app_context():
        assert len(feed_fetch.feed_cache()) == 0
