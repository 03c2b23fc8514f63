"""Read side of the content mix: the target a unit follows in a month, the planned and
published counts of its subtree per month and category (grouped in SQL, a fixed number of
statements whatever the number of posts), and the warning when a plan pushes the month past
the target."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, literal, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import func

from planner.domain import mix
from planner.domain.content import PostState
from planner.domain.errors import Violation
from planner.extensions import db
from planner.models import Category, MixTarget, MixTargetLine, Post, Unit
from planner.services.sops import government_of, lineage

# Posts that will not go out do not count in the plan.
NOT_PLANNED = (PostState.CANCELLED, PostState.WITHDRAWN)


def target_lines(target: MixTarget) -> list[mix.TargetLine]:
    """The target's lines in the plain form the mix arithmetic reads."""
    return [mix.TargetLine(line.bound, line.percent,
                           tuple((c.id, c.name) for c in line.categories))
            for line in target.lines]


def targets_over(unit: Unit, first: date, last: date) -> list[MixTarget]:
    """The targets of the unit and of the units above it whose periods touch the months
    from `first` to `last` (with their lines and categories loaded)."""
    return list(db.session.scalars(
        select(MixTarget)
        .where(MixTarget.unit_id.in_(lineage(unit)), MixTarget.starts_on <= mix.last_of_month(last),
               or_(MixTarget.ends_on.is_(None), MixTarget.ends_on >= first))
        .options(selectinload(MixTarget.lines).selectinload(MixTargetLine.categories),
                 selectinload(MixTarget.unit))
        .order_by(MixTarget.starts_on)))


def in_force(unit: Unit, targets: list[MixTarget], month: date) -> MixTarget | None:
    """Among `targets`, the one the unit follows in `month`: its own, else that of the
    nearest unit above it."""
    chain = lineage(unit)
    running = {t.unit_id: t for t in targets
               if t.starts_on <= month and (t.ends_on is None or t.ends_on >= month)}
    return next((running[i] for i in reversed(chain) if i in running), None)


def unit_targets(unit: Unit) -> list[MixTarget]:
    """The unit's own targets, newest period first, with their lines and categories."""
    return list(db.session.scalars(
        select(MixTarget).where(MixTarget.unit_id == unit.id)
        .options(selectinload(MixTarget.lines).selectinload(MixTargetLine.categories),
                 selectinload(MixTarget.updated_by))
        .order_by(MixTarget.starts_on.desc())))


def target_in_force(unit: Unit, month: date) -> MixTarget | None:
    return in_force(unit, targets_over(unit, month, month), month)


def subtree(unit: Unit):
    """The condition 'the post belongs to the unit or a unit below it': the units first,
    then their posts through the index that leads with the unit, so that one unit's mix
    does not read the rest of its government's posts."""
    return Post.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))


def planned_counts(unit: Unit, month: date, exclude_post_id: int | None = None) -> dict[int, int]:
    """Category id -> planned posts of the unit's subtree in `month` (the unit's zone), in
    one grouped statement."""
    start, end = mix.month_bounds_utc(month, unit.zone)
    query = (select(Post.category_id, func.count(Post.id))
             .where(subtree(unit), Post.planned_at >= start, Post.planned_at < end,
                    Post.state.not_in(NOT_PLANNED))
             .group_by(Post.category_id))
    if exclude_post_id is not None:
        query = query.where(Post.id != exclude_post_id)
    return {category_id: count for category_id, count in db.session.execute(query)}


def overshoot_warnings(unit: Unit, category: Category | int, planned_at: datetime,
                       exclude_post_id: int | None = None) -> list[Violation]:
    """Warnings (field "category_id") when planning one more post of `category` at
    `planned_at` takes the month's planned mix of `unit` past an 'at most' line of the
    target it follows that month.  `exclude_post_id`: the post being edited, counted once
    as the new plan rather than twice."""
    if planned_at is None:
        return []
    category_id = category if isinstance(category, int) else category.id
    month = mix.month_of(planned_at, unit.zone)
    target = target_in_force(unit, month)
    if target is None:
        return []
    lines = target_lines(target)
    if not any(category_id in line.category_ids for line in lines):
        return []
    return mix.overshoot_violations(lines, planned_counts(unit, month, exclude_post_id),
                                    category_id)


