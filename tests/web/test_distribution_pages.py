"""Distribution pages through the browser's eyes: who may open and change what (every role,
another government's ids, unknown ids), the network tree, group forms with stale versions,
a published post sent to two WhatsApp groups and its coverage, refusals that save nothing,
reuse by other units, the monthly report, the post page's panel, and statement counts that
do not grow with the data."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from planner.domain.content import GroupLevel
from planner.extensions import db
from planner.domain.organisation import ZONES
from planner.models import (Amplification, AuditEvent, Distribution, DistributionGroup, Person,
                            PlannerSettings, Post, Unit)
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services.distribution import record_amplification, record_distribution
from tests import factories
from tests.distribution_helpers import (MANAGERS, RECORDERS, ROLES, count, distribution_world,
                                        group, published)
from tests.web.post_helpers import login, statements


def mail(role: str) -> str:
    return f"{role}@uji.pranata.test"


@pytest.fixture
def ids(app):
    with app.app_context():
        w = distribution_world()
        return {"division": w.division.id, "health": w.health.id, "agency": w.agency.id,
                "subdivision": w.subdivision.id, "post": w.post.id, "draft": w.draft.id,
                "health_post": w.health_post.id, "city_group": w.city_group.id,
                "district_a": w.district_a.id, "district_b": w.district_b.id,
                "kelurahan": w.kelurahan.id, "health_group": w.health_group.id,
                "whatsapp": w.whatsapp.id, "instagram": w.instagram.id,
                "author": w.author.id, "contributor": w.contributor.id,
                "published_at": w.post.published_at}


def text(response) -> str:
    return response.get_data(as_text=True)


def send_form(ids, groups, *, when=None, by=None) -> dict:
    """The distribution form as a browser sends it, the time on the division's clock (WIB)."""
    local = (when or utcnow() - timedelta(minutes=30)).astimezone(ZONES["WIB"])
    return {"group_ids": [str(g) for g in groups], "sent_date": local.strftime("%Y-%m-%d"),
            "sent_time": local.strftime("%H:%M"), "sent_by_id": str(by or ids["author"])}


def offered(page: str) -> set[int]:
    """The groups the distribution form offers as checkboxes."""
    return {int(i) for i in re.findall(r'name="group_ids" value="(\d+)"', page)}


def version_of(app, group_id) -> int:
    with app.app_context():
        return db.session.get(DistributionGroup, group_id).version


# -- who may open and change what --------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_the_pages_and_only_managers_open_the_group_forms(client, ids, role):
    login(client, mail(role))
    readable = ["/distribution", f"/distribution?unit={ids['division']}",
                f"/units/{ids['division']}/distribution/report", f"/posts/{ids['post']}/distribution",
                f"/posts/{ids['post']}/amplification", f"/posts/{ids['draft']}/distribution"]
    for url in readable:
        assert client.get(url).status_code == 200, (role, url)
    managed = [f"/units/{ids['division']}/distribution/groups/new",
               f"/distribution/groups/{ids['district_a']}/edit"]
    for url in managed:
        assert client.get(url).status_code == (200 if role in MANAGERS else 403), (role, url)
    page = text(client.get(f"/posts/{ids['post']}/distribution"))
    assert ('name="group_ids"' in page) == (role in RECORDERS), role


@pytest.mark.parametrize("role", ROLES)
def test_only_authors_and_contributors_record_and_remove(client, ids, role):
    app = client.app
    login(client, mail(role))
    sender = ids["author"]
    response = client.post(f"/posts/{ids['post']}/distribution",
                           send_form(ids, [ids["district_a"]], by=sender))
    with app.app_context():
        today = db.session.get(Unit, ids["division"]).today().isoformat()
    reuse = client.post(f"/posts/{ids['post']}/amplification",
                        {"unit_id": ids["health"], "kind": "reshare", "reused_on": today})
    with app.app_context():
        lines, reuses = count(Distribution), count(Amplification)
    if role in RECORDERS:
        assert (response.status_code, reuse.status_code, lines, reuses) == (302, 302, 1, 1)
    else:
        assert (response.status_code, reuse.status_code, lines, reuses) == (403, 403, 0, 0)
        with app.app_context():
            author = db.session.get(Person, ids["author"])
            line = record_distribution(author, None, db.session.get(Post, ids["post"]),
                                       group_ids=[ids["city_group"]],
                                       sent_at=utcnow() - timedelta(minutes=5), sent_by=author)[0]
            line_id = line.id
        assert client.post(f"/posts/{ids['post']}/distribution/{line_id}/remove").status_code == 403
        with app.app_context():
            assert count(Distribution) == 1


