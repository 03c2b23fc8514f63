"""Distribution services: networks (create, edit with versions, no cycles, no crossing
units, deactivate), the distribution log of published posts (all or nothing, duplicates,
other units' groups, dates, who sent it), reuse by other units, and their audit events."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from planner.domain.content import AmplificationKind, GroupLevel, PostState
from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.extensions import db
from planner.models import Amplification, AuditEvent, Distribution, DistributionGroup, Post
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services.distribution import (create_group, people_covering, record_amplification,
                                           record_distribution, remove_amplification,
                                           remove_distribution, set_group_active, update_group)
from tests import factories as f
from tests.distribution_helpers import count, distribution_world
from tests.services.test_concurrency import race


@pytest.fixture
def w(ctx):
    return distribution_world()


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


def messages(error) -> str:
    return " | ".join(v.message % v.params for v in error.violations)


def send(w, post, groups, *, by=None, actor=None, sent_at=None):
    actor = actor or w.author
    return record_distribution(actor, Access.load(actor), post, group_ids=[g if isinstance(g, int) else g.id
                                                                            for g in groups],
                               sent_at=sent_at or utcnow() - timedelta(hours=1), sent_by=by or actor)


# -- networks ---------------------------------------------------------------------------------

def test_a_group_is_created_in_the_unit_and_audited(w):
    access = Access.load(w.approver)
    group = create_group(w.approver, access, w.division, name=" Grup RT 01 ", level=GroupLevel.NEIGHBOURHOOD,
                         members=45, parent=w.kelurahan, channel=w.whatsapp)
    assert (group.unit_id, group.parent_id, group.name, group.members) == (w.division.id, w.kelurahan.id,
                                                                          "Grup RT 01", 45)
    [event] = events("distribution_group.created")[-1:]
    assert event.object_id == group.id and event.unit_id == w.division.id
    assert event.after["members"] == 45 and event.after["level"] == "neighbourhood"


def test_reviewers_and_auditors_may_not_manage_networks(w):
    for person in (w.reviewer, w.auditor, w.health_author):
        with pytest.raises(NotPermitted):
            create_group(person, Access.load(person), w.division, name="X", level=GroupLevel.CITY,
                         members=1)
    assert count(DistributionGroup, DistributionGroup.name == "X") == 0


def test_a_parent_of_another_unit_a_foreign_channel_and_bad_numbers_are_refused(w):
    access = Access.load(w.sysadmin)
    before = count(DistributionGroup)
    with pytest.raises(RuleViolated) as refused:
        create_group(w.sysadmin, access, w.division, name="", level=GroupLevel.DISTRICT, members=-5,
                     parent=w.health_group, channel=w.health_whatsapp)
    fields = {v.field for v in refused.value.violations}
    assert fields == {"name", "members", "parent_id", "channel_id"}
    with pytest.raises(RuleViolated) as refused:
        create_group(w.sysadmin, access, w.division, name="IG", level=GroupLevel.CITY, members=1,
                     channel=w.instagram)
    assert "WhatsApp" in messages(refused.value)
    with pytest.raises(RuleViolated) as refused:
        create_group(w.sysadmin, access, w.division, name="Kota", level=GroupLevel.DISTRICT, members=1,
                     parent=w.kelurahan)
    assert [v.field for v in refused.value.violations] == ["level"]
    assert count(DistributionGroup) == before


def test_an_edit_carries_its_version_and_a_stale_one_names_who_saved(w):
    access = Access.load(w.approver)
    loaded = w.district_b.version
    update_group(w.approver, access, w.district_b, loaded, name="Kecamatan Tanjungpinang Timur",
                 level=GroupLevel.DISTRICT, members=55, parent=w.city_group, channel=w.whatsapp)
    assert w.district_b.members == 55 and w.district_b.version == loaded + 1
    [event] = events("distribution_group.updated")
    assert (event.before["members"], event.after["members"]) == (40, 55)
    with pytest.raises(StaleEdit) as stale:
        update_group(w.author, Access.load(w.author), w.district_b, loaded, name="Lama",
                     level=GroupLevel.DISTRICT, members=1, parent=w.city_group)
    assert stale.value.changed_by == w.approver.name
    with pytest.raises(StaleEdit):
        update_group(w.author, Access.load(w.author), w.district_b, None, name="Tanpa versi",
                     level=GroupLevel.DISTRICT, members=1)
    db.session.expire_all()
    assert (w.district_b.name, w.district_b.members) == ("Kecamatan Tanjungpinang Timur", 55)


def test_a_move_under_its_own_subgroup_or_into_another_unit_is_refused(w):
    access = Access.load(w.sysadmin)
    with pytest.raises(RuleViolated) as refused:
        update_group(w.sysadmin, access, w.district_a, w.district_a.version, name=w.district_a.name,
                     level=GroupLevel.COMMUNITY, members=60, parent=w.kelurahan)
    assert "own subgroup" in messages(refused.value)
    with pytest.raises(RuleViolated) as refused:
        update_group(w.sysadmin, access, w.district_a, w.district_a.version, name=w.district_a.name,
                     level=GroupLevel.DISTRICT, members=60, parent=w.health_group)
    assert [v.field for v in refused.value.violations] == ["parent_id"]
    # A level wider than a group below it is refused too.
    with pytest.raises(RuleViolated) as refused:
        update_group(w.sysadmin, access, w.kelurahan, w.kelurahan.version, name=w.kelurahan.name,
                     level=GroupLevel.DISTRICT, members=30, parent=w.district_a)
    assert [v.field for v in refused.value.violations] == ["level"]
    db.session.expire_all()
    assert w.district_a.parent_id == w.city_group.id and w.kelurahan.level == GroupLevel.SUBDISTRICT
    assert events("distribution_group.updated") == []


def test_deactivation_and_reactivation_are_versioned_and_audited(w):
    access = Access.load(w.author)
    set_group_active(w.author, access, w.district_b, w.district_b.version, False)
    assert w.district_b.active is False
    with pytest.raises(StaleEdit):
        set_group_active(w.author, access, w.district_b, w.district_b.version - 1, True)
    set_group_active(w.author, access, w.district_b, w.district_b.version, True)
    assert [e.action for e in events("distribution_group.deactivated")
            + events("distribution_group.reactivated")] == ["distribution_group.deactivated",
                                                            "distribution_group.reactivated"]
    with pytest.raises(RuleViolated) as refused:  # an inactive group is no new parent
        set_group_active(w.author, access, w.district_b, w.district_b.version, False)
        create_group(w.author, access, w.division, name="RT", level=GroupLevel.NEIGHBOURHOOD,
                     members=3, parent=w.district_b)
    assert "no longer active" in messages(refused.value)


# -- the distribution log ---------------------------------------------------------------------

def test_several_groups_are_recorded_at_once_with_their_members_then(w):
    lines = send(w, w.post, [w.district_a, w.district_b], by=w.contributor)
    assert sorted(line.members_reached for line in lines) == [40, 60]
    assert {line.sent_by_id for line in lines} == {w.contributor.id}
    assert {line.recorded_by_id for line in lines} == {w.author.id}
    # Later changes to the group do not rewrite history.
    update_group(None, None, w.district_a, w.district_a.version, name=w.district_a.name,
                 level=GroupLevel.DISTRICT, members=999, parent=w.city_group)
    db.session.expire_all()
    assert sorted(d.members_reached for d in db.session.scalars(select(Distribution))) == [40, 60]
    [event] = events("distribution.recorded")
    assert event.object_type == "Post" and event.object_id == w.post.id
    assert sorted(line["group"] for line in event.after["lines"]) == ["Kecamatan Bukit Bestari",
                                                                    "Kecamatan Tanjungpinang Timur"]


def test_an_unpublished_post_is_refused(w):
    with pytest.raises(RuleViolated) as refused:
        send(w, w.draft, [w.city_group])
    assert "Only a published post" in messages(refused.value)
    assert count(Distribution) == 0 and events("distribution.recorded") == []


def test_a_batch_with_a_group_of_another_unit_saves_nothing(w):
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.city_group, w.health_group, w.district_a])
    assert messages(refused.value) == (f"Group no. {w.health_group.id} is not in the distribution "
                                       f"network of {w.division.name}.")
    assert "Posyandu" not in messages(refused.value)
    with pytest.raises(RuleViolated):
        send(w, w.post, [w.city_group, 2**31 - 1])
    assert count(Distribution) == 0 and events("distribution.recorded") == []


def test_the_same_group_twice_is_refused_naming_it(w):
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.district_a, w.district_a])
    assert messages(refused.value) == "Kecamatan Bukit Bestari is chosen more than once."
    send(w, w.post, [w.district_a])
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.district_b, w.district_a])
    assert messages(refused.value) == "The post is already recorded as sent to Kecamatan Bukit Bestari."
    assert count(Distribution) == 1


def test_an_inactive_group_is_refused(w):
    set_group_active(None, None, w.district_b, w.district_b.version, False)
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.district_b])
    assert "no longer active" in messages(refused.value) and count(Distribution) == 0


def test_the_time_sent_lies_between_publication_and_now(w):
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.city_group], sent_at=w.post.published_at - timedelta(minutes=5))
    assert [v.field for v in refused.value.violations] == ["sent_at"]
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.city_group], sent_at=utcnow() + timedelta(hours=2))
    assert "future" in messages(refused.value)
    with pytest.raises(RuleViolated) as refused:
        record_distribution(w.author, None, w.post, group_ids=[], sent_at=None, sent_by=None)
    assert {v.field for v in refused.value.violations} == {"group_ids", "sent_at", "sent_by_id"}
    assert count(Distribution) == 0


def test_the_sender_held_a_role_covering_the_unit(w):
    with pytest.raises(RuleViolated) as refused:
        send(w, w.post, [w.city_group], by=w.health_author)
    assert [v.field for v in refused.value.violations] == ["sent_by_id"]
    day = w.post.published_at.date()
    covering = {p.id for p in people_covering(w.division, day, day)}
    assert {w.author.id, w.contributor.id, w.approver.id, w.sysadmin.id} <= covering
    assert w.health_author.id not in covering and w.outsider.id not in covering
    # Someone whose role ended before the distribution is no sender of it.
    former = f.person(w.division, "Mantan Admin")
    f.role(former, w.division, f.Role.AUTHOR, start=date(2020, 1, 1), end=day - timedelta(days=30))
    with pytest.raises(RuleViolated):
        send(w, w.post, [w.city_group], by=former)
    assert count(Distribution) == 0


def test_only_authors_and_contributors_of_the_unit_record(w):
    for person in (w.reviewer, w.approver, w.auditor, w.sysadmin, w.health_author):
        with pytest.raises(NotPermitted):
            send(w, w.post, [w.city_group], actor=person, by=w.author)
    send(w, w.post, [w.city_group], actor=w.contributor)
    assert count(Distribution) == 1


def test_a_wrong_line_is_removed_and_audited(w):
    [line, other] = send(w, w.post, [w.district_a, w.district_b])
    with pytest.raises(NotPermitted):
        remove_distribution(w.approver, Access.load(w.approver), line)
    remove_distribution(w.contributor, Access.load(w.contributor), line)
    assert count(Distribution) == 1
    [event] = events("distribution.removed")
    assert event.before["group"] == "Kecamatan Bukit Bestari" and event.details["line_id"] == line.id
    with pytest.raises(RuleViolated):
        remove_distribution(w.author, Access.load(w.author), line)
    # The group can be recorded again once its wrong line is gone.
    send(w, w.post, [w.district_a])
    assert count(Distribution) == 2


# -- reuse by other units ----------------------------------------------------------------------

def reuse(w, unit, *, actor=None, day=None, url=None, post=None):
    actor = actor or w.author
    return record_amplification(actor, Access.load(actor), post or w.post, unit=unit,
                                kind=AmplificationKind.PROGRAMME, reused_on=day or w.division.today(),
                                url=url, note="Dipakai untuk kampanye Posyandu")


def test_a_reuse_by_another_unit_is_recorded_and_removed_with_audit(w):
    found = reuse(w, w.health, url="https://instagram.com/p/dinkes")
    assert (found.unit_id, found.kind, found.url) == (w.health.id, AmplificationKind.PROGRAMME,
                                                      "https://instagram.com/p/dinkes")
    [event] = events("amplification.recorded")
    assert event.after["unit"] == "Dinas Kesehatan" and event.object_id == w.post.id
    with pytest.raises(NotPermitted):
        remove_amplification(w.reviewer, Access.load(w.reviewer), found)
    remove_amplification(w.author, Access.load(w.author), found)
    assert count(Amplification) == 0
    assert events("amplification.removed")[0].before["kind"] == "programme"


def test_a_reuse_by_the_posts_own_unit_an_unseen_unit_or_a_bad_date_is_refused(w):
    for unit in (w.division, w.agency, None):
        with pytest.raises(RuleViolated) as refused:
            reuse(w, unit)
        assert [v.field for v in refused.value.violations] == ["unit_id"]
    published_on = w.post.published_at.astimezone(w.division.zone).date()
    with pytest.raises(RuleViolated) as refused:
        reuse(w, w.health, day=published_on - timedelta(days=1))
    assert [v.field for v in refused.value.violations] == ["reused_on"]
    with pytest.raises(RuleViolated):
        reuse(w, w.health, day=w.division.today() + timedelta(days=1))
    with pytest.raises(RuleViolated) as refused:
        reuse(w, w.health, url="javascript:alert(1)")
    assert [v.field for v in refused.value.violations] == ["url"]
    with pytest.raises(RuleViolated) as refused:
        reuse(w, w.health, post=w.draft)
    assert "Only a published post" in messages(refused.value)
    with pytest.raises(NotPermitted):
        reuse(w, w.health, actor=w.auditor)
    assert count(Amplification) == 0 and events("amplification.recorded") == []


# -- at the same moment (PostgreSQL) -----------------------------------------------------------

def test_two_people_recording_the_same_group_at_once_record_it_once(pg_app):
    with pg_app.app_context():
        w = distribution_world()
        ids = {"post": w.post.id, "group": w.city_group.id,
               "people": [w.author.id, w.contributor.id]}

    def work(i, barrier):
        from planner.models import Person
        person = db.session.get(Person, ids["people"][i])
        post = db.session.get(Post, ids["post"])
        access = Access.load(person)
        barrier.wait()
        return record_distribution(person, access, post, group_ids=[ids["group"]],
                                   sent_at=utcnow() - timedelta(minutes=5), sent_by=person)

    outcomes = race(pg_app, work)
    assert sum(isinstance(o, RuleViolated) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, list) for o in outcomes) == 1, outcomes
    with pg_app.app_context():
        assert count(Distribution) == 1 and len(events("distribution.recorded")) == 1


def test_two_crossing_moves_at_once_cannot_make_a_cycle(pg_app):
    with pg_app.app_context():
        w = distribution_world()
        ids = {"a": w.district_a.id, "b": w.district_b.id, "admin": w.sysadmin.id}

    def work(i, barrier):
        from planner.models import Person
        admin = db.session.get(Person, ids["admin"])
        mover = db.session.get(DistributionGroup, ids["a" if i == 0 else "b"])
        target = db.session.get(DistributionGroup, ids["b" if i == 0 else "a"])
        version = mover.version
        barrier.wait()
        return update_group(admin, Access.load(admin), mover, version, name=mover.name,
                            level=GroupLevel.COMMUNITY, members=mover.members, parent=target)

    outcomes = race(pg_app, work)
    assert sum(isinstance(o, DistributionGroup) for o in outcomes) == 1, outcomes
    with pg_app.app_context():
        a, b = (db.session.get(DistributionGroup, ids[k]) for k in ("a", "b"))
        assert not (a.parent_id == b.id and b.parent_id == a.id)


def test_the_post_state_is_what_counts(w):
    w.post.state = PostState.SCHEDULED
    db.session.commit()
    with pytest.raises(RuleViolated):
        send(w, w.post, [w.city_group])
