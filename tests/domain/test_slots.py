"""Upload-slot rules: reading and refusing RRULEs, expanding them in WIB, WITA and WIT,
end dates and month boundaries, matching variants, weekly counts, adherence, words."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from planner.domain.errors import RuleViolated
from planner.domain.organisation import ZONES
from planner.domain.slots import (MAX_PER_WEEK, Occurrence, PlannedVariant, Publication, SlotRule,
                                  adherence, describe, match_variants, month_bounds, parse_rule,
                                  per_week, simple_weekdays, week_start, weekly_rule, weeks_of_month)

WIB, WITA, WIT = ZONES["WIB"], ZONES["WITA"], ZONES["WIT"]
UTC = timezone.utc
START = date(2026, 12, 1)  # a Tuesday


def parse(text, *, starts_on=START, at=time(9), ends_on=None, zone=WIB) -> SlotRule:
    return parse_rule(text, starts_on=starts_on, time_of_day=at, ends_on=ends_on, zone=zone)


def refusal(text, **kwargs) -> str:
    with pytest.raises(RuleViolated) as caught:
        parse(text, **kwargs)
    violation = caught.value.violations[0]
    return violation.message % violation.params if violation.params else violation.message


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["FREQ=WEEKLY;BYDAY=MO,WE,FR", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
                                  "  rrule:freq=weekly;byday=mo,we,fr  "])
def test_a_rule_is_accepted_with_or_without_the_rrule_prefix_and_stored_plain(text):
    assert parse(text).rule == "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def test_a_dtstart_agreeing_with_the_start_is_accepted_and_dropped():
    rule = parse("DTSTART;TZID=Asia/Jakarta:20261201T090000\nRRULE:FREQ=DAILY")
    assert rule.rule == "FREQ=DAILY"
    assert parse("DTSTART:20261201T020000Z\nRRULE:FREQ=DAILY").rule == "FREQ=DAILY"


def test_a_dtstart_disagreeing_with_the_start_is_refused_saying_both():
    message = refusal("DTSTART:20261201T100000\nRRULE:FREQ=DAILY")
    assert "2026-12-01 10:00" in message and "2026-12-01 09:00" in message


def test_until_becomes_the_end_date_in_the_units_zone():
    # 2026-12-10 20:00 UTC is already 11 December in WIT.
    assert parse("FREQ=DAILY;UNTIL=20261210T200000Z", zone=WIB).ends_on == date(2026, 12, 11)
    assert parse("FREQ=DAILY;UNTIL=20261210T140000Z", zone=WIT).ends_on == date(2026, 12, 10)
    rule = parse("FREQ=DAILY;UNTIL=20261210")
    assert rule.ends_on == date(2026, 12, 10) and "UNTIL" not in rule.rule


@pytest.mark.parametrize("text, expected", [
    ("", "Give a recurrence rule, for example FREQ=WEEKLY;BYDAY=MO,WE,FR."),
    ("FREQ=HOURLY", "Slots repeat at most daily: FREQ=HOURLY is not accepted."),
    ("FREQ=MINUTELY;INTERVAL=30", "Slots repeat at most daily: FREQ=MINUTELY is not accepted."),
    ("FREQ=SECONDLY", "Slots repeat at most daily: FREQ=SECONDLY is not accepted."),
    ("FREQ=FORTNIGHTLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY."),
    ("BYDAY=MO", "The rule needs a frequency, for example FREQ=WEEKLY;BYDAY=MO,WE,FR."),
    ("FREQ=WEEKLY;BYDAY=MO\nRRULE:FREQ=DAILY", "Give one RRULE, not 2."),
    ("FREQ=WEEKLY;BYDAY=MO\nEXDATE:20261207T090000", "Only a single RRULE is accepted here, not EXDATE."),
    ("FREQ=WEEKLY;BYDAY=MO\nRDATE:20261207T090000", "Only a single RRULE is accepted here, not RDATE."),
    ("FREQ=WEEKLY;BYDAY=XX", "BYDAY takes weekdays such as MO,WE,FR (or +1MO, -1FR in a monthly rule)."),
    ("FREQ=WEEKLY;BYDAY=+1MO", "A numbered weekday such as +1MO needs FREQ=MONTHLY (from -5 to 5) or "
                               "FREQ=YEARLY (from -53 to 53)."),
    ("FREQ=WEEKLY;FOO=1", "FOO is not a part of a recurrence rule."),
    ("FREQ=DAILY;BYSETPOS=5", "BYSETPOS is not supported for upload slots."),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL takes whole numbers from 1 to 99."),
    ("FREQ=DAILY;COUNT=abc", "COUNT takes whole numbers from 1 to 10000."),
    ("FREQ=DAILY;BYHOUR=25", "BYHOUR takes whole numbers from 0 to 23."),
    ("FREQ=DAILY;COUNT=3;UNTIL=20261231", "Give COUNT or UNTIL, not both."),
    ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice."),
    ("garbage", "Write each part of the rule as NAME=VALUE, for example FREQ=WEEKLY;BYDAY=MO,WE,FR."),
    ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY."),
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "No month of the rule has the days given in BYMONTHDAY."),
    ("FREQ=MONTHLY;BYDAY=+5MO;BYMONTHDAY=1", "The rule gives no slot between the start date and the end date."),
    ("FREQ=DAILY;UNTIL=20261130", "UNTIL (2026-11-30) is before the start date."),
    ("FREQ=DAILY;UNTIL=2026-12-31", "UNTIL is not a valid date or time: write it as 20261231 or 20261231T090000."),
    ("FREQ=DAILY;UNTIL=99991231", "UNTIL must lie between the years 2000 and 2100."),
    ("FREQ=DAILY;UNTIL=99991231T230000Z", "UNTIL must lie between the years 2000 and 2100."),
    ("DTSTART:99991231T230000Z\nFREQ=DAILY", "DTSTART must lie between the years 2000 and 2100."),
    ("FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14,15", f"The rule gives more than {MAX_PER_WEEK} slots in a week."),
    ("FREQ=DAILY;BYHOUR=0,6,12,18;BYMINUTE=0,30", f"The rule gives more than {MAX_PER_WEEK} slots in a week."),
])
def test_a_bad_rule_is_refused_with_a_message_saying_what_is_wrong(text, expected):
    assert refusal(text) == expected


def test_a_rule_with_no_occurrence_before_the_end_date_is_refused():
    # The first Saturday after Tuesday 1 December is the 5th; the slot ends on the 4th.
    assert refusal("FREQ=WEEKLY;BYDAY=SA", ends_on=date(2026, 12, 4)) == \
        "The rule gives no slot between the start date and the end date."


def test_until_and_an_end_date_that_disagree_are_refused():
    assert refusal("FREQ=DAILY;UNTIL=20261220", ends_on=date(2026, 12, 31)) == \
        "UNTIL (2026-12-20) disagrees with the end date (2026-12-31): give the end date only."
    assert parse("FREQ=DAILY;UNTIL=20261231", ends_on=date(2026, 12, 31)).ends_on == date(2026, 12, 31)


def test_an_end_date_before_the_start_is_refused_on_the_end_date():
    with pytest.raises(RuleViolated) as caught:
        parse("FREQ=DAILY", ends_on=date(2026, 11, 30))
    assert caught.value.violations[0].field == "ends_on"


def test_an_end_date_beyond_the_calendar_gives_no_occurrence_instead_of_an_error():
    # A slot saved before UNTIL was bounded: its end date is the last day there is.
    rule = SlotRule("FREQ=DAILY", START, time(9), date(9999, 12, 31), WIB)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    assert rule.occurrences(start, start + timedelta(days=2)) == []


def test_fifty_a_week_is_the_most_accepted():
    # Seven days at seven times a day is 49 a week.
    parse("FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14")


# -- expanding -------------------------------------------------------------------------------

def test_occurrences_are_utc_instants_of_the_wall_clock_time_in_each_zone():
    window = utc(2026, 12, 1), utc(2026, 12, 3)
    assert parse("FREQ=DAILY", zone=WIB).occurrences(*window) == [utc(2026, 12, 1, 2), utc(2026, 12, 2, 2)]
    assert parse("FREQ=DAILY", zone=WITA).occurrences(*window) == [utc(2026, 12, 1, 1), utc(2026, 12, 2, 1)]
    assert parse("FREQ=DAILY", zone=WIT).occurrences(*window) == [utc(2026, 12, 1, 0), utc(2026, 12, 2, 0)]


def test_weekdays_are_those_of_the_local_date_not_the_utc_one():
    # 06:00 WIT on Monday is 21:00 UTC on Sunday.
    rule = parse("FREQ=WEEKLY;BYDAY=MO", at=time(6), zone=WIT)
    assert rule.occurrences(utc(2026, 12, 1), utc(2026, 12, 15)) == [utc(2026, 12, 6, 21), utc(2026, 12, 13, 21)]


def test_a_month_in_local_time_takes_the_slot_of_the_first_at_dawn_and_leaves_the_next_months():
    rule = parse("FREQ=DAILY", at=time(5), zone=WIB)  # 05:00 WIB = 22:00 UTC the day before
    start, end = month_bounds(date(2026, 12, 1), WIB)
    found = rule.occurrences(start, end)
    assert found[0] == utc(2026, 11, 30, 22) and found[-1] == utc(2026, 12, 30, 22)
    assert len(found) == 31


def test_the_window_end_is_excluded_and_its_start_included():
    rule = parse("FREQ=DAILY")
    assert rule.occurrences(utc(2026, 12, 2, 2), utc(2026, 12, 3, 2)) == [utc(2026, 12, 2, 2)]


def test_nothing_before_the_start_date_and_nothing_after_the_end_date():
    rule = parse("FREQ=WEEKLY;BYDAY=MO,WE,FR", ends_on=date(2026, 12, 9))
    assert rule.occurrences(utc(2026, 11, 1), utc(2027, 1, 1)) == [
        utc(2026, 12, 2, 2), utc(2026, 12, 4, 2), utc(2026, 12, 7, 2), utc(2026, 12, 9, 2)]


def test_count_limits_the_occurrences_from_the_start():
    assert len(parse("FREQ=DAILY;COUNT=3").occurrences(utc(2026, 1, 1), utc(2027, 12, 1))) == 3


def test_a_monthly_rule_on_the_last_friday():
    found = parse("FREQ=MONTHLY;BYDAY=-1FR").occurrences(utc(2026, 12, 1), utc(2027, 3, 1))
    assert [f.date() for f in found] == [date(2026, 12, 25), date(2027, 1, 29), date(2027, 2, 26)]


def test_a_stored_rule_that_no_longer_reads_gives_no_occurrence_instead_of_an_error():
    broken = SlotRule("FREQ=WEEKLY;BYDAY=", START, time(9), None, WIB)
    assert broken.occurrences(utc(2026, 12, 1), utc(2026, 12, 31)) == []


# -- the simple form and words ---------------------------------------------------------------

def test_the_simple_form_builds_a_weekly_rule_and_reads_it_back():
    assert weekly_rule([4, 0, 2, 0]) == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert simple_weekdays("FREQ=WEEKLY;BYDAY=MO,WE,FR") == [0, 2, 4]
    assert simple_weekdays("FREQ=MONTHLY;BYDAY=-1FR") is None
    assert simple_weekdays("FREQ=WEEKLY;BYDAY=MO;INTERVAL=2") is None
    with pytest.raises(RuleViolated) as caught:
        weekly_rule([])
    assert caught.value.violations[0].field == "weekdays"


@pytest.mark.parametrize("text, message, weekdays, extra", [
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every %(days)s at %(time)s %(zone)s", (0, 2, 4), {}),
    ("FREQ=WEEKLY", "Every %(days)s at %(time)s %(zone)s", (1,), {}),  # the start's weekday
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every %(interval)s weeks on %(days)s at %(time)s %(zone)s", (1,),
     {"interval": 2}),
    ("FREQ=DAILY", "Every day at %(time)s %(zone)s", (), {}),
    ("FREQ=DAILY;INTERVAL=3", "Every %(interval)s days at %(time)s %(zone)s", (), {"interval": 3}),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", "On day %(monthdays)s of every month at %(time)s %(zone)s", (),
     {"monthdays": "1, 15"}),
    ("FREQ=MONTHLY;BYDAY=-1FR", "Custom rule %(rule)s, from %(time)s %(zone)s", (),
     {"rule": "FREQ=MONTHLY;BYDAY=-1FR"}),
])
def test_a_rule_is_described_by_a_translatable_sentence(text, message, weekdays, extra):
    words = describe(parse(text), "WITA")
    assert words.message == message and words.weekdays == weekdays
    assert words.params["time"] == time(9) and words.params["zone"] == "WITA"
    for key, value in extra.items():
        assert words.params[key] == value


# -- weeks, matching, adherence --------------------------------------------------------------

def test_weeks_start_on_monday_and_a_month_has_the_weeks_that_overlap_it():
    assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)
    assert weeks_of_month(date(2026, 12, 1)) == [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14),
                                                 date(2026, 12, 21), date(2026, 12, 28)]
    counts = per_week([utc(2026, 12, 6, 18), utc(2026, 12, 6, 16)], WIB)  # Monday 01:00 WIB, Sunday 23:00
    assert counts == {date(2026, 12, 7): 1, date(2026, 11, 30): 1}


TOLERANCE = timedelta(minutes=60)
MON = Occurrence(1, 10, utc(2026, 12, 7, 2))
WED = Occurrence(1, 10, utc(2026, 12, 9, 2))


def test_a_variant_fills_the_occurrence_it_names_or_one_within_the_tolerance():
    exact = PlannedVariant(100, 10, 1, utc(2026, 12, 7, 2))
    near = PlannedVariant(101, 10, None, utc(2026, 12, 9, 2, 45))
    assert match_variants([MON, WED], [exact, near], TOLERANCE) == {MON: 100, WED: 101}


def test_a_variant_outside_the_tolerance_on_another_channel_or_unplanned_fills_nothing():
    variants = [PlannedVariant(1, 10, 1, utc(2026, 12, 7, 3, 1)), PlannedVariant(2, 11, 1, utc(2026, 12, 7, 2)),
                PlannedVariant(3, 10, 1, None)]
    assert match_variants([MON], variants, TOLERANCE) == {}


def test_one_variant_fills_one_occurrence_and_the_one_naming_the_slot_wins():
    first = Occurrence(1, 10, utc(2026, 12, 7, 2))
    second = Occurrence(2, 10, utc(2026, 12, 7, 2, 30))
    only = PlannedVariant(7, 10, None, utc(2026, 12, 7, 2, 15))
    assert len(match_variants([first, second], [only], TOLERANCE)) == 1
    named = PlannedVariant(8, 10, 2, utc(2026, 12, 7, 2))
    other = PlannedVariant(9, 10, None, utc(2026, 12, 7, 2))
    assert match_variants([first, second], [named, other], TOLERANCE) == {second: 8, first: 9}


def test_adherence_counts_slots_filled_on_time_late_early_and_off_slot():
    month = month_bounds(date(2026, 12, 1), WIB)
    occurrences = [Occurrence(1, 10, at) for at in parse("FREQ=WEEKLY;BYDAY=MO,WE,FR").occurrences(*month)]
    assert len(occurrences) == 13  # Wednesday 2 to Wednesday 30 December
    variants = [PlannedVariant(1, 10, 1, utc(2026, 12, 7, 2)), PlannedVariant(2, 10, 1, utc(2026, 12, 9, 2)),
                PlannedVariant(3, 10, None, utc(2026, 12, 10, 2))]
    publications = [
        Publication(10, utc(2026, 12, 7, 2), utc(2026, 12, 7, 2, 50)),     # on time, on a slot
        Publication(10, utc(2026, 12, 9, 2), utc(2026, 12, 9, 5)),         # late, off-slot
        Publication(10, utc(2026, 12, 10, 2), utc(2026, 12, 10, 0)),       # early, off-slot (Thursday)
        Publication(10, None, utc(2026, 12, 11, 2)),                       # unplanned, on a slot
        Publication(10, utc(2026, 11, 30, 2), utc(2026, 11, 30, 2)),       # another month
    ]
    result = adherence(occurrences, variants, publications, TOLERANCE, month)
    assert (result.slots, result.filled, result.published) == (13, 2, 4)
    assert (result.on_time, result.late, result.early, result.unplanned, result.off_slot) == (1, 1, 1, 1, 2)
    assert result.fill_percent == 15 and result.on_time_percent == 33


def test_adherence_of_a_channel_without_slots_or_posts():
    result = adherence([], [], [], TOLERANCE, month_bounds(date(2026, 12, 1), WIB))
    assert result.slots == result.filled == result.published == 0
    assert result.fill_percent is None and result.on_time_percent is None
