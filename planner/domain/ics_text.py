"""The text of an uploaded .ics file, before any calendar library reads it: its size, its
encoding, its content lines (RFC 5545 `NAME;PARAM=value:value`, unfolded, each numbered by
the physical line it starts on) and the nesting of its BEGIN/END blocks.  Every refusal says
why and where.  No Flask, no database."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from planner.domain.errors import N_, RuleViolated, Violation

FIELD = "file"  # the form field every refusal belongs to
MAX_PROBLEMS = 5  # a broken file is described by its first few problems, not all of them
EXCERPT = 60  # characters of a bad line quoted back

_NAME = r"[A-Za-z0-9-]+"
_PARAM_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_PARAM = rf";{_NAME}={_PARAM_VALUE}(?:,{_PARAM_VALUE})*"
CONTENT_LINE = re.compile(rf"({_NAME})((?:{_PARAM})*):(.*)", re.DOTALL)
PHYSICAL_LINES = re.compile(r"\r\n|\n|\r")

MESSAGES = {
    "too_large": N_("The file is %(size)s; at most %(limit)s can be imported at once. Export a "
                    "shorter period of the calendar."),
    "empty": N_("The file is empty."),
    "binary": N_("This is not a calendar file: it holds binary data (a spreadsheet, a PDF or an "
                 "image?). Export the calendar as an .ics file."),
    "utf16": N_("The file is written in UTF-16; calendars are imported in UTF-8. Export the "
                "calendar again as an .ics file."),
    "encoding": N_("The file is not UTF-8 text: line %(line)s holds bytes that cannot be read. "
                   "Export the calendar again as an .ics file."),
    "not_calendar": N_("This is not an iCalendar file: it must begin with BEGIN:VCALENDAR, but "
                       "line %(line)s reads “%(text)s”."),
    "bad_line": N_("Line %(line)s is not a calendar line (NAME:value): “%(text)s”."),
    "stray_end": N_("Line %(line)s closes %(name)s, which is not open."),
    "crossed_end": N_("Line %(line)s closes %(name)s, but %(open)s begun on line %(begun)s is "
                      "still open."),
    "unclosed": N_("The file ends before %(name)s begun on line %(line)s is closed: it may have "
                   "been cut short."),
    "after_end": N_("Line %(line)s comes after the end of the calendar (END:VCALENDAR): a file "
                    "may hold one calendar only."),
}


class CalendarRefused(RuleViolated):
    """An .ics file that cannot be imported, with each reason and where it lies.  `reasons`
    holds a code per violation (e.g. "bad_line", "no_uid"); the line numbers are in each
    violation's params under "line"."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__([Violation(FIELD, MESSAGES[reason], params) for reason, params in problems])
        self.reasons = [reason for reason, _ in problems]

    @property
    def lines(self) -> list[int | None]:
        return [v.params.get("line") for v in self.violations]

    @classmethod
    def one(cls, reason: str, **params) -> "CalendarRefused":  # type: ignore[override]
        return cls([(reason, params)])


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def human_size(size: int) -> str:
    """A byte count as people read it: 512 bytes, 40 KB, 2.5 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def decode(data: bytes, max_bytes: int) -> str:
    """The file's text, or a refusal: too large, empty, binary, not UTF-8.  A UTF-8 byte
    order mark is dropped."""
    if len(data) > max_bytes:
        raise CalendarRefused.one("too_large", size=human_size(len(data)), limit=human_size(max_bytes))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CalendarRefused.one("utf16")
    if b"\x00" in data:
        raise CalendarRefused.one("binary")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise CalendarRefused.one("empty")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = len(PHYSICAL_LINES.findall(data[:error.start].decode("utf-8", "replace"))) + 1
        raise CalendarRefused.one("encoding", line=line) from None


@dataclass(frozen=True)
class ContentLine:
    line: int  # the physical line it starts on, counted from 1
    name: str  # upper case
    params: str  # ";TZID=Asia/Jakarta" as written
    value: str


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on.  A line starting
    with a space or a tab continues the previous one (RFC 5545, 3.1); blank lines are
    skipped."""
    logical: list[tuple[int, str]] = []
    parts: list[str] = []
    start = 0
    for number, physical in enumerate(PHYSICAL_LINES.split(text), start=1):
        if physical[:1] in (" ", "\t") and parts:
            parts.append(physical[1:])
            continue
        if parts:
            logical.append((start, "".join(parts)))
            parts = []
        if physical.strip():
            start, parts = number, [physical]
    if parts:
        logical.append((start, "".join(parts)))
    return logical


