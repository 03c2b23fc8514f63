"""The rendered feeds a worker process keeps in memory, so that a fetch after a change
rebuilds only the objects that changed: per subscription, the body, where each object's
events sit in it, and what it was built from.  Bounded by total bytes, the least recently
used feed going first."""
from __future__ import annotations

import hashlib
import threading
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from planner.domain.ical import FeedMeta, render_calendar

FOOTER = b"END:VCALENDAR\r\n"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
GROUP_OVERHEAD = 160  # bytes of bookkeeping per object (key, offset, digest), roughly

GroupKey = tuple[str, int]


@dataclass(frozen=True)
class Chunk:
    """One object's rendered events and the zones they are written in."""

    data: bytes
    zones: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RenderedFeed:
    """A built feed.  `keys` are the objects in order; `starts[i]` is where object i's
    events begin in the events part of the body (`starts[-1]` where that part ends), and
    `digests[i]` and `zones[i]` are the hash and the time zones of those events.  Lists in
    step rather than a dict per object, so that a patch copies runs of them at C speed."""

    subscription_id: int
    base: str  # fingerprint of everything but the last change
    seq: int  # the last change the feed was built at
    fingerprint: str
    meta: FeedMeta
    body: bytes
    head_length: int
    keys: list[GroupKey]
    starts: list[int]
    digests: list[bytes]
    zones: list[tuple[str, ...]]
    zone_count: Counter = field(repr=False)
    etag: str = ""

    @property
    def size(self) -> int:
        return len(self.body) + GROUP_OVERHEAD * len(self.keys)

    def chunk_of(self, key: GroupKey) -> bytes:
        i = bisect_left(self.keys, key)
        return self.body[self.head_length + self.starts[i]:self.head_length + self.starts[i + 1]]


def assemble(subscription_id: int, base: str, seq: int, fingerprint: str, meta: FeedMeta,
             chunks: Mapping[GroupKey, Chunk]) -> RenderedFeed:
    """A feed from every object's chunk, objects in key order (the order never depends on
    how the feed was built, so a partial rebuild gives the same bytes as a full one)."""
    keys = sorted(chunks)
    starts, offset = [0], 0
    for key in keys:
        offset += len(chunks[key].data)
        starts.append(offset)
    digests = [digest_of(chunks[key].data) for key in keys]
    zones = [chunks[key].zones for key in keys]
    zone_count = Counter(zone for object_zones in zones for zone in object_zones)
    head = _head(meta, zone_count)
    body = b"".join([head, *(chunks[key].data for key in keys), FOOTER])
    return RenderedFeed(subscription_id, base, seq, fingerprint, meta, body, len(head), keys,
                        starts, digests, zones, zone_count, etag_of(head, digests))


def patch(feed: RenderedFeed, seq: int, fingerprint: str,
          replaced: Mapping[GroupKey, Chunk | None]) -> RenderedFeed:
    """The feed with the chunks of `replaced` swapped in (None: the object left the feed),
    reusing the bytes of every other object as runs of the old body."""
    old_keys, old_starts, head_length = feed.keys, feed.starts, feed.head_length
    events = memoryview(feed.body)[head_length:len(feed.body) - len(FOOTER)]
    zone_count = Counter(feed.zone_count)
    keys: list[GroupKey] = []
    starts: list[int] = [0]
    digests: list[bytes] = []
    zones: list[tuple[str, ...]] = []
    parts: list = []
    done = 0  # old objects before this index are copied or dropped already

    def copy_until(stop: int) -> None:
        """Copy old objects [done, stop) as one run of bytes."""
        nonlocal done
        if stop <= done:
            return
        shift = starts[-1] - old_starts[done]
        parts.append(events[old_starts[done]:old_starts[stop]])
        keys.extend(old_keys[done:stop])
        digests.extend(feed.digests[done:stop])
        zones.extend(feed.zones[done:stop])
        following = old_starts[done + 1:stop + 1]
        starts.extend(map(shift.__add__, following) if shift else following)
        done = stop

    for key in sorted(replaced):
        position = bisect_left(old_keys, key)
        copy_until(position)
        present = position < len(old_keys) and old_keys[position] == key
        if present:
            zone_count.subtract(feed.zones[position])
            done = position + 1
        chunk = replaced[key]
        if chunk is None:
            continue
        keys.append(key)
        digests.append(digest_of(chunk.data))
        parts.append(chunk.data)
        starts.append(starts[-1] + len(chunk.data))
        zones.append(chunk.zones)
        zone_count.update(chunk.zones)
    copy_until(len(old_keys))
    zone_count = +zone_count  # drop the zones no object uses any more
    head = _head(feed.meta, zone_count) if zone_count.keys() != feed.zone_count.keys() \
        else feed.body[:head_length]
    body = b"".join([head, *parts, FOOTER])
    return RenderedFeed(feed.subscription_id, feed.base, seq, fingerprint, feed.meta, body,
                        len(head), keys, starts, digests, zones, zone_count, etag_of(head, digests))


def digest_of(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def etag_of(head: bytes, digests: list[bytes]) -> str:
    """A strong ETag: the hash of the calendar's head and of each object's bytes in order,
    so it changes whenever a byte of the body does, and a build that gives the same body
    gives the same tag.  (Hashing the digests kept per object instead of the whole body
    costs a few kilobytes of hashing per rebuild instead of megabytes.)"""
    whole = hashlib.sha256(head)
    whole.update(b"".join(digests))
    return '"' + whole.hexdigest()[:40] + '"'


def _head(meta: FeedMeta, zone_count: Counter) -> bytes:
    frame = render_calendar(meta, [], sorted(zone_count))
    if not frame.endswith(FOOTER):
        raise ValueError("a calendar must end with END:VCALENDAR")
    return frame[:-len(FOOTER)]


class FeedCache:
    """Rendered feeds by subscription id, least recently used first out, bounded by bytes.
    Safe to share between the threads of a worker."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._feeds: OrderedDict[int, RenderedFeed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, subscription_id: int) -> RenderedFeed | None:
        with self._lock:
            feed = self._feeds.get(subscription_id)
            if feed is not None:
                self._feeds.move_to_end(subscription_id)
            return feed

    def put(self, feed: RenderedFeed) -> None:
        with self._lock:
            self._drop(feed.subscription_id)
            if feed.size > self.max_bytes:
                return  # bigger than the whole cache: built every time
            self._feeds[feed.subscription_id] = feed
            self.bytes += feed.size
            while self.bytes > self.max_bytes:
                self._drop(next(iter(self._feeds)))

    def forget(self, subscription_id: int) -> None:
        with self._lock:
            self._drop(subscription_id)

    def _drop(self, subscription_id: int) -> None:
        feed = self._feeds.pop(subscription_id, None)
        if feed is not None:
            self.bytes -= feed.size

    def __len__(self) -> int:
        return len(self._feeds)
