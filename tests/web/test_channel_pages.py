"""The channel pages and the planner settings: who may open and change what (every role,
another government, unknown ids), the forms with their refusals, follower counts with the
sparkline, and a list whose number of SQL statements does not grow with the channels."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from planner.domain.content import Platform
from planner.extensions import db
from planner.models import AuditEvent, Channel, FollowerCount, Person, PlannerSettings, Unit
from tests import planner_factories as pf
from tests.web.post_helpers import login, statements

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
MANAGERS = {"author", "approver", "sysadmin"}
TARGET_SETTERS = {"approver", "sysadmin"}


def mail(role: str) -> str:
    return f"{role}@uji.pranata.test"


def setup(app) -> SimpleNamespace:
    with app.app_context():
        w = pf.planner_world()
        ig = pf.channel(w.division, name="Instagram Prokompim", handle="@prokompim", weekly_target=5)
        pf.followers(ig, w.author, date(2025, 1, 1), 1000)
        pf.followers(ig, w.author, date(2025, 2, 1), 1500)
        wa = pf.channel(w.subdivision, Platform.WHATSAPP, name="Kaskade WhatsApp kecamatan")
        foreign = pf.channel(w.agency, name="Instagram Dinas Lain", handle="@dinaslain")
        return SimpleNamespace(ig=ig.id, wa=wa.id, foreign=foreign.id, division=w.division.id,
                               subdivision=w.subdivision.id, health=w.health.id, agency=w.agency.id)


def text(response) -> str:
    return response.get_data(as_text=True)


def channel_count() -> int:
    return db.session.scalar(select(func.count(Channel.id)))


PAGES = [
    ("/channels", ROLES),
    ("/channels/{ig}", ROLES),
    ("/channels/{wa}", ROLES),
    ("/channels/{ig}/edit", MANAGERS),
    ("/units/{division}/channels/new", MANAGERS),
    ("/channels/new?unit={division}", MANAGERS),
    ("/units/{division}/planner-settings", TARGET_SETTERS),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_it_may_and_is_refused_the_rest(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    for template, allowed in PAGES:
        url = template.format(**vars(ids))
        expected = (302 if "?unit=" in url else 200) if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_only_channel_managers_change_channels_and_counts(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    created = client.post(f"/units/{ids.division}/channels/new", {
        "platform": "tiktok", "name": "TikTok Prokompim", "handle": "@prokompim.tiktok"})
    counted = client.post(f"/channels/{ids.ig}/followers", {"recorded_on": "2025-03-01", "followers": "1600"})
    settings = client.post(f"/units/{ids.division}/planner-settings", {
        "version": "0", "slot_tolerance_minutes": "45"})
    with client.app.app_context():
        channels = channel_count()
        counts = db.session.scalar(select(func.count(FollowerCount.id)))
        rows = db.session.scalar(select(func.count(PlannerSettings.id)))
    if role in MANAGERS:
        assert created.status_code == counted.status_code == 302
        assert (channels, counts) == (4, 3)
    else:
        assert created.status_code == counted.status_code == 403
        assert (channels, counts) == (3, 2)
    assert settings.status_code == (302 if role in TARGET_SETTERS else 403)
    assert rows == (1 if role in TARGET_SETTERS else 0)


@pytest.mark.parametrize("role", ROLES)
def test_another_governments_channels_and_units_are_not_found(client, role):
    ids = setup(client.app)
    login(client, mail(role))
    for url in [f"/channels/{ids.foreign}", f"/channels/{ids.foreign}/edit",
                f"/units/{ids.agency}/channels/new", f"/units/{ids.agency}/planner-settings",
                f"/channels/new?unit={ids.agency}"]:
        assert client.get(url).status_code == 404, (role, url)
    assert client.post(f"/channels/{ids.foreign}/followers",
                       {"recorded_on": "2025-03-01", "followers": "5"}).status_code == 404
    assert client.post(f"/channels/{ids.foreign}/edit", {"name": "X"}).status_code == 404
    page = text(client.get("/channels"))
    assert "Instagram Prokompim" in page and "Instagram Dinas Lain" not in page


def test_the_other_governments_sysadmin_sees_only_its_own(client):
    ids = setup(client.app)
    login(client, mail("outsider"))
    assert client.get(f"/channels/{ids.ig}").status_code == 404
    assert client.get(f"/units/{ids.division}/planner-settings").status_code == 404
    page = text(client.get("/channels"))
    assert "Instagram Dinas Lain" in page and "Instagram Prokompim" not in page


def test_unknown_ids_and_unreadable_parameters(client):
    setup(client.app)
    login(client, mail("sysadmin"))
    for url in ["/channels/999999", "/channels/999999/edit", "/units/999999/channels/new",
                "/units/999999/planner-settings", "/channels/99999999999999999999",
                "/channels/new?unit=999999"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/channels/new?unit=abc").status_code == 400
    assert client.get("/channels/new").status_code == 400
    assert client.get("/channels?unit=abc&platform=myspace").status_code == 200


def test_the_list_groups_by_unit_with_the_latest_count_and_filters(client):
    ids = setup(client.app)
    login(client, mail("reviewer"))
    page = text(client.get("/channels"))
    page = page[page.index('class="card channel-group"'):]  # past the filters, which name units too
    assert page.index("Bagian Prokompim") < page.index("Instagram Prokompim") < page.index(
        "Subbagian Dokumentasi") < page.index("Kaskade WhatsApp kecamatan")
    assert "1,500" in page and "@prokompim" in page and "WhatsApp cascade" in page
    assert "New channel" not in page  # a reviewer manages no channel
    only_whatsapp = text(client.get("/channels?platform=whatsapp"))
    assert "Kaskade WhatsApp" in only_whatsapp and "Instagram Prokompim" not in only_whatsapp
    below = text(client.get(f"/channels?unit={ids.subdivision}"))
    assert "Kaskade WhatsApp" in below and "Instagram Prokompim" not in below


def test_a_channel_is_added_through_the_form(client):
    ids = setup(client.app)
    login(client, mail("author"))
    response = client.post(f"/units/{ids.division}/channels/new", {
        "platform": "website", "name": "Portal resmi", "url": "https://kota-uji.go.id",
        "weekly_target": "2", "active": "y"})
    assert response.status_code == 302
    with client.app.app_context():
        channel = db.session.scalar(select(Channel).where(Channel.name == "Portal resmi"))
        assert (channel.unit_id, channel.url, channel.handle, channel.weekly_target) == (
            ids.division, "https://kota-uji.go.id", "", 2)
    assert response.headers["Location"].endswith(f"/channels/{channel.id}")


@pytest.mark.parametrize("data, message", [
    ({"platform": "instagram", "name": "IG"}, "handle or its web address"),
    ({"platform": "instagram", "name": "IG", "handle": "@PROKOMPIM"}, "with the handle “@PROKOMPIM”"),
    ({"platform": "x", "name": "X", "url": "javascript:alert(1)"}, "starting with http:// or https://"),
    ({"platform": "x", "name": "X", "url": "https://[kota-uji"}, "starting with http:// or https://"),
    ({"platform": "x", "name": "X", "handle": "@x", "weekly_target": "500"}, "between 0 and 100"),
    ({"platform": "x", "name": "X", "handle": "@x", "weekly_target": "lots"}, "Not a valid integer value"),
    ({"platform": "myspace", "name": "X", "handle": "@x"}, "Not a valid choice"),
    ({"platform": "x", "name": "", "handle": "@x"}, "This field is required"),
])
def test_bad_channels_are_refused_beside_the_field_and_nothing_is_saved(client, data, message):
    ids = setup(client.app)
    login(client, mail("approver"))
    response = client.post(f"/units/{ids.division}/channels/new", data)
    assert response.status_code == 422
    assert message in text(response)
    with client.app.app_context():
        assert channel_count() == 3


def edit_data(app, channel_id: int, **changes) -> dict:
    with app.app_context():
        channel = db.session.get(Channel, channel_id)
        data = {"unit_id": channel.unit_id, "platform": channel.platform.value, "name": channel.name,
                "handle": channel.handle, "url": channel.url or "",
                "weekly_target": "" if channel.weekly_target is None else channel.weekly_target,
                "version": channel.version}
        if channel.active:
            data["active"] = "y"
    data.update(changes)
    return data


def test_editing_moves_the_owner_only_to_units_the_editor_manages(client):
    ids = setup(client.app)
    login(client, mail("author"))
    page = text(client.get(f"/channels/{ids.ig}/edit"))
    assert "Subbagian Dokumentasi" in page and "Dinas Kesehatan" not in page
    refused = client.post(f"/channels/{ids.ig}/edit", edit_data(client.app, ids.ig, unit_id=ids.health))
    assert refused.status_code == 422 and "Not a valid choice" in text(refused)
    moved = client.post(f"/channels/{ids.ig}/edit", edit_data(client.app, ids.ig, unit_id=ids.subdivision,
                                                               weekly_target="4"))
    assert moved.status_code == 302
    with client.app.app_context():
        channel = db.session.get(Channel, ids.ig)
        assert (channel.unit_id, channel.weekly_target) == (ids.subdivision, 4)
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "channel.updated"))
        assert audit.after == {"unit_id": ids.subdivision, "weekly_target": 4}


def test_a_stale_edit_answers_409_naming_who_saved(client, make_client):
    ids = setup(client.app)
    login(client, mail("author"))
    opened = edit_data(client.app, ids.ig)
    other = login(make_client(), mail("approver"))
    assert other.post(f"/channels/{ids.ig}/edit", edit_data(client.app, ids.ig, name="IG resmi")).status_code == 302
    response = client.post(f"/channels/{ids.ig}/edit", {**opened, "name": "IG lama"})
    assert response.status_code == 409
    assert "Kepala Bagian saved a change to this record" in text(response)
    assert 'value="IG resmi"' in text(response)
    without_version = client.post(f"/channels/{ids.ig}/edit", {**opened, "version": ""})
    assert without_version.status_code == 409
    with client.app.app_context():
        assert db.session.get(Channel, ids.ig).name == "IG resmi"


def test_follower_counts_are_recorded_corrected_and_drawn(client):
    ids = setup(client.app)
    login(client, mail("author"))
    page = text(client.get(f"/channels/{ids.ig}"))
    assert "<polyline" in page and "1,500" in page and "Record a count" in page
    assert client.post(f"/channels/{ids.ig}/followers",
                       {"recorded_on": "2025-02-01", "followers": "1490"}).status_code == 302
    future = (date.today() + timedelta(days=3)).isoformat()
    refused = client.post(f"/channels/{ids.ig}/followers", {"recorded_on": future, "followers": "9"})
    assert refused.status_code == 422 and "cannot be in the future" in text(refused)
    negative = client.post(f"/channels/{ids.ig}/followers", {"recorded_on": "2025-03-01", "followers": "-4"})
    assert negative.status_code == 422 and "between 0 and" in text(negative)
    with client.app.app_context():
        counts = db.session.execute(select(FollowerCount.recorded_on, FollowerCount.followers)
                                    .where(FollowerCount.channel_id == ids.ig)
                                    .order_by(FollowerCount.recorded_on)).all()
        assert counts == [(date(2025, 1, 1), 1000), (date(2025, 2, 1), 1490)]
        corrected = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "channel.followers_corrected"))
        assert corrected.before["followers"] == 1500 and corrected.after["followers"] == 1490
    reader = text(client.get(f"/channels/{ids.wa}"))
    assert "No follower count has been recorded yet." in reader and "<polyline" not in reader


def test_the_slot_link_appears_once_the_calendar_has_slot_pages(client):
    ids = setup(client.app)
    login(client, mail("reviewer"))
    page = text(client.get(f"/channels/{ids.ig}"))
    has_slot_pages = "calendar.slots" in client.app.view_functions
    assert (f"/channels/{ids.ig}/slots" in page) == has_slot_pages
    assert "Record a count" not in page and f"/channels/{ids.ig}/edit" not in page


def test_planner_settings_say_where_they_come_from(client):
    ids = setup(client.app)
    login(client, mail("approver"))
    page = text(client.get(f"/units/{ids.subdivision}/planner-settings"))
    assert "the defaults apply" in page and 'value="60"' in page
    saved = client.post(f"/units/{ids.division}/planner-settings", {
        "version": "0", "require_website_link": "y", "slot_tolerance_minutes": "30",
        "distribution_target_percent": "70"})
    assert saved.status_code == 302
    own = text(client.get(f"/units/{ids.division}/planner-settings"))
    assert "has settings of its own" in own and "Last saved by Kepala Bagian" in own
    inherited = text(client.get(f"/units/{ids.subdivision}/planner-settings"))
    assert "it follows those of Bagian Prokompim" in inherited and 'value="70"' in inherited


def test_bad_and_stale_settings_are_refused(client):
    ids = setup(client.app)
    login(client, mail("approver"))
    url = f"/units/{ids.division}/planner-settings"
    for bad in ({"slot_tolerance_minutes": "2000"}, {"slot_tolerance_minutes": ""},
                {"slot_tolerance_minutes": "10", "distribution_target_percent": "101"}):
        response = client.post(url, {"version": "0", **bad})
        assert response.status_code == 422, bad
    assert client.post(url, {"version": "0", "slot_tolerance_minutes": "20"}).status_code == 302
    stale = client.post(url, {"version": "0", "slot_tolerance_minutes": "25"})
    assert stale.status_code == 409 and "Kepala Bagian saved a change" in text(stale)
    with client.app.app_context():
        row = db.session.scalar(select(PlannerSettings))
        assert (row.unit_id, row.slot_tolerance_minutes) == (ids.division, 20)


def test_the_list_needs_the_same_number_of_statements_whatever_the_channels(client, make_client):
    ids = setup(client.app)
    viewers = {role: login(make_client(), mail(role)) for role in ("author", "auditor")}
    urls = ["/channels", f"/channels?unit={ids.division}", f"/channels/{ids.ig}"]

    def measure():
        return {(role, url): statements(client.app, c, url) for role, c in viewers.items() for url in urls}

    small = measure()
    with client.app.app_context():
        units = [db.session.get(Unit, ids.division), db.session.get(Unit, ids.subdivision)]
        author = db.session.scalar(select(Person).where(Person.email == mail("author")))
        for n in range(27):
            channel = pf.channel(units[n % 2], name=f"Kanal tambahan {n}")
            pf.followers(channel, author, date(2025, 1, 1) + timedelta(days=n), 100 + n)
            pf.followers(db.session.get(Channel, ids.ig), author, date(2024, 1, 1) + timedelta(days=n), n)
    assert measure() == small
