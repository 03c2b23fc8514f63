"""The agenda import pages: who may open and use them (every role), the sample imported
twice giving one copy of each event, the result with links to the affected events, the
recent imports, the labels on imported and removed events, and every bad upload (no CSRF
token, too large for the limit or for the request, not a calendar, wrong extension, no
file, no leader, a malformed calendar) refused beside its field with nothing imported."""
from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import AgendaEvent, AgendaImport, AuditEvent
from tests import planner_factories as pf
from tests.agenda_import_helpers import (SAMPLE_EXPO_UID, SAMPLE_NAME, SAMPLE_OCCURRENCES, calendar,
                                         sample_bytes, vevent, without_event)
from tests.web.post_helpers import login

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
MANAGERS = {"author", "contributor", "approver", "sysadmin"}
RESULT = re.compile(r"/agenda/imports/(\d+)$")


def mail(role: str) -> str:
    return f"{role}@uji.pranata.test"


def text(response) -> str:
    return response.get_data(as_text=True)


def setup(app) -> SimpleNamespace:
    with app.app_context():
        w = pf.planner_world()
        pf.event(w.division, title="Rapat Staf", leader="Wali Kota Uji")
        pf.event(w.division, title="Upacara", leader="Wali Kota Uji")
        pf.event(w.division, title="Sambutan", leader="Wakil Wali Kota Uji")
        return SimpleNamespace(division=w.division.id, health=w.health.id, agency=w.agency.id)


def upload(client, unit_id: int, data: bytes, *, filename: str = "agenda.ics", leader: str = "Wali Kota",
           **extra):
    form = {"unit": str(unit_id), "leader": leader, "file": (io.BytesIO(data), filename), **extra}
    return client.post("/agenda/import", form)


