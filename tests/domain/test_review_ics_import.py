"""Review of the agenda import's reading of hostile .ics files: each must be refused with a
reason (and its line), never fail with an error and never hang the worker.  Before the
review, these files raised IndexError, OverflowError, AttributeError or OSError (a 500
with the server's path in the log), or looped forever (INTERVAL=0, a VTIMEZONE rule that
never ends, a rule that never matches)."""
from __future__ import annotations

import sys
from datetime import timedelta

import pytest

from planner.domain import ics_limits
from planner.domain.ics_limits import ExpansionTooLong, expansion_budget
from tests.agenda_import_helpers import calendar, vevent
from tests.domain.test_ics_import import parse, refused

START = "DTSTART:20261201T020000Z"
END = "DTEND:20261201T030000Z"
SMALL_BUDGET = 60_000  # enough for every legitimate file below, and quick to use up


@pytest.fixture
def small_budget(monkeypatch):
    """Use up the expansion budget quickly, so a file that would spin is refused at once."""
    monkeypatch.setattr(ics_limits, "MAX_EXPANSION_STEPS", SMALL_BUDGET)


def text_of(error) -> str:
    return " ".join(v.message % v.params for v in error.violations)


def zone_block(rule: str, start: str = "19700101T000000") -> str:
    return "\n".join(["BEGIN:VTIMEZONE", "TZID:Zona Uji", "BEGIN:STANDARD", f"DTSTART:{start}",
                      f"RRULE:{rule}", "TZOFFSETFROM:+0700", "TZOFFSETTO:+0800", "END:STANDARD",
                      "BEGIN:DAYLIGHT", "DTSTART:19700601T000000", "RRULE:FREQ=YEARLY",
                      "TZOFFSETFROM:+0800", "TZOFFSETTO:+0700", "END:DAYLIGHT", "END:VTIMEZONE"])


@pytest.mark.parametrize("data", ["\x1c".encode(), "\u2028\u2029".encode(), "\u00a0 \r\n".encode(),
                                  b"\xef\xbb\xbf\x1d\x1e", "\u3000".encode()],
                         ids=["file-separator", "line-separators", "no-break-space", "bom-and-separators",
                              "ideographic-space"])
def test_a_file_of_characters_python_counts_as_blank_is_empty(data):
    assert refused(data).reasons == ["empty"]


@pytest.mark.parametrize("interval", ["0", "-1"])
def test_a_rule_with_an_interval_below_one_is_refused_at_its_line(interval):
    # INTERVAL=0 made dateutil loop forever on the same day.
    data = calendar(vevent("nol", START, END, "Tanpa jeda", f"RRULE:FREQ=DAILY;INTERVAL={interval}"))
    error = refused(data)
    assert error.reasons == ["bad_interval"] and error.lines == [10]
    assert f"INTERVAL of {interval}" in text_of(error)


@pytest.mark.parametrize("rule", [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # never matches: walked day by day to the year 9999
    "FREQ=DAILY;BYSETPOS=2",  # a position beyond a day's one occurrence: never matches
    "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
])
def test_a_rule_that_never_occurs_is_refused_instead_of_walked_to_the_year_9999(small_budget, rule):
    error = refused(calendar(vevent("tak-pernah", START, END, "Tak pernah", f"RRULE:{rule}")))
    assert error.reasons == ["too_long_to_expand"]


def test_many_rules_that_never_occur_share_one_budget(small_budget):
    events = [vevent(f"tak-{n}", START, END, "Tak pernah", "RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31")
              for n in range(200)]
    assert refused(calendar(*events)).reasons == ["too_long_to_expand"]


@pytest.mark.parametrize("rule, start", [
    ("FREQ=YEARLY;INTERVAL=0", "19700101T000000"),  # looped forever
    ("FREQ=SECONDLY", "10000101T000000"),  # every second since the year 1000
    ("FREQ=DAILY", "10000101T000000"),
])
def test_a_time_zone_of_the_file_whose_rule_would_not_end_is_refused(small_budget, rule, start):
    data = calendar(zone_block(rule, start),
                    vevent("zona", "DTSTART;TZID=Zona Uji:20261201T090000",
                           "DTEND;TZID=Zona Uji:20261201T100000"))
    assert refused(data).reasons == ["too_long_to_expand"]


