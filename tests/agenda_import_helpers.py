"""Helpers of the agenda import tests: the sample file (moved by whole weeks so that its
events stay ahead of today whenever the tests run) and small calendars written line by
line."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "planner" / "demo" / "agenda_sekretariat.ics"
SAMPLE_NAME = "Agenda Wali Kota Tanjungpinang"
SAMPLE_FIRST_MONDAY = date(2026, 11, 30)  # the weekly event's first occurrence
SAMPLE_OCCURRENCES = 19  # 12 events; the weekly one occurs 8 times (one moved, one excluded)
SAMPLE_WEEKLY_UID = "6kq0s2j4c1m8o3r5t7v9x1z3b5@google.com"
SAMPLE_CANCELLED_UID = "3l5n7p9r1t3v5x7z9b1d3f5h7j@google.com"
SAMPLE_TENTATIVE_UID = "8g0i2k4m6o8q0s2u4w6y8a0c2e@google.com"
SAMPLE_ALL_DAY_UID = "5n7p9r1t3v5x7z9b1d3f5h7j9l@google.com"
SAMPLE_KONI_UID = "1t3v5x7z9b1d3f5h7j9l1n3p5r@google.com"
SAMPLE_EXPO_UID = "7p9r1t3v5x7z9b1d3f5h7j9l1n@google.com"
SAMPLE_DURATION_UID = "9r1t3v5x7z9b1d3f5h7j9l1n3p@google.com"
SAMPLE_MARKET_UID = "4c6e8g0i2k4m6o8q0s2u4w6y8a@google.com"

_TIMED = re.compile(r"^(DTSTART|DTEND|RECURRENCE-ID|EXDATE|RDATE)([^:]*):(.*)$")
_UNTIL = re.compile(r"(?<=UNTIL=)(\d{8})(T\d{6}Z?)?")
_VALUE = re.compile(r"(\d{8})(T\d{6}Z?)?")


def _moved(match: re.Match, weeks: int) -> str:
    day = datetime.strptime(match.group(1), "%Y%m%d").date() + timedelta(weeks=weeks)
    return day.strftime("%Y%m%d") + (match.group(2) or "")


def shift(text: str, weeks: int) -> str:
    """The calendar with every event time (and UNTIL) moved by whole weeks: weekdays,
    times of day and UIDs stay the same."""
    lines, in_event = [], False
    for line in text.split("\r\n"):
        in_event = (in_event or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        timed = _TIMED.match(line) if in_event else None
        if timed:
            value = _VALUE.sub(lambda m: _moved(m, weeks), timed.group(3))
            line = f"{timed.group(1)}{timed.group(2)}:{value}"
        elif line.startswith("RRULE:"):
            line = _UNTIL.sub(lambda m: _moved(m, weeks), line)
        lines.append(line)
    return "\r\n".join(lines)


def weeks_ahead(today: date | None = None) -> int:
    """Whole weeks that put the sample's first event a week or more after `today`."""
    today = today or datetime.now(timezone.utc).date()
    days = (today + timedelta(days=7) - SAMPLE_FIRST_MONDAY).days
    return max(0, -(-days // 7))


def sample_bytes(weeks: int | None = None) -> bytes:
    """The sample file as exported; moved ahead of today unless `weeks` is given."""
    raw = SAMPLE.read_bytes()
    weeks = weeks_ahead() if weeks is None else weeks
    if weeks == 0:
        return raw
    return shift(raw.decode("utf-8"), weeks).encode("utf-8")


def calendar(*blocks: str, name: str | None = "Agenda Uji", extra: str = "") -> bytes:
    """A calendar around the given blocks (each a VEVENT or more, lines joined by CRLF)."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Uji//Pranata Tests//ID"]
    if name:
        head.append(f"X-WR-CALNAME:{name}")
    if extra:
        head.extend(extra.split("\n"))
    body = "\r\n".join(head + [b.strip("\r\n") for b in blocks] + ["END:VCALENDAR"]) + "\r\n"
    return body.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def vevent(uid: str | None = "uji-1", start: str | None = "DTSTART:20261201T020000Z",
           end: str | None = "DTEND:20261201T040000Z", summary: str | None = "Rapat Uji",
           *more: str) -> str:
    lines = ["BEGIN:VEVENT"]
    if uid is not None:
        lines.append(f"UID:{uid}")
    lines += [line for line in (start, end) if line]
    if summary is not None:
        lines.append(f"SUMMARY:{summary}")
    lines += list(more)
    lines.append("END:VEVENT")
    return "\n".join(lines)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def _blocks(data: bytes) -> tuple[list[str], list[tuple[int, int, str]]]:
    """The file's physical lines and each VEVENT as (first line, last line, UID)."""
    lines = data.decode("utf-8").split("\r\n")
    blocks, start, uid = [], None, ""
    for number, line in enumerate(lines):
        if line == "BEGIN:VEVENT":
            start, uid = number, ""
        elif line.startswith("UID:") and start is not None:
            uid = line[4:]
        elif line == "END:VEVENT" and start is not None:
            blocks.append((start, number, uid))
            start = None
    return lines, blocks


def without_event(data: bytes, uid: str) -> bytes:
    """The file without the VEVENT blocks of this UID."""
    lines, blocks = _blocks(data)
    dropped = {n for first, last, block_uid in blocks if block_uid == uid for n in range(first, last + 1)}
    return "\r\n".join(line for n, line in enumerate(lines) if n not in dropped).encode("utf-8")


def only_events(data: bytes, *uids: str) -> bytes:
    """The file with only the VEVENT blocks of these UIDs."""
    lines, blocks = _blocks(data)
    dropped = {n for first, last, block_uid in blocks if block_uid not in uids
               for n in range(first, last + 1)}
    return "\r\n".join(line for n, line in enumerate(lines) if n not in dropped).encode("utf-8")


def change_event(data: bytes, uid: str, old: str, new: str) -> bytes:
    """The file with one line of this UID's (first) VEVENT replaced: `old` is the line's
    beginning, `new` the whole new line."""
    lines, blocks = _blocks(data)
    first, last, _ = next(block for block in blocks if block[2] == uid)
    for n in range(first, last + 1):
        if lines[n].startswith(old):
            lines[n] = new
            return "\r\n".join(lines).encode("utf-8")
    raise AssertionError(f"no line starting {old!r} in the event {uid}")
