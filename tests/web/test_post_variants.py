"""The variants page and the planning fields through the test client: every route for
every role (author and contributor allowed on their drafts; reviewer, approver, auditor
and sysadmin refused; another government's post not found), channels of other units,
stale forms, publication per variant, and constant query counts."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from planner.domain.content import PostState
from planner.domain.organisation import Role
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import Post, PostPublication, PostVariant
from planner.permissions import Access
from planner.services import posts as post_service
from planner.services.variants import VariantSpec
from tests import factories
from tests.web.post_helpers import (action_data, checklist, later, login, planner_rows, post_world,
                                    statements)

MAIL = {role: f"{role}@uji.pranata.test" for role in ("author", "reviewer", "approver", "auditor", "sysadmin")}
MAIL.update(contributor="contributor@uji.pranata.test", outsider="lain@uji.pranata.test")


@pytest.fixture
def w(app):
    """A factory world with an SOP, channels, a slot and an event; a contributor's draft and
    an author's draft, each with an Instagram variant.  Ids only (the session ends here)."""
    with app.app_context():
        world = post_world()
        rows = planner_rows(world)
        contributor = factories.person(world.division, "Kontributor Bidang", MAIL["contributor"])
        factories.role(contributor, world.division, Role.CONTRIBUTOR)

        def draft(person, title):
            return post_service.create_post(
                person, Access.load(person), world.division, title=title, body="Isi",
                category=world.categories["informasi-publik"], planned_at=later(),
                variants=[VariantSpec(rows.instagram, f"Caption {title}")]).id

        other = post_service.create_post(
            world.outside_author, Access.load(world.outside_author), world.agency, title="Lain",
            body="", category=factories.category(world.agency, "informasi-publik")).id
        return SimpleNamespace(
            app=app, author_post=draft(world.author, "Draf admin"),
            contributor_post=draft(contributor, "Draf kontributor"), other_post=other,
            channels={k: getattr(rows, k).id for k in ("instagram", "facebook", "website",
                                                        "sub_instagram", "health_instagram")},
            slot=rows.slot.id, slot_time=rows.slot_time, event=rows.event.id,
            foreign_event=rows.foreign_event.id, division=world.division.id,
            categories={c: x.id for c, x in world.categories.items()})


def version(app, post_id: int) -> int:
    with app.app_context():
        return db.session.get(Post, post_id).version


