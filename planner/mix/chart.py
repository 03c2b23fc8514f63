"""The mix chart's geometry, computed server-side: per month a stacked bar of the planned
posts and one of the published posts (one segment per category, in ladder order from the
bottom), and a mark at the height of each target line.  `templates/mix/_chart.html` draws it
as inline SVG; colours come from CSS classes (`mix-cat-0` ... `mix-cat-7`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_date, gettext as _

from planner.domain.content import MixBound
from planner.queries.mix import MixPage, Side

PLOT_TOP = 12
PLOT_HEIGHT = 200
LEFT = 44  # room for the percentage axis
BAR = 18
BAR_GAP = 4
GROUP = 2 * BAR + BAR_GAP + 22
COLOURS = 8  # mix-cat-0 .. mix-cat-7 in app.css


@dataclass
class Segment:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Bar:
    x: float
    letter: str  # "P" planned, "D" done (published), under the bar
    segments: list[Segment]
    empty: bool
    title: str


@dataclass
class Mark:
    x1: float
    x2: float
    y: float
    css: str
    label: str  # the line's number, shown beside the mark
    title: str


@dataclass
class Group:
    label: str
    label_x: float
    bars: list[Bar]
    marks: list[Mark] = field(default_factory=list)


@dataclass
class LegendItem:
    css: str
    name: str


@dataclass
class Chart:
    width: float
    height: float
    plot_top: float
    plot_bottom: float
    left: float
    right: float
    grid: list[tuple[float, str]]  # (y, "50 %")
    groups: list[Group]
    legend: list[LegendItem]
    title: str
    description: str


def _y(tenths: float) -> float:
    """The height in the plot of a share given in tenths of a percent."""
    return round(PLOT_TOP + PLOT_HEIGHT * (1 - tenths / 1000), 2)


def _bar(side: Side, x: float, letter: str, what: str, css: dict[int, str]) -> Bar:
    segments, base = [], 0
    for share in side.shares:
        if not share.count:
            continue
        top = base + share.count * 1000 / side.total
        segments.append(Segment(
            x, _y(top), BAR, round(_y(base) - _y(top), 2), css[share.category.id],
            _("%(category)s: %(count)s of %(total)s %(what)s (%(share)s %%)",
              category=share.category.name, count=share.count, total=side.total, what=what,
              share=share.share)))
        base = top
    title = _("%(count)s posts %(what)s", count=side.total, what=what)
    return Bar(x, letter, segments, side.total == 0, title)


def build_chart(page: MixPage) -> Chart:
    # By the category's place on the ladder, so a colour does not move between pages.
    css = {c.id: f"mix-cat-{c.position % COLOURS}" for c in page.categories}
    groups = []
    for index, month in enumerate(page.months):
        x = LEFT + 10 + index * GROUP
        label = format_date(month.month, "MMM yy")
        bars = [_bar(month.planned, x, _("P"), _("planned"), css),
                _bar(month.published, x + BAR + BAR_GAP, _("D"), _("published"), css)]
        marks = []
        if month.target is not None:
            for number, line in enumerate(month.target.lines, start=1):
                names = " + ".join(c.name for c in line.categories)
                bound = (_("at most %(percent)s %%", percent=line.percent)
                         if line.bound == MixBound.AT_MOST
                         else _("at least %(percent)s %%", percent=line.percent))
                marks.append(Mark(x - 4, x + 2 * BAR + BAR_GAP + 4, _y(line.percent * 10),
                                  f"mix-mark mix-mark-{line.bound.value}", str(number),
                                  _("Target line %(number)s: %(names)s %(bound)s",
                                    number=number, names=names, bound=bound)))
        groups.append(Group(label, x + BAR + BAR_GAP / 2, bars, marks))
    width = LEFT + 10 + len(page.months) * GROUP
    first = format_date(page.first, "MMMM yyyy")
    last = format_date(page.last, "MMMM yyyy")
    return Chart(
        width=width, height=PLOT_TOP + PLOT_HEIGHT + 40, plot_top=PLOT_TOP,
        plot_bottom=PLOT_TOP + PLOT_HEIGHT, left=LEFT, right=width,
        grid=[(_y(p * 10), f"{p} %") for p in (0, 25, 50, 75, 100)],
        groups=groups,
        legend=[LegendItem(css[c.id], c.name) for c in page.categories],
        title=_("Content mix of %(unit)s, %(first)s to %(last)s",
                unit=page.unit.name, first=first, last=last),
        description=_("For each month, two stacked bars: P the planned posts, D the published "
                      "posts, split by category from the bottom in the order of the legend. "
                      "Marks across a month show the lines of the target in force, numbered "
                      "as in the table below, where every number of the chart is given."))


__all__ = ["Chart", "build_chart"]
