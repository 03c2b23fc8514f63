from datetime import date, datetime, timezone

from planner.domain.organisation import ZONES, TimeZoneCode
from planner.domain.periods import Period, local_today


def test_open_ended_period_contains_every_later_day():
    period = Period(date(2024, 3, 1))
    assert period.contains(date(2024, 3, 1))
    assert period.contains(date(2030, 1, 1))
    assert not period.contains(date(2024, 2, 29))


def test_end_day_is_inclusive():
    period = Period(date(2024, 1, 1), date(2024, 1, 31))
    assert period.contains(date(2024, 1, 31))
    assert not period.contains(date(2024, 2, 1))


def test_overlap_cases():
    jan = Period(date(2024, 1, 1), date(2024, 1, 31))
    assert jan.overlaps(Period(date(2024, 1, 31), date(2024, 2, 5)))
    assert not jan.overlaps(Period(date(2024, 2, 1), date(2024, 2, 5)))
    assert jan.overlaps(Period(date(2023, 1, 1)))
    assert Period(date(2024, 1, 1)).overlaps(Period(date(2025, 1, 1)))
    assert not Period(date(2024, 2, 1)).overlaps(Period(date(2023, 1, 1), date(2024, 1, 31)))


def test_within_requires_an_end_when_the_outer_period_ends():
    outer = Period(date(2024, 1, 1), date(2024, 12, 31))
    assert Period(date(2024, 6, 1), date(2024, 6, 10)).within(outer)
    assert not Period(date(2024, 6, 1)).within(outer)
    assert not Period(date(2023, 12, 31), date(2024, 1, 5)).within(outer)
    assert Period(date(2024, 6, 1)).within(Period(date(2024, 1, 1)))


def test_validity():
    assert Period(date(2024, 1, 2), date(2024, 1, 2)).is_valid
    assert not Period(date(2024, 1, 2), date(2024, 1, 1)).is_valid


def test_local_today_differs_across_indonesian_zones_near_midnight():
    # 16:30 UTC is 23:30 WIB, 00:30 WITA (next day), 01:30 WIT.
    now = datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc)
    assert local_today(ZONES[TimeZoneCode.WIB], now) == date(2026, 11, 22)
    assert local_today(ZONES[TimeZoneCode.WITA], now) == date(2026, 11, 23)
    assert local_today(ZONES[TimeZoneCode.WIT], now) == date(2026, 11, 23)
