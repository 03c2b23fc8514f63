"""What each calendar feed contains, as `FeedEvent`s grouped by the object they come from
(a post, an agenda event, an upload slot), so that a fetch can rebuild only the groups of
the objects that changed.

Everything is read with the owner's access at fetch time: a unit feed needs the right to see
the unit's posts, and shows nothing the owner may not see.  UIDs depend only on the object
(never on the subscription or its token), SEQUENCE is the object's version − 1, DTSTAMP and
LAST-MODIFIED its `updated_at`.  Cancelled items stay as STATUS:CANCELLED while they were
cancelled after `window.cancelled_since`.  Each kind of feed takes a fixed number of SQL
statements, whatever the number of objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_time, get_day_names
from babel.lists import format_list
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from planner.domain.access import Action
from planner.domain.errors import N_
from planner.domain.content import (FUNCTION_LABELS, PLATFORM_LABELS, POST_STATE_LABELS,
                                    EventStatus, PostState)
from planner.domain.feeds import FEED_KIND_LABELS, FeedKind, Window
from planner.domain.ical import FeedEvent, FeedMeta, slot_recurrence
from planner.domain.slots import SlotRule, describe
from planner.extensions import db
from planner.models import (AgendaEvent, Channel, FeedSubscription, Post, PostVariant, Unit,
                            UploadSlot)
from planner.permissions import Access
from planner.services.sops import lineage

GroupKey = tuple[str, int]  # ("post", id) | ("event", id) | ("slot", id)

# The audit object types whose events name the object a group comes from: a change to one
# of them rebuilds that object's group only.  Other types (a channel renamed, a category, a
# unit moved, an agenda file imported) rebuild the whole feed.
INCREMENTAL_TYPES = {"Post": "post", "AgendaEvent": "event", "UploadSlot": "slot"}

# Which audited changes may alter each kind of feed.  Posts carry their variants and their
# workflow; agenda events their coverage (audited on the event); an imported agenda file is
# audited once, as "AgendaImport".  SOP versions are left out: a post in review finishes on
# the version it pinned, whose steps (and so deadlines) never change once in force.
FEED_OBJECT_TYPES: dict[FeedKind, frozenset[str]] = {
    FeedKind.UNIT: frozenset({"Post", "Channel", "Category", "Unit"}),
    FeedKind.SLOTS: frozenset({"UploadSlot", "Channel", "Unit"}),
    FeedKind.AGENDA: frozenset({"AgendaEvent", "AgendaImport", "Unit"}),
    FeedKind.PERSONAL: frozenset({"Post", "AgendaEvent", "AgendaImport", "Category", "Unit"}),
}

POST_MINUTES = 30  # a post's or a slot's event is a short block at its time
SLOT_MINUTES = 30
TENTATIVE_STATES = frozenset({PostState.DRAFT, PostState.IN_REVIEW, PostState.RETURNED,
                              PostState.WITHDRAWN})


@dataclass(frozen=True)
class Build:
    """What every part of a feed needs: the window, where links and UIDs point, and the
    objects asked for (None: all of them)."""

    window: Window
    base_url: str
    domain: str
    only: dict[str, set[int]] | None = None
    translated: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def text(self, message: str, **params) -> str:
        """`gettext(message, **params)`, each message looked up once per build (a feed of
        thousands of events repeats the same few labels)."""
        translated = self.translated.get(message)
        if translated is None:
            translated = self.translated[message] = _(message)
        return translated % params if params else translated

    def wanted(self, kind: str) -> set[int] | None:
        """The ids of this kind of object asked for, None for all (an empty set: none)."""
        if self.only is None:
            return None
        return {int(i) for i in self.only.get(kind, ())}

    def link(self, path: str) -> str | None:
        return self.base_url.rstrip("/") + path if self.base_url else None

    def uid(self, name: str) -> str:
        return f"{name}@{self.domain}"


def zone_name(unit: Unit) -> str:
    return unit.zone.key


def text_lines(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def subtree(unit: Unit) -> ColumnElement[bool]:
    return Unit.path.startswith(unit.path, autoescape=True)


def cancelled_summary(build: "Build", summary: str) -> str:
    return build.text(N_("Cancelled: %(summary)s"), summary=summary)


# -- who, where and what changes a feed ----------------------------------------------------

def feed_unit_paths(sub: FeedSubscription, access: Access) -> list[str]:
    """The paths whose subtrees (and the units above them) a feed reads: the subscribed
    unit's, or for a personal feed those of the units the owner's roles cover and of the
    owner's home unit."""
    if sub.kind == FeedKind.PERSONAL:
        return sorted({g.unit_path for g in access.grants} | (
            {sub.person.home_unit.path} if access.grants else set()))
    return [sub.unit.path] if sub.unit is not None else []


