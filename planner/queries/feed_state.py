"""What a calendar feed is built from, read cheaply: the subscription a token names (with
its owner and the unit it is read in), the last audited change that could alter the feed,
and which objects changed since a given change.

Every change to what a feed shows is audited (posts and their variants, agenda events and
their coverage, upload slots, channels, categories, units), each event placed in the unit
of the object.  So "the highest `seq` among the audit events of these kinds in these units"
moves exactly when something a feed may show changed: one statement that walks the index
(unit_id, object_type, seq) once per unit and kind of object.

A fetch answered 304 runs these statements and the owner's grants, nothing else, so they
are built once and executed with bound values on the session's connection (no statement
construction, no ORM loading per request)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlalchemy import String, bindparam, func, literal, or_, select, true, union_all
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from planner.domain.feeds import UNIT_KINDS, FeedKind
from planner.extensions import db
from planner.models import AuditEvent, FeedSubscription, Person, Unit


def with_owner_and_unit(statement):
    """Join a statement on FeedSubscription to its owner and to the unit the feed is read
    in: the subscribed unit, or the owner's home unit for a personal feed."""
    return (statement.join(Person, Person.id == FeedSubscription.person_id)
            .join(Unit, Unit.id == func.coalesce(FeedSubscription.unit_id, Person.home_unit_id)))


@lru_cache(maxsize=1)
def _by_token():
    subscription = FeedSubscription.__table__.c
    return with_owner_and_unit(select(
        subscription.id, subscription.person_id, subscription.kind, subscription.unit_id,
        subscription.channel_id, subscription.category_id, subscription.state,
        subscription.name, subscription.token_hash, subscription.revoked_at,
        subscription.last_fetched_at, subscription.cache_fingerprint, subscription.cache_etag,
        subscription.cache_last_modified, Person.active.label("owner_active"),
        Person.name.label("owner_name"), Person.preferred_language.label("language"),
        Unit.path.label("scope_path"), Unit.timezone.label("scope_timezone"),
        _unit_feed_last_change().label("unit_last_change"))
        .select_from(FeedSubscription)).where(FeedSubscription.token_hash == bindparam("digest"))


def _unit_feed_last_change():
    """`last_change([scope path], FEED_OBJECT_TYPES[kind])` of a unit's feed, as a column of
    the lookup (NULL for a personal feed, whose units depend on the owner's grants): the
    fetch answered 304 then needs one statement fewer."""
    from planner.queries.feed_items import FEED_OBJECT_TYPES  # feed_items reads this module's callers

    kinds = union_all(*[select(literal(kind.value, String).label("kind"),
                               literal(name, String).label("object_type"))
                        for kind in sorted(UNIT_KINDS) for name in sorted(FEED_OBJECT_TYPES[kind])]
                      ).subquery("unit_feed_types")
    watched = aliased(Unit, name="watched")
    newest = (select(func.max(AuditEvent.seq))
              .where(AuditEvent.unit_id == watched.id, AuditEvent.object_type == kinds.c.object_type)
              .correlate(watched, kinds).scalar_subquery())
    return (select(func.max(newest)).select_from(watched)
            .join(kinds, kinds.c.kind == FeedSubscription.kind)
            .where(watched.path.like(Unit.path + "%") | Unit.path.like(watched.path + "%"))
            .correlate(FeedSubscription, Unit).scalar_subquery())


def subscription_by_token(digest: str) -> Row | None:
    """The subscription whose token hashes to `digest` (revoked or not), with its owner's
    `owner_active`, `owner_name` and `language`, the `scope_path` and `scope_timezone` of the
    unit it is read in, and for a unit's feed its `unit_last_change` (see `last_change`).
    One statement through the unique index on token_hash."""
    return db.session.connection().execute(_by_token(), {"digest": digest}).first()


def feed_paths(kind: FeedKind, scope_path: str, grant_paths: Iterable[str]) -> list[str]:
    """The unit paths whose subtrees, and the units above them, a feed reads (the rule of
    `feed_items.feed_unit_paths`, from plain values): the subscribed unit's; for a personal
    feed those the owner's roles cover and the owner's home unit (`scope_path`)."""
    if kind == FeedKind.PERSONAL:
        grant_paths = set(grant_paths)
        return sorted(grant_paths | {scope_path}) if grant_paths else []
    return [scope_path]


def _types(object_types: Sequence[str]):
    """The object types as a one-column derived table, the same SQL on SQLite and PostgreSQL."""
    rows = [select(literal(name, String).label("object_type")) for name in object_types]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("feed_types")


def _around(count: int):
    """Units under, or above, any of the paths :p0 … :p<count-1> (a unit is above a path when
    its own path is a prefix of it; paths hold digits and slashes only, never a wildcard)."""
    conditions = []
    for index in range(count):
        path = bindparam(f"p{index}", type_=String)
        conditions += [Unit.path.like(path + "%"), path.like(Unit.path + "%")]
    return or_(*conditions)


@lru_cache(maxsize=128)
def _last_change(object_types: tuple[str, ...], count: int):
    types = _types(object_types)
    newest = (select(func.max(AuditEvent.seq))
              .where(AuditEvent.unit_id == Unit.id, AuditEvent.object_type == types.c.object_type)
              .correlate(Unit, types).scalar_subquery())
    per_unit = select(newest.label("seq")).select_from(Unit).join(types, true()) \
        .where(_around(count)).subquery("per_unit")
    return select(func.max(per_unit.c.seq))


def _paths(paths: Sequence[str]) -> dict[str, str]:
    return {f"p{index}": path for index, path in enumerate(paths)}


def last_change(paths: Sequence[str], object_types: Iterable[str]) -> int:
    """The highest audit `seq` of the given object types in the units under or above
    `paths` (0 when there is none).  One statement: for each such unit and type, the last
    entry of the index (unit_id, object_type, seq), then the greatest of those."""
    if not paths:
        return 0
    statement = _last_change(tuple(sorted(object_types)), len(paths))
    return db.session.connection().execute(statement, _paths(paths)).scalar() or 0


@lru_cache(maxsize=128)
def _changes_since(object_types: tuple[str, ...], count: int):
    # Ranges of the index (unit_id, object_type, seq), one per unit and type.  (Joined to
    # the units instead, SQLite without statistics walked every post event of the
    # government by the index on object_type.)
    return (select(AuditEvent.object_type, AuditEvent.object_id)
            .where(AuditEvent.unit_id.in_(select(Unit.id).where(_around(count))),
                   AuditEvent.object_type.in_(object_types),
                   AuditEvent.seq > bindparam("since"))
            .order_by(AuditEvent.seq).limit(bindparam("rows")))


def changes_since(seq: int, paths: Sequence[str], object_types: Iterable[str], *,
                  limit: int = 500) -> list[tuple[str, int | None]] | None:
    """The (object_type, object_id) of the audit events after `seq` of the given types in
    the units under or above `paths`, oldest first, each object once.  None when there are
    more than `limit` objects (rebuilding everything is then as cheap)."""
    if not paths:
        return []
    statement = _changes_since(tuple(sorted(object_types)), len(paths))
    rows = db.session.connection().execute(
        statement, {"since": seq, "rows": limit * 4 + 1, **_paths(paths)}).all()
    changed = list(dict.fromkeys((kind, object_id) for kind, object_id in rows))
    if len(rows) > limit * 4 or len(changed) > limit:
        return None
    return changed
