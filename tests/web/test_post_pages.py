"""The post pages: every route for every demo role (allowed / 403 / 404) and the journey
from draft to publication through the test client."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from planner.domain.content import PostState
from planner.extensions import db
from planner.models import AuditEvent, Category, PostPublication, Unit
from tests.web.post_helpers import (PROKOMPIM, ROLES, TITLES, action_data, checklist, demo_posts,
                                    dpppa_post, email, full_checklist, person_id, post_state,
                                    sign_in, ticks_on_page, version_on_page)


# -- every route for every role -------------------------------------------------------------

# (url, roles that may open it; the others get 403)
PAGES = [
    ("/posts", ROLES),
    ("/inbox", ROLES),
    ("/posts/new", ["author", "contributor"]),
    ("/posts/{draft}", ROLES),
    ("/posts/{review}", ROLES),
    ("/posts/{published}", ROLES),
    ("/posts/{draft}/edit", ["author"]),
    ("/posts/{returned}/edit", ["author"]),
    ("/posts/{review}/edit", []),  # in review: nobody edits it
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_the_post_pages_it_may_and_is_refused_the_rest(client, demo, role):
    known = demo_posts(client.app)
    sign_in(client, email(role))
    for template, allowed in PAGES:
        url = template.format(**known)
        status = client.get(url).status_code
        assert status == (200 if role in allowed else 403), (role, url, status)


# (action, demo post, roles for whom the SOP allows it now, extra form fields)
ACTIONS = [
    ("submit", "draft", ["author"]),
    ("approve", "review", ["reviewer"]),
    ("approve", "approval", ["approver"]),
    ("return", "review", ["reviewer"]),
    ("return", "approval", ["approver"]),
    ("withdraw", "review", ["author"]),
    ("cancel", "draft", ["author", "approver"]),
    ("schedule", "approval", []),  # not approved yet: nobody
    ("publish", "approval", []),
    ("ratify", "published", []),  # not a fast-track post
    ("complete", "published", ["author"]),
]


def _fields(app, post_id: int, name: str) -> dict:
    data = full_checklist(app, post_id, name) if name in ("submit", "approve", "publish", "complete") \
        else action_data(app, post_id, name)
    if name in ("return", "cancel", "withdraw"):
        data[f"{name}-reason"] = "Alasan yang jelas untuk pengujian."
    if name == "schedule":
        data.update({"schedule-planned_date": "2031-05-01", "schedule-planned_time": "09:00"})
    if name == "publish":
        data["publish-url_instagram"] = "https://www.instagram.com/p/uji/"
    return data


@pytest.mark.parametrize("role", ROLES)
def test_refused_actions_answer_403_with_the_reason_and_change_nothing(client, demo, role):
    app = client.app
    known = demo_posts(app)
    sign_in(client, email(role))
    for name, key, allowed in ACTIONS:
        if role in allowed:
            continue
        before = post_state(app, known[key])
        response = client.post(f"/posts/{known[key]}/{name}", _fields(app, known[key], name))
        assert response.status_code == 403, (role, name, key, response.status_code)
        assert 'data-testid="refusal-reasons"' in response.get_data(as_text=True), (role, name)
        after = post_state(app, known[key])
        assert (after.state, after.version, len(after.steps)) == (before.state, before.version,
                                                                 len(before.steps))
    with app.app_context():
        refusals = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "post.transition_refused",
            AuditEvent.actor_id == person_id(app, email(role))))
    assert refusals == sum(1 for _, _, allowed in ACTIONS if role not in allowed)


ALLOWED = [(role, name, key) for name, key, allowed in ACTIONS for role in allowed]
EXPECTED_STATE = {"submit": PostState.IN_REVIEW, "return": PostState.RETURNED,
                  "withdraw": PostState.WITHDRAWN, "cancel": PostState.CANCELLED,
                  "complete": PostState.PUBLISHED}


@pytest.mark.parametrize("role,name,key", ALLOWED)
def test_allowed_actions_change_the_post_and_record_the_step(client, demo, role, name, key):
    app = client.app
    post_id = demo_posts(app)[key]
    before = post_state(app, post_id)
    sign_in(client, email(role))
    response = client.post(f"/posts/{post_id}/{name}", _fields(app, post_id, name))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/posts/{post_id}")
    after = post_state(app, post_id)
    assert after.version > before.version
    assert [s.action for s in after.steps] == [s.action for s in before.steps] + [name]
    assert after.steps[-1].actor_id == person_id(app, email(role))
    if name in EXPECTED_STATE:
        assert after.state == EXPECTED_STATE[name]
    if name == "approve":
        assert after.state == (PostState.APPROVED if key == "approval" else PostState.IN_REVIEW)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == f"post.{name}",
                                                          AuditEvent.object_id == post_id))


@pytest.mark.parametrize("role", ROLES)
def test_comments_are_for_the_team_not_for_auditors_or_sysadmins(client, demo, role):
    app = client.app
    post_id = demo_posts(app)["published"]
    sign_in(client, email(role))
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    response = client.post(f"/posts/{post_id}/comments", {"body": f"Catatan dari {role}."})
    if role in ("auditor", "sysadmin"):
        assert 'name="body"' not in page
        assert response.status_code == 403
    else:
        assert 'name="body"' in page
        assert response.status_code == 302
        assert f"Catatan dari {role}." in client.get(f"/posts/{post_id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_another_governments_post_is_not_found_for_every_demo_role(client, demo, role):
    app = client.app
    foreign = dpppa_post(app)
    sign_in(client, email(role))
    for url in (f"/posts/{foreign}", f"/posts/{foreign}/edit"):
        assert client.get(url).status_code == 404, url
    for name in ("approve", "return", "withdraw", "cancel", "publish", "complete"):
        assert client.post(f"/posts/{foreign}/{name}", {f"{name}-version": 2,
                                                        f"{name}-reason": "x"}).status_code == 404
    assert client.post(f"/posts/{foreign}/comments", {"body": "x"}).status_code == 404
    assert "Kampanye stop kekerasan anak" not in client.get("/posts").get_data(as_text=True)
    assert "Kampanye stop kekerasan anak" not in client.get("/inbox").get_data(as_text=True)
    assert post_state(app, foreign).state == PostState.IN_REVIEW


def test_bad_post_ids_are_not_found(client, demo):
    sign_in(client, email("author"))
    for url in ("/posts/0", "/posts/999999", "/posts/99999999999", "/posts/abc", "/posts/-1",
                "/posts/999999/edit"):
        assert client.get(url).status_code == 404, url
    assert client.post("/posts/999999/approve", {"approve-version": 1}).status_code == 404
    assert client.post("/posts/999999/comments", {"body": "x"}).status_code == 404
    assert client.post("/posts/1/unknown", {}).status_code == 404


def test_the_list_filters_by_state_unit_category_and_author(client, demo):
    app = client.app
    sign_in(client, email("auditor"))
    page = client.get("/posts").get_data(as_text=True)
    for title in TITLES.values():
        assert title in page
    assert "New post" not in page  # auditors create nothing
    page = client.get("/posts?state=returned").get_data(as_text=True)
    assert TITLES["returned"] in page and TITLES["draft"] not in page
    with app.app_context():
        seremonial = db.session.scalar(select(Category.id).join(Unit, Category.government_id == Unit.id)
                                       .where(Category.code == "seremonial",
                                              Unit.name == "Pemerintah Kota Tanjungpinang"))
        prokompim = db.session.scalar(select(Unit.id).where(Unit.name == PROKOMPIM))
    page = client.get(f"/posts?category={seremonial}").get_data(as_text=True)
    assert TITLES["draft"] in page and TITLES["published"] in page and TITLES["review"] not in page
    page = client.get(f"/posts?unit={prokompim}&author={person_id(app, email('reviewer'))}").get_data(
        as_text=True)
    assert not any(title in page for title in TITLES.values())
    with app.app_context():
        city = db.session.scalar(select(Unit.id).where(Unit.name == "Pemerintah Kota Tanjungpinang"))
        dinkes = db.session.scalar(select(Unit.id).where(Unit.name == "Dinas Kesehatan"))
    page = client.get(f"/posts?unit={city}").get_data(as_text=True)  # the units below count too
    assert all(title in page for title in TITLES.values())
    page = client.get(f"/posts?unit={dinkes}").get_data(as_text=True)
    assert not any(title in page for title in TITLES.values())
    # Unreadable filters are ignored, not a server error.
    assert client.get("/posts?state=nonsense&unit=x&page=-4").status_code == 200
    client.logout()
    sign_in(client, email("author"))
    assert "New post" in client.get("/posts").get_data(as_text=True)


# -- the journey ---------------------------------------------------------------------------

def test_the_journey_from_draft_to_publication(client, make_client, demo):
    app = client.app
    with app.app_context():
        prokompim = db.session.scalar(select(Unit.id).where(Unit.name == PROKOMPIM))
        seremonial = db.session.scalar(select(Category.id).join(Unit, Category.government_id == Unit.id)
                                       .where(Category.code == "seremonial",
                                              Unit.name == "Pemerintah Kota Tanjungpinang"))
    author = client
    sign_in(author, email("author"))
    assert author.get("/posts/new").status_code == 200
    response = author.post("/posts/new", {
        "unit_id": prokompim, "title": "Wali Kota meresmikan Gedung Gonggong",
        "body": "Peresmian gedung serbaguna di tepi laut.", "category_id": seremonial,
        "planned_date": "2031-03-02", "planned_time": "09:30"})
    assert response.status_code == 302
    post_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    state = post_state(app, post_id)
    assert state.state == PostState.DRAFT and state.steps == []
    # 09:30 WIB is 02:30 UTC.
    assert state.planned_at == datetime(2031, 3, 2, 2, 30, tzinfo=timezone.utc)

    # The author submits, ticking the draft's checklist shown on the page.
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    assert re.search(r"Mar 2, 2031,? 9:30:00\W*AM WIB", page)
    ticks = ticks_on_page(page, "submit")
    assert "Caption per platform" in ticks
    response = author.post(f"/posts/{post_id}/submit", {
        "submit-version": version_on_page(page, "submit"), "submit-checklist": ticks})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert (state.state, state.step, state.round) == (PostState.IN_REVIEW, 2, 1)
    assert state.sop_version_id is not None
    assert state.steps[-1].action == "submit" and sorted(state.steps[-1].checklist) == sorted(ticks)

    # The reviewer returns it with a reason.
    reviewer = make_client()
    sign_in(reviewer, email("reviewer"))
    assert "Wali Kota meresmikan Gedung Gonggong" in reviewer.get("/inbox").get_data(as_text=True)
    page = reviewer.get(f"/posts/{post_id}").get_data(as_text=True)
    reason = "Nama gedung belum sesuai prasasti; mohon diperbaiki."
    response = reviewer.post(f"/posts/{post_id}/return", {
        "return-version": version_on_page(page, "return"), "return-reason": reason})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert state.state == PostState.RETURNED and state.returned_reason == reason
    assert (state.steps[-1].action, state.steps[-1].reason) == ("return", reason)
    assert "Wali Kota meresmikan Gedung Gonggong" not in reviewer.get("/inbox").get_data(as_text=True)

    # The author sees it in the inbox with the reason, edits it and submits it again.
    inbox = author.get("/inbox").get_data(as_text=True)
    assert "Wali Kota meresmikan Gedung Gonggong" in inbox and reason in inbox
    page = author.get(f"/posts/{post_id}/edit").get_data(as_text=True)
    assert 'value="2031-03-02"' in page and 'value="09:30"' in page
    response = author.post(f"/posts/{post_id}/edit", {
        "version": re.search(r'name="version"[^>]*value="(\d+)"', page).group(1),
        "title": "Wali Kota meresmikan Gedung Serbaguna Gonggong",
        "body": "Peresmian gedung serbaguna di tepi laut.", "category_id": seremonial,
        "planned_date": "2031-03-02", "planned_time": "10:00"})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert state.title == "Wali Kota meresmikan Gedung Serbaguna Gonggong"
    assert state.state == PostState.RETURNED
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    response = author.post(f"/posts/{post_id}/submit", {
        "submit-version": version_on_page(page, "submit"), "submit-checklist": ticks_on_page(page, "submit")})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert (state.state, state.step, state.round) == (PostState.IN_REVIEW, 2, 2)

    # The reviewer approves (the review step's checklist and the content standards).
    page = reviewer.get(f"/posts/{post_id}").get_data(as_text=True)
    ticks = ticks_on_page(page, "approve")
    assert "Menggunakan tagar resmi #PemkoTanjungpinang" in ticks
    response = reviewer.post(f"/posts/{post_id}/approve", {
        "approve-version": version_on_page(page, "approve"), "approve-checklist": ticks})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert (state.state, state.step) == (PostState.IN_REVIEW, 3)

    # The approver approves.
    approver = make_client()
    sign_in(approver, email("approver"))
    assert "Wali Kota meresmikan Gedung Serbaguna Gonggong" in approver.get("/inbox").get_data(as_text=True)
    page = approver.get(f"/posts/{post_id}").get_data(as_text=True)
    response = approver.post(f"/posts/{post_id}/approve", {
        "approve-version": version_on_page(page, "approve"),
        "approve-checklist": ticks_on_page(page, "approve"), "approve-note": "Silakan unggah."})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert state.state == PostState.APPROVED and state.steps[-1].reason == "Silakan unggah."

    # The author publishes with the addresses per platform.
    assert "Wali Kota meresmikan Gedung Serbaguna Gonggong" in author.get("/inbox").get_data(as_text=True)
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'name="publish-url_instagram"' in page and 'name="publish-url_website"' in page
    response = author.post(f"/posts/{post_id}/publish", {
        "publish-version": version_on_page(page, "publish"),
        "publish-checklist": ticks_on_page(page, "publish"),
        "publish-url_instagram": "https://www.instagram.com/p/GONGGONG1/",
        "publish-url_website": "https://tanjungpinangkota.go.id/berita/gedung-gonggong"})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert state.state == PostState.PUBLISHED
    assert [s.action for s in state.steps] == ["submit", "return", "submit", "approve", "approve", "publish"]
    assert [s.to_state for s in state.steps] == [
        PostState.IN_REVIEW, PostState.RETURNED, PostState.IN_REVIEW, PostState.IN_REVIEW,
        PostState.APPROVED, PostState.PUBLISHED]
    assert all(s.sop_version_id == state.sop_version_id for s in state.steps)
    with app.app_context():
        urls = sorted(db.session.scalars(select(PostPublication.url)
                                         .where(PostPublication.post_id == post_id)))
    assert urls == ["https://tanjungpinangkota.go.id/berita/gedung-gonggong",
                    "https://www.instagram.com/p/GONGGONG1/"]

    # The page shows the publications as safe links and the whole history.
    page = author.get(f"/posts/{post_id}").get_data(as_text=True)
    assert ('<a href="https://www.instagram.com/p/GONGGONG1/" rel="noopener noreferrer"' in page)
    assert page.count('<tr data-action=') == 6
    assert reason in page and "Silakan unggah." in page
    assert "Dewi Kartika" in page and "Hendra Saputra" in page
    link = re.search(r'<a href="([^"]+)" data-testid="sop-version-link"', page).group(1)
    assert link == f"/sop/versions/{state.sop_version_id}"
    assert author.get(link).status_code == 200
