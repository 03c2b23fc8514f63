"""Distribution networks, the distribution log of published posts, and the record of other
units reusing a post.

Every change to a unit's network first locks all of that network's rows, so two moves cannot
cross into a cycle; recording or removing a post's distribution or reuse locks the post's
row, so two people recording the same groups at once are refused, not doubled.  Every rule
is checked before anything is written, and the audit event is written last.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from planner.domain.access import Action
from planner.domain.content import AmplificationKind, GroupLevel, Platform, PostState
from planner.domain.distribution import (group_problems, reuse_date_problems, sent_at_problems,
                                         would_create_cycle)
from planner.domain.errors import N_, RuleViolated, StaleEdit, Violation
from planner.extensions import db
from planner.models import (Amplification, Channel, Delegation, Distribution, DistributionGroup,
                            Person, Post, RoleAssignment, Unit)
from planner.models.base import utcnow
from planner.permissions import Access
from planner.queries.planning import channel_usable_by
from planner.services import record, transaction
from planner.services.sops import government_of, lineage

NOTE_LIMIT = 2000
URL_LIMIT = 500


def _group_snapshot(group: DistributionGroup) -> dict:
    return {"name": group.name, "level": group.level, "parent_id": group.parent_id,
            "members": group.members, "channel_id": group.channel_id, "active": group.active}


def _lock_network(unit_id: int) -> list[DistributionGroup]:
    """Lock every group of the unit's network and return them as they are now."""
    db.session.execute(select(DistributionGroup.id).where(DistributionGroup.unit_id == unit_id)
                       .with_for_update())
    return list(db.session.scalars(select(DistributionGroup)
                                   .where(DistributionGroup.unit_id == unit_id)
                                   .execution_options(populate_existing=True)))


def _check_version(group: DistributionGroup, expected_version: int | None) -> None:
    if expected_version is None or group.version != expected_version:
        raise StaleEdit(group.updated_by.name if group.updated_by else None, group.updated_at)


def _channel_problems(channel: Channel | None, unit: Unit, unchanged: bool) -> list[Violation]:
    if channel is None or unchanged:
        return []
    if channel.platform != Platform.WHATSAPP or not channel_usable_by(channel, unit) \
            or not channel.active:
        return [Violation("channel_id", N_("Choose an active WhatsApp channel of this unit."), {})]
    return []


def _parent_problems(group_id: int | None, parent: DistributionGroup | None, unit: Unit,
                     network: list[DistributionGroup], unchanged: bool) -> list[Violation]:
    if parent is None:
        return []
    if parent.unit_id != unit.id:
        return [Violation("parent_id", N_("The group above must belong to the network of %(unit)s."),
                          {"unit": unit.name})]
    if group_id is not None and would_create_cycle(group_id, parent.id,
                                                   {g.id: g.parent_id for g in network}):
        return [Violation("parent_id", N_("%(name)s lies below this group: a group cannot sit "
                                          "under its own subgroup."), {"name": parent.name})]
    if not parent.active and not unchanged:
        return [Violation("parent_id", N_("%(name)s is no longer active."), {"name": parent.name})]
    return []


# -- networks --------------------------------------------------------------------------------

def create_group(actor: Person | None, access: Access | None, unit: Unit, *, name: str,
                 level: GroupLevel, members: int, parent: DistributionGroup | None = None,
                 channel: Channel | None = None) -> DistributionGroup:
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, unit)
    with transaction():
        network = _lock_network(unit.id)
        problems = group_problems(name=name, level=level, members=members,
                                  parent_level=parent.level if parent is not None else None)
        problems += _parent_problems(None, parent, unit, network, unchanged=False)
        problems += _channel_problems(channel, unit, unchanged=False)
        if problems:
            raise RuleViolated(problems)
        now = utcnow()
        group = DistributionGroup(unit_id=unit.id, parent_id=parent.id if parent else None,
                                  channel_id=channel.id if channel else None, name=name.strip(),
                                  level=level, members=members, active=True, created_at=now,
                                  updated_at=now, updated_by_id=actor.id if actor else None)
        db.session.add(group)
        db.session.flush()
        record(actor, "distribution_group.created", group, unit.id, after=_group_snapshot(group))
    return group