@pytest.mark.parametrize("role", ROLES)
def test_managers_change_groups_and_the_others_are_refused(client, ids, role):
    app = client.app
    login(client, mail(role))
    created = client.post(f"/units/{ids['division']}/distribution/groups/new",
                          {"name": "Grup RT 01 RW 02", "level": "neighbourhood", "members": "35",
                           "parent_id": str(ids["kelurahan"]), "channel_id": "0"})
    toggled = client.post(f"/distribution/groups/{ids['district_b']}/deactivate",
                          {"version": version_of(app, ids["district_b"])})
    with app.app_context():
        made = count(DistributionGroup, DistributionGroup.name == "Grup RT 01 RW 02")
        active = db.session.get(DistributionGroup, ids["district_b"]).active
    if role in MANAGERS:
        assert (created.status_code, toggled.status_code, made, active) == (302, 302, 1, False)
    else:
        assert (created.status_code, toggled.status_code, made, active) == (403, 403, 0, True)


@pytest.mark.parametrize("role", ["author", "sysadmin", "auditor"])
def test_another_governments_ids_are_not_found(client, make_client, ids, role):
    app = client.app
    with app.app_context():
        province = db.session.scalar(select(Unit).where(Unit.name == "Pemerintah Provinsi Lain"))
        agency = db.session.get(Unit, ids["agency"])
        outsider = db.session.scalar(select(Person).where(Person.email == "lain@uji.pranata.test"))
        foreign_group = group(agency, "Grup Dinas Lain", GroupLevel.CITY, 10)
        foreign_post = published(factories.post(outsider, agency, "Pos provinsi"))
        foreign = {"unit": agency.id, "group": foreign_group.id, "post": foreign_post.id,
                   "province": province.id}
    login(client, mail(role))
    for url in [f"/distribution?unit={foreign['unit']}", f"/units/{foreign['unit']}/distribution/report",
                f"/units/{foreign['unit']}/distribution/groups/new", f"/distribution/groups/{foreign['group']}/edit",
                f"/posts/{foreign['post']}/distribution", f"/posts/{foreign['post']}/amplification",
                "/distribution?unit=999999", "/distribution?unit=abc", "/distribution/groups/999999/edit",
                "/posts/999999/distribution", "/units/99999999999999999999/distribution/report"]:
        assert client.get(url).status_code == 404, (role, url)
    for url in [f"/posts/{foreign['post']}/distribution", f"/posts/{foreign['post']}/amplification",
                f"/distribution/groups/{foreign['group']}/deactivate",
                f"/units/{foreign['unit']}/distribution/groups/new"]:
        assert client.post(url, {"name": "x"}).status_code == 404, (role, url)
    assert "Grup Dinas Lain" not in text(client.get("/distribution"))


# -- the network -------------------------------------------------------------------------------

def test_the_network_is_a_tree_of_nested_lists_with_own_and_subtree_members(client, ids):
    login(client, mail("reviewer"))
    page = text(client.get(f"/distribution?unit={ids['division']}"))
    assert "Members in the active groups: 230" in page
    assert "100 own members, 230 with the groups below" in page
    assert "60 own members, 90 with the groups below" in page
    # The kelurahan's list sits inside its district's item, which sits inside the city's.
    tree = page[page.index('data-testid="network-tree"'):]
    city, district, kelurahan = (tree.index(f'data-group="{ids[k]}"')
                                 for k in ("city_group", "district_a", "kelurahan"))
    assert city < district < kelurahan
    assert tree[district:kelurahan].count("<ul>") == 1
    assert "WA Prokompim" in page
    assert "/edit" not in tree and "Deactivate" not in tree  # a reviewer reads only
    assert "<script" not in tree


