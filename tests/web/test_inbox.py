"""The inbox: what waits for each person (reviews, approvals as Plt./Plh., ratifications,
returned posts, posts to publish, steps after publication), deadlines and overdue items, and
a number of SQL statements that does not grow with the data."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from planner.domain.content import PostState
from planner.domain.organisation import Role
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import Person, Post
from planner.permissions import Access
from planner.queries import inbox as inbox_query
from planner.queries.posts import checklists_for
from planner.services import posts as post_service
from planner.services.sops import activate, create_draft, in_force, spec_of
from tests import factories
from tests.web.post_helpers import (TITLES, demo_posts, email, login, post_world, sign_in,
                                    statements, world_post)

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
# What each demo account finds in its inbox (titles of the demo posts).
EXPECTED = {
    "author": {"returned", "published"},
    "contributor": set(),
    "reviewer": {"review"},
    "approver": {"approval"},
    "auditor": set(),
    "sysadmin": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_demo_account_sees_what_waits_for_it(client, demo, role):
    sign_in(client, email(role))
    response = client.get("/inbox")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = {key for key, title in TITLES.items() if title in page}
    assert shown == EXPECTED[role]
    if not EXPECTED[role]:
        assert "Nothing waits for you." in page


def test_the_author_sees_the_return_reason_and_the_pending_distribution(client, demo):
    ids = demo_posts(client.app)
    sign_in(client, email("author"))
    page = client.get("/inbox").get_data(as_text=True)
    assert "Tarif pada infografis belum sesuai lampiran Perwako; mohon dicek ulang." in page
    assert "Menyebarkan tautan melalui grup WhatsApp" in page
    assert f'data-post-id="{ids["published"]}"' in page
    # The draft is the author's own work in progress, not something waiting on them.
    assert TITLES["draft"] not in page


def test_the_reviewer_sees_the_step_its_role_and_deadline(client, demo):
    sign_in(client, email("reviewer"))
    page = client.get("/inbox").get_data(as_text=True)
    assert "Memeriksa kelengkapan, fakta dan kesesuaian konten" in page
    assert "Reviewer" in page and "WIB" in page
    assert "Andi Pratama" in page  # who wrote it


def _age(post_id: int, hours: float) -> None:
    """Pretend the post reached its current step `hours` ago."""
    post = db.session.get(Post, post_id)
    post.step_started_at = datetime.now(timezone.utc) - timedelta(hours=hours)
    db.session.commit()


def test_overdue_items_are_marked_in_text_and_come_first(client):
    app = client.app
    with app.app_context():
        w = post_world()
        fresh = world_post(w, "Baru saja diajukan").id
        late = world_post(w, "Sudah lewat tenggat").id
        older = world_post(w, "Hampir lewat tenggat").id
        _age(late, 10)  # the review step allows 8 hours
        _age(older, 7)
    login(client, "reviewer@uji.pranata.test")
    page = client.get("/inbox").get_data(as_text=True)
    order = [page.index(f'data-post-id="{i}"') for i in (late, older, fresh)]
    assert order == sorted(order)
    late_item = page[order[0]:order[1]]
    assert "Overdue" in late_item
    assert "Overdue" not in page[order[1]:]
    assert "1 item is overdue." in page
    item_tag = page[page.rindex("<li", 0, order[0]):order[0]]
    assert "overdue" in item_tag
    # The list shows the same deadline, highlighted.
    listing = client.get("/posts").get_data(as_text=True)
    assert "overdue-row" in listing and "Overdue" in listing


def test_the_inbox_leaves_out_what_the_engine_refuses(client):
    app = client.app
    with app.app_context():
        w = post_world()
        # The approver also holds the reviewer role, and reviews a post: they may not approve
        # it at the next step as well (the SOP does not allow one person two approval steps).
        factories.role(w.approver, w.division, Role.REVIEWER)
        post = world_post(w, "Diperiksa oleh kepala bagian", until="draft")
        access = Access.load(w.author)
        post_service.submit(w.author, access, post, post.version,
                            ticked=set(checklists_for(post)[Transition.SUBMIT]))
        post_service.approve(w.approver, Access.load(w.approver), post, post.version,
                             ticked=set(checklists_for(post)[Transition.APPROVE]))
        assert post.state == PostState.IN_REVIEW and post.step_position == 3
        other = world_post(w, "Menunggu pemeriksaan").id
        items = inbox_query.inbox_for(Access.load(w.approver), w.approver, datetime.now(timezone.utc))
        assert [i.post_id for i in items] == [other]
        assert items[0].kind == inbox_query.REVIEW and items[0].activity == "Memeriksa fakta"


def test_inbox_for_returns_plain_items_for_each_kind(client):
    app = client.app
    with app.app_context():
        w = post_world()
        returned = world_post(w, "Dikembalikan")
        post_service.return_to_author(w.reviewer, Access.load(w.reviewer), returned, returned.version,
                                      reason="Perbaiki judul.")
        approved = world_post(w, "Siap diunggah", until="approved").id
        published = world_post(w, "Sudah diunggah", until="published").id
        crisis = world_post(w, "Peringatan dini cuaca", code="krisis", until="published").id
        now = datetime.now(timezone.utc)
        mine = {i.post_id: i for i in inbox_query.inbox_for(Access.load(w.author), w.author, now)}
        assert mine[returned.id].kind == inbox_query.RETURNED
        assert mine[returned.id].reason == "Perbaiki judul." and mine[returned.id].deadline is None
        assert mine[approved].kind == inbox_query.PUBLISH and mine[approved].activity == "Mengunggah"
        assert mine[published].kind == inbox_query.FOLLOW_UP
        assert mine[published].activity == "Menyebarkan ke grup WhatsApp"
        assert mine[published].deadline > now
        assert list(mine)[-1] == returned.id  # no deadline: last
        head = {i.post_id: i for i in inbox_query.inbox_for(Access.load(w.approver), w.approver, now)}
        assert head[crisis].kind == inbox_query.RATIFY
        assert timedelta(hours=23) < head[crisis].deadline - now <= timedelta(hours=24)
        assert inbox_query.inbox_for(Access.load(w.auditor), w.auditor, now) == []
        outsider = inbox_query.inbox_for(Access.load(w.outsider), w.outsider, now)
        assert outsider == []


# -- the number of SQL statements -------------------------------------------------------------

def _more_data(w, count: int, label: str) -> None:
    """`count` posts of every kind in two units, and a new SOP version in the division, so
    that posts are pinned to several versions."""
    current = in_force(w.division)
    version = create_draft(None, None, w.division, based_on=current,
                           identity={"effective_date": current.effective_date, "change_note": label})
    activate(None, None, version, version.version)
    for n in range(count):
        for unit, author in ((w.division, w.author), (w.health, w.health_author)):
            tag = f"{label} {unit.id}-{n}"
            world_post(w, f"Review {tag}", unit=unit, author=author)
            world_post(w, f"Approval {tag}", unit=unit, author=author, until="approval")
            world_post(w, f"Crisis {tag}", unit=unit, author=author, code="krisis", until="published")
            world_post(w, f"Publish {tag}", unit=unit, author=author, until="approved")
            world_post(w, f"Follow-up {tag}", unit=unit, author=author, until="published")
            returned = world_post(w, f"Returned {tag}", unit=unit, author=author)
            post_service.return_to_author(w.reviewer, Access.load(w.reviewer), returned,
                                          returned.version, reason="Perbaiki.")


def _health_sop(w) -> None:
    factories.role(w.reviewer, w.health, Role.REVIEWER)
    factories.role(w.approver, w.health, Role.APPROVER)
    routes, _ = spec_of(w.sop_version)
    version = create_draft(None, None, w.health, identity={"name": "SOP Dinkes",
                                                           "effective_date": w.sop_version.effective_date},
                           routes=routes)
    activate(None, None, version, version.version)


def test_the_inbox_needs_the_same_number_of_statements_whatever_the_data(client, make_client):
    app = client.app
    with app.app_context():
        w = post_world()
        _health_sop(w)
        factories.role(w.health_author, w.division, Role.AUTHOR)
        _more_data(w, 1, "small")
        ids = {key: getattr(w, key).id for key in PEOPLE + UNITS}
    people = {"reviewer": "reviewer@uji.pranata.test", "approver": "approver@uji.pranata.test",
              "author": "author@uji.pranata.test"}
    clients = {name: login(make_client(), mail) for name, mail in people.items()}
    small = {name: statements(app, c, "/inbox") for name, c in clients.items()}
    items_small = {name: c.get("/inbox").get_data(as_text=True).count('class="inbox-item')
                   for name, c in clients.items()}

    with app.app_context():
        w = _reload(ids)
        _more_data(w, 3, "large")
    large = {name: statements(app, c, "/inbox") for name, c in clients.items()}
    items_large = {name: c.get("/inbox").get_data(as_text=True).count('class="inbox-item')
                   for name, c in clients.items()}

    assert all(items_large[name] > items_small[name] > 0 for name in people), (items_small, items_large)
    assert large == small, (small, large)


def _reload(ids: dict):
    """The world's people, units and SOP version again, in a new application context."""
    from types import SimpleNamespace

    from planner.models import Unit

    w = SimpleNamespace(**{key: db.session.get(Person if key in PEOPLE else Unit, value)
                           for key, value in ids.items()})
    w.categories = {c.code: c for c in post_service.categories_for(w.division)}
    w.sop_version = in_force(w.division)
    return w


