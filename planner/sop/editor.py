"""The draft editor's buttons without JavaScript: add, remove and move rows of the submitted
form server-side, renumbering its fields, so the page re-renders with the change (nothing is
saved until "Save").  Raw input is kept as typed, even where it is not valid yet."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

ROUTE_KEY = re.compile(r"^routes-(\d{1,4})-(.+)$")
STEP_KEY = re.compile(r"^steps-(\d{1,4})-(.+)$")
STANDARD_KEY = re.compile(r"^standards-(\d{1,4})-(.+)$")
ACTION = re.compile(r"^(add-step|remove-step|step-up|step-down|remove-route|add-route|add-standard|"
                    r"remove-standard)(?::(\d{1,4}))?(?::(\d{1,4}))?$")

HUGE_INDEX = re.compile(r"-\d{5,}(?:-|$)")


def without_huge_indices(formdata: MultiDict) -> MultiDict:
    """Drop fields whose row index no editor makes (WTForms would fail to read a number of
    thousands of digits); a draft has far fewer than 10,000 rows."""
    return MultiDict([(key, value) for key, value in formdata.items(multi=True)
                      if not HUGE_INDEX.search(key)])


NEW_STEP = [("kind", "review"), ("activity", ""), ("role", "reviewer"), ("hours", "24")]
NEW_STANDARD = [("text", ""), ("kind", "review")]
# A route with nothing to copy from starts with the shape every route needs.
SKELETON = [("draft", "author"), ("review", "reviewer"), ("approve", "approver"), ("publish", "author")]

Pairs = list[tuple[str, str]]


class UnknownAction(ValueError):
    """The button pressed is not one the editor has."""


class RouteExists(ValueError):
    """The chosen category already has a route in this version."""


@dataclass
class _Route:
    fields: Pairs = field(default_factory=list)
    steps: list[Pairs] = field(default_factory=list)

    @property
    def category(self) -> str:
        return next((value for name, value in self.fields if name == "category"), "")


@dataclass
class _Layout:
    other: Pairs
    routes: list[_Route]
    standards: list[Pairs]


def _parse(formdata: MultiDict) -> _Layout:
    other: Pairs = []
    routes: dict[int, _Route] = {}
    route_steps: dict[int, dict[int, Pairs]] = {}
    standards: dict[int, Pairs] = {}
    for key, value in formdata.items(multi=True):
        if match := ROUTE_KEY.match(key):
            index, rest = int(match[1]), match[2]
            route = routes.setdefault(index, _Route())
            if step := STEP_KEY.match(rest):
                route_steps.setdefault(index, {}).setdefault(int(step[1]), []).append((step[2], value))
            else:
                route.fields.append((rest, value))
        elif match := STANDARD_KEY.match(key):
            standards.setdefault(int(match[1]), []).append((match[2], value))
        else:
            other.append((key, value))
    for index, steps in route_steps.items():
        routes[index].steps = [steps[i] for i in sorted(steps)]
    return _Layout(other, [routes[i] for i in sorted(routes)],
                   [standards[i] for i in sorted(standards)])


def _emit(layout: _Layout) -> MultiDict:
    pairs = [pair for pair in layout.other if pair[0] not in ("action",)]
    for r, route in enumerate(layout.routes):
        pairs += [(f"routes-{r}-{name}", value) for name, value in route.fields]
        for s, step in enumerate(route.steps):
            pairs += [(f"routes-{r}-steps-{s}-{name}", value) for name, value in step]
    for n, standard in enumerate(layout.standards):
        pairs += [(f"standards-{n}-{name}", value) for name, value in standard]
    return MultiDict(pairs)


def _swap(items: list, i: int, j: int) -> None:
    if 0 <= i < len(items) and 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]


def _new_route(layout: _Layout, code: str) -> _Route:
    default = next((r for r in layout.routes if r.category == ""), None)
    if default is not None and default.steps:
        steps = [list(step) for step in default.steps]
    else:
        steps = [[("kind", kind), ("activity", ""), ("role", role), ("hours", "24")]
                 for kind, role in SKELETON]
    return _Route(fields=[("category", code), ("ratify_hours", "")], steps=steps)


def restructure(formdata: MultiDict, action: str) -> MultiDict:
    """The submitted form with one row added, removed or moved, renumbered from zero.
    An index that no longer exists (a button pressed twice) changes nothing."""
    match = ACTION.match(action or "")
    if match is None:
        raise UnknownAction(action)
    verb = match[1]
    first = int(match[2]) if match[2] is not None else None
    second = int(match[3]) if match[3] is not None else None
    layout = _parse(formdata)
    routes = layout.routes
    route = routes[first] if first is not None and first < len(routes) else None
    if verb == "add-route":
        code = formdata.get("new_route", "")
        if any(r.category == code for r in routes):
            raise RouteExists(code)
        routes.append(_new_route(layout, code))
    elif verb == "remove-route" and route is not None:
        routes.remove(route)
    elif verb == "add-step" and route is not None:
        route.steps.append(list(NEW_STEP))
    elif verb == "remove-step" and route is not None and second is not None and second < len(route.steps):
        del route.steps[second]
    elif verb == "step-up" and route is not None and second is not None and second > 0:
        _swap(route.steps, second, second - 1)
    elif verb == "step-down" and route is not None and second is not None:
        _swap(route.steps, second, second + 1)
    elif verb == "add-standard":
        layout.standards.append(list(NEW_STANDARD))
    elif verb == "remove-standard" and first is not None and first < len(layout.standards):
        del layout.standards[first]
    return _emit(layout)