def test_a_deactivated_group_stays_in_the_tree_but_no_longer_counts(client, ids):
    login(client, mail("author"))
    client.post(f"/distribution/groups/{ids['district_a']}/deactivate",
                {"version": version_of(client.app, ids["district_a"])})
    page = text(client.get(f"/distribution?unit={ids['division']}"))
    assert "Members in the active groups: 170" in page and "inactive" in page
    form = text(client.get(f"/posts/{ids['post']}/distribution"))
    assert ids["district_a"] not in offered(form) and ids["kelurahan"] in offered(form)
    client.post(f"/distribution/groups/{ids['district_a']}/reactivate",
                {"version": version_of(client.app, ids["district_a"])})
    assert "Members in the active groups: 230" in text(client.get(f"/distribution?unit={ids['division']}"))


def test_a_group_is_created_under_a_chosen_parent_and_edited(client, ids):
    app = client.app
    login(client, mail("approver"))
    form = text(client.get(f"/units/{ids['division']}/distribution/groups/new?parent={ids['kelurahan']}"))
    assert re.search(rf'<option selected value="{ids["kelurahan"]}">', form)
    response = client.post(f"/units/{ids['division']}/distribution/groups/new",
                           {"name": "RT 03 / RW 01", "level": "neighbourhood", "members": "48",
                            "parent_id": str(ids["kelurahan"]), "channel_id": str(ids["whatsapp"])})
    assert response.status_code == 302
    with app.app_context():
        made = db.session.scalar(select(DistributionGroup).where(DistributionGroup.name == "RT 03 / RW 01"))
        made_id, version = made.id, made.version
        assert (made.parent_id, made.channel_id, made.members) == (ids["kelurahan"], ids["whatsapp"], 48)
    response = client.post(f"/distribution/groups/{made_id}/edit",
                           {"name": "RT 03 / RW 01", "level": "neighbourhood", "members": "52",
                            "parent_id": str(ids["kelurahan"]), "channel_id": "0", "version": version})
    assert response.status_code == 302
    with app.app_context():
        made = db.session.get(DistributionGroup, made_id)
        assert (made.members, made.channel_id) == (52, None)
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == made_id,
                                                                 AuditEvent.object_type == "DistributionGroup")
                                 .order_by(AuditEvent.seq.desc()).limit(1)) == "distribution_group.updated"


def test_bad_group_input_is_refused_beside_the_field_and_saves_nothing(client, ids):
    app = client.app
    login(client, mail("author"))
    url = f"/units/{ids['division']}/distribution/groups/new"
    cases = [
        ({"name": "", "level": "city", "members": "1", "parent_id": "0", "channel_id": "0"}, "This field is required"),
        ({"name": "X", "level": "city", "members": "-1", "parent_id": "0", "channel_id": "0"}, "from 0 to"),
        ({"name": "X", "level": "city", "members": "99999999999999999999", "parent_id": "0",
          "channel_id": "0"}, "from 0 to"),
        ({"name": "X", "level": "city", "members": "abc", "parent_id": "0", "channel_id": "0"}, "integer"),
        ({"name": "X", "level": "galaxy", "members": "1", "parent_id": "0", "channel_id": "0"}, "Not a valid choice"),
        ({"name": "X", "level": "city", "members": "1", "parent_id": str(ids["health_group"]),
          "channel_id": "0"}, "Not a valid choice"),
        ({"name": "X", "level": "city", "members": "1", "parent_id": "0",
          "channel_id": str(ids["instagram"])}, "Not a valid choice"),
        ({"name": "X", "level": "district", "members": "1", "parent_id": str(ids["kelurahan"]),
          "channel_id": "0"}, "cannot sit under"),
    ]
    with app.app_context():
        before = count(DistributionGroup)
    for data, expected in cases:
        response = client.post(url, data)
        assert response.status_code == 422, data
        assert expected in text(response), (data, expected)
    with app.app_context():
        assert count(DistributionGroup) == before


def test_a_cycle_and_a_stale_edit_are_refused(client, make_client, ids):
    app = client.app
    login(client, mail("author"))
    loaded = version_of(app, ids["district_a"])
    cycle = client.post(f"/distribution/groups/{ids['district_a']}/edit",
                        {"name": "Kecamatan Bukit Bestari", "level": "community", "members": "60",
                         "parent_id": str(ids["kelurahan"]), "channel_id": "0", "version": loaded})
    assert cycle.status_code == 422 and "own subgroup" in text(cycle)
    other = login(make_client(), mail("approver"))
    assert other.post(f"/distribution/groups/{ids['district_a']}/edit",
                      {"name": "Kec. Bukit Bestari", "level": "district", "members": "61",
                       "parent_id": str(ids["city_group"]), "channel_id": "0",
                       "version": loaded}).status_code == 302
    stale = client.post(f"/distribution/groups/{ids['district_a']}/edit",
                        {"name": "Lama", "level": "district", "members": "1",
                         "parent_id": str(ids["city_group"]), "channel_id": "0", "version": loaded})
    assert stale.status_code == 409
    assert "Kepala Bagian saved a change" in text(stale) and 'value="Kec. Bukit Bestari"' in text(stale)
    toggle = client.post(f"/distribution/groups/{ids['district_a']}/deactivate", {"version": loaded})
    assert toggle.status_code == 409 and "Kepala Bagian saved a change" in text(toggle)
    with app.app_context():
        group_ = db.session.get(DistributionGroup, ids["district_a"])
        assert (group_.name, group_.members, group_.active) == ("Kec. Bukit Bestari", 61, True)
    assert client.post(f"/distribution/groups/{ids['district_a']}/deactivate", {}, csrf=False).status_code == 400


# -- a post's distribution ------------------------------------------------------------------------

def test_a_post_sent_to_two_whatsapp_groups_shows_its_coverage_against_the_target(client, ids):
    app = client.app
    with app.app_context():
        db.session.add(PlannerSettings(unit_id=ids["division"], distribution_target_percent=40))
        db.session.commit()
    login(client, mail("contributor"))
    response = client.post(f"/posts/{ids['post']}/distribution",
                           send_form(ids, [ids["district_a"], ids["district_b"]], by=ids["contributor"]))
    assert response.status_code == 302
    page = text(client.get(f"/posts/{ids['post']}/distribution"))
    assert "Recorded: sent to" in page
    assert 'data-testid="coverage-percent">43.5 %' in page  # (60 + 40) / 230
    assert "target 40 %" in page and "met" in page
    log = page[page.index('data-testid="distribution-log"'):]
    for expected in ["Kecamatan Bukit Bestari", "Kecamatan Tanjungpinang Timur", "District (kecamatan)",
                     "Kontributor Bidang", "WIB"]:
        assert expected in log, expected
    # Groups already sent are no longer offered.
    assert offered(page) == {ids["city_group"], ids["kelurahan"]}
    with app.app_context():
        assert sorted(count(Distribution, Distribution.group_id == g) for g in
                      (ids["district_a"], ids["district_b"])) == [1, 1]


def test_refused_distributions_save_nothing_and_say_why(client, ids):
    app = client.app
    login(client, mail("author"))
    url = f"/posts/{ids['post']}/distribution"
    published_at = ids["published_at"]
    cases = [
        (send_form(ids, [ids["city_group"], ids["health_group"]]), "is not in the distribution network"),
        (send_form(ids, [ids["district_a"], ids["district_a"]]), "Kecamatan Bukit Bestari is chosen more than once"),
        (send_form(ids, []), "Choose at least one group"),
        (send_form(ids, ["abc"]), "could not be coerced"),
        (send_form(ids, [str(2**40)]), "could not be coerced"),
        (send_form(ids, [ids["city_group"]], when=published_at - timedelta(hours=1)), "before the post was published"),
        (send_form(ids, [ids["city_group"]], when=utcnow() + timedelta(hours=3)), "in the future"),
        (send_form(ids, [ids["city_group"]], by=999), "Not a valid choice"),
        ({**send_form(ids, [ids["city_group"]]), "sent_date": "1-01-01"}, "Not a valid date"),
        ({**send_form(ids, [ids["city_group"]]), "sent_date": "9999-12-31"}, "between the years 2000 and 2100"),
        ({**send_form(ids, [ids["city_group"]]), "sent_time": "25:61"}, "Not a valid time"),
    ]
    for data, expected in cases:
        response = client.post(url, data)
        assert response.status_code == 422, (data, text(response)[:200])
        assert expected in text(response), (expected, data)
    with app.app_context():
        assert count(Distribution) == 0
        assert count(AuditEvent, AuditEvent.action == "distribution.recorded") == 0


