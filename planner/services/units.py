"""Creating, editing and moving units of the tree."""
from __future__ import annotations

from sqlalchemy import func, literal, select, update

from planner.domain.access import Action
from planner.domain.content import DEFAULT_CATEGORIES
from planner.domain.errors import N_, NotPermitted, RuleViolated
from planner.domain.organisation import TimeZoneCode, UnitType
from planner.domain.structure_rules import check_move, unit_path
from planner.extensions import db
from planner.models import Category, Person, Unit
from planner.permissions import Access
from planner.services import check_version, record, transaction


def create_unit(actor: Person | None, access: Access | None, *, name: str, type: UnitType,
                timezone: TimeZoneCode, parent: Unit | None, short_name: str | None = None) -> Unit:
    """Add a unit under `parent`.  A new top-level government is made only from the
    command line (`access` is None there)."""
    if access is not None:
        if parent is None:
            raise NotPermitted(Action.MANAGE_UNITS)
        access.require(Action.MANAGE_UNITS, parent)
    with transaction():
        unit = Unit(name=name.strip(), short_name=(short_name or "").strip() or None,
                    type=UnitType(type), timezone=TimeZoneCode(timezone), parent=parent,
                    updated_by_id=actor.id if actor else None)
        db.session.add(unit)
        db.session.flush()
        unit.path = unit_path(parent.path if parent else None, unit.id)
        unit.depth = parent.depth + 1 if parent else 0
        record(actor, "unit.created", unit, unit.id, name=unit.name, parent_id=unit.parent_id,
               type=unit.type.value, timezone=unit.timezone.value)
        if parent is None:
            _add_default_categories(actor, unit)
    return unit


def _add_default_categories(actor: Person | None, government: Unit) -> None:
    """A new government starts with the category ladder from ceremonial to interactive."""
    for position, (code, name, level, fast) in enumerate(DEFAULT_CATEGORIES):
        category = Category(government=government, code=code, name=name, participation=level,
                            fast_track_allowed=fast, position=position)
        db.session.add(category)
    db.session.flush()
    record(actor, "category.seeded", government, government.id,
           codes=[code for code, *_ in DEFAULT_CATEGORIES])


def update_unit(actor: Person, access: Access, unit: Unit, *, name: str, short_name: str | None,
                type: UnitType, timezone: TimeZoneCode, parent: Unit | None,
                expected_version: int | None) -> Unit:
    """Edit a unit's details and, if the parent changed, move it with its whole subtree."""
    access.require(Action.MANAGE_UNITS, unit)
    check_version(unit, expected_version)
    moving = (parent.id if parent else None) != unit.parent_id
    if moving:
        if parent is None:
            raise RuleViolated.one("parent_id", N_("Only a top-level government has no parent unit."))
        access.require(Action.MANAGE_UNITS, parent)
    changes = _changes(unit, name=name.strip(), short_name=(short_name or "").strip() or None,
                       type=UnitType(type), timezone=TimeZoneCode(timezone))
    if not changes and not moving:
        return unit
    with transaction():
        if moving:
            # Moves within a tree are serialised, and checked against the paths as they are
            # now: two moves at once could otherwise each pass and together make a cycle.
            _lock_trees(unit, parent)
            db.session.refresh(unit)
            db.session.refresh(parent)
            check_version(unit, expected_version)
            problems = check_move(unit.path, parent.path)
            if problems:
                raise RuleViolated(problems)
        for field, (_, new) in changes.items():
            setattr(unit, field, new)
        unit.updated_by_id = actor.id
        if moving:
            old_path, old_depth, old_parent_id = unit.path, unit.depth, unit.parent_id
            changes["parent_id"] = (unit.parent_id, parent.id)
            unit.parent = parent
            unit.path = unit_path(parent.path, unit.id)
            unit.depth = parent.depth + 1
            db.session.flush()
            _rebase_descendants(old_path, unit.path, unit.depth - old_depth)
        record(actor, "unit.updated", unit, unit.id,
               changes={k: [old, new] for k, (old, new) in changes.items()})
        if moving:
            # The old parent's trail says a unit left it (and whatever watches the old
            # subtree's changes, such as a calendar feed, sees the move too).
            record(actor, "unit.moved_out", unit, old_parent_id, to_parent_id=parent.id)
    return unit


def _lock_trees(*units: Unit) -> None:
    """Lock the top-level government of each unit's tree (a row lock on PostgreSQL)."""
    roots = sorted({int(u.path.strip("/").split("/")[0]) for u in units})
    db.session.execute(select(Unit.id).where(Unit.id.in_(roots)).order_by(Unit.id).with_for_update())


def _rebase_descendants(old_prefix: str, new_prefix: str, depth_change: int) -> None:
    """Rewrite the paths of every unit below a moved unit in one statement."""
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_prefix, autoescape=True))
        .values(path=literal(new_prefix) + func.substr(Unit.path, len(old_prefix) + 1),
                depth=Unit.depth + depth_change,
                version=Unit.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def _changes(obj, **values) -> dict:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}
