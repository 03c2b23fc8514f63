"""Target mixes per unit and period: creating, editing and ending one.  A target runs from
the first of a month to the last day of a month (or stays open); one unit's targets never
overlap; its lines must be able to hold together.  Changes to one unit's targets take a row
lock on the unit, so two heads cannot save overlapping periods at the same moment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from planner.domain import mix
from planner.domain.access import Action
from planner.domain.content import MixBound
from planner.domain.errors import N_, RuleViolated, Violation
from planner.domain.periods import Period
from planner.extensions import db
from planner.models import Category, MixTarget, MixTargetLine, Person, Unit
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import check_version, record, transaction
from planner.services.sops import government_of

MAX_LINES = 12
MAX_NOTE = 2000


@dataclass(frozen=True)
class LineSpec:
    """A line as entered: a bound, a whole percentage and the ids of its categories."""

    bound: MixBound
    percent: int
    category_ids: tuple[int, ...]


def _summary(target: MixTarget) -> dict:
    return {"starts_on": target.starts_on, "ends_on": target.ends_on, "note": target.note,
            "lines": [{"bound": line.bound.value, "percent": line.percent,
                       "categories": [c.code for c in line.categories]} for line in target.lines]}


def _lock_unit(unit: Unit) -> None:
    db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())


def _categories_for(unit: Unit, lines: list[LineSpec], kept: set[int]) -> tuple[dict[int, Category], list[Violation]]:
    """The categories the lines name, checked to be the government's own and active (a
    deactivated one may stay on a target that already has it)."""
    wanted = {c for line in lines for c in line.category_ids}
    found = {c.id: c for c in db.session.scalars(select(Category).where(
        Category.id.in_(wanted), Category.government_id == government_of(unit)))} if wanted else {}
    problems = []
    for category_id in sorted(wanted):
        category = found.get(category_id)
        if category is None:
            problems.append(Violation("lines", N_("A line names a category this government does not have.")))
        elif not category.active and category_id not in kept:
            problems.append(Violation("lines", N_(
                "%(category)s is no longer in use; choose an active category."),
                {"category": category.name}))
    return found, problems


def _check(unit: Unit, starts_on: date | None, ends_on: date | None, lines: list[LineSpec],
           note: str, kept: set[int] = frozenset()) -> dict[int, Category]:
    """Every rule a target must keep, apart from the overlap (checked under the lock)."""
    problems: list[Violation] = []
    if starts_on is None:
        problems.append(Violation("starts_on", N_("Give the month the target starts.")))
    else:
        problems += mix.check_period(starts_on, ends_on)
    if len(note) > MAX_NOTE:
        problems.append(Violation("note", N_("A note has at most %(max)s characters."), {"max": MAX_NOTE}))
    if not lines:
        problems.append(Violation("lines", N_("Give the target at least one line.")))
    if len(lines) > MAX_LINES:
        problems.append(Violation("lines", N_("A target has at most %(max)s lines."), {"max": MAX_LINES}))
    found, unknown = _categories_for(unit, lines, kept)
    problems += unknown
    order = {c.id: (c.position, c.id) for c in found.values()}
    domain_lines = [mix.TargetLine(line.bound, line.percent, tuple(
        (c, found[c].name if c in found else str(c)) for c in sorted(set(line.category_ids),
                                                                      key=lambda i: order.get(i, (0, i)))))
        for line in lines]
    problems += mix.line_problems(domain_lines)
    if problems:
        raise RuleViolated(problems)
    return found


def _refuse_overlap(unit: Unit, starts_on: date, ends_on: date | None, own_id: int | None,
                    field: str = "starts_on") -> None:
    period = Period(starts_on, ends_on)
    for other in db.session.scalars(select(MixTarget).where(MixTarget.unit_id == unit.id)
                                    .order_by(MixTarget.starts_on)):
        if other.id != own_id and period.overlaps(Period(other.starts_on, other.ends_on)):
            if other.ends_on is None:
                raise RuleViolated.one(field, N_(
                    "This period overlaps the unit's target from %(start)s, which has no end."),
                    start=other.starts_on)
            raise RuleViolated.one(field, N_(
                "This period overlaps the unit's target from %(start)s to %(end)s."),
                start=other.starts_on, end=other.ends_on)


def _fill(target: MixTarget, lines: list[LineSpec], found: dict[int, Category]) -> None:
    target.lines = [MixTargetLine(position=i, bound=MixBound(line.bound), percent=line.percent,
                                  categories=sorted((found[c] for c in set(line.category_ids)),
                                                    key=lambda c: (c.position, c.id)))
                    for i, line in enumerate(lines)]


def create_target(actor: Person | None, access: Access | None, unit: Unit, *, starts_on: date | None,
                  ends_on: date | None, lines: list[LineSpec], note: str = "") -> MixTarget:
    if access is not None:
        access.require(Action.MANAGE_TARGETS, unit)
    note = (note or "").strip()
    found = _check(unit, starts_on, ends_on, lines, note)
    with transaction():
        _lock_unit(unit)
        _refuse_overlap(unit, starts_on, ends_on, None)
        target = MixTarget(unit=unit, starts_on=starts_on, ends_on=ends_on, note=note,
                           updated_by_id=actor.id if actor else None)
        _fill(target, lines, found)
        db.session.add(target)
        db.session.flush()
        record(actor, "mix_target.created", target, unit.id, after=_summary(target))
    return target


def update_target(actor: Person | None, access: Access | None, target: MixTarget,
                  expected_version: int | None, *, starts_on: date | None, ends_on: date | None,
                  lines: list[LineSpec], note: str = "") -> MixTarget:
    """Replace a target's period, lines and note (a stale form is refused)."""
    unit = target.unit
    if access is not None:
        access.require(Action.MANAGE_TARGETS, unit)
    note = (note or "").strip()
    with transaction():
        _lock_unit(unit)
        db.session.refresh(target)
        check_version(target, expected_version)
        kept = {c.id for line in target.lines for c in line.categories}
        found = _check(unit, starts_on, ends_on, lines, note, kept)
        _refuse_overlap(unit, starts_on, ends_on, target.id)
        before = _summary(target)
        target.starts_on, target.ends_on, target.note = starts_on, ends_on, note
        target.lines.clear()
        db.session.flush()  # the old lines go before the new ones take their positions
        _fill(target, lines, found)
        target.updated_by_id = actor.id if actor else None
        target.updated_at = utcnow()
        db.session.flush()
        record(actor, "mix_target.updated", target, unit.id, before=before, after=_summary(target))
    return target


def end_target(actor: Person | None, access: Access | None, target: MixTarget,
               expected_version: int | None, *, last_month: date | None) -> MixTarget:
    """End a target with the last day of `last_month` (no sooner than its first month)."""
    unit = target.unit
    if access is not None:
        access.require(Action.MANAGE_TARGETS, unit)
    with transaction():
        _lock_unit(unit)
        db.session.refresh(target)
        check_version(target, expected_version)
        if last_month is None:
            raise RuleViolated.one("last_month", N_("Give the last month of the target."))
        ends_on = mix.last_of_month(last_month)
        if ends_on < target.starts_on:
            raise RuleViolated.one("last_month", N_(
                "The target starts on %(start)s; it cannot end before that."), start=target.starts_on)
        _refuse_overlap(unit, target.starts_on, ends_on, target.id, field="last_month")
        before = _summary(target)
        target.ends_on = ends_on
        target.updated_by_id = actor.id if actor else None
        target.updated_at = utcnow()
        db.session.flush()
        record(actor, "mix_target.ended", target, unit.id, before=before, after=_summary(target))
    return target


__all__ = ["LineSpec", "MAX_LINES", "create_target", "end_target", "update_target"]
