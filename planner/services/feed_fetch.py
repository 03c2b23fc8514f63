"""Answering a calendar client's fetch of a feed address.

A fetch resolves the token (its SHA-256 looked up by a unique index, compared in constant
time), checks the owner's permissions of the moment, and computes the feed's fingerprint:
the owner's grants and language, the subscription's settings, the day the window is
anchored on, the address settings, and the last audit event that could change the feed.
A client holding the ETag of an unchanged fingerprint gets 304 without anything being
built.  Otherwise the worker's rendered copy is served if its fingerprint matches, patched
when only posts, agenda events or slots changed (just those objects are read and rendered
again), or built from scratch.  The ETag is a hash of the body's bytes, so a rebuild that
changes nothing keeps it, and what the last build gave is stored on the subscription so
that every worker can answer 304.

Reads only, apart from one plain UPDATE of the subscription (what the last build gave; when
it was last fetched, at most once a minute): a fetch is not an audited change."""
from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, text, update

from planner.domain.access import Action, allowed
from planner.domain.feeds import UNIT_KINDS, FeedKind, plausible_token, token_hash, window
from planner.domain.ical import render_event
from planner.domain.organisation import LANGUAGES, ZONES
from planner.extensions import db
from planner.feeds.cache import DEFAULT_MAX_BYTES, Chunk, FeedCache, RenderedFeed, assemble, patch
from planner.models import FeedSubscription, Person, Unit
from planner.permissions import Access
from planner.queries import feed_state
from planner.queries.feed_items import FEED_OBJECT_TYPES, INCREMENTAL_TYPES, feed_groups, feed_meta
from planner.queries.feed_state import with_owner_and_unit as _with_owner_and_unit

TOUCH_EVERY = timedelta(minutes=1)  # last_fetched_at is written at most this often per feed
MAX_CHANGED_OBJECTS = 500  # more changes than this since the last build: build it all again


@dataclass(frozen=True)
class FetchResult:
    """What to answer: 200 with a body, 304, 404 (unknown or revoked) or 410 (gone)."""

    status: int
    body: bytes | None = None
    etag: str | None = None
    last_modified: datetime | None = None
    name: str = ""  # the subscription's name, for the file name


NOT_FOUND = FetchResult(404)
GONE = FetchResult(410)
LIMITED = FetchResult(429)


class _Owner(NamedTuple):
    """What `Access.load` reads of a person (the 304 path needs nothing more of them)."""

    id: int
    active: bool


def fetch(token: str, now: datetime, *, if_none_match: str | None = None,
          if_modified_since: datetime | None = None, base_url: str = "",
          uid_domain: str = "pranata", admit: Callable[[], bool] | None = None) -> FetchResult:
    """The answer to `GET /feeds/<token>.ics` at `now`.  `admit` is asked once the token
    names a live subscription (the per-feed rate limit): False answers 429."""
    if not plausible_token(token):
        return NOT_FOUND
    digest = token_hash(token)
    found = feed_state.subscription_by_token(digest)
    if found is None or not hmac.compare_digest(found.token_hash, digest) \
            or found.revoked_at is not None:
        return NOT_FOUND
    if admit is not None and not admit():
        return LIMITED
    if not found.owner_active:
        return GONE
    access = Access.load(_Owner(found.person_id, found.owner_active), now)
    kind = FeedKind(found.kind)
    if kind in UNIT_KINDS:
        if not allowed(access.grants, Action.VIEW_POSTS, found.scope_path):
            return GONE
    elif not access.grants:
        return GONE

    language = found.language if found.language in LANGUAGES else "id"
    span = window(ZONES[found.scope_timezone], now)
    base = _base_fingerprint(found, language, access, span.anchor, base_url, uid_domain)
    paths = feed_state.feed_paths(kind, found.scope_path, [g.unit_path for g in access.grants])
    object_types = FEED_OBJECT_TYPES[kind]
    seq = (found.unit_last_change or 0) if kind in UNIT_KINDS \
        else feed_state.last_change(paths, object_types)
    fingerprint = _hash(f"{base}:{seq}")
    etag, last_modified = found.cache_etag, found.cache_last_modified
    if found.cache_fingerprint == fingerprint and \
            _not_modified(if_none_match, if_modified_since, etag, last_modified, now):
        _note_fetch(found.id, found.last_fetched_at, now)
        return FetchResult(304, etag=etag, last_modified=last_modified, name=found.name)

    cache = feed_cache()
    feed = cache.get(found.id)
    if feed is None or feed.fingerprint != fingerprint:
        sub, owner, _scope = db.session.execute(
            _with_owner_and_unit(select(FeedSubscription, Person, Unit))
            .where(FeedSubscription.id == found.id)).one()
        with force_locale(language):
            feed = _build(sub, Access(owner, access.grants), span, feed, base, seq, fingerprint,
                          paths, object_types, base_url=base_url, uid_domain=uid_domain,
                          language=language)
        cache.put(feed)
    if feed.etag != etag or last_modified is None:
        last_modified = now.replace(microsecond=0)
    changed = {}
    if (found.cache_fingerprint, etag, found.cache_last_modified) != \
            (fingerprint, feed.etag, last_modified):
        changed = {"cache_fingerprint": fingerprint, "cache_etag": feed.etag,
                   "cache_last_modified": last_modified}
    _note_fetch(found.id, found.last_fetched_at, now, **changed)
    if _not_modified(if_none_match, if_modified_since, feed.etag, last_modified, now):
        return FetchResult(304, etag=feed.etag, last_modified=last_modified, name=found.name)
    return FetchResult(200, body=feed.body, etag=feed.etag, last_modified=last_modified,
                       name=found.name)


