"""Rules for the leader's agenda: an event's times, the agenda's ranges, uncovered events."""
from datetime import date, datetime, timedelta, timezone

from planner.domain.agenda_rules import check_event, check_range, is_uncovered, missing_roles
from planner.domain.content import CoverageRole, EventStatus

NOW = datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc)


def fields(problems):
    return [p.field for p in problems]


def test_a_plausible_event_passes():
    start = NOW + timedelta(days=3)
    assert check_event("Rapat", "Wali Kota", start, start + timedelta(hours=2), NOW) == []
    assert check_event("Rapat", "Wali Kota", start, start, NOW) == []  # a moment is fine


def test_an_event_ending_before_it_starts_is_refused_on_the_end():
    start = NOW + timedelta(days=3)
    assert fields(check_event("Rapat", "Wali Kota", start, start - timedelta(minutes=1), NOW)) == ["ends_at"]


def test_absurd_dates_are_refused():
    far = NOW + timedelta(days=800)
    assert fields(check_event("R", "W", far, far + timedelta(hours=1), NOW)) == ["starts_at"]
    old = datetime(1999, 5, 1, tzinfo=timezone.utc)
    assert fields(check_event("R", "W", old, old + timedelta(hours=1), NOW)) == ["starts_at"]
    start = NOW + timedelta(days=1)
    assert fields(check_event("R", "W", start, start + timedelta(days=40), NOW)) == ["ends_at"]


def test_title_leader_and_times_are_needed():
    assert fields(check_event(" ", "", None, None, NOW)) == ["title", "leader", "starts_at", "ends_at"]


def test_ranges_run_forwards_and_at_most_366_days():
    assert check_range(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert check_range(date(2024, 1, 1), date(2024, 12, 31)) == []  # 366 days of a leap year
    assert check_range(date(2026, 1, 1), date(2027, 1, 1)) == []  # 366 days
    assert fields(check_range(date(2026, 1, 1), date(2027, 1, 2))) == ["end"]
    assert fields(check_range(date(2026, 1, 2), date(2026, 1, 1))) == ["end"]


def test_uncovered_means_taking_place_with_nobody_assigned():
    assert is_uncovered(EventStatus.CONFIRMED, 0) and is_uncovered(EventStatus.TENTATIVE, 0)
    assert not is_uncovered(EventStatus.CONFIRMED, 1)
    assert not is_uncovered(EventStatus.CANCELLED, 0)
    assert missing_roles([CoverageRole.WRITER]) == [CoverageRole.PHOTOGRAPHER, CoverageRole.VIDEOGRAPHER]
    assert missing_roles(list(CoverageRole)) == []
