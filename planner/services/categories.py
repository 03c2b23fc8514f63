"""A government's category list: adding, editing, reordering, deactivating and
reactivating categories.

Category rows carry no `version` column, so edits are guarded another way.  Every change
first takes a row lock on the government's unit row (`SELECT ... FOR UPDATE` on PostgreSQL,
the write lock on SQLite): changes to one government's list run one after another, so two
administrators cannot both add the same code, or interleave two moves into duplicate
positions.  An edit form carries a fingerprint of the values it loaded (`fingerprint`);
under the lock the service compares it with the row as it is now and refuses a form
opened before someone else's change (`StaleEdit`), as a version column would.  A category
is never deleted (posts, targets and SOP routes refer to it): it is deactivated, which
keeps it on what already uses it and takes it off the choices for new posts and targets.
Its code never changes once created: SOP routes name categories by code."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import func, select, text

from planner.domain.access import Action
from planner.domain.content import ParticipationLevel, SopStatus
from planner.domain.errors import N_, RuleViolated, StaleEdit, Violation
from planner.extensions import db
from planner.models import Category, Person, Sop, SopRoute, SopVersion, Unit
from planner.permissions import Access
from planner.services import record, transaction

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_CODE = 40
MAX_NAME = 120


def government_categories(government: Unit) -> list[Category]:
    """Every category of the government, active or not, in ladder order."""
    return list(db.session.scalars(select(Category).where(Category.government_id == government.id)
                                   .order_by(Category.position, Category.id)))


def fingerprint(category: Category) -> str:
    """What an edit form remembers of the row it loaded (the fields it edits)."""
    loaded = f"{category.name}\x1f{category.participation.value}\x1f{int(category.fast_track_allowed)}"
    return hashlib.sha256(loaded.encode()).hexdigest()[:16]


def _lock_government(government: Unit) -> None:
    """Serialise the changes to one government's list (see the module docstring)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Unit.id).where(Unit.id == government.id).with_for_update())
    else:  # SQLite: a statement that writes nothing still takes the database's write lock
        db.session.execute(text("UPDATE unit SET id = id WHERE 1 = 0"))


def _check_name(name: str) -> list[Violation]:
    if not name:
        return [Violation("name", N_("Give the category a name."))]
    if len(name) > MAX_NAME:
        return [Violation("name", N_("A name has at most %(max)s characters."), {"max": MAX_NAME})]
    return []


def _snapshot(category: Category) -> dict:
    return {"code": category.code, "name": category.name,
            "participation": category.participation.value,
            "fast_track_allowed": category.fast_track_allowed, "position": category.position,
            "active": category.active}


def create_category(actor: Person | None, access: Access | None, government: Unit, *, code: str,
                    name: str, participation: ParticipationLevel, fast_track: bool = False) -> Category:
    """Add a category at the end of the government's list."""
    if access is not None:
        access.require(Action.MANAGE_CATEGORIES, government)
    code, name = (code or "").strip(), (name or "").strip()
    problems = _check_name(name)
    if not CODE.match(code) or len(code) > MAX_CODE:
        problems.append(Violation("code", N_(
            "A code is lower-case letters and digits joined by single hyphens (e.g. "
            "'layanan-publik'), at most %(max)s characters."), {"max": MAX_CODE}))
    if problems:
        raise RuleViolated(problems)
    with transaction():
        _lock_government(government)
        if db.session.scalar(select(Category.id).where(Category.government_id == government.id,
                                                       Category.code == code)):
            raise RuleViolated.one("code", N_("The code %(code)s is taken in this government."),
                                   code=code)
        last = db.session.scalar(select(func.max(Category.position))
                                 .where(Category.government_id == government.id))
        category = Category(government_id=government.id, code=code, name=name,
                            participation=ParticipationLevel(participation),
                            fast_track_allowed=bool(fast_track),
                            position=(last + 1) if last is not None else 0, active=True)
        db.session.add(category)
        db.session.flush()
        record(actor, "category.created", category, government.id, after=_snapshot(category))
    return category


def _fast_track_routes(category: Category) -> list[str]:
    """Names of the units whose SOP in force has a fast-track route for this category."""
    government = db.session.get(Unit, category.government_id)
    return list(db.session.scalars(
        select(Unit.name).join(Sop, Sop.unit_id == Unit.id)
        .join(SopVersion, SopVersion.sop_id == Sop.id).join(SopRoute, SopRoute.version_id == SopVersion.id)
        .where(Unit.path.startswith(government.path), SopVersion.status == SopStatus.IN_FORCE,
               SopRoute.category_code == category.code, SopRoute.fast_track.is_(True))
        .order_by(Unit.name)))


def update_category(actor: Person | None, access: Access | None, category: Category,
                    expected: str | None, *, name: str, participation: ParticipationLevel,
                    fast_track: bool) -> Category:
    """Rename a category, change its participation level or its fast-track flag.  A
    fast-track flag cannot be taken off while an SOP in force has a fast-track route for
    the category (the SOP would then break its own rule)."""
    if access is not None:
        access.require(Action.MANAGE_CATEGORIES, category)
    name = (name or "").strip()
    problems = _check_name(name)
    if problems:
        raise RuleViolated(problems)
    with transaction():
        _lock_government(category.government)
        db.session.refresh(category)
        if expected is None or expected != fingerprint(category):
            raise StaleEdit(None, None)
        if category.fast_track_allowed and not fast_track:
            units = _fast_track_routes(category)
            if units:
                raise RuleViolated.one("fast_track_allowed", N_(
                    "The SOP in force of %(units)s has a fast-track route for this category; "
                    "change that SOP first."), units=", ".join(units))
        before = _snapshot(category)
        category.name = name
        category.participation = ParticipationLevel(participation)
        category.fast_track_allowed = bool(fast_track)
        if _snapshot(category) == before:
            return category
        db.session.flush()
        record(actor, "category.updated", category, category.government_id, before=before,
               after=_snapshot(category))
    return category


def move_category(actor: Person | None, access: Access | None, category: Category,
                  direction: str) -> Category:
    """Swap the category with its neighbour above ("up") or below ("down") in the list.
    At either end of the list nothing changes."""
    if access is not None:
        access.require(Action.MANAGE_CATEGORIES, category)
    if direction not in ("up", "down"):
        raise RuleViolated.one(None, N_("Move a category up or down."))
    with transaction():
        _lock_government(category.government)
        listed = government_categories(category.government)
        index = next(i for i, c in enumerate(listed) if c.id == category.id)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(listed):
            return category
        before = [c.code for c in listed]
        listed[index], listed[other] = listed[other], listed[index]
        for position, item in enumerate(listed):  # renumbered: positions stay distinct
            item.position = position
        db.session.flush()
        record(actor, "category.moved", category, category.government_id,
               before={"order": before}, after={"order": [c.code for c in listed]},
               direction=direction)
    return category


def set_active(actor: Person | None, access: Access | None, category: Category,
               active: bool) -> Category:
    """Deactivate (no longer offered for new posts and targets; whatever uses it keeps it)
    or reactivate a category."""
    if access is not None:
        access.require(Action.MANAGE_CATEGORIES, category)
    with transaction():
        _lock_government(category.government)
        db.session.refresh(category)
        if category.active == bool(active):
            return category
        before = _snapshot(category)
        category.active = bool(active)
        db.session.flush()
        record(actor, "category.reactivated" if active else "category.deactivated", category,
               category.government_id, before=before, after=_snapshot(category))
    return category


__all__ = ["create_category", "fingerprint", "government_categories", "move_category",
           "set_active", "update_category"]
