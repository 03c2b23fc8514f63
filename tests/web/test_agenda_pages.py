"""The leader's agenda pages: who may open and change what (every role, another government,
unknown ids), events entered on the unit's clock and refused when absurd, the UNCOVERED flag
that goes once someone is assigned, the posts started from an event, the filters, and a
list whose number of SQL statements does not grow with the events."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from planner.domain.content import CoverageRole
from planner.domain.organisation import ZONES
from planner.extensions import db
from planner.models import AgendaEvent, AuditEvent, CoverageAssignment, Person, Unit
from tests import factories as f
from tests import planner_factories as pf
from tests.web.post_helpers import login, statements

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
MANAGERS = {"author", "contributor", "approver", "sysadmin"}
POSTERS = {"author", "contributor"}
WIB = ZONES["WIB"]


def mail(role: str) -> str:
    return f"{role}@uji.pranata.test"


def text(response) -> str:
    return response.get_data(as_text=True)


def tomorrow_at(hour: int) -> datetime:
    day = datetime.now(WIB).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=WIB).astimezone(timezone.utc)


def setup(app) -> SimpleNamespace:
    with app.app_context():
        w = pf.planner_world()
        bare = pf.event(w.division, title="Peresmian Pasar Baru", starts_at=tomorrow_at(9))
        covered = pf.event(w.division, title="Rapat paripurna DPRD", starts_at=tomorrow_at(13))
        pf.cover(covered, w.author, w.author, CoverageRole.PHOTOGRAPHER)
        foreign = pf.event(w.agency, title="Kunjungan Gubernur", starts_at=tomorrow_at(10))
        post = f.post(w.author, w.division, title="Liputan rapat paripurna")
        post.event_id = covered.id
        db.session.commit()
        return SimpleNamespace(bare=bare.id, covered=covered.id, foreign=foreign.id, division=w.division.id,
                               agency=w.agency.id, author=w.author.id, contributor=w.contributor.id,
                               health_author=w.health_author.id, post=post.id)


def event_data(**changes) -> dict:
    day = (datetime.now(WIB).date() + timedelta(days=5)).isoformat()
    data = {"title": "Musrenbang Kecamatan", "leader": "Wali Kota", "place": "Aula Kecamatan",
            "start_date": day, "start_time": "09:00", "end_date": day, "end_time": "11:30",
            "status": "confirmed", "source": "Surat undangan", "notes": ""}
    data.update(changes)
    return data


PAGES = [
    ("/agenda", ROLES),
    ("/agenda/{bare}", ROLES),
    ("/agenda/{bare}/edit", MANAGERS),
    ("/units/{division}/agenda/new", MANAGERS),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_it_may_and_is_refused_the_rest(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    for template, allowed in PAGES:
        url = template.format(**vars(ids))
        assert client.get(url).status_code == (200 if role in allowed else 403), (role, url)
    expected = 302 if role in MANAGERS else 403
    assert client.get(f"/agenda/new?unit={ids.division}").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_agenda_managers_add_events_and_assign(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    created = client.post(f"/units/{ids.division}/agenda/new", event_data())
    assigned = client.post(f"/agenda/{ids.bare}/coverage", {"person_id": ids.contributor, "role": "writer"})
    with client.app.app_context():
        assignment = db.session.scalar(select(CoverageAssignment.id).where(
            CoverageAssignment.event_id == ids.covered))
        events = db.session.scalar(select(func.count(AgendaEvent.id)))
    removed = client.post(f"/agenda/{ids.covered}/coverage/{assignment}/remove")
    with client.app.app_context():
        left = db.session.scalar(select(func.count(CoverageAssignment.id)))
    if role in MANAGERS:
        assert [created.status_code, assigned.status_code, removed.status_code] == [302] * 3
        assert (events, left) == (4, 1)
    else:
        assert [created.status_code, assigned.status_code, removed.status_code] == [403] * 3
        assert (events, left) == (3, 1)


@pytest.mark.parametrize("role", ROLES + ["outsider"])
def test_another_governments_events_are_not_found(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    foreign = (ids.bare, ids.division) if role == "outsider" else (ids.foreign, ids.agency)
    event_id, unit_id = foreign
    for url in [f"/agenda/{event_id}", f"/agenda/{event_id}/edit", f"/units/{unit_id}/agenda/new",
                f"/agenda/new?unit={unit_id}"]:
        assert client.get(url).status_code == 404, (role, url)
    assert client.post(f"/agenda/{event_id}/coverage", {"person_id": 1, "role": "writer"}).status_code == 404
    assert client.post(f"/agenda/{event_id}/coverage/1/remove").status_code == 404
    page = text(client.get("/agenda"))
    hidden, shown = (("Peresmian Pasar Baru", "Kunjungan Gubernur") if role == "outsider"
                     else ("Kunjungan Gubernur", "Peresmian Pasar Baru"))
    assert shown in page and hidden not in page


def test_unknown_ids_and_unreadable_parameters(client):
    setup(client.app)
    login(client, mail("sysadmin"))
    for url in ["/agenda/999999", "/agenda/999999/edit", "/units/999999/agenda/new",
                "/agenda/99999999999999999999", "/agenda/new?unit=999999"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/agenda/new?unit=x").status_code == 400
    for url in ["/agenda?unit=abc", "/agenda?from=2025-13-45&to=nonsense", "/agenda?from=0001-01-01"]:
        assert client.get(url).status_code == 200, url


def test_the_uncovered_flag_goes_once_someone_is_assigned_and_comes_back_when_removed(client):
    ids = setup(client.app)
    login(client, mail("contributor"))
    listing = text(client.get("/agenda"))
    assert listing.count('data-testid="uncovered"') == 1 and "1 event nobody covers yet." in listing
    page = text(client.get(f"/agenda/{ids.bare}"))
    assert "UNCOVERED" in page and "Nobody covers this event yet." in page
    assert client.post(f"/agenda/{ids.bare}/coverage",
                       {"person_id": ids.contributor, "role": "writer"}).status_code == 302
    page = text(client.get(f"/agenda/{ids.bare}"))
    assert "UNCOVERED" not in page and "Missing: Photographer, Videographer" in page
    assert 'data-testid="uncovered"' not in text(client.get("/agenda"))
    with client.app.app_context():
        assignment = db.session.scalar(select(CoverageAssignment.id).where(
            CoverageAssignment.event_id == ids.bare))
    assert client.post(f"/agenda/{ids.bare}/coverage/{assignment}/remove").status_code == 302
    assert "UNCOVERED" in text(client.get(f"/agenda/{ids.bare}"))
    again = client.post(f"/agenda/{ids.bare}/coverage/{assignment}/remove", follow_redirects=True)
    assert "That assignment had already been removed." in text(again)


def test_assigning_the_same_person_twice_or_an_outsider_is_refused_with_a_message(client):
    ids = setup(client.app)
    login(client, mail("author"))
    twice = client.post(f"/agenda/{ids.covered}/coverage", {"person_id": ids.author, "role": "photographer"})
    assert twice.status_code == 422
    assert "Admin Akun is already assigned to this role for this event." in text(twice)
    outsider = client.post(f"/agenda/{ids.bare}/coverage", {"person_id": ids.health_author, "role": "writer"})
    assert outsider.status_code == 422 and "Not a valid choice" in text(outsider)
    bad_role = client.post(f"/agenda/{ids.bare}/coverage", {"person_id": ids.author, "role": "driver"})
    assert bad_role.status_code == 422
    with client.app.app_context():
        assert db.session.scalar(select(func.count(CoverageAssignment.id))) == 1


def test_an_event_is_entered_on_the_units_clock(client):
    ids = setup(client.app)
    login(client, mail("contributor"))
    response = client.post(f"/units/{ids.division}/agenda/new", event_data())
    assert response.status_code == 302
    with client.app.app_context():
        event = db.session.scalar(select(AgendaEvent).where(AgendaEvent.title == "Musrenbang Kecamatan"))
        assert (event.starts_at.hour, event.starts_at.minute) == (2, 0)  # 09:00 WIB
        assert event.ends_at - event.starts_at == timedelta(hours=2, minutes=30)
        assert event.created_by_id == ids.contributor
    page = text(client.get(f"/agenda/{event.id}"))
    assert "9:00" in page and "WIB" in page


@pytest.mark.parametrize("changes, message", [
    ({"end_time": "08:00"}, "The event cannot end before it starts."),
    ({"start_date": "2999-01-01", "end_date": "2999-01-01"}, "between the years 2000 and 2100"),
    ({"start_date": "2090-01-01", "end_date": "2090-01-01"}, "more than two years ahead"),
    ({"start_date": "2026-02-30"}, "Not a valid date value"),
    ({"title": ""}, "This field is required"),
    ({"status": "postponed"}, "Not a valid choice"),
])
def test_absurd_events_are_refused_beside_the_field_and_nothing_is_saved(client, changes, message):
    ids = setup(client.app)
    login(client, mail("approver"))
    response = client.post(f"/units/{ids.division}/agenda/new", event_data(**changes))
    assert response.status_code == 422 and message in text(response)
    with client.app.app_context():
        assert db.session.scalar(select(func.count(AgendaEvent.id))) == 3


def test_a_stale_edit_answers_409_naming_who_saved(client, make_client):
    ids = setup(client.app)
    login(client, mail("author"))
    with client.app.app_context():
        version = db.session.get(AgendaEvent, ids.bare).version
    other = login(make_client(), mail("approver"))
    assert other.post(f"/agenda/{ids.bare}/edit",
                      event_data(title="Peresmian Pasar Baru (diundur)", version=version)).status_code == 302
    response = client.post(f"/agenda/{ids.bare}/edit", event_data(title="Judul lama", version=version))
    assert response.status_code == 409
    assert "Kepala Bagian saved a change to this record" in text(response)
    assert "Peresmian Pasar Baru (diundur)" in text(response)
    with client.app.app_context():
        assert db.session.get(AgendaEvent, ids.bare).title == "Peresmian Pasar Baru (diundur)"
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "agenda.event_updated")) == 1


def test_a_cancelled_event_is_not_flagged_and_offers_no_assignment(client):
    ids = setup(client.app)
    login(client, mail("author"))
    with client.app.app_context():
        version = db.session.get(AgendaEvent, ids.bare).version
    day = (datetime.now(WIB).date() + timedelta(days=1)).isoformat()
    assert client.post(f"/agenda/{ids.bare}/edit", event_data(
        title="Peresmian Pasar Baru", status="cancelled", start_date=day, end_date=day,
        version=version)).status_code == 302
    page = text(client.get(f"/agenda/{ids.bare}"))
    assert "UNCOVERED" not in page and "Assign someone" not in page and "Cancelled" in page
    assert 'data-testid="uncovered"' not in text(client.get("/agenda"))


@pytest.mark.parametrize("role", ROLES)
def test_the_posts_of_an_event_and_starting_one_from_it(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    page = text(client.get(f"/agenda/{ids.covered}"))
    assert "Liputan rapat paripurna" in page and f"/posts/{ids.post}" in page
    assert (f"/posts/new?event={ids.covered}" in page) == (role in POSTERS)


def test_the_filters_range_unit_and_uncovered_only(client):
    ids = setup(client.app)
    login(client, mail("sysadmin"))
    too_long = text(client.get("/agenda?from=2026-01-01&to=2027-06-01"))
    assert "Show at most 366 days at once." in too_long
    backwards = text(client.get("/agenda?from=2026-03-01&to=2026-02-01"))
    assert "The end of the range cannot be before its start." in backwards
    only = text(client.get("/agenda?uncovered=y"))
    assert "Peresmian Pasar Baru" in only and "Rapat paripurna DPRD" not in only
    past = (datetime.now(WIB).date() - timedelta(days=40))
    earlier = text(client.get(f"/agenda?from={past.isoformat()}&to={(past + timedelta(days=10)).isoformat()}"))
    assert "No event in this range." in earlier
    with client.app.app_context():
        health = db.session.scalar(select(Unit.id).where(Unit.name == "Dinas Kesehatan"))
    assert "Peresmian Pasar Baru" not in text(client.get(f"/agenda?unit={health}"))
    assert "Peresmian Pasar Baru" in text(client.get(f"/agenda?unit={ids.division}"))


def test_the_agenda_needs_the_same_number_of_statements_whatever_the_events(client, make_client):
    ids = setup(client.app)
    viewers = {role: login(make_client(), mail(role)) for role in ("contributor", "auditor")}
    urls = ["/agenda", f"/agenda?unit={ids.division}&uncovered=y", f"/agenda/{ids.covered}"]

    def measure():
        return {(role, url): statements(client.app, c, url) for role, c in viewers.items() for url in urls}

    small = measure()
    with client.app.app_context():
        division = db.session.get(Unit, ids.division)
        author = db.session.get(Person, ids.author)
        contributor = db.session.get(Person, ids.contributor)
        covered = db.session.get(AgendaEvent, ids.covered)
        pf.cover(covered, contributor, author, CoverageRole.WRITER)
        for n in range(27):
            event = pf.event(division, title=f"Kegiatan tambahan {n}", starts_at=tomorrow_at(7) + timedelta(days=n % 20))
            if n % 3:
                pf.cover(event, author if n % 2 else contributor, author, CoverageRole.VIDEOGRAPHER)
            post = f.post(author, division, title=f"Liputan {n}")
            post.event_id = event.id if n % 2 else covered.id
        db.session.commit()
    assert measure() == small
