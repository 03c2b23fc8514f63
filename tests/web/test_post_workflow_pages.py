"""The post pages when things go wrong or get subtle: refused input, refused steps, stale
forms, acting officials, fast-track ratification, the history of edits, and a number of SQL
statements that does not grow with the data."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import func, select

from planner.domain.content import PostState
from planner.domain.organisation import DelegationKind, Role
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import AuditEvent, Person, Post, Unit
from planner.permissions import Access
from planner.queries.posts import checklists_for
from planner.services import posts as post_service
from planner.services.people import reset_password
from planner.services.roles import delegate_role
from tests import factories
from tests.web.post_helpers import (PROKOMPIM, TITLES, action_data, checklist, demo_posts, email,
                                    full_checklist, login, person_id, post_state, post_world,
                                    sign_in, statements, ticks_on_page, version_on_page, world_post)


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
        # The demo's history and its five workflow posts; the refused forms add nothing.
        posts_before = db.session.scalar(select(func.count()).select_from(Post))
    assert posts_before >= len(TITLES)
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
        assert db.session.scalar(select(func.count()).select_from(Post)) == posts_before


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