def variants_of(app, post_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [(v.channel_id, v.caption) for v in db.session.scalars(
            select(PostVariant).where(PostVariant.post_id == post_id).order_by(PostVariant.id))]


def first_variant(app, post_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(PostVariant.id).where(PostVariant.post_id == post_id)
                                 .order_by(PostVariant.id))


def add(client, w, post_id, channel, caption="Caption baru", **extra):
    data = {"add-version": version(w.app, post_id), "add-channel_id": channel, "add-caption": caption}
    data.update(extra)
    return client.post(f"/posts/{post_id}/variants", data)


# -- every route for every role --------------------------------------------------------------

@pytest.mark.parametrize("role", ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"])
def test_each_role_may_change_the_variants_of_its_own_drafts_only(client, w, role):
    login(client, MAIL[role])
    post_id = w.contributor_post if role == "contributor" else w.author_post
    variant = first_variant(w.app, post_id)
    allowed = role in ("author", "contributor")
    responses = [
        client.get(f"/posts/{post_id}/variants"),
        add(client, w, post_id, w.channels["facebook"]),
        client.post(f"/posts/{post_id}/variants/{variant}", {
            f"v{variant}-version": version(w.app, post_id), f"v{variant}-caption": "Diubah"}),
        client.post(f"/posts/{post_id}/variants/{variant}/remove",
                    {f"r{variant}-version": version(w.app, post_id)})]
    codes = [r.status_code for r in responses]
    assert codes == ([200, 302, 302, 302] if allowed else [403, 403, 403, 403]), codes
    if allowed:
        assert variants_of(w.app, post_id) == [(w.channels["facebook"], "Caption baru")]
    else:
        assert 'data-testid="refusal-reasons"' in responses[1].get_data(as_text=True)
        assert len(variants_of(w.app, post_id)) == 1


def test_the_contributor_cannot_touch_the_authors_draft(client, w):
    login(client, MAIL["contributor"])
    assert client.get(f"/posts/{w.author_post}/variants").status_code == 403
    assert add(client, w, w.author_post, w.channels["facebook"]).status_code == 403


@pytest.mark.parametrize("role", ["author", "auditor", "outsider"])
def test_another_governments_post_and_unknown_ids_are_not_found(client, w, role):
    login(client, MAIL[role])
    foreign, own = (w.author_post, w.other_post) if role == "outsider" else (w.other_post, w.author_post)
    variant = first_variant(w.app, w.author_post)
    assert client.get(f"/posts/{foreign}/variants").status_code == 404
    assert client.post(f"/posts/{foreign}/variants", {"add-channel_id": 1}).status_code == 404
    if role == "outsider":  # a variant of a post out of sight
        assert client.post(f"/posts/{foreign}/variants/{variant}", {}).status_code == 404
        assert client.post(f"/posts/{foreign}/variants/{variant}/remove", {}).status_code == 404
    for url in ("/posts/999999/variants", f"/posts/{own}/variants/999999",
                f"/posts/{own}/variants/99999999999/remove"):
        method = client.get if url.endswith("/variants") else client.post
        assert method(url).status_code == 404, url
    assert len(variants_of(w.app, w.author_post)) == 1


def test_a_variant_of_another_post_is_not_found_through_this_one(client, w):
    login(client, MAIL["author"])
    theirs = first_variant(w.app, w.contributor_post)
    with w.app.app_context():
        author = db.session.scalar(select(Post).where(Post.id == w.author_post)).author
        mine = post_service.create_post(author, Access.load(author), author.home_unit,
                                        title="Satu lagi", body="", category=db.session.get(
                                            Post, w.author_post).category, planned_at=later()).id
    response = client.post(f"/posts/{mine}/variants/{theirs}", {f"v{theirs}-version": version(w.app, mine),
                                                               f"v{theirs}-caption": "x"})
    assert response.status_code == 404


def test_a_channel_of_another_unit_is_refused_and_one_out_of_sight_is_not_found(client, w):
    login(client, MAIL["author"])
    response = add(client, w, w.author_post, w.channels["sub_instagram"])
    assert response.status_code == 422
    assert "is a channel of another unit" in response.get_data(as_text=True)
    assert add(client, w, w.author_post, w.channels["health_instagram"]).status_code == 404
    response = add(client, w, w.author_post, w.channels["instagram"])  # already there
    assert response.status_code == 422 and "already has a variant" in response.get_data(as_text=True)
    response = add(client, w, w.author_post, w.channels["facebook"], **{"add-asset_links": "folder foto"})
    assert response.status_code == 422 and 'id="add-asset_links-error"' in response.get_data(as_text=True)
    assert len(variants_of(w.app, w.author_post)) == 1


def test_a_stale_variants_form_is_refused_naming_who_changed_the_post(client, make_client, w):
    login(client, MAIL["author"])
    opened = version(w.app, w.author_post)
    assert add(client, w, w.author_post, w.channels["facebook"], "Versi FB").status_code == 302
    other = login(make_client(), MAIL["author"])
    response = other.post(f"/posts/{w.author_post}/variants", {
        "add-version": opened, "add-channel_id": w.channels["website"], "add-caption": "Terlambat"})
    assert response.status_code == 409
    assert "Admin Akun changed the post" in response.get_data(as_text=True)
    assert [c for c, _ in variants_of(w.app, w.author_post)] == [w.channels["instagram"], w.channels["facebook"]]


def test_variants_of_a_post_in_review_cannot_change(client, w):
    with w.app.app_context():
        post = db.session.get(Post, w.author_post)
        author = post.author
        post_service.submit(author, Access.load(author), post, post.version,
                            ticked=set(checklist(w.app, post.id, Transition.SUBMIT)))
    login(client, MAIL["author"])
    assert client.get(f"/posts/{w.author_post}/variants").status_code == 403
    assert add(client, w, w.author_post, w.channels["facebook"]).status_code == 403
    page = client.get(f"/posts/{w.author_post}").get_data(as_text=True)
    assert "Caption Draf admin" in page and 'data-testid="variants-link"' not in page


# -- the planning fields, warnings and the detail page ---------------------------------------

def test_edit_saves_the_plan_and_the_pages_warn_of_a_copied_caption(client, w):
    login(client, MAIL["author"])
    assert add(client, w, w.author_post, w.channels["facebook"], "caption  DRAF admin").status_code == 302
    page = client.get(f"/posts/{w.author_post}/edit").get_data(as_text=True)
    assert 'data-testid="planning-warnings"' in page and "IG Prokompim, FB Prokompim" in page
    form_version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = client.post(f"/posts/{w.author_post}/edit", {
        "version": form_version, "title": "Draf admin", "body": "Isi",
        "category_id": w.categories["informasi-publik"], "function": "seek_feedback",
        "campaign": "Bulan Bakti", "hashtags": "kepri, #Kepri #Gurindam12",
        "website_url": "javascript:alert(1)", "assignee_id": 0})
    assert response.status_code == 422 and 'id="website_url-error"' in response.get_data(as_text=True)
    response = client.post(f"/posts/{w.author_post}/edit", {
        "version": form_version, "title": "Draf admin", "body": "Isi",
        "category_id": w.categories["informasi-publik"], "function": "seek_feedback",
        "campaign": "Bulan Bakti", "hashtags": "kepri, #Kepri #Gurindam12",
        "website_url": "https://kota.test/berita/1", "assignee_id": 999999})
    assert response.status_code == 422 and 'id="assignee_id-error"' in response.get_data(as_text=True)
    with w.app.app_context():
        assignee = db.session.scalar(select(Post).where(Post.id == w.author_post)).author
    response = client.post(f"/posts/{w.author_post}/edit", {
        "version": form_version, "title": "Draf admin", "body": "Isi",
        "category_id": w.categories["informasi-publik"], "function": "seek_feedback",
        "campaign": "Bulan Bakti", "hashtags": "kepri, #Kepri #Gurindam12",
        "website_url": "https://kota.test/berita/1", "assignee_id": assignee.id})
    assert response.status_code == 302
    page = client.get(f"/posts/{w.author_post}").get_data(as_text=True)
    for text in ("Seek feedback", "Bulan Bakti", "#kepri #Gurindam12", 'href="https://kota.test/berita/1"',
                 "Admin Akun", "IG Prokompim, FB Prokompim"):
        assert text in page, text
    assert client.get("/posts?campaign=Bulan+Bakti").get_data(as_text=True).count("Draf admin") == 1
    assert "Draf kontributor" not in client.get("/posts?campaign=Bulan+Bakti").get_data(as_text=True)


def test_the_list_filters_by_channel_and_shows_the_platforms(client, w):
    login(client, MAIL["author"])
    assert add(client, w, w.author_post, w.channels["website"], "Artikel").status_code == 302
    page = client.get(f"/posts?channel={w.channels['website']}").get_data(as_text=True)
    assert "Draf admin" in page and "Draf kontributor" not in page
    assert "Official website" in page
    page = client.get("/posts").get_data(as_text=True)
    assert "Draf kontributor" in page and page.count("platform-badge") == 3
    assert client.get("/posts?channel=abc&campaign=" + "x" * 300).status_code == 200


def test_publishing_a_post_with_variants_records_an_address_per_channel(client, w):
    with w.app.app_context():
        post = db.session.get(Post, w.author_post)
        author = post.author
        from planner.models import Person
        people = {p.email: p for p in db.session.scalars(select(Person))}
        post_service.submit(author, Access.load(author), post, post.version,
                            ticked=set(checklist(w.app, post.id, Transition.SUBMIT)))
        for mail in (MAIL["reviewer"], MAIL["approver"]):
            person = people[mail]
            post_service.approve(person, Access.load(person), post, post.version,
                                 ticked=set(checklist(w.app, post.id, Transition.APPROVE)))
        assert post.state == PostState.APPROVED
        variant = post.variants[0].id
    login(client, MAIL["author"])
    page = client.get(f"/posts/{w.author_post}").get_data(as_text=True)
    assert f'name="publish-url_v{variant}"' in page and 'name="publish-url_instagram"' not in page
    data = action_data(w.app, w.author_post, "publish",
                       checklist=checklist(w.app, w.author_post, Transition.PUBLISH))
    future = (later(2)).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    data.update({f"publish-url_v{variant}": "https://instagram.com/p/VAR1",
                 f"publish-date_v{variant}": future.strftime("%Y-%m-%d"), f"publish-time_v{variant}": "09:00"})
    response = client.post(f"/posts/{w.author_post}/publish", data)
    assert response.status_code == 422 and "cannot lie in the future" in response.get_data(as_text=True)
    # An address urlsplit cannot read is refused beside its field, not a server error.
    response = client.post(f"/posts/{w.author_post}/publish",
                           {**data, f"publish-url_v{variant}": "https://[instagram.com/p/VAR1"})
    assert response.status_code == 422 and "starting with https://" in response.get_data(as_text=True)
    data[f"publish-date_v{variant}"] = "2024-05-02"
    data[f"publish-time_v{variant}"] = "08:15"
    assert client.post(f"/posts/{w.author_post}/publish", data).status_code == 302
    with w.app.app_context():
        row = db.session.scalar(select(PostPublication).where(PostPublication.post_id == w.author_post))
        assert (row.variant_id, row.url, row.platform.value) == (variant, "https://instagram.com/p/VAR1",
                                                                 "instagram")
        assert row.published_at.isoformat().startswith("2024-05-02T01:15")
    page = client.get(f"/posts/{w.author_post}").get_data(as_text=True)
    assert "Published:" in page and 'href="https://instagram.com/p/VAR1"' in page


# -- query counts ----------------------------------------------------------------------------

def test_the_post_page_the_variants_page_and_the_list_do_not_grow_with_variants_or_posts(client, w):
    author = login(client, MAIL["author"])
    urls = ["/posts", f"/posts/{w.author_post}", f"/posts/{w.author_post}/variants"]
    small = {url: statements(w.app, author, url) for url in urls}
    add(author, w, w.author_post, w.channels["facebook"], "FB")
    add(author, w, w.author_post, w.channels["website"], "Situs")
    with w.app.app_context():
        world_author = db.session.get(Post, w.author_post).author
        unit = world_author.home_unit
        from planner.models import Category, Channel
        for n in range(4):
            post_service.create_post(world_author, Access.load(world_author), db.session.get(Post, w.author_post).unit,
                                     title=f"Tambahan {n}", body="", planned_at=later(),
                                     category=db.session.get(Category, w.categories["edukasi"]),
                                     variants=[VariantSpec(db.session.get(Channel, w.channels["facebook"]), f"FB {n}"),
                                               VariantSpec(db.session.get(Channel, w.channels["website"]), f"W {n}")])
    large = {url: statements(w.app, author, url) for url in urls}
    assert large == small, (small, large)