def feed_units(sub: FeedSubscription, access: Access) -> ColumnElement[bool]:
    """A condition on `Unit` for the units whose audited changes may alter the feed: the
    subtrees of `feed_unit_paths` and the units above them (a unit publishes on its
    ancestors' channels and follows its government's categories)."""
    paths = feed_unit_paths(sub, access)
    if not paths:
        return false()
    above = sorted({int(part) for path in paths for part in path.strip("/").split("/") if part})
    return or_(Unit.id.in_(above), *[Unit.path.startswith(path, autoescape=True) for path in paths])


# -- the calendar as a whole ---------------------------------------------------------------

def feed_meta(sub: FeedSubscription, access: Access, *, language: str) -> FeedMeta:
    """The calendar's name (the subscription's), zone and description, in `language`."""
    unit = sub.scope_unit
    with force_locale(language):
        kind = _(FEED_KIND_LABELS[FeedKind(sub.kind)])
        if sub.kind == FeedKind.PERSONAL:
            description = _("Drafts, reviews, approvals and coverage duties of %(person)s, from Pranata",
                            person=sub.person.name)
        else:
            description = _("%(kind)s of %(unit)s, from Pranata", kind=kind, unit=unit.name)
    return FeedMeta(name=sub.name or kind, zone=zone_name(unit), description=description)


def _visible_unit(sub: FeedSubscription, access: Access) -> Unit | None:
    """The subscribed unit, if its owner may still see its posts and agenda."""
    if sub.unit is None or access.person is None or not access.person.active:
        return None
    return sub.unit if access.can(Action.VIEW_POSTS, sub.unit) else None


def feed_groups(sub: FeedSubscription, access: Access, window: Window, *, base_url: str,
                uid_domain: str, only: dict[str, set[int]] | None = None
                ) -> dict[GroupKey, list[FeedEvent]]:
    """Every object's events in the feed, grouped by the object, in key order.  With `only`
    (e.g. {"post": {3, 9}}) just the groups of those objects: one missing from the result is
    no longer in the feed.  Texts in the current locale."""
    build = Build(window, base_url, uid_domain, only)
    kind = FeedKind(sub.kind)
    groups: dict[GroupKey, list[FeedEvent]] = {}
    if kind == FeedKind.PERSONAL:
        if access.person is not None and access.person.active and access.grants:
            from planner.queries.feed_personal import personal_groups  # it builds on this module
            groups = personal_groups(sub.person, access, build)
    else:
        unit = _visible_unit(sub, access)
        if unit is not None:
            part = {FeedKind.UNIT: _post_groups, FeedKind.SLOTS: _slot_groups,
                    FeedKind.AGENDA: _agenda_groups}[kind]
            groups = part(sub, unit, access, build)
    return {key: sorted(groups[key], key=lambda e: e.uid) for key in sorted(groups)}


def _add(groups: dict[GroupKey, list[FeedEvent]], key: GroupKey, event: FeedEvent) -> None:
    groups.setdefault(key, []).append(event)


# -- the publication calendar --------------------------------------------------------------

def post_status(state: PostState) -> str:
    if state == PostState.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if state in TENTATIVE_STATES else "CONFIRMED"


def kept(build: Build):
    """Posts not cancelled, or cancelled recently enough to be shown as cancelled."""
    return or_(Post.state != PostState.CANCELLED, Post.updated_at >= build.window.cancelled_since)


def _post_event(build: Build, post: Post, variant: PostVariant | None) -> FeedEvent:
    start = (variant.planned_at or post.planned_at) if variant is not None else post.planned_at
    channel = variant.channel if variant is not None else None
    state = build.text(POST_STATE_LABELS[post.state])
    title = f"{post.title} ({state})"
    summary = f"[{channel.name}] {title}" if channel is not None else title
    platform = build.text(PLATFORM_LABELS[channel.platform]) if channel is not None else None
    link = build.link(f"/posts/{post.id}")
    description = text_lines(
        build.text(N_("Category: %(name)s"), name=post.category.name),
        build.text(N_("Communication function: %(name)s"),
                   name=build.text(FUNCTION_LABELS[post.function])),
        build.text(N_("State: %(state)s"), state=state),
        build.text(N_("Channel: %(name)s (%(platform)s)"), name=channel.name, platform=platform)
        if channel is not None else None,
        build.text(N_("Campaign: %(name)s"), name=post.campaign) if post.campaign else None,
        build.text(N_("Hashtags: %(tags)s"), tags=post.hashtags) if post.hashtags else None,
        build.text(N_("Unit: %(name)s"), name=post.unit.name),
        link)
    return FeedEvent(
        uid=build.uid(f"variant-{variant.id}" if variant is not None else f"post-{post.id}"),
        sequence=post.version - 1, stamp=post.updated_at, start=start,
        end=start + timedelta(minutes=POST_MINUTES), zone=zone_name(post.unit), summary=summary,
        description=description, status=post_status(post.state),
        categories=tuple(c for c in (post.category.name, platform) if c), url=link,
        transparent=True)


