"""Read side of the content mix: the target a unit follows in a month, the planned and
published counts of its subtree per month and category (grouped in SQL, a fixed number of
statements whatever the number of posts), and the warning when a plan pushes the month past
the target."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import func

from planner.domain import mix
from planner.domain.content import PostState
from planner.domain.errors import Violation
from planner.extensions import db
from planner.models import Category, MixTarget, MixTargetLine, Post, Unit
from planner.services.sops import lineage

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


def target_in_force(unit: Unit, month: date) -> MixTarget | None:
    return in_force(unit, targets_over(unit, month, month), month)


def subtree(unit: Unit):
    """The condition 'the post belongs to the unit or a unit below it' (joins Unit)."""
    return Unit.path.startswith(unit.path)


def planned_counts(unit: Unit, month: date, exclude_post_id: int | None = None) -> dict[int, int]:
    """Category id -> planned posts of the unit's subtree in `month` (the unit's zone), in
    one grouped statement."""
    start, end = mix.month_bounds_utc(month, unit.zone)
    query = (select(Post.category_id, func.count(Post.id))
             .join(Unit, Post.unit_id == Unit.id)
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


__all__ = ["NOT_PLANNED", "in_force", "overshoot_warnings", "planned_counts", "subtree",
           "target_in_force", "target_lines", "targets_over"]
