"""The mix arithmetic: months in a unit's zone, shares and their rounding, how a month stands
against a target's lines, what one more post pushes past a bound, and contradictory lines."""
from datetime import date, datetime, timezone

import pytest

from planner.domain import mix
from planner.domain.content import MixBound
from planner.domain.organisation import ZONES, TimeZoneCode

WIB, WIT = ZONES[TimeZoneCode.WIB], ZONES[TimeZoneCode.WIT]
MOST, LEAST = MixBound.AT_MOST, MixBound.AT_LEAST


def line(bound, percent, *ids):
    return mix.TargetLine(bound, percent, tuple((i, f"C{i}") for i in ids))


def messages(problems):
    return [p.message % p.params for p in problems]


# -- months ------------------------------------------------------------------------------

def test_months_are_counted_in_the_units_zone():
    late = datetime(2026, 3, 31, 17, 30, tzinfo=timezone.utc)  # 1 April 00:30 WIB
    assert mix.month_of(late, WIB) == date(2026, 4, 1)
    assert mix.month_of(datetime(2026, 3, 31, 16, 59), WIB) == date(2026, 3, 1)  # naive = UTC
    assert mix.month_bounds_utc(date(2026, 4, 1), WIT) == (
        datetime(2026, 3, 31, 15, tzinfo=timezone.utc), datetime(2026, 4, 30, 15, tzinfo=timezone.utc))