def test_an_unpublished_post_is_refused_with_a_message(client, ids):
    login(client, mail("author"))
    page = text(client.get(f"/posts/{ids['draft']}/distribution"))
    assert "Only a published post can be distributed" in page and 'name="group_ids"' not in page
    response = client.post(f"/posts/{ids['draft']}/distribution", send_form(ids, [ids["city_group"]]))
    assert response.status_code == 422 and "Only a published post" in text(response)
    reuse = client.post(f"/posts/{ids['draft']}/amplification",
                        {"unit_id": ids["health"], "kind": "reshare", "reused_on": "2025-01-01"})
    assert reuse.status_code == 422 and "Only a published post" in text(reuse)
    with client.app.app_context():
        assert count(Distribution) == 0 and count(Amplification) == 0


def test_a_wrong_line_is_removed_from_the_log_and_audited(client, ids):
    app = client.app
    login(client, mail("author"))
    client.post(f"/posts/{ids['post']}/distribution", send_form(ids, [ids["district_a"], ids["district_b"]]))
    with app.app_context():
        line_id = db.session.scalar(select(Distribution.id).where(Distribution.group_id == ids["district_a"]))
    # A line reached through another post's address is not found.
    assert client.post(f"/posts/{ids['draft']}/distribution/{line_id}/remove").status_code == 404
    assert client.post(f"/posts/{ids['post']}/distribution/{line_id}/remove", csrf=False).status_code == 400
    response = client.post(f"/posts/{ids['post']}/distribution/{line_id}/remove", follow_redirects=True)
    assert "The line for Kecamatan Bukit Bestari has been removed" in text(response)
    again = client.post(f"/posts/{ids['post']}/distribution/{line_id}/remove")
    assert again.status_code == 404
    with app.app_context():
        assert count(Distribution) == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "distribution.removed"))
        assert event.before["group"] == "Kecamatan Bukit Bestari" and event.actor_id == ids["author"]


# -- reuse by other units ---------------------------------------------------------------------

def test_a_reuse_is_recorded_listed_and_removed(client, ids):
    app = client.app
    login(client, mail("author"))
    page = text(client.get(f"/posts/{ids['post']}/amplification"))
    options = re.findall(r'<option[^>]*value="(\d+)"', page[page.index('name="unit_id"'):page.index('name="kind"')])
    assert str(ids["health"]) in options and str(ids["division"]) not in options
    assert str(ids["agency"]) not in options
    with app.app_context():
        today = db.session.get(Unit, ids["division"]).today().isoformat()
    response = client.post(f"/posts/{ids['post']}/amplification",
                           {"unit_id": ids["health"], "kind": "programme", "reused_on": today,
                            "url": "https://instagram.com/p/dinkes-posyandu", "note": "Kampanye Posyandu"},
                           follow_redirects=True)
    page = text(response)
    assert "Recorded: Dinas Kesehatan reused this post" in page
    assert "Used to back one of its programmes" in page and "https://instagram.com/p/dinkes-posyandu" in page
    with app.app_context():
        reuse_id = db.session.scalar(select(Amplification.id))
    response = client.post(f"/posts/{ids['post']}/amplification/{reuse_id}/remove", follow_redirects=True)
    assert "The reuse by Dinas Kesehatan has been removed" in text(response)
    with app.app_context():
        assert count(Amplification) == 0
        assert count(AuditEvent, AuditEvent.action == "amplification.removed") == 1


