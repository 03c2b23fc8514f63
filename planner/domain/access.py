"""Who may do what: actions, the roles that allow them, and how grants cover units.

A role held in a unit (directly or as an acting official) covers that unit and
every unit below it in the tree.  The permission layer (`planner.permissions`)
builds the grants from the database; these functions decide.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.domain.organisation import Role


class Action(StrEnum):
    VIEW_UNIT = "unit.view"
    VIEW_STRUCTURE = "structure.view"
    MANAGE_UNITS = "unit.manage"
    VIEW_PEOPLE = "person.view"
    MANAGE_PEOPLE = "person.manage"
    MANAGE_ASSIGNMENTS = "assignment.manage"
    VIEW_SOP = "sop.view"
    MANAGE_SOP = "sop.manage"
    VIEW_POSTS = "post.view"
    CREATE_POSTS = "post.create"
    COMMENT_POSTS = "post.comment"
    VIEW_AUDIT = "audit.view"
    MANAGE_CHANNELS = "channel.manage"
    MANAGE_TARGETS = "target.manage"
    MANAGE_CATEGORIES = "category.manage"
    MANAGE_AGENDA = "agenda.manage"
    RECORD_DISTRIBUTION = "distribution.record"


EVERY_ROLE = frozenset(Role)

RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW_UNIT: EVERY_ROLE,
    Action.VIEW_STRUCTURE: EVERY_ROLE,
    Action.MANAGE_UNITS: frozenset({Role.SYSADMIN}),
    Action.VIEW_PEOPLE: frozenset({Role.SYSADMIN, Role.AUDITOR}),
    Action.MANAGE_PEOPLE: frozenset({Role.SYSADMIN}),
    Action.MANAGE_ASSIGNMENTS: frozenset({Role.SYSADMIN}),
    Action.VIEW_SOP: EVERY_ROLE,
    Action.MANAGE_SOP: frozenset({Role.SYSADMIN, Role.APPROVER}),
    Action.VIEW_POSTS: EVERY_ROLE,
    Action.CREATE_POSTS: frozenset({Role.AUTHOR, Role.CONTRIBUTOR}),
    Action.COMMENT_POSTS: frozenset({Role.AUTHOR, Role.CONTRIBUTOR, Role.REVIEWER, Role.APPROVER}),
    Action.VIEW_AUDIT: frozenset({Role.AUDITOR, Role.SYSADMIN}),
    # Channels, their follower counts, upload slots, distribution networks, planner settings.
    Action.MANAGE_CHANNELS: frozenset({Role.AUTHOR, Role.APPROVER, Role.SYSADMIN}),
    # Target mixes, schedule tolerance and distribution targets are the head's call.
    Action.MANAGE_TARGETS: frozenset({Role.APPROVER, Role.SYSADMIN}),
    Action.MANAGE_CATEGORIES: frozenset({Role.SYSADMIN}),
    # The leader's agenda and who covers each event.
    Action.MANAGE_AGENDA: frozenset({Role.AUTHOR, Role.CONTRIBUTOR, Role.APPROVER, Role.SYSADMIN}),
    # The distribution log and the record of other units reusing a post.
    Action.RECORD_DISTRIBUTION: frozenset({Role.AUTHOR, Role.CONTRIBUTOR}),
}


@dataclass(frozen=True)
class Grant:
    """One role a person holds today in one unit (and so in the units below it)."""

    unit_id: int
    unit_path: str
    role: Role
    acting_for_id: int | None = None  # set when the role comes from a delegation
    acting_kind: str | None = None

    def covers(self, path: str) -> bool:
        return path.startswith(self.unit_path)


def roles_for(grants: list[Grant], path: str) -> set[Role]:
    return {g.role for g in grants if g.covers(path)}


def allowed(grants: list[Grant], action: Action, path: str) -> bool:
    needed = RULES[action]
    return any(g.role in needed and g.covers(path) for g in grants)


def scope_paths(grants: list[Grant], action: Action) -> list[str]:
    """The smallest set of subtree roots where `action` is allowed."""
    paths = sorted({g.unit_path for g in grants if g.role in RULES[action]}, key=len)
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots
