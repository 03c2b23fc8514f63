"""Every route for every role: what each demo account may open, and what it is refused."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]


def ids(app) -> dict:
    with app.app_context():
        unit = lambda name: db.session.scalar(select(Unit.id).where(Unit.name == name))  # noqa: E731
        person = lambda email: db.session.scalar(select(Person.id).where(Person.email == email))  # noqa: E731
        prokompim = unit("Bagian Protokol dan Komunikasi Pimpinan")
        return {
            "city": unit("Pemerintah Kota Tanjungpinang"),
            "prokompim": prokompim,
            "dinkes": unit("Dinas Kesehatan"),
            "dpppa": unit("Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
            "author": person("author@demo.pranata.test"),
            "dpppa_person": person("kadis.dpppa@demo.pranata.test"),
            "assignment": db.session.scalar(select(RoleAssignment.id).where(
                RoleAssignment.unit_id == prokompim, RoleAssignment.valid_to.is_(None))),
            "dpppa_assignment": db.session.scalar(select(RoleAssignment.id).join(Unit).where(
                Unit.name == "Dinas Pemberdayaan Perempuan dan Perlindungan Anak")),
            "delegation": db.session.scalar(select(Delegation.id).order_by(Delegation.id.desc())),
        }


# (url template, roles that may open it; the others get 403)
PAGES = [
    ("/", ROLES),
    ("/units", ROLES),
    ("/units/{prokompim}", ROLES),
    ("/units/{prokompim}/structure", ROLES),
    ("/units/{city}/structure", ["auditor", "sysadmin"]),
    ("/people", ["auditor", "sysadmin"]),
    ("/people/{author}", ["auditor", "sysadmin"]),
    ("/units/new", ["sysadmin"]),
    ("/units/{prokompim}/edit", ["sysadmin"]),
    ("/units/{prokompim}/assignments/new", ["sysadmin"]),
    ("/units/{prokompim}/delegations/new", ["sysadmin"]),
    ("/assignments/{assignment}/end", ["sysadmin"]),
    ("/assignments/{assignment}/correct", ["sysadmin"]),
    ("/delegations/{delegation}/end", ["sysadmin"]),
    ("/delegations/{delegation}/correct", ["sysadmin"]),
    ("/people/new", ["sysadmin"]),
    ("/people/{author}/edit", ["sysadmin"]),
    ("/people/{author}/password", ["sysadmin"]),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_it_may_and_is_refused_the_rest(client, demo, role):
    known = ids(client.app)
    client.login(f"{role}@demo.pranata.test")
    for template, allowed in PAGES:
        url = template.format(**known)
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200, (role, url, status)
        else:
            # The city's root is outside a Prokompim team member's units: not found.
            assert status in (403, 404), (role, url, status)


# Another government's objects: ids that exist, but outside every demo account's units.
FOREIGN = [
    "/units/{dpppa}", "/units/{dpppa}/structure", "/units/{dpppa}/edit",
    "/units/{dpppa}/assignments/new", "/people/{dpppa_person}", "/people/{dpppa_person}/edit",
    "/assignments/{dpppa_assignment}/end", "/assignments/{dpppa_assignment}/correct",
]


@pytest.mark.parametrize("role", ROLES)
def test_changing_an_id_in_the_url_never_shows_another_governments_data(client, demo, role):
    known = ids(client.app)
    client.login(f"{role}@demo.pranata.test")
    for template in FOREIGN:
        response = client.get(template.format(**known))
        assert response.status_code == 404, (role, template)
        assert "Dra. Hj. Henny Yulianti" not in response.get_data(as_text=True)
    assert client.post(f"/people/{known['dpppa_person']}/deactivate").status_code == 404


def test_unknown_urls_and_ids_get_a_translated_404(client, demo):
    client.login("sysadmin@demo.pranata.test")
    for url in ["/units/999999", "/units/999999/structure", "/people/999999", "/nothing-here"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Tidak ditemukan" in response.get_data(as_text=True)


def test_a_bad_date_on_the_structure_page_is_a_400_not_a_500(client, demo):
    known = ids(client.app)
    client.login("author@demo.pranata.test")
    assert client.get(f"/units/{known['prokompim']}/structure?date=2024-13-45").status_code == 400


def test_author_sees_only_their_own_units_in_the_list(client, demo):
    client.login("author@demo.pranata.test")
    page = client.get("/units").get_data(as_text=True)
    assert "Bagian Protokol dan Komunikasi Pimpinan" in page
    assert "Subbagian Dokumentasi Pimpinan" in page
    assert "Dinas Kesehatan" not in page and "DPPPA" not in page


def test_structure_page_on_a_past_date_shows_who_held_the_role_then(client, demo):
    known = ids(client.app)
    client.login("auditor@demo.pranata.test")
    url = f"/units/{known['prokompim']}/structure"
    then = client.get(url + "?date=2023-06-01&sub=0").get_data(as_text=True)
    assert "Drs. Yusuf Effendi" in then and "Drs. Hendra Saputra" not in then
    assert "821.2/015/BKPSDM/2021" in then
    during_leave = client.get(url + "?date=2025-06-15&sub=0").get_data(as_text=True)
    assert "Plh. Dewi Kartika, S.Sos." in during_leave
    today = client.get(url).get_data(as_text=True)
    assert "Drs. Hendra Saputra" in today and "Drs. Yusuf Effendi" not in today
    assert "Rina Marlina" in today  # today's acting official
    assert 'data-action="print"' in today


def test_structure_page_flags_roles_without_a_decree(client, demo):
    known = ids(client.app)
    client.login("sysadmin@demo.pranata.test")
    page = client.get(f"/units/{known['dinkes']}/structure").get_data(as_text=True)
    assert "Tidak ada SK tercatat" in page


def test_sysadmin_home_lists_the_gaps_in_the_documented_structure(client, demo):
    client.login("sysadmin@demo.pranata.test")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="structure-health"' in page
    assert "Putri Handayani" in page  # her role rests on no decree


def test_team_members_see_their_team_but_not_the_health_panel(client, demo):
    client.login("author@demo.pranata.test")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="team"' in page and "Dewi Kartika" in page
    assert 'data-testid="structure-health"' not in page
