"""Rules for the documented structure: role assignments, delegations and the unit tree."""
from __future__ import annotations

from datetime import date

from planner.domain.errors import N_, Violation
from planner.domain.periods import Period


def check_period(period: Period, end_field: str = "valid_to") -> list[Violation]:
    if not period.is_valid:
        return [Violation(end_field, N_("The end date must be on or after the start date."))]
    return []


def check_assignment(period: Period, same_role_periods: list[Period]) -> list[Violation]:
    """A new assignment: a valid period that overlaps no other assignment of the same
    person to the same role in the same unit."""
    problems = check_period(period)
    if problems:
        return problems
    if any(period.overlaps(other) for other in same_role_periods):
        return [Violation("valid_from", N_(
            "This person already holds this role in this unit during part of this period."))]
    return []


def check_assignment_end(start: date, current_end: date | None, new_end: date) -> list[Violation]:
    """Ending an assignment may shorten it, never lengthen it or end it before it began."""
    if new_end < start:
        return [Violation("end_date", N_("The end date must be on or after the start date."))]
    if current_end is not None and new_end > current_end:
        return [Violation("end_date", N_("An assignment can only be ended earlier, not extended."))]
    return []


def check_delegation(delegator_id: int, delegate_id: int, period: Period,
                     delegator_periods: list[Period]) -> list[Violation]:
    """A delegation goes to someone else, within an assignment the delegator holds."""
    problems = check_period(period)
    if delegator_id == delegate_id:
        problems.append(Violation("delegate_id", N_("A person cannot delegate a role to themselves.")))
    if problems:
        return problems
    if not delegator_periods:
        return [Violation("delegator_id", N_(
            "The delegating official does not hold this role in this unit."))]
    if not any(period.within(own) for own in delegator_periods):
        return [Violation("valid_from", N_(
            "The delegation must lie within the delegating official's own assignment period."))]
    return []


def unit_path(parent_path: str | None, unit_id: int) -> str:
    """Materialised path of a unit: `/1/5/12/` lists its ancestors and itself."""
    return f"{parent_path or '/'}{unit_id}/"


def check_move(unit_path_now: str, new_parent_path: str | None) -> list[Violation]:
    """A unit may not be moved under itself or under one of its descendants, nor into
    another government (its posts, SOP and categories belong to its own)."""
    if new_parent_path is not None and new_parent_path.startswith(unit_path_now):
        return [Violation("parent_id", N_("A unit cannot be moved under itself or one of its own sub-units."))]
    if new_parent_path is not None and _root(new_parent_path) != _root(unit_path_now):
        return [Violation("parent_id", N_("A unit cannot be moved to another government: its posts, SOP "
                                          "and categories belong to its own."))]
    return []


def _root(path: str) -> str:
    return path.strip("/").split("/")[0]


def rebase_path(path: str, old_prefix: str, new_prefix: str) -> str:
    """The path of a descendant after its ancestor moved from `old_prefix` to `new_prefix`."""
    return new_prefix + path[len(old_prefix):]
