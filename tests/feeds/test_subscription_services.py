"""Calendar subscriptions as services: what a subscription may be made of (and every refusal,
with nothing saved), tokens returned once and only their hash kept, regenerating and
revoking (the owner only), revoking all of a person's, the bound on active subscriptions,
and audit events that never carry the token or its hash."""
from __future__ import annotations

import json
from datetime import date
import sys
import types
from importlib.machinery import ModuleSpec

import pytest
from sqlalchemy import func, select

from planner.domain.content import Platform, PostState
from planner.domain.errors import NotPermitted, NotVisible, RuleViolated
from planner.domain.organisation import Role
from planner.domain.feeds import FeedKind, plausible_token, token_hash, token_matches
from planner.extensions import db
from planner.models import AuditEvent, FeedSubscription, RoleAssignment
from planner.permissions import Access
from planner.services import feeds as service
from tests import factories as f
from tests import planner_factories as pf


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(FeedSubscription))


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


def audit_text(event: AuditEvent) -> str:
    return json.dumps([event.before, event.after, event.details], default=str)


def create(who, **values):
    defaults = {"name": "Kalender Prokompim", "kind": FeedKind.UNIT, "unit": None}
    return service.create_subscription(who, Access.load(who), **{**defaults, **values})


def refused(who, **values) -> RuleViolated:
    with pytest.raises(RuleViolated) as error:
        create(who, **values)
    return error.value


def fields(error: RuleViolated) -> set:
    return {v.field for v in error.violations}


# -- creating ------------------------------------------------------------------------------

def test_a_personal_subscription_keeps_only_the_hash_of_the_token_it_returns_once(ctx):
    w = pf.planner_world()
    sub, token = create(w.author, name="  Pekerjaan   saya ", kind="personal")
    assert plausible_token(token) and len(token) >= 43  # 32 random bytes
    assert sub.token_hash == token_hash(token) and token_matches(token, sub.token_hash)
    assert token not in (sub.token_hash or "")
    assert (sub.person_id, sub.kind, sub.unit_id, sub.name) == (w.author.id, FeedKind.PERSONAL, None,
                                                                "Pekerjaan saya")
    assert sub.active and sub.fetch_count == 0 and sub.last_fetched_at is None
    [event] = audits("feed.created")
    assert (event.actor_id, event.object_type, event.object_id) == (w.author.id, "FeedSubscription", sub.id)
    assert event.unit_id == w.author.home_unit_id  # a personal feed is placed in the owner's unit
    assert event.after["kind"] == "personal" and event.after["person_id"] == w.author.id
    assert token not in audit_text(event) and sub.token_hash not in audit_text(event)


def test_each_subscription_gets_a_token_of_its_own(ctx):
    w = pf.planner_world()
    tokens = {create(w.author, kind="personal")[1] for _ in range(5)}
    assert len(tokens) == 5


def test_a_publication_calendar_takes_a_channel_category_and_state_of_its_unit(ctx):
    w = pf.planner_world()
    own = pf.channel(w.division, Platform.INSTAGRAM)
    above = pf.channel(w.city, Platform.WEBSITE, url="https://uji.go.id")  # the unit publishes there
    below = pf.channel(w.subdivision, Platform.FACEBOOK)
    category = f.category(w.division, "interaktif")
    for channel in (own, above, below):
        sub, _token = create(w.author, unit=w.division, channel=channel, category=category.id,
                             state="scheduled")
        assert (sub.unit_id, sub.channel_id, sub.category_id, sub.state) == (
            w.division.id, channel.id, category.id, PostState.SCHEDULED)
    [event, *_rest] = audits("feed.created")
    assert event.after["channel_id"] == own.id and event.after["state"] == "scheduled"
    assert event.unit_id == w.division.id


@pytest.mark.parametrize("kind", ["slots", "agenda", "unit"])
def test_unit_kinds_take_a_unit_given_as_an_object_or_an_id(ctx, kind):
    w = pf.planner_world()
    sub, _ = create(w.reviewer, kind=kind, unit=w.subdivision.id)
    assert (sub.kind, sub.unit_id) == (FeedKind(kind), w.subdivision.id)


