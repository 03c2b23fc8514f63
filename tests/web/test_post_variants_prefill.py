"""Starting a post prefilled from an upload slot, an agenda event, a channel or a unit
(`/posts/new?...`): a good link prefills and the post keeps the slot or event; a bad one
shows the form with a clear message, never an error page."""
from __future__ import annotations

import re
from datetime import timedelta, timezone

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Post, PostVariant
from tests.web.post_helpers import later, login
from tests.web.test_post_variants import MAIL, w  # noqa: F401  (the fixture)


def iso(at) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def test_filling_an_upload_slot_starts_a_post_that_keeps_the_slot(client, w):
    login(client, MAIL["author"])
    response = client.get(f"/posts/new?slot={w.slot}&at={iso(w.slot_time)}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:3000]
    assert 'data-testid="slot-note"' in page and "Senin Rabu Jumat pagi" in page
    local = w.slot_time.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    assert f'value="{local:%Y-%m-%d}"' in page and 'value="09:00"' in page
    response = client.post("/posts/new", {
        "unit_id": w.division, "title": "Isi slot pagi", "body": "", "function": "inform",
        "category_id": w.categories["layanan-publik"], "planned_date": f"{local:%Y-%m-%d}",
        "planned_time": "09:00", "slot_id": hidden(page, "slot_id"), "slot_at": hidden(page, "slot_at"),
        "variant_caption": "Jadwal layanan minggu ini", "assignee_id": 0})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with w.app.app_context():
        post = db.session.scalar(select(Post).where(Post.title == "Isi slot pagi"))
        (variant,) = post.variants
        assert (variant.channel_id, variant.slot_id, variant.planned_at, variant.caption) == (
            w.channels["instagram"], w.slot, w.slot_time, "Jadwal layanan minggu ini")


@pytest.mark.parametrize("query,message", [
    ("slot={slot}&at={off}", "not one of the times of the upload slot"),
    ("slot={slot}&at={past}", "already passed"),
    ("slot={slot}&at=yesterday", "could not be read"),
    ("slot={slot}&at=2030-01-01T09:00:00", "could not be read"),  # no zone
    ("slot=abc&at={on}", "not found"),
    ("slot=999999&at={on}", "not found"),
    ("slot=99999999999999&at={on}", "not found"),
    ("event=999999", "agenda event given in the link was not found"),
    ("event={foreign}", "agenda event given in the link was not found"),
    ("channel={health}", "channel given in the link was not found"),
    ("channel={sub}&unit={division}", "is a channel of another unit"),
    ("unit=abc", "cannot start a post for the unit"),
    ("unit=1", "cannot start a post for the unit"),  # the city: not where the author works
])
def test_a_bad_prefill_shows_the_form_with_a_clear_message(client, w, query, message):
    login(client, MAIL["author"])
    on = w.slot_time
    url = "/posts/new?" + query.format(slot=w.slot, on=iso(on), off=iso(on + timedelta(minutes=30)),
                                       past=iso(on - timedelta(days=14)), foreign=w.foreign_event,
                                       health=w.channels["health_instagram"],
                                       sub=w.channels["sub_instagram"], division=w.division)
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, (url, response.status_code)
    assert message in page, url
    assert 'name="title"' in page  # the form is there to fill in anyway


def test_covering_an_agenda_event_is_ceremonial_and_keeps_the_event(client, w):
    login(client, MAIL["author"])
    page = client.get(f"/posts/new?event={w.event}").get_data(as_text=True)
    assert 'value="Wali Kota meresmikan Pasar Baru"' in page
    selected = re.search(r'<select[^>]*name="category_id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option selected value="{w.categories["seremonial"]}"|'
                     rf'<option value="{w.categories["seremonial"]}" selected', selected)
    assert hidden(page, "event_id") == str(w.event)
    date_value = hidden(page, "planned_date")
    time_value = hidden(page, "planned_time")
    response = client.post("/posts/new", {
        "unit_id": w.division, "title": "Wali Kota meresmikan Pasar Baru", "body": "",
        "function": "self_presentation", "category_id": w.categories["seremonial"],
        "planned_date": date_value, "planned_time": time_value, "event_id": w.event,
        "variant_channel_id": w.channels["website"], "variant_caption": "Berita peresmian",
        "assignee_id": 0})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with w.app.app_context():
        post = db.session.scalar(select(Post).where(Post.event_id == w.event))
        assert post.category.code == "seremonial"
        assert post.planned_at > post.event.ends_at  # just after the event
        assert [v.channel_id for v in post.variants] == [w.channels["website"]]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="covered-event"' in detail and "Wali Kota meresmikan Pasar Baru" in detail


def test_a_channel_link_prefills_the_first_variant_and_a_post_in_the_past_is_refused(client, w):
    login(client, MAIL["author"])
    page = client.get(f"/posts/new?channel={w.channels['facebook']}&unit={w.division}").get_data(as_text=True)
    channel_select = re.search(r'<select[^>]*name="variant_channel_id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option selected value="{w.channels["facebook"]}"|'
                     rf'<option value="{w.channels["facebook"]}" selected', channel_select)
    with w.app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(PostVariant))
    response = client.post("/posts/new", {
        "unit_id": w.division, "title": "Terlambat", "category_id": w.categories["edukasi"],
        "function": "inform", "planned_date": "2024-01-02", "planned_time": "09:00",
        "variant_channel_id": w.channels["facebook"], "variant_caption": "x", "assignee_id": 0})
    assert response.status_code == 422
    assert "This time has already passed" in response.get_data(as_text=True)
    with w.app.app_context():
        assert db.session.scalar(select(Post.id).where(Post.title == "Terlambat")) is None
        assert db.session.scalar(select(db.func.count()).select_from(PostVariant)) == before


def test_a_tampered_first_variant_is_refused_or_not_found(client, w):
    login(client, MAIL["author"])
    base = {"unit_id": w.division, "title": "Coba", "category_id": w.categories["edukasi"],
            "function": "inform", "assignee_id": 0}
    day = later().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d")
    base.update(planned_date=day, planned_time="10:00")
    assert client.post("/posts/new", {**base, "variant_channel_id": w.channels["health_instagram"]}
                       ).status_code == 404
    response = client.post("/posts/new", {**base, "variant_channel_id": w.channels["sub_instagram"]})
    assert response.status_code == 422 and "is a channel of another unit" in response.get_data(as_text=True)
    response = client.post("/posts/new", {**base, "slot_id": w.slot, "slot_at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 422 and "not one of the times" in response.get_data(as_text=True)
    assert client.post("/posts/new", {**base, "event_id": 999999}).status_code == 404
    with w.app.app_context():
        assert db.session.scalar(select(Post.id).where(Post.title == "Coba")) is None


@pytest.mark.parametrize("role", ["reviewer", "approver", "auditor", "sysadmin"])
def test_only_authors_and_contributors_start_posts_from_a_link(client, w, role):
    login(client, MAIL[role])
    assert client.get(f"/posts/new?event={w.event}").status_code == 403
