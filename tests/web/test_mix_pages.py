"""The mix pages: who may open and change what (every role, another government's ids, unknown
ids), the mix page's chart and table with the right numbers, bad month ranges, the target and
category forms (refusals with nothing saved, stale forms), and a statement count that does not
grow with the posts."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.domain.content import MixBound, PostState
from planner.extensions import db
from planner.models import AuditEvent, Category, MixTarget, MixTargetLine, Person, Unit
from tests.mix_helpers import (ROLES, categories, direct_target, many_posts, mix_world, placed_post,
                               sign_in, utc)
from tests.web.post_helpers import statements

MANAGERS = ["approver", "sysadmin"]


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(app):
    """The factory world with a target in the division and one in the other government."""
    with app.app_context():
        w = mix_world()
        target = direct_target(w.division, date(2026, 1, 1), date(2026, 12, 31),
                               (MixBound.AT_MOST, 30, [w.cats["seremonial"]]),
                               (MixBound.AT_LEAST, 25, [w.cats["interaktif"], w.cats["kolaboratif"]]))
        foreign = direct_target(w.agency, date(2026, 1, 1), None,
                                (MixBound.AT_MOST, 50, [w.outside_cats["seremonial"]]))
        w.ids.target, w.ids.foreign_target = target.id, foreign.id
        w.ids.krisis = w.cats["krisis"].id
        return w.ids


# -- who may open what -------------------------------------------------------------------

def pages(ids):
    return [
        ("/mix", ROLES),
        (f"/units/{ids.division}/mix", ROLES),
        (f"/units/{ids.subdivision}/mix?from=2026-01&to=2026-03", ROLES),
        ("/categories", ROLES),
        (f"/units/{ids.division}/targets", ROLES),
        (f"/units/{ids.division}/targets/new", MANAGERS),
        (f"/targets/{ids.target}/edit", MANAGERS),
        (f"/targets/{ids.target}/end", MANAGERS),
        (f"/governments/{ids.city}/categories/new", ["sysadmin"]),
        (f"/categories/{ids.edukasi}/edit", ["sysadmin"]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_it_may_and_is_refused_the_rest(client, world, role):
    sign_in(client, role)
    for url, allowed in pages(world):
        status = client.get(url).status_code
        assert status == (200 if role in allowed else 403), (role, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_sysadmin_reorders_and_deactivates_categories(client, world, role):
    sign_in(client, role)
    move = client.post(f"/categories/{world.edukasi}/move", {"direction": "down"})
    deactivate = client.post(f"/categories/{world.edukasi}/active", {"active": "0"})
    create = client.post(f"/governments/{world.city}/categories/new",
                         {"code": "baru", "name": "Baru", "participation": "information"})
    new_target = client.post(f"/units/{world.division}/targets/new",
                             {"action": "save", "starts_on": "2027-01", "lines-0-bound": "at_most",
                              "lines-0-percent": "30", "lines-0-categories": str(world.seremonial)})
    with client.app.app_context():
        edukasi = db.session.get(Category, world.edukasi)
        codes = db.session.scalars(select(Category.code)).all()
        targets = db.session.scalar(select(func.count(MixTarget.id)))
    if role == "sysadmin":
        assert [move.status_code, deactivate.status_code, create.status_code] == [302] * 3
        assert not edukasi.active and edukasi.position == 3 and "baru" in codes
    else:
        assert [move.status_code, deactivate.status_code, create.status_code] == [403] * 3
        assert edukasi.active and edukasi.position == 2 and "baru" not in codes
    assert new_target.status_code == (302 if role in MANAGERS else 403)
    assert targets == (3 if role in MANAGERS else 2)


@pytest.mark.parametrize("role", ROLES + ["outsider"])
def test_another_governments_ids_are_not_found(client, world, role):
    sign_in(client, role)
    if role == "outsider":  # the province's sysadmin, looking at the city
        urls = [f"/units/{world.division}/mix", f"/units/{world.city}/targets",
                f"/units/{world.division}/targets/new", f"/targets/{world.target}/edit",
                f"/targets/{world.target}/end", f"/governments/{world.city}/categories/new",
                f"/categories/{world.edukasi}/edit"]
        posts = [f"/categories/{world.edukasi}/move", f"/categories/{world.edukasi}/active"]
    else:
        urls = [f"/units/{world.agency}/mix", f"/units/{world.province}/targets",
                f"/units/{world.agency}/targets/new", f"/targets/{world.foreign_target}/edit",
                f"/targets/{world.foreign_target}/end", f"/governments/{world.province}/categories/new",
                f"/categories/{world.outside_category}/edit"]
        posts = [f"/categories/{world.outside_category}/move",
                 f"/categories/{world.outside_category}/active"]
    for url in urls:
        assert client.get(url).status_code == 404, (role, url)
    for url in posts:
        assert client.post(url, {"direction": "up", "active": "0"}).status_code == 404, (role, url)
    listing = text(client.get("/mix")) + text(client.get("/categories"))
    hidden = "Pemerintah Kota Uji" if role == "outsider" else "Pemerintah Provinsi Lain"
    assert hidden not in listing


def test_unknown_and_huge_ids_are_not_found(client, world):
    sign_in(client, "sysadmin")
    for url in ["/units/999999/mix", "/units/999999/targets", "/targets/999999/edit",
                "/targets/999999/end", "/categories/999999/edit", "/governments/999999/categories/new",
                "/units/99999999999999999999/mix", "/categories/99999999999/edit",
                f"/governments/{world.division}/categories/new"]:  # a unit, not a government
        assert client.get(url).status_code == 404, url
    assert client.post("/categories/99999999999/move", {"direction": "up"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for url in ["/mix", f"/units/{world.division}/mix", "/categories", f"/units/{world.division}/targets"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- the mix page --------------------------------------------------------------------------

def fill_february(app, ids):
    """February 2026 (WIB): 3 ceremonial (one in the subdivision, one published) and 1
    interactive planned; a cancelled one and one of Dinkes that do not count; one
    ceremonial published in February but planned in January."""
    with app.app_context():
        author = db.session.scalar(select(Person).where(Person.email == "author@uji.pranata.test"))
        dinkes = db.session.scalar(select(Person).where(Person.email == "dinkes@uji.pranata.test"))
        division, subdivision, health = (db.session.get(Unit, i) for i in
                                         (ids.division, ids.subdivision, ids.health))
        placed_post(author, division, "seremonial", utc(2026, 2, 2, 2), published_at=utc(2026, 2, 2, 3))
        placed_post(author, division, "seremonial", utc(2026, 2, 10, 2))
        placed_post(author, subdivision, "seremonial", utc(2026, 2, 28, 16, 59))  # 28 Feb 23:59 WIB
        placed_post(author, division, "interaktif", utc(2026, 2, 12, 2))
        placed_post(author, division, "interaktif", utc(2026, 2, 13), state=PostState.CANCELLED)
        placed_post(dinkes, health, "seremonial", utc(2026, 2, 13))
        placed_post(author, division, "seremonial", utc(2026, 1, 30), published_at=utc(2026, 2, 1, 1))


def test_the_mix_page_shows_planned_and_published_shares_against_the_target(client, world):
    fill_february(client.app, world)
    sign_in(client, "author")
    page = text(client.get(f"/units/{world.division}/mix?from=2026-01&to=2026-03"))
    february = page.split('data-month="2026-02"')[1].split("</tbody>")[0]
    row = re.search(r'data-category="seremonial">(.*?)</tr>', february, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["3", "75 %", "2", "100 %"]
    row = re.search(r'data-category="interaktif">(.*?)</tr>', february, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["1", "25 %", "0", "0 %"]
    line1 = re.search(r'data-line="1">(.*?)</tr>', february, re.S).group(1)
    assert "at most 30 % of Seremonial" in line1 and line1.count("beyond target") == 2
    line2 = re.search(r'data-line="2">(.*?)</tr>', february, re.S).group(1)
    assert "at least 25 % of Interaktif + Kolaboratif" in line2
    assert "within target" in line2 and "beyond target" in line2  # planned 25 %, published 0 %
    march = page.split('data-month="2026-03"')[1].split("</tbody>")[0]
    assert "No posts in this month." in march
    # The chart: segments with their numbers, target marks at 30 % and 25 % height, a legend.
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in page and "<title id=\"mix-chart-title\">" in svg and "<desc" in svg
    assert "Seremonial: 3 of 4 planned (75 %)" in svg
    assert "Interaktif: 1 of 4 planned (25 %)" in svg
    assert "Seremonial: 2 of 2 published (100 %)" in svg
    assert svg.count('class="mix-mark mix-mark-at_most"') == 3  # one per month, target from Jan
    assert 'y1="152.0"' in svg and 'y1="162.0"' in svg  # 30 % and 25 % of a 200-high plot
    assert 'class="mix-cat-0"' in svg and 'class="mix-cat-4"' in svg
    assert "<script" not in page.split("<main")[1]
    assert "Kolaboratif" in page.split('class="mix-legend"')[1].split("</ul>")[0]


def test_the_subdivision_follows_the_division_target_and_counts_only_its_own_posts(client, world):
    fill_february(client.app, world)
    sign_in(client, "reviewer")
    page = text(client.get(f"/units/{world.subdivision}/mix?from=2026-02&to=2026-02"))
    row = re.search(r'data-category="seremonial">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["1", "100 %", "0", ""]
    assert "set by Bagian Prokompim" in page


def test_the_default_range_is_six_months_back_to_next_month(client, world):
    sign_in(client, "auditor")
    page = text(client.get(f"/units/{world.division}/mix"))
    assert page.count('class="mix-month-rows"') == 8
    assert page.count('class="mix-month"') == 8


def test_a_first_month_alone_shows_up_to_the_widest_range(client, world):
    sign_in(client, "author")
    response = client.get(f"/units/{world.division}/mix?from=2020-01")
    assert response.status_code == 200
    assert text(response).count('class="mix-month-rows"') == 24
    assert 'data-month="2021-12"' in text(response)


@pytest.mark.parametrize("query, message", [
    ("from=2026-13", "Give the months as YYYY-MM"),
    ("from=2026-01&to=abc", "Give the months as YYYY-MM"),
    ("from=2026-05&to=2026-01", "The last month comes before the first."),
    ("from=2024-01&to=2026-12", "Choose at most 24 months."),
    ("from=9999999999999999-01", "Give the months as YYYY-MM"),
])
def test_a_bad_range_is_a_clear_400(client, world, query, message):
    sign_in(client, "author")
    response = client.get(f"/units/{world.division}/mix?{query}")
    assert response.status_code == 400 and message in text(response)
    assert "<svg" not in text(response)


def test_the_mix_page_sends_the_same_statements_for_5_and_50_posts(client, world):
    app = client.app
    url = f"/units/{world.division}/mix?from=2026-01&to=2026-06"

    def add(count):
        with app.app_context():
            author = db.session.scalar(select(Person).where(Person.email == "author@uji.pranata.test"))
            division = db.session.get(Unit, world.division)
            subdivision = db.session.get(Unit, world.subdivision)
            cats = categories(division)
            for i, code in enumerate(("seremonial", "interaktif", "edukasi", "kolaboratif", "krisis")):
                many_posts(author, division if i % 2 else subdivision, cats[code],
                           utc(2026, 1 + i, 10), count // 5, published_at=utc(2026, 2 + i % 3, 11))

    add(5)
    sign_in(client, "approver")
    small = statements(app, client, url)
    add(45)
    large = statements(app, client, url)
    assert small == large
    assert "Krisis / darurat: 10 of 10 planned (100 %)" in text(client.get(url))


# -- the target forms ----------------------------------------------------------------------

def target_data(**fields):
    data = {"action": "save", "starts_on": "2027-01", "ends_on": "", "note": ""}
    data.update(fields)
    return data


def counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(MixTarget.id))),
                db.session.scalar(select(func.count(MixTargetLine.id))),
                db.session.scalar(select(func.count(AuditEvent.id))))


def test_an_approver_sets_a_target_through_the_form(client, world):
    sign_in(client, "approver")
    form = text(client.get(f"/units/{world.division}/targets/new"))
    assert 'name="lines-1-percent"' in form and 'name="lines-2-percent"' not in form
    response = client.post(f"/units/{world.division}/targets/new", target_data(**{
        "ends_on": "2027-06", "lines-0-bound": "at_most", "lines-0-percent": "20",
        "lines-0-categories": [str(world.seremonial)], "lines-1-bound": "at_least",
        "lines-1-percent": "30", "lines-1-categories": [str(world.interaktif), str(world.kolaboratif)],
        "lines-2-bound": "at_most", "lines-2-percent": ""}))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/units/{world.division}/targets")
    with client.app.app_context():
        made = db.session.scalar(select(MixTarget).where(MixTarget.starts_on == date(2027, 1, 1)))
        assert made.ends_on == date(2027, 6, 30)
        assert [(l.bound, l.percent, len(l.categories)) for l in made.lines] == [
            (MixBound.AT_MOST, 20, 1), (MixBound.AT_LEAST, 30, 2)]
    listing = text(client.get(f"/units/{world.division}/targets"))
    assert "January 2027 to June 2027" in listing and "at least 30 % of Interaktif + Kolaboratif" in listing


def test_more_lines_adds_rows_and_saves_nothing(client, world):
    sign_in(client, "approver")
    before = counts(client.app)
    response = client.post(f"/units/{world.division}/targets/new", target_data(**{
        "action": "more-lines", "lines-0-bound": "at_most", "lines-0-percent": "20",
        "lines-0-categories": [str(world.seremonial)]}))
    assert response.status_code == 200
    page = text(response)
    assert 'name="lines-3-percent"' in page and 'name="lines-4-percent"' not in page
    assert re.search(r'name="lines-0-percent"[^>]*value="20"', page)
    assert counts(client.app) == before


@pytest.mark.parametrize("fields, message", [
    ({"lines-0-bound": "at_least", "lines-0-percent": "60", "lines-0-categories": "interaktif",
      "lines-1-bound": "at_least", "lines-1-percent": "45", "lines-1-categories": "kolaboratif"},
     "a target mix that adds up to more than 100 % cannot be met"),
    ({"lines-0-bound": "at_most", "lines-0-percent": "101", "lines-0-categories": "seremonial"},
     "A percentage runs from 0 to 100."),
    ({"lines-0-bound": "at_most", "lines-0-percent": "", "lines-0-categories": "seremonial"},
     "Give the percentage of this line."),
    ({"lines-0-bound": "at_most", "lines-0-percent": "30"}, "Line 1 names no category."),
    ({}, "Give the target at least one line."),
    ({"starts_on": "2026-02", "lines-0-bound": "at_most", "lines-0-percent": "30",
      "lines-0-categories": "seremonial"},
     "This period overlaps the unit&#39;s target from Jan 1, 2026 to Dec 31, 2026."),
    ({"starts_on": "2027-13", "lines-0-bound": "at_most", "lines-0-percent": "30",
      "lines-0-categories": "seremonial"}, "Give a month as YYYY-MM"),
    ({"lines-0-bound": "sideways", "lines-0-percent": "30", "lines-0-categories": "seremonial"},
     "Not a valid choice"),
    ({"lines-0-bound": "at_most", "lines-0-percent": "30", "lines-0-categories": "outside_category"},
     "Choose among the categories offered."),
    ({"lines-0-bound": "at_most", "lines-0-percent": "30", "lines-0-categories": "99999999999"},
     "Choose among the categories offered."),
])
def test_a_bad_target_is_refused_beside_the_fields_and_nothing_is_saved(client, world, fields, message):
    sign_in(client, "approver")
    fields = dict(fields)  # the parameters are shared by both backends' runs
    if "lines-0-categories" in fields:
        value = fields["lines-0-categories"]
        fields["lines-0-categories"] = str(getattr(world, value, value))
    if "lines-1-categories" in fields:
        fields["lines-1-categories"] = str(getattr(world, fields["lines-1-categories"]))
    before = counts(client.app)
    response = client.post(f"/units/{world.division}/targets/new", target_data(**fields))
    assert response.status_code == 422
    assert message in text(response)
    assert counts(client.app) == before


def test_a_stale_target_form_is_a_409_naming_who_saved(client, world, make_client):
    sign_in(client, "approver")
    other = sign_in(make_client(), "sysadmin")
    data = target_data(**{"version": "1", "starts_on": "2026-01", "lines-0-bound": "at_most",
                          "lines-0-percent": "35", "lines-0-categories": str(world.seremonial)})
    assert other.post(f"/targets/{world.target}/edit", data).status_code == 302
    response = client.post(f"/targets/{world.target}/edit", {**data, "lines-0-percent": "10"})
    assert response.status_code == 409
    assert "Admin Sistem saved a change" in text(response)
    assert re.search(r'name="lines-0-percent"[^>]*value="35"', text(response))
    lost = client.post(f"/targets/{world.target}/edit", {**data, "version": ""})
    assert lost.status_code == 409
    with client.app.app_context():
        target = db.session.get(MixTarget, world.target)
        assert [l.percent for l in target.lines] == [35]


def test_ending_a_target(client, world):
    sign_in(client, "sysadmin")
    assert client.post(f"/targets/{world.target}/end", {"version": "1", "last_month": "2025-06"}
                       ).status_code == 422
    response = client.post(f"/targets/{world.target}/end", {"version": "1", "last_month": "2026-06"})
    assert response.status_code == 302
    assert client.post(f"/targets/{world.target}/end", {"version": "1", "last_month": "2026-07"}
                       ).status_code == 409
    with client.app.app_context():
        assert db.session.get(MixTarget, world.target).ends_on == date(2026, 6, 30)
    page = text(client.get(f"/units/{world.division}/mix?from=2026-06&to=2026-07"))
    july = page.split('data-month="2026-07"')[1].split("</tbody>")[0]
    assert "No target in force." in july


# -- the category forms --------------------------------------------------------------------

def test_a_sysadmin_adds_and_edits_a_category_through_the_forms(client, world):
    sign_in(client, "sysadmin")
    bad = client.post(f"/governments/{world.city}/categories/new",
                      {"code": "Podcast Warga", "name": "Podcast", "participation": "consultation"})
    assert bad.status_code == 422 and "lower-case letters and digits" in text(bad)
    taken = client.post(f"/governments/{world.city}/categories/new",
                        {"code": "seremonial", "name": "Lagi", "participation": "information"})
    assert taken.status_code == 422 and "is taken in this government" in text(taken)
    made = client.post(f"/governments/{world.city}/categories/new",
                       {"code": "podcast-warga", "name": "Podcast warga", "participation": "consultation"})
    assert made.status_code == 302
    listing = text(client.get("/categories"))
    assert "Podcast warga" in listing and "podcast-warga" in listing
    form = text(client.get(f"/categories/{world.edukasi}/edit"))
    loaded = re.search(r'name="loaded"[^>]*value="([^"]+)"', form).group(1)
    saved = client.post(f"/categories/{world.edukasi}/edit",
                        {"loaded": loaded, "name": "Edukasi kebijakan", "participation": "information"})
    assert saved.status_code == 302
    stale = client.post(f"/categories/{world.edukasi}/edit",
                        {"loaded": loaded, "name": "Sosialisasi", "participation": "information"})
    assert stale.status_code == 409 and 'value="Edukasi kebijakan"' in text(stale)
    empty = client.post(f"/categories/{world.edukasi}/edit",
                        {"loaded": re.search(r'name="loaded"[^>]*value="([^"]+)"', text(stale)).group(1),
                         "name": "", "participation": "nonsense"})
    assert empty.status_code == 422
    with client.app.app_context():
        assert db.session.get(Category, world.edukasi).name == "Edukasi kebijakan"


def test_a_deactivated_category_leaves_the_target_form_but_stays_on_the_mix(client, world):
    fill_february(client.app, world)
    sign_in(client, "sysadmin")
    assert client.post(f"/categories/{world.interaktif}/active", {"active": "0"}).status_code == 302
    assert client.post(f"/categories/{world.interaktif}/active", {"active": "maybe"}).status_code == 400
    new = text(client.get(f"/units/{world.subdivision}/targets/new"))
    assert "Interaktif" not in new and "Seremonial" in new
    edit = text(client.get(f"/targets/{world.target}/edit"))  # it keeps the one it has
    assert "Interaktif" in edit
    page = text(client.get(f"/units/{world.division}/mix?from=2026-02&to=2026-02"))
    assert 'data-category="interaktif"' in page
