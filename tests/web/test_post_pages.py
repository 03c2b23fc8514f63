"""The post pages: every route for every demo role (allowed / 403 / 404), the journey from
draft to publication through the test client, refused input, refused steps, stale forms and
acting officials."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from planner.domain.content import PostState
from planner.domain.organisation import DelegationKind, Role
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import AuditEvent, Category, Person, Post, PostPublication, Unit
from planner.permissions import Access
from planner.queries.posts import checklists_for
from planner.services import posts as post_service
from planner.services.people import reset_password
from planner.services.roles import delegate_role
from tests import factories
from tests.web.post_helpers import (PROKOMPIM, ROLES, TITLES, action_data, checklist, demo_posts,
                                    dpppa_post, email, full_checklist, login, person_id, post_state,
                                    post_world, sign_in, statements, ticks_on_page, version_on_page,
                                    world_post)

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


# -- refused input --------------------------------------------------------------------------

def test_a_missing_checklist_item_is_named_beside_the_checklist_and_nothing_changes(client, demo):
    app = client.app
    post_id = demo_posts(app)["draft"]
    before = post_state(app, post_id)
    sign_in(client, email("author"))
    items = checklist(app, post_id, Transition.SUBMIT)
    response = client.post(f"/posts/{post_id}/submit", {
        "submit-version": before.version, "submit-checklist": items[:-1]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="submit-checklist-error">([^<]*)</p>', page)
    assert error and items[-1] in error.group(1)
    after = post_state(app, post_id)
    assert (after.state, after.version, after.steps) == (PostState.DRAFT, before.version, [])
    # What was ticked stays ticked.
    assert page.count("checked") >= len(items) - 1


def test_an_empty_return_reason_is_refused_beside_the_field(client, demo):
    app = client.app
    post_id = demo_posts(app)["review"]
    before = post_state(app, post_id)
    sign_in(client, email("reviewer"))
    response = client.post(f"/posts/{post_id}/return", {"return-version": before.version,
                                                        "return-reason": "   "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="return-reason-error">Give the reason for returning the post', page)
    after = post_state(app, post_id)
    assert (after.state, after.version, len(after.steps)) == (PostState.IN_REVIEW, before.version,
                                                             len(before.steps))


def test_cancelling_needs_a_reason_and_a_bad_address_is_named_beside_its_platform(client, demo):
    app = client.app
    post_id = demo_posts(app)["draft"]
    sign_in(client, email("author"))
    response = client.post(f"/posts/{post_id}/cancel", action_data(app, post_id, "cancel", reason=""))
    assert response.status_code == 422 and 'id="cancel-reason-error"' in response.get_data(as_text=True)
    assert post_state(app, post_id).state == PostState.DRAFT
    # An approved post: publication with a malformed address, then with none at all.
    approved = demo_posts(app)["approval"]
    with app.app_context():
        hendra = db.session.scalar(select(Person).where(Person.email == email("approver")))
        post = db.session.get(Post, approved)
        post_service.approve(hendra, Access.load(hendra), post, post.version,
                             ticked=set(checklists_for(post)[Transition.APPROVE]))
    data = full_checklist(app, approved, "publish")
    response = client.post(f"/posts/{approved}/publish", {**data, "publish-url_facebook": "facebook.com/x"})
    assert response.status_code == 422
    assert 'id="publish-url_facebook-error"' in response.get_data(as_text=True)
    response = client.post(f"/posts/{approved}/publish", data)
    assert response.status_code == 422
    assert "Record the address of the published post" in response.get_data(as_text=True)
    response = client.post(f"/posts/{approved}/schedule", action_data(
        app, approved, "schedule", planned_date="2020-01-01", planned_time="08:00"))
    assert response.status_code == 422
    assert re.search(r'id="schedule-planned_date-error">Choose a publication time in the future',
                     response.get_data(as_text=True))
    assert post_state(app, approved).state == PostState.APPROVED
    response = client.post(f"/posts/{approved}/schedule", action_data(
        app, approved, "schedule", planned_date="2031-01-01", planned_time="08:00"))
    assert response.status_code == 302
    state = post_state(app, approved)
    assert state.state == PostState.SCHEDULED
    assert state.planned_at == datetime(2031, 1, 1, 1, 0, tzinfo=timezone.utc)


def test_creating_a_post_checks_its_fields_and_units(client, demo):
    app = client.app
    sign_in(client, email("author"))
    with app.app_context():
        dinkes = db.session.scalar(select(Unit.id).where(Unit.name == "Dinas Kesehatan"))
        prokompim = db.session.scalar(select(Unit.id).where(Unit.name == PROKOMPIM))
    page = client.get("/posts/new").get_data(as_text=True)
    units = re.search(r'<select[^>]*name="unit_id".*?</select>', page, re.S).group(0)
    assert f'value="{prokompim}"' in units and f'value="{dinkes}"' not in units
    response = client.post("/posts/new", {"unit_id": prokompim, "title": "", "category_id": 0,
                                          "planned_time": "09:00"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="title-error"' in page and 'id="category_id-error"' in page
    assert 'id="planned_time-error"' in page
    response = client.post("/posts/new", {"unit_id": dinkes, "title": "X", "category_id": 1})
    assert response.status_code == 422  # not one of the offered units
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == len(TITLES)


# -- refused steps, stale forms, acting officials -------------------------------------------

def test_the_author_holding_a_reviewer_role_cannot_approve_their_own_post(client):
    app = client.app
    with app.app_context():
        w = post_world()
        factories.role(w.author, w.division, Role.REVIEWER)
        post_id = world_post(w, "Pengumuman libur nasional").id
        author_id = w.author.id
    login(client, "author@uji.pranata.test")
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'data-testid="action-approve"' not in page
    before = post_state(app, post_id)
    response = client.post(f"/posts/{post_id}/approve", full_checklist(app, post_id, "approve"))
    assert response.status_code == 403
    assert "The author of a post can never review or approve it." in response.get_data(as_text=True)
    after = post_state(app, post_id)
    assert (after.state, after.step, after.version) == (before.state, before.step, before.version)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "post.transition_refused", AuditEvent.object_id == post_id))
        assert event is not None and event.actor_id == author_id
        assert event.details["transition"] == "approve"
        assert "The author of a post can never review or approve it." in event.details["reasons"]


def test_a_stale_form_is_refused_naming_who_acted_and_when(client, make_client, demo):
    app = client.app
    post_id = demo_posts(app)["approval"]
    with app.app_context():
        sysadmin = db.session.scalar(select(Person).where(Person.email == email("sysadmin")))
        rina = db.session.scalar(select(Person).where(Person.email == "rina.marlina@demo.pranata.test"))
        reset_password(sysadmin, Access.load(sysadmin), rina, "plh-rina-rahasia-2026")
        hendra_id = person_id(app, email("approver"))
    hendra = client
    sign_in(hendra, email("approver"))
    page = hendra.get(f"/posts/{post_id}").get_data(as_text=True)
    opened = version_on_page(page, "approve")
    ticks = ticks_on_page(page, "approve")
    assert version_on_page(page, "return") == opened

    plh = make_client()
    sign_in(plh, "rina.marlina@demo.pranata.test", "plh-rina-rahasia-2026")
    plh_page = plh.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "You act as Plh. for Drs. Hendra Saputra, M.Si." in plh_page
    assert plh.post(f"/posts/{post_id}/approve", {"approve-version": version_on_page(plh_page, "approve"),
                                                  "approve-checklist": ticks}).status_code == 302
    approved = post_state(app, post_id)
    assert approved.state == PostState.APPROVED
    assert (approved.steps[-1].on_behalf_of_id, approved.steps[-1].acting_kind) == (hendra_id, "plh")

    for name, fields in (("approve", {"approve-checklist": ticks}),
                         ("return", {"return-reason": "Foto kurang jelas."})):
        response = hendra.post(f"/posts/{post_id}/{name}", {f"{name}-version": opened, **fields})
        assert response.status_code == 409, name
        page = response.get_data(as_text=True)
        notice = re.search(r'data-testid="stale-notice">([^<]*)<', page).group(1)
        assert notice.startswith("Rina Marlina, S.H. approved this post at ")
        assert "WIB while you had it open. Nothing of yours was saved" in notice
        assert 'data-testid="action-approve"' not in page  # the current state: nothing to approve
        after = post_state(app, post_id)
        assert (after.state, after.version, len(after.steps)) == (PostState.APPROVED, approved.version,
                                                                 len(approved.steps))


def test_an_edit_form_opened_before_a_change_is_refused_as_stale(client, make_client, demo):
    app = client.app
    post_id = demo_posts(app)["draft"]
    sign_in(client, email("author"))
    page = client.get(f"/posts/{post_id}/edit").get_data(as_text=True)
    opened = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    category = re.search(r'<option selected value="(\d+)"', page).group(1)
    other = make_client()
    sign_in(other, email("author"))
    assert other.post(f"/posts/{post_id}/edit", {"version": opened, "title": "Judul baru",
                                                 "category_id": category}).status_code == 302
    response = client.post(f"/posts/{post_id}/edit", {"version": opened, "title": "Judul saya",
                                                      "category_id": category})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Andi Pratama, S.I.Kom. edited this post at" in page
    assert 'value="Judul baru"' in page  # the form now shows the current values
    assert post_state(app, post_id).title == "Judul baru"
    # A form that lost its version counts as stale too.
    response = client.post(f"/posts/{post_id}/edit", {"title": "Tanpa versi", "category_id": category})
    assert response.status_code == 409 and post_state(app, post_id).title == "Judul baru"


def test_an_acting_official_approves_and_both_names_are_recorded(client):
    app = client.app
    with app.app_context():
        w = post_world()
        plh = factories.person(w.division, "Pelaksana Harian Kabag", "plh@uji.pranata.test")
        today = date.today()
        delegate_role(None, None, delegator=w.approver, delegate=plh, unit=w.division,
                      role=Role.APPROVER, kind=DelegationKind.PLH, valid_from=today - timedelta(days=1),
                      valid_to=today + timedelta(days=5), reason="Cuti tahunan")
        post_id = world_post(w, "Pendaftaran sekolah dibuka", until="approval").id
        approver_id, plh_id = w.approver.id, plh.id
    login(client, "plh@uji.pranata.test")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Pendaftaran sekolah dibuka" in inbox and "As Plh. for Kepala Bagian" in inbox
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "You act as Plh. for Kepala Bagian" in page
    response = client.post(f"/posts/{post_id}/approve", {"approve-version": version_on_page(page, "approve")})
    assert response.status_code == 302
    state = post_state(app, post_id)
    assert state.state == PostState.APPROVED
    last = state.steps[-1]
    assert (last.actor_id, last.on_behalf_of_id, last.acting_kind) == (plh_id, approver_id, "plh")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "post.approve",
                                                           AuditEvent.object_id == post_id)
                                  .order_by(AuditEvent.seq.desc()))
        assert (event.actor_id, event.on_behalf_of_id) == (plh_id, approver_id)
    assert "Plh. for Kepala Bagian" in client.get(f"/posts/{post_id}").get_data(as_text=True)


def test_a_fast_track_post_is_ratified_by_the_approving_head(client, make_client):
    app = client.app
    with app.app_context():
        w = post_world()
        post_id = world_post(w, "Peringatan banjir rob malam ini", code="krisis", until="published").id
    state = post_state(app, post_id)
    assert state.state == PostState.PUBLISHED and [s.action for s in state.steps] == [
        "submit", "approve", "publish"]
    login(client, "approver@uji.pranata.test")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Peringatan banjir rob malam ini" in inbox and "To ratify" in inbox
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "the approving head must ratify it by" in page
    response = client.post(f"/posts/{post_id}/ratify", {"ratify-version": version_on_page(page, "ratify")})
    assert response.status_code == 302
    assert post_state(app, post_id).steps[-1].action == "ratify"
    assert "Peringatan banjir rob malam ini" not in client.get("/inbox").get_data(as_text=True)
    # The author may not ratify.
    author = login(make_client(), "author@uji.pranata.test")
    assert author.post(f"/posts/{post_id}/ratify", action_data(app, post_id, "ratify")).status_code == 403


def test_the_list_and_a_posts_page_need_the_same_number_of_statements_whatever_the_data(
        client, make_client):
    app = client.app
    with app.app_context():
        w = post_world()
        watched = world_post(w, "Diawasi").id
        published = world_post(w, "Terbit", until="published").id
        draft = world_post(w, "Masih draf", until="draft").id
        ids = {k: getattr(w, k).id for k in ("author", "reviewer", "approver", "division")}
    viewers = {"author": login(make_client(), "author@uji.pranata.test"),
               "reviewer": login(make_client(), "reviewer@uji.pranata.test")}
    urls = ["/posts", f"/posts/{watched}", f"/posts/{published}", f"/posts/{draft}"]

    def measure():
        return {(name, url): statements(app, c, url) for name, c in viewers.items() for url in urls}

    small = measure()
    with app.app_context():
        w2 = SimpleNamespace(**{k: db.session.get(Unit if k == "division" else Person, v)
                                for k, v in ids.items()})
        w2.categories = {c.code: c for c in post_service.categories_for(w2.division)}
        post = db.session.get(Post, watched)
        reviewer, author = Access.load(w2.reviewer), Access.load(w2.author)
        for n in range(3):  # a longer history: returned and submitted again
            post_service.return_to_author(w2.reviewer, reviewer, post, post.version, reason=f"Ulang {n}")
            post_service.submit(w2.author, author, post, post.version,
                                ticked=set(checklists_for(post)[Transition.SUBMIT]))
            post_service.add_comment(w2.approver, Access.load(w2.approver), post, f"Komentar {n}")
        for n in range(8):
            world_post(w2, f"Tambahan {n}", until=("draft", "review", "approved", "published")[n % 4])
    large = measure()
    assert large == small, (small, large)


def test_the_post_page_lists_the_drafting_and_each_change_of_the_text(client, demo):
    from sqlalchemy import select as _select

    from planner.models import Post as _Post

    with demo.app_context():
        post_id = db.session.scalar(_select(_Post.id).where(_Post.state == PostState.RETURNED))
    client.login("author@demo.pranata.test")
    client.post("/language", {"lang": "en"})
    page = client.get(f"/posts/{post_id}/edit").get_data(as_text=True)
    form = {"version": re.search(r'name="version"[^>]*value="(\d+)"', page).group(1),
            "title": "Sosialisasi Perwako retribusi parkir (revisi)",
            "body": re.search(r'<textarea[^>]*name="body"[^>]*>\s*([^<]*)</textarea>', page).group(1).strip(),
            "category_id": re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', page).group(1)
            or re.search(r'<option value="(\d+)" selected', page).group(1)}
    assert client.post(f"/posts/{post_id}/edit", form).status_code == 302
    detail = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'data-testid="post-edits"' in detail and "drafted the post" in detail
    assert "changed Title" in detail