def _post_groups(sub: FeedSubscription, unit: Unit, access: Access, build: Build):
    ids = build.wanted("post")
    groups: dict[GroupKey, list[FeedEvent]] = {}
    if ids is not None and not ids:
        return groups
    start, end = build.window.start, build.window.end
    conditions = [subtree(unit), access.unit_condition(Action.VIEW_POSTS), kept(build)]
    if sub.category_id:
        conditions.append(Post.category_id == sub.category_id)
    if sub.state:
        conditions.append(Post.state == sub.state)
    if ids is not None:
        conditions.append(Post.id.in_(sorted(ids)))
    planned = func.coalesce(PostVariant.planned_at, Post.planned_at)
    variants = (select(PostVariant).join(Post, PostVariant.post_id == Post.id)
                .join(Unit, Post.unit_id == Unit.id)
                .where(planned >= start, planned < end, *conditions)
                .options(contains_eager(PostVariant.post).contains_eager(Post.unit),
                         contains_eager(PostVariant.post).joinedload(Post.category),
                         joinedload(PostVariant.channel)))
    if sub.channel_id:
        variants = variants.where(PostVariant.channel_id == sub.channel_id)
    for variant in db.session.scalars(variants).unique():
        _add(groups, ("post", variant.post_id), _post_event(build, variant.post, variant))
    if not sub.channel_id:  # a post without variants is on no channel
        bare = (select(Post).join(Unit, Post.unit_id == Unit.id)
                .where(Post.planned_at >= start, Post.planned_at < end, ~Post.variants.any(),
                       *conditions)
                .options(contains_eager(Post.unit), joinedload(Post.category)))
        for post in db.session.scalars(bare):
            _add(groups, ("post", post.id), _post_event(build, post, None))
    return groups


# -- upload slots --------------------------------------------------------------------------

def rule_of(slot: UploadSlot) -> SlotRule:
    return SlotRule(slot.rule, slot.starts_on, slot.time_of_day, slot.ends_on,
                    slot.channel.unit.zone)


def _rule_in_words(build: Build, slot: UploadSlot, rule: SlotRule) -> str:
    words = describe(rule, slot.channel.unit.timezone.value)
    params = dict(words.params)
    params["time"] = format_time(params["time"], "HH:mm", locale=get_locale())
    if words.weekdays:
        names = get_day_names("wide", locale=get_locale())
        params["days"] = format_list([names[d] for d in words.weekdays], locale=get_locale())
    else:
        params["days"] = ""
    return build.text(words.message, **params)


def _slot_event(build: Build, slot: UploadSlot) -> FeedEvent | None:
    channel = slot.channel
    rule = rule_of(slot)
    recurrence = slot_recurrence(rule)
    window = build.window
    if recurrence is None or recurrence.first >= window.end or (
            recurrence.last is not None and recurrence.last < window.start):
        return None
    status, stamp = "CONFIRMED", slot.updated_at
    if not (slot.active and channel.active):
        # Switched off: the slot, or its whole channel.  Shown cancelled for a while after.
        ended = max(row.updated_at for row in (slot, channel) if not row.active)
        if ended < window.cancelled_since:
            return None
        status, stamp = "CANCELLED", max(ended, slot.updated_at)
    summary = build.text(N_("Upload slot: %(channel)s"), channel=channel.name)
    if slot.label:
        summary = f"{summary} · {slot.label}"
    if status == "CANCELLED":
        summary = cancelled_summary(build, summary)
    platform = build.text(PLATFORM_LABELS[channel.platform])
    link = build.link(f"/channels/{channel.id}/slots")
    description = text_lines(
        build.text(N_("Channel: %(name)s (%(platform)s)"), name=channel.name, platform=platform),
        build.text(N_("Unit: %(name)s"), name=channel.unit.name),
        _rule_in_words(build, slot, rule), link)
    return FeedEvent(
        uid=build.uid(f"slot-{slot.id}"), sequence=slot.version - 1, stamp=stamp,
        start=recurrence.first, end=recurrence.first + timedelta(minutes=SLOT_MINUTES),
        zone=zone_name(channel.unit), summary=summary, description=description, status=status,
        categories=(platform,), url=link, rrule=recurrence.rule, transparent=True)


