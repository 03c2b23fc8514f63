"""Read side of distribution: a unit's network as a tree, a post's distribution log with its
coverage and its reuse by other units (the panel on the post's page), who may be named as
the sender, and the monthly report.  Each runs a fixed number of SQL statements, whatever
the size of the network, the log or the period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from planner.domain.access import Action
from planner.domain.content import PostState
from planner.domain.distribution import (Month, MonthFigures, PostReach, TreeNode, add_months,
                                         build_tree, coverage_percent, meets_target, month_figures,
                                         network_total)
from planner.extensions import db
from planner.models import Amplification, Channel, Distribution, DistributionGroup, Person, Post, Unit
from planner.permissions import Access
from planner.queries.planning import settings_for
from planner.services.distribution import people_covering
from planner.services.sops import government_of


# -- networks --------------------------------------------------------------------------------

@dataclass
class Network:
    unit: Unit
    groups: list[DistributionGroup]
    roots: list[TreeNode]
    total: int  # members of the active groups
    channels: dict[int, Channel]  # by group id, for the groups that name their channel

    @property
    def active_groups(self) -> list[DistributionGroup]:
        return [g for g in self.groups if g.active]


def network_of(unit: Unit) -> Network:
    """The unit's groups (active or not) as a tree, children by name, with their channels;
    one statement."""
    rows = db.session.execute(
        select(DistributionGroup, Channel)
        .outerjoin(Channel, Channel.id == DistributionGroup.channel_id)
        .where(DistributionGroup.unit_id == unit.id)
        .order_by(DistributionGroup.name, DistributionGroup.id)).all()
    groups = [group for group, _ in rows]
    channels = {group.id: channel for group, channel in rows if channel is not None}
    return Network(unit, groups, build_tree(groups), network_total(groups), channels)


def _network_size(unit_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(DistributionGroup.members), 0)).where(
        DistributionGroup.unit_id == unit_id, DistributionGroup.active.is_(True)))


# -- a post's distribution and reuse ----------------------------------------------------------

@dataclass
class PostDistributionPanel:
    """What the post page shows of the post's distribution and reuse, and which links the
    reader is offered."""

    post: Post
    lines: list[Distribution]
    reached: int                 # members reached by every line
    network_total: int           # members of the unit's active groups, now
    coverage: float | None       # percent of the network; None without a network
    target: int | None           # the unit's target percent, if it set one
    meets_target: bool | None
    amplifications: list[Amplification]
    published: bool
    can_record: bool             # may record distribution and reuse (author, contributor)

    @property
    def reuse_units(self) -> int:
        return len({a.unit_id for a in self.amplifications})


def _lines(post: Post) -> list[Distribution]:
    return list(db.session.scalars(
        select(Distribution).where(Distribution.post_id == post.id)
        .options(joinedload(Distribution.group), joinedload(Distribution.sent_by),
                 joinedload(Distribution.recorded_by))
        .order_by(Distribution.sent_at, Distribution.id)))


def _amplifications(post: Post) -> list[Amplification]:
    return list(db.session.scalars(
        select(Amplification).where(Amplification.post_id == post.id)
        .options(joinedload(Amplification.unit), joinedload(Amplification.recorded_by))
        .order_by(Amplification.reused_on, Amplification.id)))


def post_panel(post: Post, access: Access | None = None, *, network: Network | None = None,
               ) -> PostDistributionPanel:
    """The distribution log, coverage against the unit's target and the reuses of a post, in
    four statements (three when the page has loaded the network already).  `access` is the
    reader's (the current request's when left out)."""
    if access is None:
        from planner.permissions import current_access
        access = current_access()
    lines = _lines(post)
    total = network.total if network is not None else _network_size(post.unit_id)
    target = settings_for(post.unit).distribution_target_percent
    reached = sum(line.members_reached for line in lines)
    coverage = coverage_percent(reached, total)
    published = post.state == PostState.PUBLISHED and post.published_at is not None
    return PostDistributionPanel(
        post=post, lines=lines, reached=reached, network_total=total, coverage=coverage,
        target=target, meets_target=meets_target(coverage, target) if published else None,
        amplifications=_amplifications(post), published=published,
        can_record=published and access.can(Action.RECORD_DISTRIBUTION, post))


def senders_for(post: Post) -> list[Person]:
    """Who may be named as having sent the post: people with a role covering its unit at
    some time since it was published."""
    unit = post.unit
    since = post.published_at.astimezone(unit.zone).date() if post.published_at else unit.today()
    return people_covering(unit, since, max(since, unit.today()))


def reuse_units_for(access: Access, post: Post) -> list[Unit]:
    """Units that may be named as reusing the post: those of its government and those the
    reader can see, but not the post's own unit."""
    prefix = f"/{government_of(post.unit)}/"
    return list(db.session.scalars(
        select(Unit).where(or_(Unit.path.startswith(prefix, autoescape=True),
                               access.unit_condition(Action.VIEW_UNIT)), Unit.id != post.unit_id)
        .order_by(Unit.path)))


