"""Rules an SOP version must satisfy before it can be put in force."""
from __future__ import annotations

from datetime import date

from planner.domain.content import AFTER_PUBLICATION_KINDS, APPROVAL_KINDS, StepKind
from planner.domain.errors import N_, Violation
from planner.domain.organisation import Role
from planner.domain.workflow import Route

PERFORMER_ROLES = (Role.AUTHOR, Role.CONTRIBUTOR, Role.REVIEWER, Role.APPROVER)
DEFAULT_ROUTE = "default"  # how messages name the route without a category (the web layer translates it)


def _route_name(route: Route) -> str:
    return route.category or DEFAULT_ROUTE


def check_route(route: Route) -> list[Violation]:
    """The shape of one route: drafted first, at least one approval, one publication,
    and only distribution and evaluation after it."""
    problems: list[Violation] = []
    name = _route_name(route)
    kinds = [s.kind for s in route.steps]
    if not kinds or kinds[0] != StepKind.DRAFT:
        problems.append(Violation("steps", N_("Route %(route)s must begin with a drafting step."),
                                  {"route": name}))
    if not any(k in APPROVAL_KINDS for k in kinds):
        problems.append(Violation("steps", N_("Route %(route)s has no review or approval step."),
                                  {"route": name}))
    if kinds.count(StepKind.PUBLISH) != 1:
        problems.append(Violation("steps", N_("Route %(route)s must have exactly one publication step."),
                                  {"route": name}))
    else:
        at = kinds.index(StepKind.PUBLISH)
        if any(k in APPROVAL_KINDS or k == StepKind.DRAFT for k in kinds[at:]):
            problems.append(Violation("steps", N_("In route %(route)s, drafting and approval steps must "
                                                  "come before publication."), {"route": name}))
        if any(k in AFTER_PUBLICATION_KINDS for k in kinds[:at]):
            problems.append(Violation("steps", N_("In route %(route)s, distribution and evaluation "
                                                  "come after publication."), {"route": name}))
    if kinds.count(StepKind.DRAFT) > 1:
        problems.append(Violation("steps", N_("Route %(route)s has more than one drafting step."),
                                  {"route": name}))
    for step in route.steps:
        if step.hours <= 0:
            problems.append(Violation("steps", N_("Step %(number)s of route %(route)s needs a time "
                                                  "allowed of at least one hour."),
                                      {"number": step.position, "route": name}))
    if route.fast_track:
        if not route.ratify_hours or route.ratify_hours <= 0:
            problems.append(Violation("steps", N_("The fast-track route %(route)s needs the number of "
                                                  "hours within which the approving head ratifies it."),
                                      {"route": name}))
        if len([k for k in kinds if k in APPROVAL_KINDS]) != 1:
            problems.append(Violation("steps", N_("The fast-track route %(route)s publishes after "
                                                  "exactly one approval step."), {"route": name}))
    return problems


def check_activation(routes: list[Route], *, known_categories: set[str],
                     fast_track_categories: set[str], roles_held: set[Role],
                     effective_date: date | None, previous_effective: date | None,
                     today: date) -> list[Violation]:
    """Everything that keeps a draft version from being put in force, with the reason."""
    problems: list[Violation] = []
    if not any(r.category is None for r in routes):
        problems.append(Violation("steps", N_("The version needs a default route for every "
                                              "category without a route of its own."), {}))
    for route in routes:
        if route.category is not None and route.category not in known_categories:
            problems.append(Violation("steps", N_("Route for unknown category %(route)s."),
                                      {"route": route.category}))
        if route.fast_track and route.category not in fast_track_categories:
            problems.append(Violation("steps", N_("Only urgent categories (such as krisis) may take a "
                                                  "fast-track route; %(route)s is not one."),
                                      {"route": _route_name(route)}))
        problems.extend(check_route(route))
        for step in route.steps:
            if step.role not in roles_held:
                problems.append(Violation("steps", N_("Step %(number)s of route %(route)s is performed by "
                                                      "the role %(role)s, which nobody in the unit holds."),
                                          {"number": step.position, "route": _route_name(route),
                                           "role": step.role.value}))
    if effective_date is None:
        problems.append(Violation("effective_date", N_("Give the date the version takes effect."), {}))
    elif effective_date > today:
        problems.append(Violation("effective_date", N_("A version is put in force on or after its "
                                                       "effective date; this one is in the future."), {}))
    elif previous_effective is not None and effective_date < previous_effective:
        problems.append(Violation("effective_date", N_("The effective date cannot be earlier than that "
                                                       "of the version in force (%(date)s)."),
                                  {"date": previous_effective}))
    return problems