def test_refused_reuses_save_nothing(client, ids):
    login(client, mail("author"))
    url = f"/posts/{ids['post']}/amplification"
    with client.app.app_context():
        today = db.session.get(Unit, ids["division"]).today()
    base = {"unit_id": ids["health"], "kind": "reshare", "reused_on": today.isoformat()}
    published_on = ids["published_at"].astimezone(ZONES["WIB"]).date()
    cases = [
        ({**base, "unit_id": ids["division"]}, "Not a valid choice"),
        ({**base, "unit_id": ids["agency"]}, "Not a valid choice"),
        ({**base, "kind": "stolen"}, "Not a valid choice"),
        ({**base, "reused_on": (published_on - timedelta(days=1)).isoformat()}, "cannot come before"),
        ({**base, "reused_on": (today + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({**base, "reused_on": "2025-02-30"}, "Not a valid date"),
        ({**base, "url": "javascript:alert(1)"}, "starting with https://"),
        ({**base, "url": "https://[kota-uji"}, "starting with https://"),  # urlsplit's ValueError
        ({**base, "note": "x" * 2001}, "longer than 2000"),
    ]
    for data, expected in cases:
        response = client.post(url, data)
        assert response.status_code == 422, data
        assert expected in text(response), (expected, data)
    with client.app.app_context():
        assert count(Amplification) == 0


# -- the monthly report --------------------------------------------------------------------------

def _fill_history(app, ids, posts: int, lines_each: int, reuses: int) -> None:
    """Published posts of the division, each sent to groups and reused."""
    with app.app_context():
        author = db.session.get(Person, ids["author"])
        division, health = db.session.get(Unit, ids["division"]), db.session.get(Unit, ids["health"])
        groups = [db.session.get(DistributionGroup, ids[k])
                  for k in ("city_group", "district_a", "district_b", "kelurahan")][:lines_each]
        for n in range(posts):
            post = published(factories.post(author, division, f"Riwayat {n}"), days_ago=3 + n)
            if groups:
                record_distribution(author, None, post, group_ids=[g.id for g in groups],
                                    sent_at=post.published_at + timedelta(hours=1), sent_by=author)
            for _ in range(reuses):
                record_amplification(author, Access.load(author), post, unit=health,
                                     kind="reshare", reused_on=division.today())


def test_the_report_counts_posts_coverage_target_and_reuses_per_month(client, ids):
    app = client.app
    with app.app_context():
        db.session.add(PlannerSettings(unit_id=ids["division"], distribution_target_percent=50))
        db.session.commit()
        division = db.session.get(Unit, ids["division"])
        now_local = utcnow().astimezone(division.zone)
        this_month = now_local.strftime("%Y-%m")
        # Every post of this test is published this month, a little after its start.
        start = now_local.replace(day=1, hour=9, minute=0, second=0, microsecond=0)
        author = db.session.get(Person, ids["author"])
        post = db.session.get(Post, ids["post"])
        post.published_at = start
        second = published(factories.post(author, division, "Kedua"), at=start + timedelta(hours=1))
        health = db.session.get(Unit, ids["health"])
        subdivision = db.session.get(Unit, ids["subdivision"])
        db.session.commit()
        record_distribution(author, None, post, group_ids=[ids["city_group"], ids["district_a"]],
                            sent_at=start + timedelta(minutes=5), sent_by=author)  # 160 of 230
        record_distribution(author, None, second, group_ids=[ids["district_b"]],
                            sent_at=start + timedelta(hours=2), sent_by=author)  # 40 of 230
        for unit_, kind in ((health, "reshare"), (health, "programme"), (subdivision, "reshare")):
            record_amplification(author, Access.load(author), post, unit=unit_, kind=kind,
                                 reused_on=division.today())
    login(client, mail("auditor"))
    page = text(client.get(f"/units/{ids['division']}/distribution/report?from={this_month}&to={this_month}"))
    row = page[page.index(f'data-month="{this_month}"'):page.index('data-month="total"')]
    cells = re.findall(r"<td>(.*?)(?:</td>|<ul)", row, re.S)
    assert [c.strip() for c in cells[:7]] == ["2", "2", "43.5 %", "43.5 %", "1 / 2", "200", "3"]
    for expected in ["Reshared as is: 2", "Used to back one of its programmes: 1", "Dinas Kesehatan: 2",
                     "Subbagian Dokumentasi: 1"]:
        assert expected in row, expected
    assert "Target: each post reaches 50 % of the network" in page


@pytest.mark.parametrize("query", ["from=2025-13&to=2025-12", "from=2025-06&to=2025-01",
                                   "from=2020-01&to=2025-01", "to=garbage", "from=%EF%BC%92025-01"])
def test_a_bad_report_period_is_a_400_with_a_message(client, ids, query):
    login(client, mail("author"))
    response = client.get(f"/units/{ids['division']}/distribution/report?{query}")
    assert response.status_code == 400 and "at most 24 months" in text(response)


def test_the_report_and_the_distribution_page_need_the_same_statements_whatever_the_data(
        client, make_client, ids):
    app = client.app
    viewers = {"author": login(make_client(), mail("author")), "auditor": login(make_client(), mail("auditor"))}
    _fill_history(app, ids, posts=1, lines_each=1, reuses=0)
    with app.app_context():
        watched = db.session.scalar(select(Post.id).where(Post.title == "Riwayat 0"))
    urls = [f"/units/{ids['division']}/distribution/report", f"/posts/{watched}/distribution",
            f"/posts/{watched}/amplification", f"/distribution?unit={ids['division']}"]

    def measure():
        return {(name, url): statements(app, c, url) for name, c in viewers.items() for url in urls}

    small = measure()
    with app.app_context():
        division = db.session.get(Unit, ids["division"])
        parent = db.session.get(DistributionGroup, ids["kelurahan"])
        for n in range(12):
            group(division, f"RT {n:02d}", GroupLevel.NEIGHBOURHOOD, 10 + n, parent)
        author = db.session.get(Person, ids["author"])
        post = db.session.get(Post, watched)
        extra = [g.id for g in db.session.scalars(select(DistributionGroup).where(
            DistributionGroup.name.like("RT %")))]
        record_distribution(author, None, post, group_ids=extra, sent_at=post.published_at + timedelta(hours=2),
                            sent_by=author)
        for unit_id in (ids["health"], ids["subdivision"]):
            record_amplification(author, Access.load(author), post, unit=db.session.get(Unit, unit_id),
                                 kind="quote", reused_on=division.today())
    _fill_history(app, ids, posts=8, lines_each=3, reuses=2)
    large = measure()
    assert large == small, (small, large)


# -- the panel for the post page ------------------------------------------------------------

def test_the_post_panel_loads_in_four_statements_and_renders_its_links(app, ids):
    import sqlalchemy as sa
    from flask import render_template

    from planner.queries.distribution import post_panel

    with app.app_context():
        author = db.session.get(Person, ids["author"])
        post = db.session.get(Post, ids["post"])
        record_distribution(author, None, post, group_ids=[ids["district_a"], ids["district_b"]],
                            sent_at=utcnow() - timedelta(minutes=10), sent_by=author)
        record_amplification(author, Access.load(author), post, unit=db.session.get(Unit, ids["health"]),
                             kind="reshare", reused_on=post.unit.today())
        db.session.expire_all()
        post = db.session.get(Post, ids["post"])
        _ = post.unit  # the post page has its unit loaded already
        access = Access.load(author)
        seen = []

        def count_statement(*args, **kwargs):
            seen.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            panel = post_panel(post, access)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count_statement)
        assert len(seen) == 4
        assert panel.can_record and panel.published and panel.reached == 100 and panel.reuse_units == 1
        assert round(panel.coverage, 1) == 43.5
        with app.test_request_context(), force_locale("en"):  # the texts asserted are the source's
            html = render_template("distribution/_post_panel.html", panel=panel)
        assert f'href="/posts/{ids["post"]}/distribution"' in html and "Record distribution" in html
        assert "Kecamatan Tanjungpinang Timur" in html and "Dinas Kesehatan" in html
        reviewer = db.session.scalar(select(Person).where(Person.email == mail("reviewer")))
        readonly = post_panel(post, Access.load(reviewer))
        assert not readonly.can_record
        with app.test_request_context(), force_locale("en"):
            html = render_template("distribution/_post_panel.html", panel=readonly)
        assert "Distribution log" in html and "Record distribution" not in html
        draft = post_panel(db.session.get(Post, ids["draft"]), access)
        assert not draft.published and not draft.can_record and draft.coverage == 0.0
