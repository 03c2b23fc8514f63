"""A feed shows only what its owner may see now: never the posts, slots or events of another
unit (a sibling included), nothing once the owner loses the role or is deactivated, and
nothing of a unit they cannot see.  On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from planner.domain.content import PostState
from planner.domain.feeds import FeedKind
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import Person, RoleAssignment
from planner.services import posts as post_service
from planner.permissions import Access
from tests import calendar_helpers as ch
from tests import factories
from tests.feeds.content_helpers import at, events_of, feed_bytes, feed_world, groups_of, subscribe


@pytest.fixture
def w(ctx):
    w = feed_world()
    # Posts of the division that name the health agency's author, as author and as
    # assignee: still not theirs to see, since they hold no role in the division.
    w.foreign_authored = ch.post(w.division, w.health_author, "Ditulis orang Dinkes", at(6))
    w.foreign_assigned = ch.post(w.subdivision, w.author, "Ditugaskan ke orang Dinkes", at(6),
                                 assignee=w.health_author)
    ch.cover(w.event, w.health_author, w.approver)
    w.health_in_review = ch.post(w.health, w.health_author, "Dinkes menunggu", at(5))
    w.health_reviewer = factories.person(w.health, "Pemeriksa Dinkes")
    factories.role(w.health_reviewer, w.health, Role.REVIEWER)
    factories.role(factories.person(w.health, "Kepala Dinkes"), w.health, Role.APPROVER)
    factories.sop(w.health)
    post_service.submit(w.health_author, Access.load(w.health_author), w.health_in_review,
                        w.health_in_review.version, ticked=factories.checklist(w.health_in_review))
    return w


def division_ids(w) -> set[int]:
    return {w.post.id, w.bare.id, w.foreign_authored.id, w.foreign_assigned.id}


def post_ids(sub) -> set[int]:
    return {key[1] for key in groups_of(sub) if key[0] == "post"}


def end_roles(person) -> None:
    db.session.execute(update(RoleAssignment).where(RoleAssignment.person_id == person.id)
                       .values(valid_to=date.today() - timedelta(days=2)))
    db.session.commit()


def test_a_sibling_units_person_sees_only_their_own_unit(w):
    personal = subscribe(w.health_author, FeedKind.PERSONAL)
    assert post_ids(personal) == {w.health_post.id}  # their draft; the other waits on a reviewer
    assert not any(e.uid.startswith("coverage-") for e in events_of(personal))
    unit = subscribe(w.health_author, FeedKind.UNIT, w.health)
    assert post_ids(unit) == {w.health_post.id, w.health_in_review.id}
    body = feed_bytes(unit) + feed_bytes(personal)
    for post in (w.post, w.bare, w.foreign_authored, w.foreign_assigned, w.outside_post):
        assert post.title.encode() not in body


def test_a_feed_of_a_unit_the_owner_cannot_see_is_empty(w):
    for kind in (FeedKind.UNIT, FeedKind.SLOTS, FeedKind.AGENDA):
        assert groups_of(subscribe(w.health_author, kind, w.division)) == {}
        assert groups_of(subscribe(w.author, kind, w.health)) == {}
        assert groups_of(subscribe(w.sysadmin, kind, w.agency)) == {}


def test_reviewers_never_get_another_units_reviews(w):
    reviewer = subscribe(w.reviewer, FeedKind.PERSONAL)
    assert w.health_in_review.id not in post_ids(reviewer)
    assert post_ids(subscribe(w.health_reviewer, FeedKind.PERSONAL)) == {w.health_in_review.id}


def test_a_person_who_lost_their_role_gets_nothing_more(w):
    subs = [subscribe(w.author, FeedKind.PERSONAL)] + [
        subscribe(w.author, kind, w.division) for kind in (FeedKind.UNIT, FeedKind.SLOTS, FeedKind.AGENDA)]
    assert all(groups_of(sub) for sub in subs)
    end_roles(w.author)
    for sub in subs:
        assert groups_of(sub) == {}


def test_a_deactivated_person_gets_nothing(w):
    subs = [subscribe(w.author, FeedKind.PERSONAL), subscribe(w.author, FeedKind.UNIT, w.division)]
    db.session.execute(update(Person).where(Person.id == w.author.id).values(active=False))
    db.session.commit()
    for sub in subs:
        assert groups_of(sub) == {}


def test_drafts_only_where_the_owner_may_still_create_posts(w):
    factories.role(w.reviewer, w.subdivision, Role.AUTHOR, end=date.today() - timedelta(days=2))
    mine = ch.post(w.subdivision, w.reviewer, "Draf lama pemeriksa", at(4), state=PostState.DRAFT)
    assert mine.id not in post_ids(subscribe(w.reviewer, FeedKind.PERSONAL))
    factories.role(w.reviewer, w.subdivision, Role.AUTHOR, start=date.today() - timedelta(days=1))
    assert mine.id in post_ids(subscribe(w.reviewer, FeedKind.PERSONAL))