@pytest.mark.parametrize("values, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"kind": "everything"}, "kind"),
    ({"kind": None}, "kind"),
    ({"kind": "unit", "unit": None}, "unit"),
    ({"kind": "slots", "unit": None}, "unit"),
    ({"kind": "agenda", "unit": 0}, "unit"),
    ({"kind": "personal", "unit": "division"}, "unit"),
    ({"kind": "personal", "state": "draft"}, "state"),
    ({"kind": "slots", "unit": "division", "state": "draft"}, "state"),
    ({"kind": "agenda", "unit": "division", "category": "category"}, "category"),
    ({"kind": "slots", "unit": "division", "channel": "channel"}, "channel"),
    ({"kind": "unit", "unit": "division", "state": "lost"}, "state"),
])
def test_bad_subscriptions_are_refused_beside_their_field_and_nothing_is_saved(ctx, values, field):
    w = pf.planner_world()
    channel = pf.channel(w.division)
    named = {"division": w.division, "category": f.category(w.division).id, "channel": channel.id}
    values = {k: named.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    error = refused(w.author, **{"unit": w.division, **values})
    assert field in fields(error)
    assert count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_name_of_120_characters_is_accepted(ctx):
    w = pf.planner_world()
    sub, _ = create(w.author, name="n" * 120, unit=w.division)
    assert len(sub.name) == 120


def test_a_unit_the_owner_may_not_see_is_refused_like_a_missing_one_and_audited(ctx):
    w = pf.planner_world()
    hidden = refused(w.author, unit=w.agency)  # another government
    missing = refused(w.author, unit=987654)
    nonsense = refused(w.author, unit=2**40)
    assert hidden.violations == missing.violations == nonsense.violations
    assert [(v.field, v.message) for v in hidden.violations] == [("unit", service.UNIT_NOT_VISIBLE)]
    assert count() == 0
    events = audits("feed.create_refused")
    assert [(e.actor_id, e.details["field"], e.details["requested_id"]) for e in events] == [
        (w.author.id, "unit", w.agency.id), (w.author.id, "unit", 987654), (w.author.id, "unit", -1)]
    assert all(e.unit_id == w.author.home_unit_id for e in events)


def test_a_sibling_unit_is_not_visible_to_a_role_held_below_it(ctx):
    w = pf.planner_world()
    error = refused(w.author, kind=FeedKind.AGENDA, unit=w.health)  # the author works in the division
    assert fields(error) == {"unit"}
    sub, _ = create(w.sysadmin, kind=FeedKind.AGENDA, unit=w.health)  # the sysadmin covers the city
    assert sub.unit_id == w.health.id


def test_a_channel_off_the_units_calendar_is_refused(ctx):
    w = pf.planner_world()
    sibling = pf.channel(w.health)  # visible to the sysadmin, but not on the division's calendar
    error = refused(w.sysadmin, unit=w.division, channel=sibling)
    assert [(v.field, v.message) for v in error.violations] == [("channel", service.CHANNEL_NOT_VISIBLE)]
    assert audits("feed.create_refused") == []  # nothing hidden was asked for
    assert count() == 0


def test_a_channel_or_category_of_another_government_is_refused_and_audited(ctx):
    w = pf.planner_world()
    foreign_channel = pf.channel(w.agency)
    foreign_category = f.category(w.agency)
    channel_error = refused(w.author, unit=w.division, channel=foreign_channel.id)
    missing_channel = refused(w.author, unit=w.division, channel=424242)
    category_error = refused(w.author, unit=w.division, category=foreign_category.id)
    missing_category = refused(w.author, unit=w.division, category=424242)
    assert channel_error.violations == missing_channel.violations
    assert category_error.violations == missing_category.violations
    assert fields(channel_error) == {"channel"} and fields(category_error) == {"category"}
    assert [e.details["field"] for e in audits("feed.create_refused")] == [
        "channel", "channel", "category", "category"]
    assert count() == 0


def test_a_category_of_another_government_the_sysadmin_sees_is_still_refused(ctx):
    w = pf.planner_world()
    f.role(w.sysadmin, w.province, Role.AUDITOR)  # now sees the other government too
    error = refused(w.sysadmin, unit=w.division, category=f.category(w.agency).id)
    assert [(v.field, v.message) for v in error.violations] == [("category", service.CATEGORY_NOT_VISIBLE)]


def test_a_person_with_no_role_today_may_not_subscribe(ctx):
    w = pf.planner_world()
    nobody = f.person(w.division, "Tanpa Peran")
    with pytest.raises(NotPermitted):
        create(nobody, kind="personal")
    f.role(nobody, w.division, Role.AUTHOR, end=date(2024, 12, 31))  # a role that has ended
    with pytest.raises(NotPermitted):
        create(nobody, kind="personal")
    assert count() == 0


def test_active_subscriptions_are_bounded_per_person(ctx, monkeypatch):
    monkeypatch.setattr(service, "MAX_ACTIVE", 3)
    w = pf.planner_world()
    subs = [create(w.author, kind="personal")[0] for _ in range(3)]
    error = refused(w.author, kind="personal")
    assert [(v.field, v.params) for v in error.violations] == [(None, {"max": 3})]
    assert count() == 3
    create(w.reviewer, kind="personal")  # the bound is per person
    service.revoke_subscription(w.author, Access.load(w.author), subs[0])
    create(w.author, kind="personal")  # a revoked one no longer counts
    assert count() == 5


def test_the_default_bound_is_twenty(ctx):
    assert service.MAX_ACTIVE == 20


# -- regenerating --------------------------------------------------------------------------

def test_regenerating_replaces_the_hash_at_once_and_clears_the_cache(ctx):
    w = pf.planner_world()
    sub, old = create(w.author, unit=w.division)
    sub.cache_fingerprint, sub.cache_etag = "f" * 64, '"etag"'
    sub.cache_last_modified = sub.created_at
    db.session.commit()
    new = service.regenerate_subscription(w.author, Access.load(w.author), sub)
    db.session.expire_all()
    sub = db.session.get(FeedSubscription, sub.id)
    assert new != old and plausible_token(new)
    assert sub.token_hash == token_hash(new) and not token_matches(old, sub.token_hash)
    assert db.session.scalar(select(FeedSubscription.id).where(
        FeedSubscription.token_hash == token_hash(old))) is None
    assert sub.regenerated_at is not None and sub.active
    assert (sub.cache_fingerprint, sub.cache_etag, sub.cache_last_modified) == (None, None, None)
    [event] = audits("feed.regenerated")
    assert (event.actor_id, event.object_id, event.unit_id) == (w.author.id, sub.id, w.division.id)
    text = audit_text(event)
    assert old not in text and new not in text and token_hash(old) not in text and token_hash(new) not in text


def test_only_the_owner_regenerates_or_revokes_a_subscription(ctx):
    w = pf.planner_world()
    sub, token = create(w.author, unit=w.division)
    for other in (w.approver, w.sysadmin):  # the author's head and the administrator alike
        with pytest.raises(NotVisible):
            service.regenerate_subscription(other, Access.load(other), sub)
        with pytest.raises(NotVisible):
            service.revoke_subscription(other, Access.load(other), sub)
    db.session.expire_all()
    sub = db.session.get(FeedSubscription, sub.id)
    assert sub.active and token_matches(token, sub.token_hash)
    assert audits("feed.regenerated") == audits("feed.revoked") == []


def test_a_revoked_subscription_cannot_be_regenerated(ctx):
    w = pf.planner_world()
    sub, _ = create(w.author, kind="personal")
    service.revoke_subscription(w.author, Access.load(w.author), sub)
    revoked_hash = sub.token_hash
    with pytest.raises(RuleViolated):
        service.regenerate_subscription(w.author, Access.load(w.author), sub)
    db.session.expire_all()
    assert db.session.get(FeedSubscription, sub.id).token_hash == revoked_hash
    assert audits("feed.regenerated") == []


def test_a_person_who_lost_their_role_may_revoke_but_not_regenerate(ctx):
    w = pf.planner_world()
    sub, token = create(w.author, kind="personal")
    ending = db.session.scalar(select(RoleAssignment).where(RoleAssignment.person_id == w.author.id))
    ending.valid_to = date(2024, 6, 30)  # as if the role had ended
    db.session.commit()
    with pytest.raises(NotPermitted):
        service.regenerate_subscription(w.author, Access.load(w.author), sub)
    assert token_matches(token, sub.token_hash)
    assert service.revoke_subscription(w.author, Access.load(w.author), sub) is True


def test_regenerating_and_revoking_drop_the_fetch_paths_cached_copy(ctx, monkeypatch):
    forgotten = []
    fake = types.ModuleType("planner.services.feed_fetch")
    fake.__spec__ = ModuleSpec("planner.services.feed_fetch", loader=None)
    fake.forget = forgotten.append
    monkeypatch.setitem(sys.modules, "planner.services.feed_fetch", fake)
    import planner.services
    monkeypatch.setattr(planner.services, "feed_fetch", fake, raising=False)
    w = pf.planner_world()
    first, _ = create(w.author, kind="personal")
    second, _ = create(w.author, kind="personal")
    service.regenerate_subscription(w.author, Access.load(w.author), first)
    service.revoke_subscription(w.author, Access.load(w.author), first)
    service.revoke_all(None, w.author)
    assert forgotten == [first.id, first.id, second.id]


# -- revoking ------------------------------------------------------------------------------

def test_revoking_keeps_the_subscription_as_revoked_and_is_audited_once(ctx):
    w = pf.planner_world()
    sub, token = create(w.author, unit=w.division)
    assert service.revoke_subscription(w.author, Access.load(w.author), sub) is True
    assert service.revoke_subscription(w.author, Access.load(w.author), sub) is False
    db.session.expire_all()
    sub = db.session.get(FeedSubscription, sub.id)
    assert not sub.active and sub.revoked_at is not None and sub.revoked_by_id == w.author.id
    assert count() == 1  # kept, not deleted
    [event] = audits("feed.revoked")
    assert (event.actor_id, event.object_id, event.unit_id) == (w.author.id, sub.id, w.division.id)
    assert token not in audit_text(event) and sub.token_hash not in audit_text(event)


def test_revoke_all_revokes_every_active_subscription_of_one_person_only(ctx):
    w = pf.planner_world()
    mine = [create(w.author, kind="personal")[0], create(w.author, unit=w.division)[0]]
    already, _ = create(w.author, kind="personal")
    service.revoke_subscription(w.author, Access.load(w.author), already)
    theirs, _ = create(w.reviewer, kind="personal")
    assert service.revoke_all(None, w.author) == 2
    assert service.revoke_all(None, w.author) == 0
    db.session.expire_all()
    assert all(not db.session.get(FeedSubscription, s.id).active for s in mine)
    assert all(db.session.get(FeedSubscription, s.id).revoked_by_id is None for s in mine)
    assert db.session.get(FeedSubscription, theirs.id).active
    events = audits("feed.revoked")
    assert [(e.actor_id, e.object_id, e.details.get("all")) for e in events] == [
        (w.author.id, already.id, None), (None, mine[0].id, True), (None, mine[1].id, True)]


def test_revoke_all_by_an_administrator_who_manages_the_person(ctx):
    w = pf.planner_world()
    create(w.author, kind="personal")
    assert service.revoke_all(w.sysadmin, w.author) == 1
    create(w.author, kind="personal")
    with pytest.raises(NotPermitted):
        service.revoke_all(w.approver, w.author)  # the head does not manage accounts
    with pytest.raises(NotPermitted):
        service.revoke_all(w.outsider, w.author)  # another government's administrator
    assert service.revoke_all(w.author, w.author) == 1  # anyone may revoke all their own
    assert [e.actor_id for e in audits("feed.revoked")] == [w.sysadmin.id, w.author.id]