# -- the mix page -------------------------------------------------------------------------

@dataclass
class Share:
    """The posts of one category in one month, and their share of the month's posts."""

    category: Category
    count: int
    total: int

    @property
    def share(self) -> str:
        return mix.share_text(self.count, self.total)

    @property
    def tenths(self) -> int:
        return mix.share_tenths(self.count, self.total) or 0


@dataclass
class Side:
    """Planned or published: the month's counts per category and how they stand against
    the target's lines."""

    shares: list[Share]
    total: int
    standings: list[mix.LineStanding] = field(default_factory=list)

    @property
    def beyond(self) -> int:
        return sum(1 for s in self.standings if s.status == mix.BEYOND)


@dataclass
class MonthMix:
    month: date
    planned: Side
    published: Side
    target: MixTarget | None


@dataclass
class MixPage:
    unit: Unit
    first: date
    last: date
    categories: list[Category]  # the ones shown: active, or with posts in the range
    months: list[MonthMix]
    targets: list[MixTarget]  # the targets in force over the range, oldest first


def _bucket(column, boundaries: list[datetime]):
    """The index of the month `column` falls in, given the months' UTC starts and the end
    of the last (the rows are already limited to [first start, last end))."""
    whens = [(column < boundary, index) for index, boundary in enumerate(boundaries[1:-1])]
    if not whens:
        return literal(0)
    return case(*whens, else_=len(boundaries) - 2)


def _grouped(unit: Unit, column, boundaries: list[datetime], *conditions) -> dict[tuple[int, int], int]:
    """(month index, category id) -> posts, in one statement: each row is given its
    month by a CASE over the months' UTC boundaries (computed here in the unit's zone, so
    SQLite and PostgreSQL group alike), then counted."""
    rows = (select(Post.category_id.label("category_id"),
                   _bucket(column, boundaries).label("month"))
            .where(subtree(unit), column >= boundaries[0], column < boundaries[-1], *conditions)
            .subquery())
    query = (select(rows.c.month, rows.c.category_id, func.count())
             .group_by(rows.c.month, rows.c.category_id))
    return {(month, category_id): count for month, category_id, count in db.session.execute(query)}


def _side(categories: list[Category], counts: dict[int, int], lines) -> Side:
    total = sum(counts.values())
    return Side([Share(c, counts.get(c.id, 0), total) for c in categories], total,
                mix.standings(lines, counts) if lines is not None else [])


def mix_page(unit: Unit, first: date, last: date) -> MixPage:
    """Planned and published shares of each category per month, from `first`'s month to
    `last`'s, for the unit and the units below it, against the target in force each month.
    A fixed number of statements, whatever the number of posts or months."""
    months = mix.months_between(first, last)
    boundaries = [mix.month_start_utc(m, unit.zone) for m in months]
    boundaries.append(mix.month_start_utc(mix.add_months(months[-1], 1), unit.zone))
    planned = _grouped(unit, Post.planned_at, boundaries, Post.state.not_in(NOT_PLANNED))
    published = _grouped(unit, Post.published_at, boundaries)
    every = list(db.session.scalars(select(Category).where(
        Category.government_id == government_of(unit))
        .order_by(Category.position, Category.id)))
    used = {category_id for _, category_id in (*planned, *published)}
    categories = [c for c in every if c.active or c.id in used]
    targets = targets_over(unit, months[0], months[-1])
    result = []
    for index, month in enumerate(months):
        target = in_force(unit, targets, month)
        lines = target_lines(target) if target is not None else None
        plan = {c: n for (i, c), n in planned.items() if i == index}
        done = {c: n for (i, c), n in published.items() if i == index}
        result.append(MonthMix(month, _side(categories, plan, lines),
                               _side(categories, done, lines), target))
    shown = [t for t in targets if any(m.target is t for m in result)]
    return MixPage(unit, months[0], months[-1], categories, result, shown)


__all__ = ["MixPage", "MonthMix", "NOT_PLANNED", "Share", "Side", "in_force", "mix_page",
           "overshoot_warnings", "planned_counts", "subtree", "target_in_force", "target_lines",
           "targets_over", "unit_targets"]