def _slot_groups(sub: FeedSubscription, unit: Unit, access: Access, build: Build):
    ids = build.wanted("slot")
    groups: dict[GroupKey, list[FeedEvent]] = {}
    if ids is not None and not ids:
        return groups
    since = build.window.cancelled_since
    query = (select(UploadSlot).join(Channel, UploadSlot.channel_id == Channel.id)
             .join(Unit, Channel.unit_id == Unit.id)
             .options(contains_eager(UploadSlot.channel).contains_eager(Channel.unit))
             .where(or_(subtree(unit), Channel.unit_id.in_(lineage(unit))),
                    or_(and_(UploadSlot.active.is_(True), Channel.active.is_(True)),
                        UploadSlot.updated_at >= since, Channel.updated_at >= since)))
    if sub.channel_id:
        query = query.where(Channel.id == sub.channel_id)
    if ids is not None:
        query = query.where(UploadSlot.id.in_(sorted(ids)))
    for slot in db.session.scalars(query):
        event = _slot_event(build, slot)
        if event is not None:
            _add(groups, ("slot", slot.id), event)
    return groups


# -- the leader's agenda -------------------------------------------------------------------

def event_cancelled_at(event: AgendaEvent) -> datetime | None:
    """When the event stopped taking place (cancelled, or removed from its source calendar)."""
    if event.removed_upstream_at is not None:
        return max(event.removed_upstream_at, event.updated_at)
    return event.updated_at if event.status == EventStatus.CANCELLED else None


def events_kept(build: Build):
    since = build.window.cancelled_since
    live = and_(AgendaEvent.status != EventStatus.CANCELLED, AgendaEvent.removed_upstream_at.is_(None))
    return or_(live, AgendaEvent.updated_at >= since, AgendaEvent.removed_upstream_at >= since)


def event_status(event: AgendaEvent) -> str:
    if event_cancelled_at(event) is not None:
        return "CANCELLED"
    return "TENTATIVE" if event.status == EventStatus.TENTATIVE else "CONFIRMED"


def _agenda_event(build: Build, event: AgendaEvent) -> FeedEvent:
    status = event_status(event)
    link = build.link(f"/agenda/{event.id}")
    description = text_lines(
        build.text(N_("Leader: %(name)s"), name=event.leader),
        build.text(N_("Source: %(source)s"), source=event.source) if event.source else None,
        build.text(N_("Removed from the calendar it was imported from."))
        if event.removed_upstream_at is not None else None,
        event.notes or None, link)
    summary = event.title if status != "CANCELLED" else cancelled_summary(build, event.title)
    return FeedEvent(
        uid=build.uid(f"agenda-{event.id}"), sequence=event.version - 1,
        stamp=event_cancelled_at(event) or event.updated_at, start=event.starts_at,
        end=event.ends_at, zone=zone_name(event.unit), summary=summary, description=description,
        location=event.place, status=status, url=link, transparent=True)


def _agenda_groups(sub: FeedSubscription, unit: Unit, access: Access, build: Build):
    ids = build.wanted("event")
    groups: dict[GroupKey, list[FeedEvent]] = {}
    if ids is not None and not ids:
        return groups
    query = (select(AgendaEvent).join(Unit, AgendaEvent.unit_id == Unit.id)
             .options(contains_eager(AgendaEvent.unit))
             .where(subtree(unit), access.unit_condition(Action.VIEW_POSTS),
                    AgendaEvent.starts_at < build.window.end,
                    AgendaEvent.ends_at >= build.window.start, events_kept(build)))
    if ids is not None:
        query = query.where(AgendaEvent.id.in_(sorted(ids)))
    for event in db.session.scalars(query):
        _add(groups, ("event", event.id), _agenda_event(build, event))
    return groups


__all__ = ["Build", "FEED_OBJECT_TYPES", "GroupKey", "INCREMENTAL_TYPES", "feed_groups",
           "feed_meta", "feed_unit_paths", "feed_units"]
