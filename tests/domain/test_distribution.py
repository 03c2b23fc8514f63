"""Distribution arithmetic: tree totals, cycles, levels, dates, coverage, median, months."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from planner.domain.content import GroupLevel as L
from planner.domain.distribution import (MAX_MEMBERS, GroupFacts, PostReach, add_months, average,
                                         build_tree, coverage_percent, group_problems, level_fits,
                                         median, meets_target, month_figures, months_between,
                                         network_total, parse_month, reuse_date_problems,
                                         sent_at_problems, would_create_cycle)

UTC = timezone.utc


def network():
    # city(100) -> district A(50) -> kelurahan A1(20), A2(10, inactive); district B(30)
    return [GroupFacts(1, None, 100), GroupFacts(2, 1, 50), GroupFacts(3, 2, 20),
            GroupFacts(4, 2, 10, active=False), GroupFacts(5, 1, 30)]


def test_subtree_totals_add_the_own_members_of_active_groups_below():
    [city] = build_tree(network())
    assert city.total == 100 + 50 + 20 + 30
    district_a, district_b = city.children
    assert (district_a.total, district_b.total) == (70, 30)
    assert [c.group.id for c in district_a.children] == [3, 4]
    assert district_a.children[1].total == 0  # inactive: shown, counts nothing


def test_the_network_total_counts_active_groups_only():
    assert network_total(network()) == 200
    assert network_total([]) == 0


def test_a_group_whose_parent_is_missing_is_a_root_and_a_stored_cycle_does_not_hang():
    roots = build_tree([GroupFacts(7, 99, 5), GroupFacts(8, 7, 1)])
    assert [r.group.id for r in roots] == [7] and roots[0].total == 6
    assert build_tree([GroupFacts(1, 2, 1), GroupFacts(2, 1, 1)]) == []  # nothing reaches a root
    assert [r.group.id for r in build_tree([GroupFacts(3, 3, 4)])] == [3]


def test_build_tree_reads_facts_through_an_accessor():
    groups = [{"id": 1, "parent": None, "n": 4}, {"id": 2, "parent": 1, "n": 6}]
    [root] = build_tree(groups, lambda g: GroupFacts(g["id"], g["parent"], g["n"]))
    assert root.total == 10 and root.children[0].group["id"] == 2


@pytest.mark.parametrize("group, parent, expected", [
    (2, 3, True),     # under its own child
    (1, 5, True),     # under a grandchild's sibling... 5 is a child of 1
    (2, 2, True),     # under itself
    (3, 5, False),    # across to another district
    (2, None, False),  # to the top
    (5, 3, False),
])
def test_moves_that_would_make_a_group_its_own_ancestor_are_detected(group, parent, expected):
    parents = {g.id: g.parent_id for g in network()}
    assert would_create_cycle(group, parent, parents) is expected


def test_a_cycle_already_in_the_data_counts_as_one():
    assert would_create_cycle(9, 1, {1: 2, 2: 1}) is True


def test_levels_go_down_the_cascade_and_community_groups_sit_anywhere():
    assert level_fits(None, L.NEIGHBOURHOOD)
    assert level_fits(L.CITY, L.DISTRICT) and level_fits(L.CITY, L.NEIGHBOURHOOD)
    assert not level_fits(L.SUBDISTRICT, L.DISTRICT)
    assert not level_fits(L.DISTRICT, L.DISTRICT)
    assert level_fits(L.NEIGHBOURHOOD, L.COMMUNITY) and level_fits(L.COMMUNITY, L.CITY)


def test_group_problems_name_each_field():
    assert group_problems(name="Grup RT 01", level=L.NEIGHBOURHOOD, members=40,
                          parent_level=L.SUBDISTRICT) == []
    fields = [v.field for v in group_problems(name="  ", level=L.DISTRICT, members=-1,
                                              parent_level=L.SUBDISTRICT)]
    assert fields == ["name", "members", "level"]
    assert [v.field for v in group_problems(name="x", level=L.CITY, members=MAX_MEMBERS + 1,
                                            parent_level=None)] == ["members"]
    assert [v.field for v in group_problems(name="x", level=L.CITY, members=True,
                                            parent_level=None)] == ["members"]
    below = group_problems(name="x", level=L.SUBDISTRICT, members=1, parent_level=L.CITY,
                           child_levels=[L.DISTRICT])
    assert [v.field for v in below] == ["level"] and "below" in below[0].message


def test_a_distribution_is_sent_between_publication_and_now():
    published = datetime(2025, 5, 5, 3, 0, 40, tzinfo=UTC)
    now = datetime(2025, 5, 6, 3, 0, tzinfo=UTC)
    assert sent_at_problems(datetime(2025, 5, 5, 3, 0, tzinfo=UTC), published, now) == []  # same minute
    assert sent_at_problems(now, published, now) == []
    early = sent_at_problems(datetime(2025, 5, 5, 2, 59, tzinfo=UTC), published, now)
    assert "before the post was published" in early[0].message and early[0].field == "sent_at"
    late = sent_at_problems(now + timedelta(minutes=1), published, now)
    assert "future" in late[0].message
    assert sent_at_problems(None, published, now)[0].field == "sent_at"


def test_a_reuse_falls_between_the_day_of_publication_and_today():
    assert reuse_date_problems(date(2025, 5, 5), date(2025, 5, 5), date(2025, 5, 9)) == []
    before = reuse_date_problems(date(2025, 5, 4), date(2025, 5, 5), date(2025, 5, 9))
    assert before[0].params == {"day": date(2025, 5, 5)}
    assert "future" in reuse_date_problems(date(2025, 5, 10), date(2025, 5, 5), date(2025, 5, 9))[0].message
    assert reuse_date_problems(None, date(2025, 5, 5), date(2025, 5, 9))[0].field == "reused_on"


def test_coverage_is_a_share_of_the_network_capped_at_one_hundred():
    assert coverage_percent(50, 200) == 25.0
    assert coverage_percent(0, 200) == 0.0
    assert coverage_percent(300, 200) == 100.0
    assert coverage_percent(10, 0) is None
    assert meets_target(25.0, 25) is True and meets_target(24.9, 25) is False
    assert meets_target(None, 25) is None and meets_target(30.0, None) is None


def test_average_and_median():
    assert average([]) is None and median([]) is None
    assert average([10.0, 20.0, 60.0]) == 30.0
    assert median([60.0, 10.0, 20.0]) == 20.0
    assert median([40.0, 10.0, 20.0, 30.0]) == 25.0


@pytest.mark.parametrize("text, expected", [
    ("2025-03", (2025, 3)), ("2025-12", (2025, 12)), ("2025-13", None), ("2025-00", None),
    ("1999-05", None), ("25-03", None), ("2025/03", None), ("", None), (None, None),
    ("２０２５-03", None), ("2025-3 ", None),
])
def test_months_are_read_strictly(text, expected):
    assert parse_month(text) == expected


def test_month_ranges_are_bounded_and_forward():
    assert add_months((2025, 11), 3) == (2026, 2) and add_months((2025, 1), -1) == (2024, 12)
    assert months_between((2025, 11), (2026, 2)) == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert months_between((2025, 3), (2025, 3)) == [(2025, 3)]
    assert months_between((2025, 3), (2025, 2)) is None
    assert months_between((2024, 1), (2025, 12)) is not None
    assert months_between((2024, 1), (2026, 1)) is None


def test_month_figures_count_posts_coverage_target_and_reuses():
    months = [(2025, 4), (2025, 5)]
    posts = [PostReach((2025, 4), 100, 2), PostReach((2025, 4), 0, 0), PostReach((2025, 4), 40, 1),
             PostReach((2025, 5), 200, 3), PostReach((2025, 6), 999, 1)]  # June is outside
    reuses = [((2025, 4), "reshare", 7, 2), ((2025, 4), "quote", 7, 1), ((2025, 4), "reshare", 8, 1),
              ((2024, 1), "reshare", 7, 5)]
    april, may = month_figures(months, posts, 200, 25, reuses)
    assert (april.published, april.distributed, april.members_reached) == (3, 2, 140)
    assert april.average_coverage == pytest.approx((50 + 0 + 20) / 3)
    assert april.median_coverage == 20.0
    assert april.meeting_target == 1
    assert april.amplifications == 4
    assert april.by_kind == {"reshare": 3, "quote": 1} and april.by_unit == {7: 3, 8: 1}
    assert (may.published, may.average_coverage, may.meeting_target, may.amplifications) == (1, 100.0, 1, 0)


def test_month_figures_without_network_or_target_leave_coverage_open():
    [row] = month_figures([(2025, 4)], [PostReach((2025, 4), 10, 1)], 0, 25, [])
    assert row.published == 1 and row.average_coverage is None and row.meeting_target is None
    [row] = month_figures([(2025, 4)], [PostReach((2025, 4), 10, 1)], 100, None, [])
    assert row.average_coverage == 10.0 and row.meeting_target is None
    [row] = month_figures([(2025, 4)], [], 100, 30, [])
    assert row.published == 0 and row.median_coverage is None and row.meeting_target == 0
