from datetime import date

from planner.domain.periods import Period
from planner.domain.structure_rules import (
    check_assignment, check_assignment_end, check_delegation, check_move, rebase_path, unit_path,
)


def fields(problems):
    return [p.field for p in problems]


def test_assignment_ending_before_it_starts_is_refused_on_the_end_field():
    problems = check_assignment(Period(date(2024, 5, 1), date(2024, 4, 30)), [])
    assert fields(problems) == ["valid_to"]


def test_overlapping_assignment_of_same_role_is_refused():
    existing = [Period(date(2024, 1, 1), date(2024, 12, 31))]
    assert fields(check_assignment(Period(date(2024, 12, 31)), existing)) == ["valid_from"]
    assert check_assignment(Period(date(2025, 1, 1)), existing) == []


def test_open_ended_existing_assignment_blocks_any_later_one():
    existing = [Period(date(2024, 1, 1))]
    assert fields(check_assignment(Period(date(2030, 1, 1), date(2030, 2, 1)), existing)) == ["valid_from"]
    assert check_assignment(Period(date(2023, 1, 1), date(2023, 12, 31)), existing) == []


def test_ending_may_only_shorten():
    assert check_assignment_end(date(2024, 1, 1), None, date(2024, 6, 1)) == []
    assert fields(check_assignment_end(date(2024, 1, 1), None, date(2023, 12, 31))) == ["end_date"]
    assert fields(check_assignment_end(date(2024, 1, 1), date(2024, 3, 1), date(2024, 4, 1))) == ["end_date"]


def test_delegation_to_oneself_is_refused():
    problems = check_delegation(7, 7, Period(date(2024, 2, 1), date(2024, 2, 5)),
                                [Period(date(2024, 1, 1))])
    assert fields(problems) == ["delegate_id"]


def test_delegation_outside_the_delegators_period_is_refused():
    own = [Period(date(2024, 1, 1), date(2024, 6, 30))]
    assert fields(check_delegation(1, 2, Period(date(2024, 6, 20), date(2024, 7, 5)), own)) == ["valid_from"]
    assert fields(check_delegation(1, 2, Period(date(2024, 6, 20)), own)) == ["valid_from"]
    assert check_delegation(1, 2, Period(date(2024, 6, 20), date(2024, 6, 30)), own) == []


def test_delegation_of_a_role_the_delegator_does_not_hold_is_refused():
    assert fields(check_delegation(1, 2, Period(date(2024, 1, 1), date(2024, 1, 2)), [])) == ["delegator_id"]


def test_unit_cannot_move_under_itself_or_a_descendant():
    assert fields(check_move("/1/5/", "/1/5/")) == ["parent_id"]
    assert fields(check_move("/1/5/", "/1/5/9/12/")) == ["parent_id"]
    assert check_move("/1/5/", "/1/6/") == []
    # A sibling whose id merely starts with the same digits is not a descendant.
    assert check_move("/1/5/", "/1/55/") == []
    assert fields(check_move("/1/5/", "/2/7/")) == ["parent_id"]  # into another government


def test_paths():
    assert unit_path(None, 1) == "/1/"
    assert unit_path("/1/5/", 12) == "/1/5/12/"
    assert rebase_path("/1/5/12/30/", "/1/5/", "/1/6/5/") == "/1/6/5/12/30/"
