"""Calendar subscriptions: creating one (its token is returned once, only its hash kept),
regenerating its address (the old one dies at once), revoking one, and revoking all of a
person's.

The owner of a subscription is the person whose access is given (`access.person`); the
actor is who does it (the owner on the web, None for the command line).  Each change runs
in one transaction under a row lock and writes its audit event last, never with the token
or its hash.  Requests naming a unit, channel or category the owner may not see are
refused with the same message as a missing one, and the refusal is audited.
"""
from __future__ import annotations

import importlib.util
import re

from sqlalchemy import func, select

from planner.domain.access import Action, scope_paths
from planner.domain.content import PostState
from planner.domain.errors import N_, NotPermitted, NotVisible, RuleViolated, Violation
from planner.domain.feeds import UNIT_KINDS, FeedKind, new_token, token_hash
from planner.extensions import db
from planner.models import Category, Channel, FeedSubscription, Person, Unit
from planner.models.base import utcnow
from planner.permissions import MAX_ID, Access
from planner.services import record, record_refusal, transaction
from planner.services.sops import government_of, lineage

NAME_MAX = 120
# Active subscriptions a person may hold at once: plenty for every calendar and device
# they use, and a bound on what one account can make the server build.
MAX_ACTIVE = 20
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # control characters (C0, DEL and C1)

UNIT_NOT_VISIBLE = N_("Choose one of the units you may see.")
CHANNEL_NOT_VISIBLE = N_("Choose one of the channels of the chosen unit's calendar.")
CATEGORY_NOT_VISIBLE = N_("Choose one of the categories of the chosen unit's government.")


def _ident(value) -> int | None:
    """An id as given (or the id of an object given); None for nothing or a nonsense id."""
    if value is None or value == "" or value == 0:
        return None
    if hasattr(value, "id"):
        return value.id
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number < MAX_ID else -1


def _load(model, value):
    ident = _ident(value)
    if ident is None:
        return None, None
    if isinstance(value, model):
        return value, ident
    return (db.session.get(model, ident) if ident > 0 else None), ident


def _refused(access: Access, actor: Person | None, field: str, requested, message: str,
             kind) -> RuleViolated:
    """Audit a request that named an object the owner may not see (or none at all)."""
    owner = access.person
    record_refusal(actor, "feed.create_refused", owner.home_unit_id if owner else None,
                   field=field, requested_id=requested, kind=kind,
                   person_id=owner.id if owner else None)
    return RuleViolated.one(field, message)


def _clean_name(name) -> tuple[str, list[Violation]]:
    # Whitespace of any kind becomes one space; other control characters (which a calendar
    # name in a feed may not hold) are dropped.
    name = CONTROL.sub("", " ".join((name or "").split())).strip()
    if not name:
        return name, [Violation("name", N_("Give the subscription a name."))]
    if len(name) > NAME_MAX:
        return name, [Violation("name", N_("Keep the name within %(max)d characters."), {"max": NAME_MAX})]
    return name, []


def _clean_kind(kind) -> tuple[FeedKind | None, list[Violation]]:
    try:
        return FeedKind(kind), []
    except ValueError:
        return None, [Violation("kind", N_("Choose one of the kinds of feed."))]


def _clean_state(state) -> tuple[PostState | None, list[Violation]]:
    if state is None or state == "":
        return None, []
    try:
        return PostState(state), []
    except ValueError:
        return None, [Violation("state", N_("Choose one of the states of a post."))]


def _settings(actor: Person | None, access: Access, name, kind, unit, channel, category,
              state) -> dict:
    """Check everything a subscription is made of; raise RuleViolated naming the fields."""
    name, problems = _clean_name(name)
    kind, kind_problems = _clean_kind(kind)
    state, state_problems = _clean_state(state)
    problems += kind_problems + state_problems
    unit, unit_id = _load(Unit, unit)
    channel, channel_id = _load(Channel, channel)
    category, category_id = _load(Category, category)
    if kind == FeedKind.PERSONAL:
        if unit_id is not None:
            problems.append(Violation("unit", N_("A personal feed follows you wherever you work: "
                                                 "leave the unit empty.")))
    elif kind in UNIT_KINDS:
        if unit_id is None:
            problems.append(Violation("unit", N_("Choose the unit whose calendar this is.")))
        elif unit is None or not access.can(Action.VIEW_POSTS, unit):
            raise _refused(access, actor, "unit", unit_id, UNIT_NOT_VISIBLE, kind)
    filters = {"channel": channel_id, "category": category_id, "state": state}
    if kind is not None and kind != FeedKind.UNIT:
        for field, value in filters.items():
            if value is not None:
                problems.append(Violation(field, N_("Only a publication calendar takes this filter.")))
    if problems:
        raise RuleViolated(problems)
    if kind == FeedKind.UNIT:
        known = _known_units(access)
        if channel_id is not None and not _on_calendar(channel, unit):
            if channel is None or not known(channel.unit):
                raise _refused(access, actor, "channel", channel_id, CHANNEL_NOT_VISIBLE, kind)
            problems.append(Violation("channel", CHANNEL_NOT_VISIBLE))
        if category_id is not None and (category is None or category.government_id != government_of(unit)):
            if category is None or not known(category.government):
                raise _refused(access, actor, "category", category_id, CATEGORY_NOT_VISIBLE, kind)
            problems.append(Violation("category", CATEGORY_NOT_VISIBLE))
    if problems:
        raise RuleViolated(problems)
    return {"name": name, "kind": kind, "unit": unit if kind in UNIT_KINDS else None,
            "channel": channel, "category": category, "state": state}


