"""Rules and arithmetic of distribution networks: the tree of groups and its member totals,
moves that would make a cycle, which level may sit under which, coverage of a post against
the network, the dates a distribution or a reuse may carry, and the monthly figures."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from planner.domain.content import GroupLevel
from planner.domain.errors import N_, Violation

MAX_MEMBERS = 1_000_000  # far above any WhatsApp group; a typo, not a community, beyond this
MAX_REPORT_MONTHS = 24

# The cascade from the city down to the neighbourhood; community groups sit anywhere.
LEVEL_RANK = {GroupLevel.CITY: 0, GroupLevel.DISTRICT: 1, GroupLevel.SUBDISTRICT: 2,
              GroupLevel.NEIGHBOURHOOD: 3}


# -- the tree --------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupFacts:
    """What the tree arithmetic needs of a group."""

    id: int
    parent_id: int | None
    members: int
    active: bool = True


@dataclass
class TreeNode:
    """A group in the tree, its children, and the members of the active groups of its subtree."""

    group: object
    children: list["TreeNode"] = field(default_factory=list)
    total: int = 0


def build_tree(groups: list, facts=lambda g: g) -> list[TreeNode]:
    """The groups as a forest, children in the given order.  `facts(g)` gives a group's
    `GroupFacts` (or anything with id, parent_id, members, active).  A group whose parent is
    not among `groups` is a root; inactive groups count no members."""
    nodes = {facts(g).id: TreeNode(g) for g in groups}
    roots: list[TreeNode] = []
    for g in groups:
        f = facts(g)
        parent = nodes.get(f.parent_id) if f.parent_id is not None else None
        (parent.children if parent is not None and f.parent_id != f.id else roots).append(nodes[f.id])

    def total(node: TreeNode, seen: set[int]) -> int:
        f = facts(node.group)
        if f.id in seen:  # a cycle in stored data must not hang the page
            return 0
        seen.add(f.id)
        node.total = (f.members if f.active else 0) + sum(total(c, seen) for c in node.children)
        return node.total

    seen: set[int] = set()
    for root in roots:
        total(root, seen)
    return roots


def network_total(groups: list, facts=lambda g: g) -> int:
    """The members of every active group of a network."""
    return sum(facts(g).members for g in groups if facts(g).active)


def would_create_cycle(group_id: int, new_parent_id: int | None, parents: dict[int, int | None]) -> bool:
    """True if putting `group_id` under `new_parent_id` makes it its own ancestor.
    `parents` maps each group of the network to its current parent."""
    seen = set()
    current = new_parent_id
    while current is not None:
        if current == group_id or current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def level_fits(parent_level: GroupLevel | None, child_level: GroupLevel) -> bool:
    """A group sits below a wider level (an RT group under a kelurahan, never the other way
    round); community groups may sit anywhere and hold anything."""
    if parent_level is None or GroupLevel.COMMUNITY in (parent_level, child_level):
        return True
    return LEVEL_RANK[child_level] > LEVEL_RANK[parent_level]


def group_problems(*, name: str, level: GroupLevel, members, parent_level: GroupLevel | None,
                   child_levels: list[GroupLevel] = ()) -> list[Violation]:
    """What is wrong with a group as it would be saved (empty: nothing)."""
    problems = []
    if not (name or "").strip():
        problems.append(Violation("name", N_("Give the group a name."), {}))
    if not isinstance(members, int) or isinstance(members, bool) or not 0 <= members <= MAX_MEMBERS:
        problems.append(Violation("members", N_("Give the number of members, from 0 to %(max)s."),
                                  {"max": MAX_MEMBERS}))
    if not level_fits(parent_level, level):
        problems.append(Violation("level", N_("A group of this level cannot sit under a group of a "
                                              "narrower or equal level."), {}))
    if any(not level_fits(level, child) for child in child_levels):
        problems.append(Violation("level", N_("Groups below this one are of a wider or equal level; "
                                              "move them first."), {}))
    return problems


# -- dates -----------------------------------------------------------------------------------

def sent_at_problems(sent_at: datetime | None, published_at: datetime, now: datetime) -> list[Violation]:
    """A distribution is sent after the post was published (to the minute typed) and not later
    than now."""
    if sent_at is None:
        return [Violation("sent_at", N_("Give the date and time it was sent."), {})]
    if sent_at < published_at.replace(second=0, microsecond=0):
        return [Violation("sent_at", N_("It cannot have been sent before the post was published."), {})]
    if sent_at > now:
        return [Violation("sent_at", N_("It cannot have been sent in the future."), {})]
    return []


def reuse_date_problems(reused_on: date | None, published_on: date, today: date) -> list[Violation]:
    """A reuse happens on or after the day of publication and not after today."""
    if reused_on is None:
        return [Violation("reused_on", N_("Give the date of the reuse."), {})]
    if reused_on < published_on:
        return [Violation("reused_on", N_("A reuse cannot come before the post was published on "
                                          "%(day)s."), {"day": published_on})]
    if reused_on > today:
        return [Violation("reused_on", N_("A reuse cannot be in the future."), {})]
    return []


# -- coverage --------------------------------------------------------------------------------

def coverage_percent(reached: int, network: int) -> float | None:
    """Members reached as a share of the network, in percent (None without a network).
    Capped at 100: a network that shrank since the distribution does not make it exceed."""
    if network <= 0:
        return None
    return min(100.0, 100.0 * reached / network)


def meets_target(percent: float | None, target: int | None) -> bool | None:
    """Whether a coverage reaches the target (None when there is no target or no coverage)."""
    if target is None or percent is None:
        return None
    return percent >= target


def average(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# -- months ----------------------------------------------------------------------------------

Month = tuple[int, int]  # (year, month)


def parse_month(text: str | None) -> Month | None:
    """"2025-03" as (2025, 3); anything else (or a year outside 2000-2100) as None."""
    text = (text or "").strip()
    if len(text) != 7 or not text.isascii() or text[4] != "-" or not (text[:4].isdigit()
                                                                         and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


def add_months(month: Month, count: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + count
    return index // 12, index % 12 + 1


def months_between(start: Month, end: Month) -> list[Month] | None:
    """The months from `start` to `end` inclusive; None if the range is backwards or longer
    than MAX_REPORT_MONTHS."""
    count = (end[0] * 12 + end[1]) - (start[0] * 12 + start[1]) + 1
    if not 1 <= count <= MAX_REPORT_MONTHS:
        return None
    return [add_months(start, n) for n in range(count)]


@dataclass(frozen=True)
class PostReach:
    """A published post in the report: the month it was published (in the unit's zone), the
    members its distributions reached, and how many groups it was sent to."""

    month: Month
    reached: int
    lines: int


@dataclass
class MonthFigures:
    month: Month
    published: int = 0
    distributed: int = 0
    average_coverage: float | None = None
    median_coverage: float | None = None
    meeting_target: int | None = None
    members_reached: int = 0
    amplifications: int = 0
    by_kind: dict = field(default_factory=dict)
    by_unit: dict = field(default_factory=dict)


def month_figures(months: list[Month], posts: list[PostReach], network: int, target: int | None,
                  reuses: list[tuple[Month, str, int, int]]) -> list[MonthFigures]:
    """The report's rows.  Coverage is averaged over every published post of the month, an
    undistributed post counting 0 %, since the target is what each post should reach.
    `reuses` are (month, kind, unit id, count)."""
    rows = {m: MonthFigures(m) for m in months}
    coverages: dict[Month, list[float]] = {m: [] for m in months}
    for post in posts:
        row = rows.get(post.month)
        if row is None:
            continue
        row.published += 1
        row.distributed += 1 if post.lines else 0
        row.members_reached += post.reached
        percent = coverage_percent(post.reached, network)
        if percent is not None:
            coverages[post.month].append(percent)
    for month, kind, unit_id, count in reuses:
        row = rows.get(month)
        if row is None:
            continue
        row.amplifications += count
        row.by_kind[kind] = row.by_kind.get(kind, 0) + count
        row.by_unit[unit_id] = row.by_unit.get(unit_id, 0) + count
    for month, row in rows.items():
        values = coverages[month]
        row.average_coverage = average(values)
        row.median_coverage = median(values)
        if target is not None and network > 0:
            row.meeting_target = sum(1 for v in values if v >= target)
    return [rows[m] for m in months]