def imported_count(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count(AgendaEvent.id)).where(AgendaEvent.source_uid.is_not(None))),
                db.session.scalar(select(func.count(AgendaImport.id))))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_the_import_page_or_is_refused(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    page = client.get("/agenda/import")
    assert page.status_code == (200 if role in MANAGERS else 403)
    listing = text(client.get("/agenda"))
    assert ('data-testid="import-link"' in listing) == (role in MANAGERS)
    if role in MANAGERS:
        assert f'value="{ids.division}"' in text(page) and 'type="file"' in text(page)
    else:
        with client.app.app_context():
            assert db.session.scalar(select(func.count(AuditEvent.id))
                                     .where(AuditEvent.action == "access.refused")) == 1


@pytest.mark.parametrize("role", ROLES)
def test_each_manager_imports_the_sample_and_the_others_are_refused(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    response = upload(client, ids.division, sample_bytes())
    if role not in MANAGERS:
        assert response.status_code == 403 and imported_count(client.app) == (0, 0)
        return
    assert response.status_code == 302 and RESULT.search(response.headers["Location"])
    assert imported_count(client.app) == (SAMPLE_OCCURRENCES, 1)
    result = text(client.get(response.headers["Location"]))
    assert f'data-count="created"><span class="stat-value">{SAMPLE_OCCURRENCES}<' in result
    assert SAMPLE_NAME in result and "agenda.ics" in result


def test_the_same_file_twice_gives_one_copy_of_each_event_and_all_unchanged(client):
    ids = setup(client.app)
    login(client, mail("author"))
    upload(client, ids.division, sample_bytes())
    second = upload(client, ids.division, sample_bytes())
    assert second.status_code == 302
    result = text(client.get(second.headers["Location"]))
    assert f'data-count="unchanged"><span class="stat-value">{SAMPLE_OCCURRENCES}<' in result
    assert 'data-count="created"><span class="stat-value">0<' in result
    assert imported_count(client.app) == (SAMPLE_OCCURRENCES, 2)
    with client.app.app_context():
        titles = db.session.scalars(select(AgendaEvent.title).where(AgendaEvent.source_uid.is_not(None))).all()
    assert titles.count("Pembukaan Tanjungpinang Expo 2026") == 1
    recent = text(client.get(f"/agenda/import?unit={ids.division}"))
    assert recent.count("data-import=") == 2 and "Admin Akun" in recent


def test_the_result_links_to_the_events_and_the_event_pages_say_where_they_came_from(client):
    ids = setup(client.app)
    login(client, mail("author"))
    first = text(client.get(upload(client, ids.division, sample_bytes()).headers["Location"]))
    with client.app.app_context():
        expo = db.session.scalar(select(AgendaEvent).where(AgendaEvent.source_uid == SAMPLE_EXPO_UID))
        expo_id = expo.id
    assert f'href="/agenda/{expo_id}"' in first
    event_page = text(client.get(f"/agenda/{expo_id}"))
    assert f"Imported from {SAMPLE_NAME} on" in event_page and "removed-upstream" not in event_page

    second = upload(client, ids.division, without_event(sample_bytes(), SAMPLE_EXPO_UID))
    result = text(client.get(second.headers["Location"]))
    assert 'data-kind="removed"' in result and f'href="/agenda/{expo_id}"' in result
    event_page = text(client.get(f"/agenda/{expo_id}"))
    assert 'data-testid="removed-upstream"' in event_page and "Removed from the source calendar on" in event_page


def test_the_leader_is_prefilled_with_the_one_the_unit_names_most(client):
    ids = setup(client.app)
    login(client, mail("approver"))
    page = text(client.get(f"/agenda/import?unit={ids.division}"))
    assert re.search(r'name="leader"[^>]*value="Wali Kota Uji"', page)


def test_an_import_without_csrf_token_is_refused(client):
    ids = setup(client.app)
    login(client, mail("author"))
    form = {"unit": str(ids.division), "leader": "Wali Kota", "file": (io.BytesIO(sample_bytes()), "a.ics")}
    assert client.post("/agenda/import", form, csrf=False).status_code == 400
    assert imported_count(client.app) == (0, 0)


def test_a_file_beyond_the_import_limit_is_refused_beside_the_field(client):
    ids = setup(client.app)
    client.app.config["AGENDA_IMPORT_MAX_BYTES"] = 2048
    login(client, mail("author"))
    response = upload(client, ids.division, sample_bytes())
    assert response.status_code == 422 and imported_count(client.app) == (0, 0)
    assert "The file is larger than 2 KB" in text(response) and 'id="file-error"' in text(response)


def test_a_request_beyond_the_limit_gets_the_form_and_the_reason_not_a_bare_413(client):
    ids = setup(client.app)
    client.app.config["AGENDA_IMPORT_MAX_BYTES"] = 1000
    login(client, mail("author"))
    response = upload(client, ids.division, b"BEGIN:VCALENDAR\r\n" + b"X" * 200_000)
    assert response.status_code == 413 and imported_count(client.app) == (0, 0)
    page = text(response)
    assert "The file is larger than 1000 bytes" in page and 'data-testid="import-form"' in page


def test_a_request_beyond_the_limit_from_someone_who_may_not_import_gets_the_plain_page(client):
    ids = setup(client.app)
    client.app.config["AGENDA_IMPORT_MAX_BYTES"] = 1000
    login(client, mail("reviewer"))
    response = upload(client, ids.division, b"X" * 200_000)
    assert response.status_code == 413 and 'data-testid="import-form"' not in text(response)
    assert "What you sent is too large." in text(response) and imported_count(client.app) == (0, 0)


@pytest.mark.parametrize("data, filename, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "agenda.ics", "it holds binary data"),
    (b"Tanggal,Kegiatan\r\n1 Des,Rapat\r\n", "agenda.ics", "it must begin with BEGIN:VCALENDAR"),
    (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "agenda.xlsx", "Choose an .ics file"),
    (b"", "", "Choose the .ics file to import."),
    (calendar(vevent(), vevent(None, summary="Peresmian Pasar")), "agenda.ics",
     "The event on line 11 (“Peresmian Pasar”) has no UID"),
    (calendar(vevent("x", "DTSTART;TZID=Mars/Olympus:20261201T090000")), "agenda.ics",
     "Line 7: the time zone “Mars/Olympus”"),
])
def test_bad_files_are_refused_beside_the_file_field_and_nothing_is_imported(client, data, filename, message):
    ids = setup(client.app)
    login(client, mail("author"))
    response = upload(client, ids.division, data, filename=filename)
    assert response.status_code == 422 and imported_count(client.app) == (0, 0)
    page = text(response)
    error = re.search(r'<p class="error" id="file-error">([^<]*)</p>', page)
    assert error and message in error.group(1).replace("&#34;", '"').replace("&#39;", "'"), page


def test_a_missing_leader_is_refused_and_nothing_is_imported(client):
    ids = setup(client.app)
    login(client, mail("author"))
    response = upload(client, ids.division, sample_bytes(), leader="  ")
    assert response.status_code == 422 and imported_count(client.app) == (0, 0)
    assert 'id="leader-error"' in text(response)


def test_units_one_may_not_manage_are_not_found_and_unknown_units_too(client):
    ids = setup(client.app)
    login(client, mail("author"))
    for unit_id in (ids.agency, ids.health, 999_999):
        assert upload(client, unit_id, sample_bytes()).status_code == 404, unit_id
    assert imported_count(client.app) == (0, 0)
    assert client.get("/agenda/import?unit=abc").status_code == 200


def test_an_import_of_another_unit_is_not_found(client):
    ids = setup(client.app)
    login(client, "dinkes@uji.pranata.test")
    response = upload(client, ids.health, sample_bytes())
    assert response.status_code == 302
    location = response.headers["Location"]
    client.logout()
    login(client, mail("author"))
    assert client.get(location).status_code == 404
    assert client.get("/agenda/imports/999999").status_code == 404