def _on_calendar(channel: Channel | None, unit: Unit) -> bool:
    """Whether the unit's calendar shows the channel (as `channels_for_unit` has it: the
    channels of the unit, of the units below it and of the units above it)."""
    return channel is not None and (channel.unit.path.startswith(unit.path)
                                    or channel.unit_id in lineage(unit))


def _known_units(access: Access):
    """Whether the person may know of a unit: one whose posts they see, or one above those
    (its channels are on their calendars, its categories are their government's)."""
    roots = scope_paths(access.grants, Action.VIEW_POSTS)

    def known(unit: Unit) -> bool:
        return any(unit.path.startswith(root) or root.startswith(unit.path) for root in roots)
    return known


def _snapshot(sub: FeedSubscription) -> dict:
    """What the audit keeps of a subscription: never its token nor the token's hash."""
    return {"name": sub.name, "kind": sub.kind, "person_id": sub.person_id, "unit_id": sub.unit_id,
            "channel_id": sub.channel_id, "category_id": sub.category_id, "state": sub.state}


def _audit_unit(sub: FeedSubscription) -> int:
    return sub.unit_id if sub.unit_id is not None else sub.person.home_unit_id


def _lock_person(person: Person) -> None:
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def _lock(sub: FeedSubscription) -> None:
    db.session.execute(select(FeedSubscription.id).where(FeedSubscription.id == sub.id)
                       .with_for_update())
    db.session.refresh(sub)


def _forget_cached(subscription_id: int) -> None:
    """Drop what the fetch path keeps in memory for this subscription (if it keeps any)."""
    if importlib.util.find_spec("planner.services.feed_fetch") is None:
        return
    from planner.services import feed_fetch

    forget = getattr(feed_fetch, "forget", None)
    if forget is not None:
        forget(subscription_id)


def _require_owner(access: Access, sub: FeedSubscription) -> None:
    """Only the owner manages a subscription; anyone else is told it does not exist."""
    if access.person is None or sub.person_id != access.person.id:
        raise NotVisible("FeedSubscription")


def create_subscription(actor: Person | None, access: Access, *, name, kind, unit=None,
                        channel=None, category=None, state=None) -> tuple[FeedSubscription, str]:
    """Subscribe `access.person` to a feed.  `unit`, `channel` and `category` are objects
    or ids.  Returns the subscription and its token, which is not kept anywhere."""
    owner = access.person
    if owner is None or not access.grants:
        raise NotPermitted(Action.VIEW_POSTS)
    values = _settings(actor, access, name, kind, unit, channel, category, state)
    token = new_token()
    with transaction():
        _lock_person(owner)
        active = db.session.scalar(select(func.count()).select_from(FeedSubscription).where(
            FeedSubscription.person_id == owner.id, FeedSubscription.revoked_at.is_(None)))
        if active >= MAX_ACTIVE:
            raise RuleViolated.one(None, N_("You already have %(max)d active subscriptions: revoke "
                                            "one you no longer use first."), max=MAX_ACTIVE)
        sub = FeedSubscription(person=owner, token_hash=token_hash(token), fetch_count=0,
                               created_at=utcnow(), **values)
        db.session.add(sub)
        db.session.flush()
        record(actor, "feed.created", sub, _audit_unit(sub), after=_snapshot(sub))
    return sub, token


def regenerate_subscription(actor: Person | None, access: Access, sub: FeedSubscription) -> str:
    """Give the subscription a new address; the old one stops working at once."""
    _require_owner(access, sub)
    if not access.grants:  # its feed would answer nothing: the owner has no role today
        raise NotPermitted(Action.VIEW_POSTS)
    token = new_token()
    with transaction():
        _lock(sub)
        if not sub.active:
            raise RuleViolated.one(None, N_("This subscription has been revoked: create a new one "
                                            "instead."))
        sub.token_hash = token_hash(token)
        sub.regenerated_at = utcnow()
        sub.cache_fingerprint = sub.cache_etag = sub.cache_last_modified = None
        db.session.flush()
        record(actor, "feed.regenerated", sub, _audit_unit(sub), name=sub.name, kind=sub.kind,
               person_id=sub.person_id)
    _forget_cached(sub.id)
    return token


def _revoke(actor: Person | None, sub: FeedSubscription, **details) -> None:
    sub.revoked_at = utcnow()
    sub.revoked_by_id = actor.id if actor else None
    sub.cache_fingerprint = sub.cache_etag = sub.cache_last_modified = None
    db.session.flush()
    record(actor, "feed.revoked", sub, _audit_unit(sub), name=sub.name, kind=sub.kind,
           person_id=sub.person_id, **details)


def revoke_subscription(actor: Person | None, access: Access, sub: FeedSubscription) -> bool:
    """Revoke one subscription (kept, listed as revoked).  False if it already was."""
    _require_owner(access, sub)
    with transaction():
        _lock(sub)
        if not sub.active:
            return False
        _revoke(actor, sub)
    _forget_cached(sub.id)
    return True


def revoke_all(actor: Person | None, person: Person) -> int:
    """Revoke every active subscription of `person`; how many there were.  The actor is the
    system (None, the command line), the person themself, or someone who may manage them."""
    if actor is not None and actor.id != person.id:
        Access.load(actor).require_manage_person(person)
    with transaction():
        _lock_person(person)
        subs = list(db.session.scalars(
            select(FeedSubscription).where(FeedSubscription.person_id == person.id,
                                           FeedSubscription.revoked_at.is_(None))
            .order_by(FeedSubscription.id).with_for_update()))
        for sub in subs:
            _revoke(actor, sub, all=True)
    for sub in subs:
        _forget_cached(sub.id)
    return len(subs)