def test_legitimate_old_series_stay_within_the_budget(small_budget):
    data = calendar(
        zone_block("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "16011028T030000"),  # Outlook's 1601
        vevent("ulang-tahun", "DTSTART;VALUE=DATE:16040301", None, "Ulang tahun", "RRULE:FREQ=YEARLY"),
        vevent("mingguan", "DTSTART:20150105T020000Z", "DTEND:20150105T030000Z", "Rapat",
               "RRULE:FREQ=WEEKLY;BYDAY=MO"),
        vevent("bulanan", "DTSTART:20000115T020000Z", "DTEND:20000115T030000Z", "Rapat bulanan",
               "RRULE:FREQ=MONTHLY;BYDAY=2TU"),
        vevent("zona", "DTSTART;TZID=Zona Uji:20261201T090000", "DTEND;TZID=Zona Uji:20261201T100000"))
    uids = {event.source_uid.split("/")[0] for event in parse(data).events}
    assert uids == {"ulang-tahun", "mingguan", "bulanan", "zona"}


@pytest.mark.parametrize("start, end", [
    ("DTSTART:00010101T000000", "DTEND:00010101T010000"),  # OverflowError on the unit's clock
    ("DTSTART:00010101T000000Z", None),
    ("DTSTART;VALUE=DATE:99991231", None),
    ("DTSTART:20261201T020000Z", "DTEND:99991231T235959Z"),
])
def test_dates_near_the_ends_of_the_calendar_are_refused_at_their_line(start, end):
    error = refused(calendar(vevent("jauh", start, end, "Jauh sekali")))
    assert error.reasons == ["out_of_range"]
    assert error.lines == [7 if start.startswith("DTSTART:0") or "9999" in start else 8]


def test_an_exdate_near_the_end_of_the_calendar_is_refused_too():
    data = calendar(vevent("jauh", START, END, "Jauh", "RRULE:FREQ=DAILY;COUNT=3",
                           "EXDATE:99991231T000000Z"))
    assert refused(data).reasons == ["out_of_range"]


@pytest.mark.parametrize("zone_line", ["DTSTART;TZID=Asia:20261201T090000",  # a folder of tzdata
                                       "DTSTART;TZID=Etc:20261201T090000",
                                       "DTSTART;TZID=" + "A" * 300 + ":20261201T090000"])
def test_a_zone_name_the_system_cannot_look_up_is_refused_without_the_servers_path(zone_line):
    error = refused(calendar(vevent("zona", zone_line, None)))
    assert error.reasons == ["unusable_zone"] and error.lines == [7]
    assert "site-packages" not in text_of(error) and "/" not in error.violations[0].params["zone"][:4]


@pytest.mark.parametrize("name", ["Asia", "x" * 300])
def test_a_calendar_zone_the_system_cannot_look_up_is_refused(name):
    error = refused(calendar(vevent(), extra=f"X-WR-TIMEZONE:{name}"))
    assert error.reasons == ["unusable_zone"] and error.lines == [5]


@pytest.mark.parametrize("lines, name, line", [
    (("DTSTART:20261201T020000Z", "DTSTART:20261202T020000Z"), "DTSTART", 8),  # a list
    (("DTSTART;VALUE=TEXT:besok pagi",), "DTSTART", 8),  # no date at all
    (("DTSTART;TZID=Asia/\x01:20261201T020000",), "DTSTART", 8),  # dropped by the reader
    (("DTSTART;VALUE=PERIOD:20261201T020000Z/PT1H",), "DTSTART", 8),
    (("DTSTART:20261201T020000Z", "DTEND:20261201T030000Z", "DTEND:20261201T040000Z"), "DTEND", 9),
])
def test_a_start_or_end_that_is_not_one_date_is_refused_at_its_line(lines, name, line):
    error = refused(calendar(vevent("aneh", None, None, "Aneh", *lines)))
    assert error.reasons == ["not_one_time"] and error.lines == [line]
    assert error.violations[0].params["name"] == name


@pytest.mark.parametrize("duration", [("DURATION;VALUE=DATE-TIME:20261201T030000Z",),
                                      ("DURATION:PT1H", "DURATION:PT2H")])
def test_a_duration_that_is_not_one_length_of_time_is_refused(duration):
    error = refused(calendar(vevent("lama", START, None, "Lama", *duration)))
    assert error.reasons == ["not_a_duration"] and error.lines == [9]


def test_the_budget_stops_a_spinning_rule_and_puts_back_the_previous_profiler():
    from datetime import datetime

    from dateutil.rrule import rrulestr

    def previous(frame, event, arg):
        return None

    sys.setprofile(previous)
    try:
        rule = rrulestr("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", dtstart=datetime(2026, 1, 1))
        with pytest.raises(ExpansionTooLong), expansion_budget(1000):
            rule.after(datetime(2026, 1, 2))
        assert sys.getprofile() is previous
    finally:
        sys.setprofile(None)


def test_within_the_budget_expansion_gives_what_dateutil_gives():
    from datetime import datetime

    from dateutil.rrule import rrulestr

    rule = rrulestr("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=20", dtstart=datetime(2026, 1, 5, 9))
    with expansion_budget(10_000):
        counted = list(rule)
    assert counted == list(rrulestr("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=20", dtstart=datetime(2026, 1, 5, 9)))
    assert counted[1] - counted[0] == timedelta(days=3)


def fixed_zone(tzid: str, offset: str) -> str:
    return "\n".join(["BEGIN:VTIMEZONE", f"TZID:{tzid}", "BEGIN:STANDARD", "DTSTART:16010101T000000",
                      f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", "END:STANDARD", "END:VTIMEZONE"])


def test_a_zone_a_file_defines_is_its_own_and_never_another_files():
    # icalendar caches a file's VTIMEZONE for the whole process under its TZID: the first
    # file's offsets were used for every later file naming the same zone.
    def meeting(offset: str):
        data = calendar(fixed_zone("Zona Kantor Uji", offset),
                        vevent("rapat", "DTSTART;TZID=Zona Kantor Uji:20261201T090000",
                               "DTEND;TZID=Zona Kantor Uji:20261201T100000"))
        return parse(data).events[0].starts_at

    assert meeting("+0700").hour == 2
    assert meeting("+0300").hour == 6
    assert meeting("+0700").hour == 2


def test_a_file_refused_while_expanding_its_zone_leaves_nothing_behind_for_the_next(small_budget):
    # The refusal interrupts dateutil inside its cached iteration, which keeps a lock held:
    # a zone left in the process-wide cache would hang the next file that names it.
    spinning = calendar(zone_block("FREQ=SECONDLY", "10000101T000000"),
                        vevent("zona", "DTSTART;TZID=Zona Uji:20261201T090000",
                               "DTEND;TZID=Zona Uji:20261201T100000"))
    assert refused(spinning).reasons == ["too_long_to_expand"]
    sound = calendar(zone_block("FREQ=YEARLY"), vevent("zona", "DTSTART;TZID=Zona Uji:20261201T090000",
                                                        "DTEND;TZID=Zona Uji:20261201T100000"))
    assert parse(sound).events[0].starts_at.hour == 2  # +0700 from June: 09:00 is 02:00 UTC