PEOPLE = ("author", "health_author", "reviewer", "approver")
UNITS = ("division", "health")


def test_a_long_inbox_is_paged_soonest_deadline_first(client, make_client):
    app = client.app
    with app.app_context():
        w = post_world()
        for n in range(52):
            world_post(w, f"Antrean {n:02d}")
    reviewer = login(make_client(), "reviewer@uji.pranata.test")
    first = reviewer.get("/inbox").get_data(as_text=True)
    assert first.count('class="inbox-item') == 50 and "(52)" in first
    assert "Antrean 00" in first and "Antrean 51" not in first
    assert "/inbox?page=2" in first
    second = reviewer.get("/inbox?page=2").get_data(as_text=True)
    assert second.count('class="inbox-item') == 2 and "Antrean 51" in second
    beyond = reviewer.get("/inbox?page=99").get_data(as_text=True)  # clamped to the last page
    assert beyond.count('class="inbox-item') == 2


def test_the_home_page_shows_what_waits(client, demo):
    client.login("reviewer@demo.pranata.test")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="waiting"' in page and TITLES["review"] in page
    client.logout()
    client.login("auditor@demo.pranata.test")
    assert 'data-testid="waiting"' not in client.get("/").get_data(as_text=True)


def test_a_contributors_post_waits_for_the_account_manager_who_submitted_it(demo):
    from sqlalchemy import select as _select

    from planner.models import Unit
    from planner.models.base import utcnow

    with demo.app_context():
        person = {r: db.session.scalar(_select(Person).where(Person.email == f"{r}@demo.pranata.test"))
                  for r in ("contributor", "author", "reviewer", "approver")}
        access = {r: Access.load(p) for r, p in person.items()}
        unit = db.session.scalar(_select(Unit).where(Unit.name == "Bagian Protokol dan Komunikasi Pimpinan"))
        category = next(c for c in post_service.categories_for(unit) if c.code == "informasi-publik")
        post = post_service.create_post(person["contributor"], access["contributor"], unit,
                                        title="Usulan bidang: jadwal kirab budaya", body="", category=category)

        def titles(role):
            return {i.title for i in inbox_query.inbox_for(access[role], person[role], utcnow())}

        post_service.submit(person["author"], access["author"], post, post.version,
                            ticked=factories.checklist(post))
        post_service.return_to_author(person["reviewer"], access["reviewer"], post, post.version,
                                      reason="Lengkapi rute kirab.")
        assert post.title in titles("contributor") and post.title in titles("author")
        post_service.submit(person["author"], access["author"], post, post.version,
                            ticked=factories.checklist(post))
        for role in ("reviewer", "approver"):
            post_service.approve(person[role], access[role], post, post.version,
                                 ticked=factories.checklist(post))
        assert post.state == PostState.APPROVED
        assert post.title in titles("author") and post.title not in titles("contributor")