# -- the monthly report ----------------------------------------------------------------------

@dataclass
class Report:
    unit: Unit
    rows: list[MonthFigures]
    network_total: int
    target: int | None
    unit_names: dict[int, str]

    @property
    def totals(self) -> MonthFigures:
        """The whole period's sums (averages are not summed: they stay per month)."""
        total = MonthFigures(self.rows[0].month if self.rows else (0, 0))
        for row in self.rows:
            total.published += row.published
            total.distributed += row.distributed
            total.members_reached += row.members_reached
            total.amplifications += row.amplifications
            if row.meeting_target is not None:
                total.meeting_target = (total.meeting_target or 0) + row.meeting_target
            for kind, n in row.by_kind.items():
                total.by_kind[kind] = total.by_kind.get(kind, 0) + n
            for unit_id, n in row.by_unit.items():
                total.by_unit[unit_id] = total.by_unit.get(unit_id, 0) + n
        return total


def _month_start(month: Month, unit: Unit) -> datetime:
    local = datetime.combine(date(month[0], month[1], 1), time(0, 0), tzinfo=unit.zone)
    return local.astimezone(timezone.utc)


def month_report(unit: Unit, months: list[Month]) -> Report:
    """Per month (on the unit's clock): the unit's published posts, how many were distributed,
    their coverage against the network and the target, members reached, and reuses by other
    units, per kind and per unit.  Four statements whatever the period or the data."""
    start, end = _month_start(months[0], unit), _month_start(add_months(months[-1], 1), unit)
    reach = db.session.execute(
        select(Post.published_at, func.coalesce(func.sum(Distribution.members_reached), 0),
               func.count(Distribution.id))
        .outerjoin(Distribution, Distribution.post_id == Post.id)
        .where(Post.unit_id == unit.id, Post.state == PostState.PUBLISHED,
               Post.published_at >= start, Post.published_at < end)
        .group_by(Post.id, Post.published_at)).all()
    posts = []
    for published_at, reached, lines in reach:
        local = published_at.astimezone(unit.zone)
        posts.append(PostReach((local.year, local.month), int(reached), int(lines)))
    first_day = date(months[0][0], months[0][1], 1)
    last = add_months(months[-1], 1)
    reuses = db.session.execute(
        select(Amplification.reused_on, Amplification.kind, Unit.id, Unit.name,
               func.count(Amplification.id))
        .join(Post, Amplification.post_id == Post.id).join(Unit, Amplification.unit_id == Unit.id)
        .where(Post.unit_id == unit.id, Amplification.reused_on >= first_day,
               Amplification.reused_on < date(last[0], last[1], 1))
        .group_by(Amplification.reused_on, Amplification.kind, Unit.id, Unit.name)).all()
    names = {unit_id: name for _, _, unit_id, name, _ in reuses}
    total = _network_size(unit.id)
    target = settings_for(unit).distribution_target_percent
    rows = month_figures(months, posts, total, target,
                         [((day.year, day.month), str(kind), unit_id, n)
                          for day, kind, unit_id, _, n in reuses])
    return Report(unit, rows, total, target, names)
