"""Feed events and calendars written as RFC 5545: CRLF everywhere, lines folded at 75
octets without splitting a UTF-8 character, TEXT escaped, TZID on start and end with a
VTIMEZONE for every zone, UTC stamps, the calendar's own properties, and the same bytes for
the same event."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.ical import FeedEvent, FeedMeta, render_calendar, render_event, vtimezone

STAMP = datetime(2026, 3, 2, 4, 5, 6, tzinfo=timezone.utc)
START = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)  # 09:00 WIB, 10:00 WITA, 11:00 WIT
INDONESIAN = ("Sosialisasi pencegahan stunting “Gerakan Bersama Cegah Stunting” di Kelurahan "
              "Tanjungpinang Timur — dihadiri Wali Kota, Ketua TP-PKK & camat ✓ 🙂 ")


def event(**changes) -> FeedEvent:
    values = dict(uid="variant-7@pranata", sequence=2, stamp=STAMP, start=START,
                  end=START + timedelta(minutes=30), zone="Asia/Jakarta",
                  summary="[Instagram Humas] Rapat koordinasi (Draf)")
    values.update(changes)
    return FeedEvent(**values)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def parse_event(data: bytes) -> icalendar.Event:
    return icalendar.Event.from_ical(data)


def test_an_event_is_one_vevent_with_crlf_line_ends_only():
    data = render_event(event(description="baris satu\nbaris dua\r\nbaris tiga\rbaris empat"))
    assert data.startswith(b"BEGIN:VEVENT\r\n") and data.endswith(b"END:VEVENT\r\n")
    for line in physical_lines(data):
        assert b"\r" not in line and b"\n" not in line
    parsed = parse_event(data)
    assert str(parsed["DESCRIPTION"]) == "baris satu\nbaris dua\nbaris tiga\nbaris empat"


def test_long_indonesian_text_folds_at_75_octets_and_never_inside_a_character():
    text = INDONESIAN * 4
    data = render_event(event(summary=text, description=text, location=text))
    lines = physical_lines(data)
    assert any(len(line) > 60 for line in lines)
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # each physical line is whole UTF-8 on its own
    folded = [line for line in lines if line.startswith(b" ")]
    assert len(folded) > 10
    parsed = parse_event(data)
    assert str(parsed["SUMMARY"]) == text
    assert str(parsed["LOCATION"]) == text


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_survives_folding_and_escaping(text):
    data = render_event(event(summary=text or "x", description=text))
    for line in physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")
    parsed = parse_event(data)
    expected = "".join(c for c in text if c in "\t\n\r" or not (ord(c) < 32 or ord(c) == 127))
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    assert str(parsed.get("DESCRIPTION", "")) == expected


def test_commas_semicolons_backslashes_and_newlines_are_escaped():
    data = render_event(event(summary="Rapat; evaluasi, tindak lanjut \\ catatan\nbaris",
                              categories=("Seremonial, acara", "Instagram")))
    assert b"SUMMARY:Rapat\\; evaluasi\\, tindak lanjut \\\\ catatan\\nbaris\r\n" in data
    assert b"CATEGORIES:Seremonial\\, acara,Instagram\r\n" in data
    parsed = parse_event(data)
    assert str(parsed["SUMMARY"]) == "Rapat; evaluasi, tindak lanjut \\ catatan\nbaris"
    assert list(parsed["CATEGORIES"].cats) == ["Seremonial, acara", "Instagram"]


def test_control_characters_are_left_out_of_text():
    data = render_event(event(summary="Judul\x00\x07\x1b bersih\x7f"))
    assert b"SUMMARY:Judul bersih\r\n" in data


@pytest.mark.parametrize("zone, local", [("Asia/Jakarta", "20260310T090000"),
                                         ("Asia/Makassar", "20260310T100000"),
                                         ("Asia/Jayapura", "20260310T110000")])
def test_start_and_end_carry_the_zone_and_stamps_are_utc(zone, local):
    data = render_event(event(zone=zone, start=START.astimezone(ZoneInfo(zone))))
    assert f"DTSTART;TZID={zone}:{local}\r\n".encode() in data
    assert f"DTEND;TZID={zone}:{local[:-4]}3000\r\n".encode() in data
    assert b"DTSTAMP:20260302T040506Z\r\n" in data
    assert b"LAST-MODIFIED:20260302T040506Z\r\n" in data
    assert b"SEQUENCE:2\r\n" in data


def test_uid_status_url_categories_and_transparency_are_written():
    data = render_event(event(status="CANCELLED", url="https://pranata.example/posts/7",
                              categories=("Informasi publik", "Instagram"), transparent=True))
    parsed = parse_event(data)
    assert str(parsed["UID"]) == "variant-7@pranata"
    assert str(parsed["STATUS"]) == "CANCELLED"
    assert str(parsed["URL"]) == "https://pranata.example/posts/7"
    assert str(parsed["TRANSP"]) == "TRANSPARENT"
    assert b"TRANSP:OPAQUE" in render_event(event())


def test_a_recurrence_rule_is_written_as_given_with_its_utc_until():
    data = render_event(event(rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20261231T165959Z"))
    assert b"RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20261231T165959Z\r\n" in data
    rule = parse_event(data)["RRULE"]
    assert rule["UNTIL"][0] == datetime(2026, 12, 31, 16, 59, 59, tzinfo=timezone.utc)


@pytest.mark.parametrize("rule", ["", "BYDAY=MO", "FREQ=WEEKLY\r\nX-EVIL:1", "FREQ=WEEKLY;BYDAY=M O"])
def test_a_malformed_rule_is_refused(rule):
    if not rule:
        assert b"RRULE" not in render_event(event(rrule=rule))
        return
    with pytest.raises(ValueError):
        render_event(event(rrule=rule))


@pytest.mark.parametrize("changes", [
    {"start": datetime(2026, 3, 10, 9)}, {"stamp": datetime(2026, 3, 1)},
    {"zone": "Mars/Olympus"}, {"zone": "Asia/Jakarta\r\nX:1"}, {"status": "MAYBE"},
    {"sequence": -1}, {"url": "https://x/a b"}])
def test_bad_values_are_refused(changes):
    with pytest.raises((ValueError, KeyError)):
        render_event(event(**changes))


def test_an_event_without_duration_has_no_dtend():
    data = render_event(event(end=START))
    assert b"DTEND" not in data
    assert b"DTSTART;TZID=Asia/Jakarta:20260310T090000" in data


def test_the_same_event_gives_the_same_bytes():
    first = event(description=INDONESIAN, categories=("Seremonial",), url="https://x/posts/1")
    again = replace(first)
    assert render_event(first) == render_event(again) == render_event(first)
    assert render_event(first) != render_event(replace(first, sequence=3))


def calendar(events: list[FeedEvent], **meta) -> bytes:
    values = dict(name="Kalender; Humas, Kota", zone="Asia/Jakarta",
                  description="Kalender publikasi Bagian Prokompim")
    values.update(meta)
    return render_calendar(FeedMeta(**values), [render_event(e) for e in events],
                           {e.zone for e in events})


def test_the_calendar_says_what_it_is_and_how_often_to_come_back():
    data = calendar([event()])
    parsed = icalendar.Calendar.from_ical(data)
    assert str(parsed["VERSION"]) == "2.0"
    assert str(parsed["PRODID"]) == "-//Pranata//Kalender Pranata//ID"
    assert str(parsed["METHOD"]) == "PUBLISH"
    assert str(parsed["CALSCALE"]) == "GREGORIAN"
    # TEXT (RFC 5545 3.8.8.2: the default type of an X- property), escaped as such:
    # icalendar leaves unknown properties raw, vobject unescapes them.
    assert b"X-WR-CALNAME:Kalender\\; Humas\\, Kota\r\n" in data
    assert b"NAME:Kalender\\; Humas\\, Kota\r\n" in data
    other = vobject.readOne(data.decode("utf-8"))
    assert other.x_wr_calname.value == other.contents["name"][0].value == "Kalender; Humas, Kota"
    assert str(parsed["X-WR-TIMEZONE"]) == "Asia/Jakarta"
    assert other.x_wr_caldesc.value == "Kalender publikasi Bagian Prokompim"
    assert str(parsed["DESCRIPTION"]) == "Kalender publikasi Bagian Prokompim"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    for line in physical_lines(data):
        assert len(line) <= 75 and b"\r" not in line and b"\n" not in line


def test_a_vtimezone_for_every_zone_used_with_its_fixed_offset():
    events = [event(uid="a@p"), event(uid="b@p", zone="Asia/Makassar"),
              event(uid="c@p", zone="Asia/Jayapura")]
    parsed = icalendar.Calendar.from_ical(calendar(events, zone="Asia/Makassar"))
    assert parsed.get_missing_tzids() == set()
    offsets = {str(tz["TZID"]): tz.walk("STANDARD")[0]["TZOFFSETTO"].td
               for tz in parsed.walk("VTIMEZONE")}
    assert offsets == {"Asia/Jakarta": timedelta(hours=7), "Asia/Makassar": timedelta(hours=8),
                       "Asia/Jayapura": timedelta(hours=9)}
    for tz in parsed.walk("VTIMEZONE"):
        assert not tz.walk("DAYLIGHT") and "COMMENT" not in tz
    starts = {str(e["UID"]): e.decoded("DTSTART") for e in parsed.walk("VEVENT")}
    assert all(start == START for start in starts.values())


def test_an_empty_calendar_still_has_the_zone_it_names():
    data = calendar([], zone="Asia/Jayapura")
    parsed = icalendar.Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Asia/Jayapura"]
    assert vobject.readOne(data.decode("utf-8")).name == "VCALENDAR"


def test_each_zone_block_is_computed_once():
    assert vtimezone("Asia/Makassar") is vtimezone("Asia/Makassar")
    assert vtimezone("Asia/Makassar").endswith(b"END:VTIMEZONE\r\n")


def test_the_calendar_passes_the_event_chunks_through_unchanged():
    chunks = [render_event(event(uid=f"variant-{n}@pranata")) for n in range(3)]
    data = render_calendar(FeedMeta("Uji", "Asia/Jakarta"), iter(chunks), ["Asia/Jakarta"])
    assert b"".join(chunks) + b"END:VCALENDAR\r\n" == data[data.index(chunks[0]):]
    assert b"X-WR-CALDESC" not in data