def test_month_steps_cross_years():
    assert mix.add_months(date(2025, 11, 1), 3) == date(2026, 2, 1)
    assert mix.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert mix.last_of_month(date(2028, 2, 1)) == date(2028, 2, 29)
    assert mix.months_between(date(2025, 12, 15), date(2026, 2, 1)) == [
        date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert mix.default_range(date(2026, 1, 20)) == (date(2025, 7, 1), date(2026, 2, 1))


@pytest.mark.parametrize("text", ["", "2026", "2026-13", "2026-00", "26-01", "2026/01", "1999-12",
                                  "2101-01", "２０２６-01", "2026-1 ", None])
def test_a_month_that_is_not_yyyy_mm_is_not_read(text):
    assert mix.parse_month(text) is None


def test_a_range_is_bounded_and_in_order():
    assert mix.parse_month("2026-07") == date(2026, 7, 1)
    assert mix.check_range(date(2026, 1, 1), date(2027, 12, 1)) == []
    assert messages(mix.check_range(date(2026, 1, 1), date(2028, 1, 1))) == ["Choose at most 24 months."]
    assert messages(mix.check_range(date(2026, 2, 1), date(2026, 1, 1))) == [
        "The last month comes before the first."]


# -- shares and standings ------------------------------------------------------------------

@pytest.mark.parametrize("count, total, text", [
    (1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (1, 16, "6.3"), (0, 5, "0"), (5, 5, "100"),
    (3, 10, "30"), (0, 0, "")])
def test_shares_are_rounded_half_up_to_a_tenth(count, total, text):
    assert mix.share_text(count, total) == text


def test_a_line_compares_exactly_not_by_the_rounded_share():
    at_most = line(MOST, 30, 1)
    assert at_most.met_by(3, 10) and not at_most.met_by(4, 13)  # 30.77 % shows as 30.8
    assert line(LEAST, 25, 2).met_by(1, 4) and not line(LEAST, 25, 2).met_by(1, 5)
    assert line(MOST, 0, 1).met_by(0, 9) and line(LEAST, 100, 1).met_by(4, 4)


def test_a_month_stands_against_each_line_and_an_empty_month_has_no_standing():
    lines = [line(MOST, 30, 1), line(LEAST, 25, 5, 6)]
    got = mix.standings(lines, {1: 6, 2: 2, 5: 1, 6: 1})  # 10 posts
    assert [(s.count, s.total, s.share, s.status) for s in got] == [
        (6, 10, "60", mix.BEYOND), (2, 10, "20", mix.BEYOND)]
    got = mix.standings(lines, {1: 1, 5: 2, 6: 1})
    assert [s.status for s in got] == [mix.OK, mix.OK]
    assert [s.status for s in mix.standings(lines, {})] == [mix.NO_POSTS, mix.NO_POSTS]


def test_one_more_post_is_checked_against_the_at_most_lines_containing_its_category():
    lines = [line(MOST, 30, 1), line(MOST, 50, 1, 2), line(LEAST, 25, 5), line(MOST, 10, 3)]
    # 2 of 7 ceremonial now; an eighth, ceremonial, makes 3 of 8 = 37.5 %.
    found = mix.overshoots(lines, {1: 2, 2: 1, 5: 4}, 1)
    assert [(s.line.percent, s.count, s.total, s.share) for s in found] == [(30, 3, 8, "37.5")]
    assert mix.overshoots(lines, {1: 2, 2: 1, 5: 4}, 5) == []  # adding to an 'at least' line
    assert mix.overshoots(lines, {5: 9}, 2) == []  # 1 of 10 in C1 + C2: within 50 %
    assert [s.line.percent for s in mix.overshoots(lines, {1: 9}, 2)] == [50]  # 10 of 10
    first_of_month = mix.overshoots(lines, {}, 1)  # 1 of 1 = 100 %: beyond both lines with it
    assert [s.line.percent for s in first_of_month] == [30, 50]
    violations = mix.overshoot_violations(lines, {1: 2, 2: 1, 5: 4}, 1)
    assert [v.field for v in violations] == ["category_id"]
    assert messages(violations) == [
        "This plan takes C1 to 37.5 % of the month's planned posts (3 of 8), beyond the target "
        "of at most 30 %."]


# -- checking a target ---------------------------------------------------------------------

def test_a_sound_target_passes():
    assert mix.line_problems([line(MOST, 30, 1), line(LEAST, 25, 5, 6), line(LEAST, 75, 2),
                              line(MOST, 100, 1, 2)]) == []


def test_at_least_lines_adding_up_to_more_than_100_percent_are_refused():
    problems = messages(mix.line_problems([line(LEAST, 60, 1), line(LEAST, 41, 2)]))
    assert problems == ["The 'at least' lines add up to 101 %: a target mix that adds up to more "
                        "than 100 % cannot be met."]


def test_a_category_in_two_at_least_lines_is_refused():
    assert messages(mix.line_problems([line(LEAST, 20, 1, 2), line(LEAST, 10, 2, 3)])) == [
        "C2 is in two 'at least' lines; put it in one."]


def test_an_at_least_line_above_an_at_most_line_over_the_same_categories_is_refused():
    assert messages(mix.line_problems([line(MOST, 20, 5, 6), line(LEAST, 30, 5, 6)])) == [
        "At least 30 % of C5 + C6 contradicts at most 20 % of C5 + C6."]
    # ... or over more of them: at most 20 % of {5, 6} cannot leave 30 % for 5 alone.
    assert len(mix.line_problems([line(MOST, 20, 5, 6), line(LEAST, 30, 5)])) == 1
    # A minimum on other categories is no contradiction.
    assert mix.line_problems([line(MOST, 20, 5), line(LEAST, 30, 6)]) == []


def test_empty_lines_and_percentages_out_of_range_are_refused():
    assert messages(mix.line_problems([line(MOST, 30), line(LEAST, 101, 2), line(MOST, -1, 3)])) == [
        "Line 1 names no category.", "Line 2: a percentage runs from 0 to 100.",
        "Line 3: a percentage runs from 0 to 100.",
        "The 'at least' lines add up to 101 %: a target mix that adds up to more than 100 % "
        "cannot be met."]


def test_a_period_runs_over_whole_months():
    assert mix.check_period(date(2026, 1, 1), None) == []
    assert mix.check_period(date(2026, 1, 1), date(2026, 6, 30)) == []
    assert [p.field for p in mix.check_period(date(2026, 1, 2), date(2026, 6, 29))] == [
        "starts_on", "ends_on"]
    assert [p.field for p in mix.check_period(date(2026, 6, 1), date(2026, 5, 31))] == ["ends_on"]
