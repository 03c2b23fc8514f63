"""The one permission layer: "may this person do this to this object now?".

`Access.load(person)` resolves the roles valid today (in each unit's own time
zone), including roles held as an acting official.  Every route asks it, and
every object lookup goes through `Access.fetch`, so an id changed in a URL
never shows another unit's data.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from functools import lru_cache

from flask import g
from flask_login import current_user
from sqlalchemy import bindparam, cast, false, null, or_, select, union_all

from planner.domain.access import Action, Grant, allowed, roles_for, scope_paths
from planner.domain.errors import NotPermitted, NotVisible
from planner.domain.organisation import ZONES, Role
from planner.domain.workflow import Acting
from planner.domain.periods import local_today
from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit


MAX_ID = 2**31


class Access:
    """What one person may do, resolved once per request."""

    def __init__(self, person: Person | None, grants: list[Grant]):
        self.person = person
        self.grants = grants

    @classmethod
    def load(cls, person: Person | None, now: datetime | None = None) -> "Access":
        if person is None or not person.active:
            return cls(person, [])
        now = now or datetime.now(timezone.utc)
        today = {code: local_today(zone, now) for code, zone in ZONES.items()}
        params = {"person": person.id, "earliest": min(today.values()),
                  "latest": max(today.values())}
        grants: list[Grant] = []
        for role, start, end, delegator_id, kind, unit_id, path, tz in \
                db.session.connection().execute(_grants_statement(), params):
            if start <= today[tz] and (end is None or today[tz] <= end):
                grants.append(Grant(unit_id, path, Role(role), delegator_id, kind)
                              if delegator_id is not None else Grant(unit_id, path, Role(role)))
        return cls(person, grants)

    # -- questions -------------------------------------------------------
    def can(self, action: Action, obj) -> bool:
        return allowed(self.grants, action, obj.scope_unit.path)

    def require(self, action: Action, obj) -> None:
        if not self.can(action, obj):
            raise NotPermitted(action)

    def can_anywhere(self, action: Action) -> bool:
        return bool(scope_paths(self.grants, action))

    def require_anywhere(self, action: Action) -> None:
        if not self.can_anywhere(action):
            raise NotPermitted(action)

    def acting_in(self, unit: Unit) -> list[Acting]:
        """The roles held in `unit` today, as the workflow engine reads them."""
        return [Acting(g.role, g.acting_for_id, g.acting_kind)
                for g in self.grants if g.covers(unit.path)]

    def roles_in(self, unit: Unit) -> set[Role]:
        return roles_for(self.grants, unit.path)

    def has_role(self, role: Role) -> bool:
        return any(g.role == role for g in self.grants)

    @property
    def roles(self) -> set[Role]:
        return {g.role for g in self.grants}

    def can_manage_person(self, person: Person) -> bool:
        """Managing an account (edit, deactivate, reset, sign out) reaches every unit where the
        person holds a role now or later, so the manager must cover all of them, not only the
        person's home unit: an agency's administrator may not reset a city-wide administrator."""
        if not self.can(Action.MANAGE_PEOPLE, person):
            return False
        since = datetime.now(timezone.utc).date() - timedelta(days=1)
        paths = db.session.scalars(
            select(Unit.path).join(RoleAssignment, RoleAssignment.unit_id == Unit.id)
            .where(RoleAssignment.person_id == person.id,
                   RoleAssignment.valid_to.is_(None) | (RoleAssignment.valid_to >= since))
            .union(select(Unit.path).join(Delegation, Delegation.unit_id == Unit.id)
                   .where(Delegation.delegate_id == person.id,
                          Delegation.valid_to.is_(None)
                          | ((Delegation.valid_to >= since)
                             & (Delegation.valid_to >= Delegation.valid_from)))))
        return all(allowed(self.grants, Action.MANAGE_PEOPLE, path) for path in paths)

    def require_manage_person(self, person: Person) -> None:
        if not self.can_manage_person(person):
            raise NotPermitted(Action.MANAGE_PEOPLE)

    def sees(self, obj) -> bool:
        return bool(roles_for(self.grants, obj.scope_unit.path))

    # -- queries ---------------------------------------------------------
    def unit_condition(self, action: Action = Action.VIEW_UNIT, path_column=Unit.path):
        """A WHERE clause limiting `path_column` to the subtrees where `action` is allowed."""
        roots = scope_paths(self.grants, action)
        if not roots:
            return false()
        return or_(*[path_column.startswith(root, autoescape=True) for root in roots])

    def units(self, action: Action = Action.VIEW_UNIT):
        """A query of the units where `action` is allowed, in tree order."""
        return select(Unit).where(self.unit_condition(action)).order_by(Unit.path)

    def fetch(self, model, object_id, action: Action = Action.VIEW_UNIT):
        """Load one object by id, or raise NotVisible (404) / NotPermitted (403)."""
        try:
            object_id = int(object_id)
        except (TypeError, ValueError):
            raise NotVisible(model.__name__) from None
        if not 0 < object_id < MAX_ID:  # beyond any integer key the databases can hold
            raise NotVisible(model.__name__)
        obj = db.session.get(model, object_id)
        if obj is None or not self.sees(obj):
            raise NotVisible(model.__name__)
        self.require(action, obj)
        return obj


@lru_cache(maxsize=1)
def _grants_statement():
    """The roles a person holds around today, their own and as an acting official, in one
    statement built once (building it cost more than running it) and run with bound values."""
    person, earliest, latest = bindparam("person"), bindparam("earliest"), bindparam("latest")

    def current(model):
        return (model.valid_from <= latest) & (model.valid_to.is_(None) | (model.valid_to >= earliest))

    delegation = Delegation.__table__.c
    roles = (select(RoleAssignment.role, RoleAssignment.valid_from, RoleAssignment.valid_to,
                    cast(null(), delegation.delegator_id.type).label("delegator_id"),
                    cast(null(), delegation.kind.type).label("kind"),
                    Unit.id, Unit.path, Unit.timezone)
             .join(Unit, RoleAssignment.unit_id == Unit.id)
             .where(RoleAssignment.person_id == person, current(RoleAssignment)))
    delegations = (select(Delegation.role, Delegation.valid_from, Delegation.valid_to,
                          Delegation.delegator_id, Delegation.kind, Unit.id, Unit.path,
                          Unit.timezone)
                   .join(Unit, Delegation.unit_id == Unit.id)
                   .where(Delegation.delegate_id == person, current(Delegation)))
    return union_all(roles, delegations)


def current_access() -> Access:
    """The signed-in person's access, resolved once per request."""
    if "access" not in g:
        person = current_user if current_user.is_authenticated else None
        g.access = Access.load(person)
    return g.access