def update_group(actor: Person | None, access: Access | None, group: DistributionGroup,
                 expected_version: int | None, *, name: str, level: GroupLevel, members: int,
                 parent: DistributionGroup | None = None,
                 channel: Channel | None = None) -> DistributionGroup:
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, group)
    unit = group.unit
    with transaction():
        network = _lock_network(unit.id)
        _check_version(group, expected_version)
        parent_id = parent.id if parent is not None else None
        problems = group_problems(
            name=name, level=level, members=members,
            parent_level=parent.level if parent is not None and parent.unit_id == unit.id else None,
            child_levels=[g.level for g in network if g.parent_id == group.id])
        problems += _parent_problems(group.id, parent, unit, network,
                                     unchanged=parent_id == group.parent_id)
        problems += _channel_problems(channel, unit,
                                      unchanged=(channel.id if channel else None) == group.channel_id)
        if problems:
            raise RuleViolated(problems)
        before = _group_snapshot(group)
        group.name, group.level, group.members = name.strip(), level, members
        group.parent_id, group.channel_id = parent_id, channel.id if channel else None
        group.updated_at, group.updated_by_id = utcnow(), actor.id if actor else None
        db.session.flush()
        record(actor, "distribution_group.updated", group, unit.id, before=before,
               after=_group_snapshot(group))
    return group


def set_group_active(actor: Person | None, access: Access | None, group: DistributionGroup,
                     expected_version: int | None, active: bool) -> DistributionGroup:
    """Deactivate a group (it stays in the tree and in past logs, but is no longer offered
    and no longer counts in the network) or bring it back."""
    if access is not None:
        access.require(Action.MANAGE_CHANNELS, group)
    with transaction():
        _lock_network(group.unit_id)
        _check_version(group, expected_version)
        if group.active == active:
            return group
        before = _group_snapshot(group)
        group.active = active
        group.updated_at, group.updated_by_id = utcnow(), actor.id if actor else None
        db.session.flush()
        record(actor, "distribution_group.reactivated" if active else "distribution_group.deactivated",
               group, group.unit_id, before=before, after=_group_snapshot(group))
    return group


# -- the distribution log of a post ----------------------------------------------------------

def people_covering(unit: Unit, first_day: date, last_day: date) -> list[Person]:
    """People holding a role (or acting in one) in the unit or a unit above it at some time
    between the two days: those who may be named as having sent a post."""
    ids = lineage(unit)
    holders = select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id.in_(ids), RoleAssignment.valid_from <= last_day,
        RoleAssignment.valid_to.is_(None) | (RoleAssignment.valid_to >= first_day))
    acting = select(Delegation.delegate_id).where(
        Delegation.unit_id.in_(ids), Delegation.valid_from <= last_day,
        Delegation.valid_to.is_(None) | (Delegation.valid_to >= first_day),
        Delegation.valid_to.is_(None) | (Delegation.valid_to >= Delegation.valid_from))
    return list(db.session.scalars(select(Person).where(Person.id.in_(holders.union(acting)))
                                   .order_by(Person.name)))


def _held_role(person: Person, unit: Unit, at: datetime) -> bool:
    day = at.astimezone(unit.zone).date()
    return any(p.id == person.id for p in people_covering(unit, day, day))


def _lock_post(post: Post) -> None:
    db.session.execute(select(Post.id).where(Post.id == post.id).with_for_update())
    db.session.refresh(post)


def _published(post: Post) -> None:
    if post.state != PostState.PUBLISHED or post.published_at is None:
        raise RuleViolated.one(None, N_("Only a published post can be distributed or reused; "
                                        "this one is not published."))


def _line_snapshot(line: Distribution) -> dict:
    return {"group_id": line.group_id, "group": line.group.name, "sent_at": line.sent_at,
            "sent_by_id": line.sent_by_id, "members_reached": line.members_reached}


def record_distribution(actor: Person, access: Access | None, post: Post, *, group_ids: list[int],
                        sent_at: datetime | None, sent_by: Person | None) -> list[Distribution]:
    """Record that the post was sent to these groups of its unit's network, all at once or
    not at all; each line keeps the group's members at the time of recording."""
    if access is not None:
        access.require(Action.RECORD_DISTRIBUTION, post)
    unit = post.unit
    try:
        with transaction():
            _lock_post(post)
            _published(post)
            problems = []
            if not group_ids:
                problems.append(Violation("group_ids", N_("Choose at least one group."), {}))
            groups = {g.id: g for g in db.session.scalars(
                select(DistributionGroup).where(DistributionGroup.id.in_(set(group_ids))))}
            already = set(db.session.scalars(select(Distribution.group_id).where(
                Distribution.post_id == post.id, Distribution.group_id.in_(set(group_ids)))))
            for group_id, times in Counter(group_ids).items():
                group = groups.get(group_id)
                if group is None or group.unit_id != post.unit_id:
                    problems.append(Violation("group_ids", N_("Group no. %(id)s is not in the "
                                                              "distribution network of %(unit)s."),
                                              {"id": group_id, "unit": unit.name}))
                elif times > 1:
                    problems.append(Violation("group_ids", N_("%(name)s is chosen more than once."),
                                              {"name": group.name}))
                elif group_id in already:
                    problems.append(Violation("group_ids", N_("The post is already recorded as sent "
                                                              "to %(name)s."), {"name": group.name}))
                elif not group.active:
                    problems.append(Violation("group_ids", N_("%(name)s is no longer active."),
                                              {"name": group.name}))
            problems += sent_at_problems(sent_at, post.published_at, utcnow())
            if sent_by is None or (sent_at is not None and not _held_role(sent_by, unit, sent_at)):
                problems.append(Violation("sent_by_id", N_("Choose someone who held a role in %(unit)s "
                                                           "when it was sent."), {"unit": unit.name}))
            if problems:
                raise RuleViolated(problems)
            lines = [Distribution(post_id=post.id, group=groups[group_id], sent_at=sent_at,
                                  sent_by_id=sent_by.id, members_reached=groups[group_id].members,
                                  recorded_by_id=actor.id, recorded_at=utcnow())
                     for group_id in group_ids]
            db.session.add_all(lines)
            db.session.flush()
            record(actor, "distribution.recorded", post, post.unit_id,
                   after={"lines": [_line_snapshot(line) for line in lines]},
                   line_ids=[line.id for line in lines])
    except IntegrityError:
        # Only a uniqueness race can get here: the post's lock makes it near impossible.
        raise RuleViolated.one("group_ids", N_("Someone recorded one of these groups at the same "
                                               "moment; nothing of yours was saved.")) from None
    return lines