def content_lines(text: str) -> list[ContentLine]:
    """Every logical line split into name, parameters and value; refused (with the first few
    bad lines) if one is not `NAME[;PARAM=value]:value`, or if the file does not begin with
    BEGIN:VCALENDAR."""
    logical = unfold(text)
    if not logical:  # only characters Python counts as blank (U+00A0, U+2028, U+001C…)
        raise CalendarRefused.one("empty")
    first_line, first = logical[0]
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise CalendarRefused.one("not_calendar", line=first_line, text=excerpt(first))
    lines: list[ContentLine] = []
    problems: list[tuple[str, dict]] = []
    for number, line in logical:
        match = CONTENT_LINE.fullmatch(line)
        if match is None:
            problems.append(("bad_line", {"line": number, "text": excerpt(line)}))
            if len(problems) == MAX_PROBLEMS:
                break
            continue
        lines.append(ContentLine(number, match.group(1).upper(), match.group(2), match.group(3)))
    if problems:
        raise CalendarRefused(problems)
    return lines


def unescape(value: str) -> str:
    """A TEXT value as written (RFC 5545, 3.3.11) read back, for messages."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@dataclass
class EventOutline:
    """What the line pass saw of one VEVENT: where it begins, its UID and SUMMARY as
    written, and the line of each property it has (the first, if repeated)."""

    line: int
    uid: str | None = None
    summary: str = ""
    properties: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return excerpt(unescape(self.summary)) or "–"


@dataclass
class Outline:
    """The blocks of a calendar file: its own properties (name → (value, line)) and its
    events in the order they appear."""

    properties: dict[str, tuple[str, int]] = field(default_factory=dict)
    events: list[EventOutline] = field(default_factory=list)


def outline(lines: list[ContentLine]) -> Outline:
    """Check that BEGIN and END pair up, one calendar per file, and note the events."""
    result = Outline()
    stack: list[tuple[str, int]] = []
    event: EventOutline | None = None
    for item in lines:
        if not stack and item is not lines[0]:
            raise CalendarRefused.one("after_end", line=item.line)
        if item.name == "BEGIN":
            name = item.value.strip().upper()
            stack.append((name, item.line))
            if name == "VEVENT" and len(stack) == 2:
                event = EventOutline(item.line)
                result.events.append(event)
            continue
        if item.name == "END":
            name = item.value.strip().upper()
            if not any(open_name == name for open_name, _ in stack):
                raise CalendarRefused.one("stray_end", line=item.line, name=name)
            open_name, begun = stack[-1]
            if open_name != name:
                raise CalendarRefused.one("crossed_end", line=item.line, name=name, open=open_name,
                                          begun=begun)
            stack.pop()
            if name == "VEVENT" and len(stack) == 1:
                event = None
            continue
        if len(stack) == 1:
            result.properties.setdefault(item.name, (item.value, item.line))
        elif event is not None and len(stack) == 2:
            event.properties.setdefault(item.name, item.line)
            if item.name == "UID" and event.uid is None:
                event.uid = item.value.strip()
            elif item.name == "SUMMARY" and not event.summary:
                event.summary = item.value
    if stack:
        name, begun = stack[-1]
        raise CalendarRefused.one("unclosed", name=name, line=begun)
    return result