def forget(subscription_id: int) -> None:
    """Drop this worker's rendered copy of a feed (on revoke or regenerate).  Other workers
    drop theirs on their own: a revoked token is refused before any copy is looked at."""
    feed_cache().forget(subscription_id)


def feed_cache() -> FeedCache:
    """This application's cache of rendered feeds (one per application, so that two
    applications in one process, as in the tests, never share feeds)."""
    extensions = current_app.extensions
    cache = extensions.get("pranata_feed_cache")
    if cache is None:
        with _setup_lock:
            cache = extensions.get("pranata_feed_cache")
            if cache is None:
                cache = FeedCache(int(current_app.config.get("FEED_CACHE_MAX_BYTES",
                                                             DEFAULT_MAX_BYTES)))
                extensions["pranata_feed_cache"] = cache
                extensions["pranata_feed_fetches"] = {}
    return cache


_setup_lock = threading.Lock()


# -- the fingerprint --------------------------------------------------------------------

def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _base_fingerprint(found, language: str, access: Access, anchor, base_url: str,
                      uid_domain: str) -> str:
    """Everything a feed is made from except the last audited change."""
    grants = sorted((g.unit_id, g.unit_path, str(g.role), g.acting_for_id or 0, g.acting_kind or "")
                    for g in access.grants)
    parts = (renderer_version(), str(found.kind), found.person_id, found.unit_id,
             found.channel_id, found.category_id, str(found.state) if found.state else None,
             found.name, found.owner_name, language, str(found.scope_timezone),
             anchor.isoformat(), base_url, uid_domain, grants)
    return _hash(repr(parts))


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """Changes when the code or the translations that write feeds change, so that a new
    release never answers 304 for a feed it would now write differently."""
    import planner.domain.ical as ical
    import planner.feeds.cache as cache
    import planner.queries.feed_items as items
    import planner.queries.feed_personal as personal

    digest = hashlib.sha256()
    for module in (ical, items, personal, cache):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    for catalogue in sorted((Path(__file__).parent.parent / "translations").glob("*/LC_MESSAGES/*.mo")):
        digest.update(catalogue.read_bytes())
    return digest.hexdigest()[:16]


def _not_modified(if_none_match: str | None, if_modified_since: datetime | None, etag: str | None,
                  last_modified: datetime | None, now: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since (a date
    later than now is not a valid one and is ignored)."""
    if etag is None:
        return False
    if if_none_match is not None:
        return _etag_listed(if_none_match, etag)
    if if_modified_since is not None and last_modified is not None and if_modified_since <= now:
        return last_modified.replace(microsecond=0) <= if_modified_since
    return False


def _etag_listed(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks: W/"x" matches "x"; "*" matches any.  (An
    ETag is no secret: it is the hash of what the feed's holder receives anyway.)"""
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False


# -- building ---------------------------------------------------------------------------

def _build(sub, access, span, cached: RenderedFeed | None, base: str, seq: int,
           fingerprint: str, paths, object_types, *, base_url: str, uid_domain: str,
           language: str) -> RenderedFeed:
    if cached is not None and cached.base == base and cached.seq < seq:
        changes = feed_state.changes_since(cached.seq, paths, object_types,
                                           limit=MAX_CHANGED_OBJECTS)
        if changes is not None and all(kind in INCREMENTAL_TYPES and object_id is not None
                                       for kind, object_id in changes):
            only: dict[str, set[int]] = {}
            for kind, object_id in changes:
                only.setdefault(INCREMENTAL_TYPES[kind], set()).add(object_id)
            groups = feed_groups(sub, access, span, base_url=base_url, uid_domain=uid_domain,
                                 only=only)
            replaced = {(group, object_id): None for group, ids in only.items() for object_id in ids}
            replaced.update(_chunks(groups))
            return patch(cached, seq, fingerprint, replaced)
    meta = feed_meta(sub, access, language=language)
    groups = feed_groups(sub, access, span, base_url=base_url, uid_domain=uid_domain)
    return assemble(sub.id, base, seq, fingerprint, meta, _chunks(groups))


def _chunks(groups) -> dict:
    return {key: Chunk(b"".join(render_event(event) for event in events),
                       tuple(sorted({event.zone for event in events})))
            for key, events in groups.items()}


# -- bookkeeping --------------------------------------------------------------------------

def _note_fetch(subscription_id: int, last_fetched_at: datetime | None, now: datetime,
                **cache_fields) -> None:
    """Count the fetch; write when it was (at most once a minute per feed, adding the
    fetches counted meanwhile) and what the build gave, in one short plain UPDATE.  Losing
    it in a crash costs one rebuild, so on PostgreSQL the commit does not wait for the
    write-ahead log to reach the disk."""
    feed_cache()
    counts = current_app.extensions["pranata_feed_fetches"]
    with _setup_lock:
        counts[subscription_id] = pending = counts.get(subscription_id, 0) + 1
        due = last_fetched_at is None or now - last_fetched_at >= TOUCH_EVERY
        write = due or bool(cache_fields)
        if write:
            counts.pop(subscription_id, None)
    if not write:
        # Nothing to write: end the reads with COMMIT rather than the ROLLBACK that ends a
        # request.  psycopg forgets its prepared statements whenever it sees a ROLLBACK;
        # kept, the next fetch on this connection skips PostgreSQL's planning (about a
        # millisecond off a 304).
        db.session.commit()
        return
    table = FeedSubscription.__table__
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_ASYNC_COMMIT)
    connection.execute(update(table).where(table.c.id == subscription_id)
                       .values(last_fetched_at=now, fetch_count=table.c.fetch_count + pending,
                               **cache_fields))
    db.session.commit()


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