def remove_distribution(actor: Person, access: Access | None, line: Distribution) -> None:
    """Take a wrong line out of a post's log (the audit trail keeps what it said)."""
    post = line.post
    if access is not None:
        access.require(Action.RECORD_DISTRIBUTION, post)
    with transaction():
        _lock_post(post)
        current = db.session.scalar(select(Distribution).where(Distribution.id == line.id))
        if current is None:
            raise RuleViolated.one(None, N_("This line had already been removed."))
        before = _line_snapshot(current)
        db.session.delete(current)
        db.session.flush()
        record(actor, "distribution.removed", post, post.unit_id, before=before, line_id=line.id)


# -- amplification ---------------------------------------------------------------------------

def _url_problems(url: str) -> list[Violation]:
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or len(url) > URL_LIMIT:
        return [Violation("url", N_("Enter a web address starting with https://."), {})]
    return []


def record_amplification(actor: Person, access: Access | None, post: Post, *, unit: Unit | None,
                         kind: AmplificationKind, reused_on: date | None, url: str | None = None,
                         note: str | None = None) -> Amplification:
    """Record that another unit reused the post."""
    if access is not None:
        access.require(Action.RECORD_DISTRIBUTION, post)
    url, note = (url or "").strip(), (note or "").strip()
    with transaction():
        _lock_post(post)
        _published(post)
        problems = []
        if not may_reuse(access, post, unit):
            problems.append(Violation("unit_id", N_("Choose another unit of the government, or one "
                                                    "that you can see."), {}))
        home = post.unit
        problems += reuse_date_problems(reused_on, post.published_at.astimezone(home.zone).date(),
                                        home.today())
        problems += _url_problems(url)
        if len(note) > NOTE_LIMIT:
            problems.append(Violation("note", N_("A note can be at most %(max)s characters."),
                                      {"max": NOTE_LIMIT}))
        if problems:
            raise RuleViolated(problems)
        reuse = Amplification(post_id=post.id, unit_id=unit.id, kind=AmplificationKind(kind),
                              reused_on=reused_on, url=url or None, note=note,
                              recorded_by_id=actor.id, recorded_at=utcnow())
        db.session.add(reuse)
        db.session.flush()
        record(actor, "amplification.recorded", post, post.unit_id,
               after=_reuse_snapshot(reuse, unit), amplification_id=reuse.id)
    return reuse


def may_reuse(access: Access | None, post: Post, unit: Unit | None) -> bool:
    """Who can be named as reusing a post: any unit but the post's own, of the post's
    government (agencies reuse each other's posts; their names are no secret) or one the
    recorder can see."""
    if unit is None or unit.id == post.unit_id:
        return False
    return (government_of(unit) == government_of(post.unit) or access is None
            or access.sees(unit))


def _reuse_snapshot(reuse: Amplification, unit: Unit) -> dict:
    return {"unit_id": unit.id, "unit": unit.name, "kind": reuse.kind, "reused_on": reuse.reused_on,
            "url": reuse.url, "note": reuse.note}


def remove_amplification(actor: Person, access: Access | None, reuse: Amplification) -> None:
    post = reuse.post
    if access is not None:
        access.require(Action.RECORD_DISTRIBUTION, post)
    with transaction():
        _lock_post(post)
        current = db.session.scalar(select(Amplification).where(Amplification.id == reuse.id))
        if current is None:
            raise RuleViolated.one(None, N_("This reuse had already been removed."))
        before = _reuse_snapshot(current, current.unit)
        db.session.delete(current)
        db.session.flush()
        record(actor, "amplification.removed", post, post.unit_id, before=before,
               amplification_id=reuse.id)
