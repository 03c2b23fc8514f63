"""Review of the agenda import page with hostile files, on the demo government (SQLite and
PostgreSQL): every file that used to answer 500 or hang the worker is refused beside the
file field with its reason, and nothing of it is written (no event, no import record, no
audit event).  Also: another government's import stays out of reach, at any id."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from planner.domain import ics_limits
from planner.extensions import db
from planner.models import AgendaEvent, AgendaImport, AuditEvent, Person, Unit
from tests.agenda_import_helpers import calendar, vevent

START, END = "DTSTART:20261201T020000Z", "DTEND:20261201T030000Z"
PROKOMPIM = "Bagian Protokol dan Komunikasi Pimpinan"
SPINNING_ZONE = "\n".join([
    "BEGIN:VTIMEZONE", "TZID:Zona Uji", "BEGIN:STANDARD", "DTSTART:19700101T000000",
    "RRULE:FREQ=YEARLY;INTERVAL=0", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0700", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19700601T000000", "RRULE:FREQ=YEARLY", "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0800", "END:DAYLIGHT", "END:VTIMEZONE"])

HOSTILE = {
    "blank-unicode": ("\u2028\u00a0\x1c".encode(), "The file is empty."),
    "interval-zero": (calendar(vevent("nol", START, END, "Rapat", "RRULE:FREQ=DAILY;INTERVAL=0")),
                      "INTERVAL of 0"),
    "year-one": (calendar(vevent("kuno", "DTSTART:00010101T000000", "DTEND:00010101T010000", "Kuno")),
                 "outside the years 1000 to 9000"),
    "zone-folder": (calendar(vevent("zona", "DTSTART;TZID=Asia:20261201T090000", None, "Zona")),
                    "the time zone “Asia” is unknown"),
    "calendar-zone-too-long": (calendar(vevent(), extra="X-WR-TIMEZONE:" + "x" * 400), "is unknown"),
    "two-starts": (calendar(vevent("dua", START, None, "Dua", "DTSTART:20261202T020000Z")),
                   "needs one DTSTART"),
    "start-as-text": (calendar(vevent("teks", "DTSTART;VALUE=TEXT:besok", None, "Teks")),
                      "needs one DTSTART"),
    "duration-as-time": (calendar(vevent("lama", START, None, "Lama",
                                         "DURATION;VALUE=DATE-TIME:20261201T030000Z")),
                         "is not a length of time"),
    "never-occurs": (calendar(vevent("tak", START, END, "Tak pernah",
                                     "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")),
                     "take too long to work out"),
    "zone-never-ends": (calendar(SPINNING_ZONE, vevent("zona", "DTSTART;TZID=Zona Uji:20261201T090000",
                                                       "DTEND;TZID=Zona Uji:20261201T100000")),
                        "take too long to work out"),
}


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (AgendaEvent, AgendaImport, AuditEvent))


def prokompim(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == PROKOMPIM))


def sign_in_in_english(app, client, email: str = "approver@demo.pranata.test") -> None:
    """The reasons are asserted in English (the demo's people read Indonesian)."""
    with app.app_context():
        db.session.scalar(select(Person).where(Person.email == email)).preferred_language = "en"
        db.session.commit()
    client.login(email)


def upload(client, unit_id: int, data: bytes):
    return client.post("/agenda/import", {"unit": str(unit_id), "leader": "Wali Kota",
                                          "file": (io.BytesIO(data), "agenda.ics")})


def file_error(response) -> str:
    found = re.search(r'<p class="error" id="file-error">([^<]*)</p>', response.get_data(as_text=True))
    return found.group(1).replace("&#34;", '"').replace("&#39;", "'") if found else ""


def test_hostile_files_are_refused_beside_the_file_field_and_nothing_is_written(demo, client, monkeypatch):
    monkeypatch.setattr(ics_limits, "MAX_EXPANSION_STEPS", 60_000)  # spinning files refused at once
    unit_id = prokompim(demo)
    sign_in_in_english(demo, client)
    before = counts(demo)
    for name, (data, reason) in HOSTILE.items():
        response = upload(client, unit_id, data)
        assert response.status_code == 422, name
        assert reason in file_error(response), (name, file_error(response))
        assert "site-packages" not in response.get_data(as_text=True), name
    assert counts(demo) == before


def test_a_sound_file_after_the_refusals_imports_normally(demo, client, monkeypatch):
    monkeypatch.setattr(ics_limits, "MAX_EXPANSION_STEPS", 60_000)
    unit_id = prokompim(demo)
    client.login("approver@demo.pranata.test")
    assert upload(client, unit_id, HOSTILE["zone-never-ends"][0]).status_code == 422
    sound = calendar(SPINNING_ZONE.replace("RRULE:FREQ=YEARLY;INTERVAL=0", "RRULE:FREQ=YEARLY"),
                     vevent("zona", "DTSTART;TZID=Zona Uji:20261201T090000",
                            "DTEND;TZID=Zona Uji:20261201T100000", "Rapat zona"))
    response = upload(client, unit_id, sound)
    assert response.status_code == 302, file_error(response)
    with demo.app_context():
        event = db.session.scalar(select(AgendaEvent).where(AgendaEvent.source_uid == "zona"))
        assert event.title == "Rapat zona" and event.starts_at.hour == 1  # +0800 from June


@pytest.mark.parametrize("import_id", ["2147483648", "9223372036854775808", "99999999999999999999999"])
def test_an_import_id_beyond_the_database_integers_is_not_found(demo, client, import_id):
    client.login("approver@demo.pranata.test")
    assert client.get(f"/agenda/imports/{import_id}").status_code == 404
