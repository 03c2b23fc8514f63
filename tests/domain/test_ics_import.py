"""Reading .ics files for the agenda: the sample Google export, every reason a file is
refused (with the line it lies on), and the times of all-day, floating, zoned, UTC,
DURATION, recurring (EXDATE, RDATE, RECURRENCE-ID), Outlook and X-WR-TIMEZONE events."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from planner.domain.content import EventStatus
from planner.domain.ics_import import (NOTES_MAX, TITLE_MAX, UID_MAX, CalendarRefused,
                                       fit_uid, notes_text, parse_calendar, short_text)
from tests.agenda_import_helpers import (SAMPLE_ALL_DAY_UID, SAMPLE_CANCELLED_UID, SAMPLE_DURATION_UID,
                                         SAMPLE_MARKET_UID, SAMPLE_NAME, SAMPLE_OCCURRENCES,
                                         SAMPLE_TENTATIVE_UID, SAMPLE_WEEKLY_UID, calendar, sample_bytes,
                                         utc, vevent)

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
NOW = utc(2026, 11, 22, 5, 0)
LIMIT = 2 * 1024 * 1024


def parse(data: bytes, zone=WIB, now=NOW, **options):
    options.setdefault("max_bytes", LIMIT)
    return parse_calendar(data, filename=options.pop("filename", "agenda.ics"), zone=zone, now=now,
                          **options)


def refused(data: bytes, **options) -> CalendarRefused:
    with pytest.raises(CalendarRefused) as caught:
        parse(data, **options)
    error = caught.value
    assert all(v.field == "file" for v in error.violations)
    return error


def by_uid(parsed) -> dict:
    return {event.source_uid: event for event in parsed.events}


# -- the sample file -----------------------------------------------------------------------

def test_the_sample_export_gives_every_occurrence_in_the_window_with_its_line():
    parsed = parse(sample_bytes(weeks=0))
    events = by_uid(parsed)
    assert parsed.name == SAMPLE_NAME
    assert len(parsed.events) == SAMPLE_OCCURRENCES and parsed.left_out == 0
    weekly = sorted(uid for uid in events if uid.startswith(SAMPLE_WEEKLY_UID + "/"))
    assert len(weekly) == 8
    # the excluded Monday is missing, the moved one keeps the id of its original start
    assert f"{SAMPLE_WEEKLY_UID}/20261228T003000Z" not in events
    moved = events[f"{SAMPLE_WEEKLY_UID}/20261207T003000Z"]
    assert moved.starts_at == datetime(2026, 12, 8, 8, 0, tzinfo=WIB)
    assert moved.title == "Apel Pagi dan Rapat Staf Pimpinan (diundur ke Selasa)"
    assert moved.line == 39 and events[f"{SAMPLE_WEEKLY_UID}/20261130T003000Z"].line == 20
    assert events[SAMPLE_CANCELLED_UID].status == EventStatus.CANCELLED
    assert events[SAMPLE_TENTATIVE_UID].status == EventStatus.TENTATIVE
    all_day = events[SAMPLE_ALL_DAY_UID]
    assert (all_day.starts_at, all_day.ends_at) == (datetime(2026, 12, 9, tzinfo=WIB),
                                                    datetime(2026, 12, 11, tzinfo=WIB))
    duration = events[SAMPLE_DURATION_UID]
    assert duration.ends_at - duration.starts_at == timedelta(minutes=90)
    market = events[SAMPLE_MARKET_UID]
    assert market.place == "Pasar Baru Tanjungpinang, Jl. Merdeka"
    assert market.description == ("Undangan Dinas Perindustrian dan Perdagangan.\nSusunan acara "
                                  "terlampir pada surat.\nPakaian: batik lengan panjang.")
    assert all(e.starts_at.tzinfo == timezone.utc for e in parsed.events)
    assert parsed.span == (datetime(2026, 11, 30, 7, 30, tzinfo=WIB), datetime(2027, 1, 25, 9, 0, tzinfo=WIB))


def test_parsing_twice_gives_the_same_events():
    assert parse(sample_bytes(weeks=0)).events == parse(sample_bytes(weeks=0)).events


def test_events_outside_the_window_are_left_out_and_counted():
    parsed = parse(sample_bytes(weeks=0), now=utc(2027, 6, 1))  # 90 days back reach March 2027
    assert parsed.events == () and parsed.left_out == 12 and parsed.span is None


# -- refusals, each with its reason and line --------------------------------------------------

def test_a_file_beyond_the_limit_is_refused_before_reading():
    error = refused(sample_bytes(weeks=0), max_bytes=1000)
    assert error.reasons == ["too_large"] and "1000 bytes" in str(error)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"PK\x03\x04\x14\x00\x06\x00", "binary"),
    ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".encode("utf-16"), "utf16"),
])
def test_what_is_not_text_is_refused(data, reason):
    assert refused(data).reasons == [reason]


def test_a_byte_that_is_not_utf8_is_refused_with_its_line():
    data = calendar(vevent(summary="Rapat di Caf\xe9")).replace("Café".encode(), b"Caf\xe9")
    error = refused(data)
    assert error.reasons == ["encoding"] and error.lines == [9]


def test_a_utf8_byte_order_mark_is_accepted():
    assert len(parse(b"\xef\xbb\xbf" + calendar(vevent())).events) == 1


@pytest.mark.parametrize("data", [b"Tanggal,Kegiatan\n1 Des,Rapat\n", b"<!DOCTYPE html><html></html>",
                                  b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"])
def test_a_text_that_is_not_a_calendar_is_refused_on_its_first_line(data):
    error = refused(data)
    assert error.reasons == ["not_calendar"] and error.lines == [1]


def test_a_bad_line_is_reported_by_its_physical_line_after_unfolding():
    data = calendar(vevent("uji-1", "DTSTART:20261201T020000Z", "DTEND:20261201T040000Z",
                           "Rapat", "DESCRIPTION:Baris panjang\n  yang dilipat\n  dua kali",
                           "INI BUKAN BARIS KALENDER"))
    error = refused(data)
    assert error.reasons == ["bad_line"] and error.lines == [13]
    assert "INI BUKAN BARIS KALENDER" in str(error)


def test_several_bad_lines_are_reported_up_to_five():
    data = calendar(vevent("uji-1", "DTSTART:20261201T020000Z", None, "Rapat", *["rusak"] * 8))
    error = refused(data)
    assert error.reasons == ["bad_line"] * 5 and error.lines == [9, 10, 11, 12, 13]


@pytest.mark.parametrize("line", ["DTSTART;TZID=Asia/Jakarta;:20261201T090000", ";X=1:y", "SUMMARY",
                                  'DTSTART;TZID="Asia/Jakarta:20261201T090000', "SUM MARY:x"])
def test_malformed_names_and_parameters_are_bad_lines(line):
    error = refused(calendar(vevent("uji-1", line)))
    assert error.reasons == ["bad_line"] and error.lines == [7]


@pytest.mark.parametrize("tail, reason, line", [
    ("END:VTODO", "stray_end", 10),
    ("BEGIN:VALARM\nEND:VEVENT", "crossed_end", 11),
])
def test_blocks_that_do_not_pair_up_are_refused(tail, reason, line):
    block = vevent().replace("END:VEVENT", tail)
    error = refused(calendar(block))
    assert error.reasons == [reason] and error.lines == [line]


def test_a_file_cut_short_is_refused_naming_the_open_block():
    data = calendar(vevent()).decode().rsplit("END:VEVENT", 1)[0].encode()
    error = refused(data)
    assert error.reasons == ["unclosed"] and error.lines == [5]


def test_a_second_calendar_in_the_file_is_refused():
    data = calendar(vevent()) + calendar(vevent("uji-2"))
    error = refused(data)
    assert error.reasons == ["after_end"] and error.lines == [12]


def test_events_without_uid_or_start_are_refused_naming_line_and_title():
    data = calendar(vevent(), vevent(None, summary="Peresmian Pasar"),
                    vevent("uji-3", None, None, "Audiensi KONI"))
    error = refused(data)
    assert error.reasons == ["no_uid", "no_start"]
    assert error.lines == [11, 16]
    assert "Peresmian Pasar" in str(error) and "Audiensi KONI" in str(error)


def test_two_events_with_the_same_uid_are_refused():
    error = refused(calendar(vevent("sama"), vevent("sama", summary="Lain")))
    assert error.reasons == ["same_uid"] and error.lines == [11]
    assert error.violations[0].params["first"] == 5


@pytest.mark.parametrize("end, reason", [
    ("DTEND:20261201T010000Z", "end_before_start"),
    ("DURATION:-PT1H", "end_before_start"),
    ("DTEND;VALUE=DATE:20261202", "mixed_kinds"),
])
def test_an_event_ending_before_it_starts_is_refused(end, reason):
    error = refused(calendar(vevent(), vevent("uji-2", "DTSTART:20261201T020000Z", end, "Terbalik")))
    assert error.reasons == [reason] and error.lines == [11] and "Terbalik" in str(error)


def test_an_unknown_time_zone_is_refused_naming_it_and_its_line():
    data = calendar(vevent("uji-1", "DTSTART;TZID=Mars/Olympus:20261201T090000",
                           "DTEND;TZID=Mars/Olympus:20261201T100000"))
    error = refused(data)
    assert error.reasons == ["unknown_zone"] and error.lines == [7] and "Mars/Olympus" in str(error)


def test_an_unknown_zone_in_an_exdate_is_refused_too():
    data = calendar(vevent("uji-1", "DTSTART;TZID=Asia/Jakarta:20261201T090000", None, "Apel",
                           "RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Bulan/Tenang:20261208T090000"))
    error = refused(data)
    assert error.reasons == ["unknown_zone"] and error.lines == [10]


def test_an_unknown_calendar_time_zone_is_refused():
    error = refused(calendar(vevent(), extra="X-WR-TIMEZONE:Asia/Atlantis"))
    assert error.reasons == ["unknown_calendar_zone"] and error.lines == [5]


def test_an_unreadable_time_is_refused_with_its_line():
    error = refused(calendar(vevent("uji-1", "DTSTART:20261201T020000Z", "DTEND:2026120")))
    assert error.reasons == ["bad_value"] and error.lines == [8]
    assert error.violations[0].params["name"] == "DTEND"


def test_more_events_than_the_limit_are_refused():
    data = calendar(*[vevent(f"uji-{n}") for n in range(4)])
    error = refused(data, max_events=3)
    assert error.reasons == ["too_many"] and error.violations[0].params["count"] == 4


def test_recurrences_beyond_the_limit_are_refused_naming_the_event():
    data = calendar(vevent("harian", "DTSTART:20261201T020000Z", "DTEND:20261201T030000Z",
                           "Apel harian", "RRULE:FREQ=DAILY"))
    error = refused(data, max_events=10)
    assert error.reasons == ["too_many_occurrences"] and error.lines == [5]
    assert "Apel harian" in str(error)


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=MINUTELY;COUNT=5",
                                  "FREQ=DAILY;BYHOUR=8,9,10,11,12;BYMINUTE=0,10,20,30,40,50"])
def test_repetitions_more_often_than_hourly_are_refused(rule):
    data = calendar(vevent("sering", "DTSTART:20261201T020000Z", None, "Terlalu sering", f"RRULE:{rule}"))
    error = refused(data)
    assert error.reasons == ["too_frequent"] and error.lines == [9]


def test_a_calendar_that_is_not_gregorian_is_refused():
    error = refused(calendar(vevent(), extra="CALSCALE:HIJRI"))
    assert error.reasons == ["not_gregorian"] and error.lines == [5]


# -- times ----------------------------------------------------------------------------------

def only(data: bytes, zone=WIB):
    parsed = parse(data, zone=zone)
    assert len(parsed.events) == 1
    return parsed.events[0]


def test_utc_times_stay_the_same_instant():
    event = only(calendar(vevent()))
    assert (event.starts_at, event.ends_at) == (utc(2026, 12, 1, 2, 0), utc(2026, 12, 1, 4, 0))


def test_floating_times_are_on_the_units_clock():
    block = vevent("f", "DTSTART:20261201T090000", "DTEND:20261201T100000")
    assert only(calendar(block), WIB).starts_at == utc(2026, 12, 1, 2, 0)
    assert only(calendar(block), WITA).starts_at == utc(2026, 12, 1, 1, 0)


def test_zoned_times_keep_their_zone_whatever_the_unit():
    block = vevent("z", "DTSTART;TZID=Asia/Makassar:20261201T090000", "DTEND;TZID=Asia/Makassar:20261201T100000")
    assert only(calendar(block), WIB).starts_at == utc(2026, 12, 1, 1, 0)


def test_an_all_day_event_runs_from_local_midnight_to_the_next():
    event = only(calendar(vevent("d", "DTSTART;VALUE=DATE:20261201", None)), WIT)
    assert (event.starts_at, event.ends_at) == (datetime(2026, 12, 1, tzinfo=WIT), datetime(2026, 12, 2, tzinfo=WIT))


def test_duration_gives_the_end_and_a_timed_event_without_end_lasts_no_time():
    with_duration = only(calendar(vevent("d", "DTSTART:20261201T020000Z", "DURATION:PT2H30M")))
    assert with_duration.ends_at == utc(2026, 12, 1, 4, 30)
    instant = only(calendar(vevent("i", "DTSTART:20261201T020000Z", None)))
    assert instant.ends_at == instant.starts_at


def test_outlook_windows_zone_names_are_understood():
    block = vevent("040000008200E00074C5B7101A82E00800000000", "DTSTART;TZID=SE Asia Standard Time:20261201T090000",
                   "DTEND;TZID=SE Asia Standard Time:20261201T100000")
    assert only(calendar(block)).starts_at == utc(2026, 12, 1, 2, 0)


def test_outlook_time_zones_defined_in_the_file_are_understood():
    zone = "\n".join(["BEGIN:VTIMEZONE", "TZID:(UTC+08:00) Kuala Lumpur\\, Singapore", "BEGIN:STANDARD",
                      "DTSTART:16010101T000000", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "END:STANDARD",
                      "END:VTIMEZONE"])
    block = vevent("o", 'DTSTART;TZID="(UTC+08:00) Kuala Lumpur, Singapore":20261201T090000',
                   'DTEND;TZID="(UTC+08:00) Kuala Lumpur, Singapore":20261201T100000')
    data = calendar(zone, block, name=None).replace(b"PRODID:-//Uji//Pranata Tests//ID",
                                                    b"PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    parsed = parse(data)
    assert parsed.events[0].starts_at == utc(2026, 12, 1, 1, 0)
    assert parsed.name == "agenda.ics (-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN)"


def test_a_zone_of_the_file_without_tzname_is_not_taken_for_a_floating_time():
    zone = "\n".join(["BEGIN:VTIMEZONE", "TZID:Waktu Kantor", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                      "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "END:STANDARD", "END:VTIMEZONE"])
    block = vevent("w", "DTSTART;TZID=Waktu Kantor:20261201T090000", "DTEND;TZID=Waktu Kantor:20261201T100000")
    for extra in ("", "X-WR-TIMEZONE:Asia/Jakarta"):
        assert only(calendar(zone, block, extra=extra), WIB).starts_at == utc(2026, 12, 1, 0, 0), extra


def test_blank_lines_and_lf_line_ends_are_tolerated():
    data = calendar(vevent()).replace(b"\r\n", b"\n").replace(b"BEGIN:VEVENT", b"\nBEGIN:VEVENT")
    assert only(data).source_uid == "uji-1"


def test_x_wr_timezone_puts_floating_and_utc_times_on_the_calendars_clock():
    recurring = vevent("r", "DTSTART:20261201T010000Z", "DTEND:20261201T020000Z", "Apel",
                       "RRULE:FREQ=WEEKLY;COUNT=2")
    floating = vevent("f", "DTSTART:20261203T090000", "DTEND:20261203T100000")
    parsed = parse(calendar(recurring, floating, extra="X-WR-TIMEZONE:Asia/Makassar"), zone=WIB)
    events = by_uid(parsed)
    assert events["f"].starts_at == utc(2026, 12, 3, 1, 0)  # 09:00 WITA, not WIB
    assert events["r/20261208T010000Z"].starts_at == utc(2026, 12, 8, 1, 0)


def test_without_a_calendar_name_the_file_name_and_prodid_name_the_calendar():
    """Thunderbird writes no X-WR-CALNAME: two of its calendars must not be taken for one."""
    unnamed = calendar(vevent(), name=None)
    assert parse(unnamed, filename="Dinas Luar.ics").name == "Dinas Luar.ics (-//Uji//Pranata Tests//ID)"
    assert parse(unnamed, filename="Rapat.ics").name != parse(unnamed, filename="Dinas Luar.ics").name
    data = unnamed.replace(b"PRODID:-//Uji//Pranata Tests//ID\r\n", b"")
    assert parse(data, filename="sekretariat.ics").name == "sekretariat.ics"
    assert parse(unnamed, filename="").name == "-//Uji//Pranata Tests//ID"


# -- recurring events ---------------------------------------------------------------------

def test_recurring_events_expand_with_exdate_rdate_and_changed_occurrences():
    master = vevent("apel", "DTSTART;TZID=Asia/Jakarta:20261207T073000", "DTEND;TZID=Asia/Jakarta:20261207T083000",
                    "Apel", "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Asia/Jakarta:20261214T073000",
                    "RDATE;TZID=Asia/Jakarta:20261226T073000")
    moved = vevent("apel", "DTSTART;TZID=Asia/Jakarta:20261222T100000", "DTEND;TZID=Asia/Jakarta:20261222T110000",
                   "Apel (diundur)", "RECURRENCE-ID;TZID=Asia/Jakarta:20261221T073000")
    cancelled = vevent("apel", "DTSTART;TZID=Asia/Jakarta:20261228T073000", "DTEND;TZID=Asia/Jakarta:20261228T083000",
                       "Apel", "RECURRENCE-ID;TZID=Asia/Jakarta:20261228T073000", "STATUS:CANCELLED")
    events = by_uid(parse(calendar(master, moved, cancelled)))
    assert sorted(events) == ["apel/20261207T003000Z", "apel/20261221T003000Z", "apel/20261226T003000Z",
                              "apel/20261228T003000Z"]
    assert events["apel/20261221T003000Z"].title == "Apel (diundur)"
    assert events["apel/20261221T003000Z"].starts_at == datetime(2026, 12, 22, 10, 0, tzinfo=WIB)
    assert events["apel/20261221T003000Z"].line == 14
    assert events["apel/20261228T003000Z"].status == EventStatus.CANCELLED


def test_an_endless_rule_gives_only_the_occurrences_within_the_window():
    block = vevent("senin", "DTSTART;TZID=Asia/Jakarta:20200106T080000", "DTEND;TZID=Asia/Jakarta:20200106T090000",
                   "Rapat Senin", "RRULE:FREQ=WEEKLY;BYDAY=MO")
    parsed = parse(calendar(block))
    assert 60 <= len(parsed.events) <= 67
    assert parsed.window_start <= parsed.events[0].ends_at
    assert parsed.events[-1].starts_at < parsed.window_end
    assert parsed.window_end - parsed.window_start >= timedelta(days=455)


def test_recurring_all_day_events_are_named_by_their_day():
    block = vevent("cuti", "DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261225", "Cuti bersama",
                   "RRULE:FREQ=DAILY;COUNT=2")
    events = by_uid(parse(calendar(block), zone=WITA))
    assert sorted(events) == ["cuti/20261224", "cuti/20261225"]
    assert events["cuti/20261225"].starts_at == datetime(2026, 12, 25, tzinfo=WITA)


# -- texts and identifiers -----------------------------------------------------------------

def test_a_long_uid_is_shortened_stably_and_stays_distinct():
    first, second = "a" * 300, "a" * 299 + "b"
    assert len(fit_uid(first)) == UID_MAX and fit_uid(first) == fit_uid(first)
    assert fit_uid(first) != fit_uid(second)
    events = parse(calendar(vevent(first, "DTSTART:20261201T020000Z", None, "x", "RRULE:FREQ=DAILY;COUNT=2"))).events
    assert all(len(e.source_uid) == UID_MAX for e in events) and len({e.source_uid for e in events}) == 2


def test_titles_places_and_notes_are_kept_within_the_columns():
    long_title = "Rapat Koordinasi " * 20
    data = calendar(vevent("t", "DTSTART:20261201T020000Z", None, long_title, "LOCATION:" + "Gedung " * 40,
                           "DESCRIPTION:" + "catatan " * 1000))
    event = only(data)
    assert len(event.title) <= TITLE_MAX and event.title.endswith(("Rapat…", "Koordinasi…"))
    assert len(event.place) <= 200 and event.place.endswith("…")
    assert len(event.description) <= NOTES_MAX
    assert short_text("  Rapat\n  Staf  ", 200) == "Rapat Staf"
    assert notes_text("a<br>b &amp; <b>c</b>") == "a\nb & c"


def test_an_event_without_summary_gets_the_placeholder_title():
    event = parse(calendar(vevent(summary=None)), untitled="(tanpa judul)").events[0]
    assert event.title == "(tanpa judul)"


@pytest.mark.parametrize("status, expected", [("CANCELLED", EventStatus.CANCELLED),
                                              ("TENTATIVE", EventStatus.TENTATIVE),
                                              ("CONFIRMED", EventStatus.CONFIRMED),
                                              ("NEEDS-ACTION", EventStatus.CONFIRMED)])
def test_status_maps_onto_the_agendas(status, expected):
    assert only(calendar(vevent("s", "DTSTART:20261201T020000Z", None, "x", f"STATUS:{status}"))).status == expected

