"""A post's variants, service by service: a post and its first variants are saved together
or not at all; adding, editing and removing a variant locks the post, checks its version,
refuses channels of other units and duplicates, and leaves an audit event."""
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from planner.domain.content import CommunicationFunction, Platform, PostState
from planner.domain.errors import RuleViolated, StaleEdit, TransitionRefused
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import AuditEvent, PlannerSettings, Post, PostPublication, PostVariant
from planner.models.base import utcnow
from planner.permissions import Access
from planner.services import posts as s
from planner.services import variants as v
from planner.services.posts import PlanFields
from tests import factories as f
from tests.web.post_helpers import later, planner_rows


@pytest.fixture
def w(ctx):
    w = f.world()
    f.sop(w.division)
    w.rows = planner_rows(w)
    return w


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(post, action):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "Post", AuditEvent.object_id == post.id, AuditEvent.action == action)
        .order_by(AuditEvent.seq)))


def new_post(w, *variants, **kwargs):
    kwargs.setdefault("planned_at", later())
    return s.create_post(w.author, Access.load(w.author), w.division, title="Musrenbang",
                         body="Liputan", category=f.category(w.division), variants=list(variants),
                         **kwargs)


def test_a_post_and_its_first_variants_are_saved_together_with_the_plan(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "Caption IG", "Foto 3", "https://drive.test/a"),
                    v.VariantSpec(r.website, "Artikel", planned_at=later(11)),
                    plan=PlanFields(CommunicationFunction.DIALOGUE, " Bulan  Bakti ", "musrenbang, #Kepri",
                                    "https://kota.test/berita/1", w.author))
    assert [(x.channel_id, x.caption, x.asset_links) for x in post.variants] == [
        (r.instagram.id, "Caption IG", "https://drive.test/a"), (r.website.id, "Artikel", "")]
    assert post.variants[0].planned_at == post.planned_at  # defaults to the post's time
    assert post.variants[1].planned_at == later(11)
    assert (post.function, post.campaign, post.hashtags, post.website_url, post.assignee_id) == (
        CommunicationFunction.DIALOGUE, "Bulan Bakti", "#musrenbang #Kepri", "https://kota.test/berita/1",
        w.author.id)
    created = events(post, "post.created")[0]
    assert [x["channel_id"] for x in created.after["variants"]] == [r.instagram.id, r.website.id]
    assert created.after["hashtags"] == "#musrenbang #Kepri"


@pytest.mark.parametrize("bad", ["other_unit", "duplicate", "asset", "past", "plan"])
def test_nothing_is_half_saved_when_any_part_of_a_new_post_is_refused(w, bad):
    r = w.rows
    good = v.VariantSpec(r.instagram, "Caption IG")
    second = {"other_unit": v.VariantSpec(r.sub_instagram, "x"),
              "duplicate": v.VariantSpec(r.instagram, "lagi"),
              "asset": v.VariantSpec(r.facebook, "x", asset_links="drive folder"),
              "past": v.VariantSpec(r.facebook, "x", planned_at=utcnow() - timedelta(hours=1)),
              "plan": v.VariantSpec(r.facebook, "x")}[bad]
    plan = PlanFields(hashtags="#ok #not-ok") if bad == "plan" else None
    before = (count(Post), count(PostVariant), count(AuditEvent))
    with pytest.raises(RuleViolated) as error:
        new_post(w, good, second, plan=plan)
    assert (count(Post), count(PostVariant), count(AuditEvent)) == before
    expected = {"other_unit": "channel_id", "duplicate": "channel_id", "asset": "asset_links",
                "past": "variant_planned_at", "plan": "hashtags"}[bad]
    assert expected in [x.field for x in error.value.violations]
    if bad == "other_unit":
        assert "channel of another unit" in str(error.value)


def test_a_new_post_planned_in_the_past_is_refused_an_edit_may_keep_its_past_time(w):
    with pytest.raises(RuleViolated) as error:
        new_post(w, planned_at=utcnow() - timedelta(minutes=5))
    assert error.value.violations[0].field == "planned_at"
    past = utcnow() - timedelta(days=3)
    post = new_post(w, planned_at=later(), now=past - timedelta(days=1))  # the demo's history
    post.planned_at = past  # the plan has simply gone by
    db.session.commit()
    author = Access.load(w.author)
    s.update_post(w.author, author, post, post.version, title="Baru", body="", category=post.category,
                  planned_at=past)
    assert post.title == "Baru" and post.planned_at == past
    with pytest.raises(RuleViolated):
        s.update_post(w.author, author, post, post.version, title="Baru", body="",
                      category=post.category, planned_at=past - timedelta(hours=1))


def test_the_assignee_must_hold_the_author_or_contributor_role_for_the_unit(w):
    contributor = f.person(w.division, "Kontributor")
    f.role(contributor, w.division, Role.CONTRIBUTOR)
    post = new_post(w, plan=PlanFields(assignee=contributor))
    assert post.assignee_id == contributor.id
    for wrong in (w.reviewer, w.health_author, w.outside_author):
        with pytest.raises(RuleViolated) as error:
            new_post(w, plan=PlanFields(assignee=wrong))
        assert error.value.violations[0].field == "assignee_id"


def test_an_event_of_another_government_is_refused_one_of_its_own_kept(w):
    post = new_post(w, event=w.rows.event)
    assert post.event_id == w.rows.event.id
    with pytest.raises(RuleViolated) as error:
        new_post(w, event=w.rows.foreign_event)
    assert error.value.violations[0].field == "event_id"


def test_a_slot_variant_needs_a_real_occurrence_of_the_slot(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "Pagi", planned_at=r.slot_time, slot=r.slot),
                    planned_at=r.slot_time)
    assert (post.variants[0].slot_id, post.variants[0].planned_at) == (r.slot.id, r.slot_time)
    for at, channel in ((r.slot_time + timedelta(minutes=30), r.instagram),
                        (r.slot_time + timedelta(days=1), r.instagram),  # Tue, Thu or Sat
                        (r.slot_time, r.facebook)):
        with pytest.raises(RuleViolated) as error:
            new_post(w, v.VariantSpec(channel, "x", planned_at=at, slot=r.slot))
        assert "slot" in [x.field for x in error.value.violations]


def test_slot_occurrences_follow_the_rule_in_the_units_zone_and_its_end():
    wib = SimpleNamespace(zone=ZoneInfo("Asia/Jakarta"))
    slot = SimpleNamespace(rule="FREQ=WEEKLY;BYDAY=MO", starts_on=date(2030, 1, 7), time_of_day=time(9, 0),
                           ends_on=date(2030, 1, 21), channel=SimpleNamespace(unit=wib))
    monday = datetime(2030, 1, 14, 2, 0, tzinfo=timezone.utc)  # 09:00 WIB
    assert v.slot_occurs_at(slot, monday)
    assert not v.slot_occurs_at(slot, monday + timedelta(hours=1))
    assert not v.slot_occurs_at(slot, monday.replace(tzinfo=None))
    assert not v.slot_occurs_at(slot, monday + timedelta(days=14))  # after its last day
    assert not v.slot_occurs_at(slot, monday - timedelta(days=14))  # before its first
    slot.rule = "FREQ=SOMETIMES"
    assert not v.slot_occurs_at(slot, monday)


def test_adding_a_variant_checks_the_channel_and_audits_it(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "IG"))
    author = Access.load(w.author)
    version = post.version
    added = v.add_variant(w.author, author, post, version, v.VariantSpec(r.facebook, "FB", "Video 30 dtk"))
    assert post.version > version and added.planned_at == post.planned_at
    event = events(post, "post.variant_added")[-1]
    assert event.after["caption"] == "FB" and event.details["channel"] == "FB Prokompim"
    for spec, message in ((v.VariantSpec(r.sub_instagram, "x"), "channel of another unit"),
                          (v.VariantSpec(r.health_instagram, "x"), "channel of another unit"),
                          (v.VariantSpec(r.instagram, "x"), "already has a variant")):
        before = (count(PostVariant), count(AuditEvent), post.version)
        with pytest.raises(RuleViolated) as error:
            v.add_variant(w.author, author, post, post.version, spec)
        assert message in str(error.value)
        db.session.rollback()
        assert (count(PostVariant), count(AuditEvent), post.version) == before


def test_a_stale_version_never_overwrites_a_variant(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "IG"))
    author = Access.load(w.author)
    opened = post.version
    v.add_variant(w.author, author, post, opened, v.VariantSpec(r.facebook, "FB"))
    variant = post.variants[0]
    for call in (lambda: v.add_variant(w.author, author, post, opened, v.VariantSpec(r.website, "W")),
                 lambda: v.update_variant(w.author, author, post, opened, variant, caption="lama",
                                          media_notes="", asset_links="", planned_at=variant.planned_at),
                 lambda: v.remove_variant(w.author, author, post, opened, variant),
                 lambda: v.add_variant(w.author, author, post, None, v.VariantSpec(r.website, "W"))):
        with pytest.raises(StaleEdit) as error:
            call()
        assert error.value.what == "variant"
    db.session.refresh(variant)
    assert variant.caption == "IG" and count(PostVariant) == 2


def test_editing_a_variant_records_before_and_after_and_leaves_a_slot_it_moved_off(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "IG", planned_at=r.slot_time, slot=r.slot),
                    planned_at=r.slot_time)
    variant = post.variants[0]
    author = Access.load(w.author)
    v.update_variant(w.author, author, post, post.version, variant, caption="IG baru", media_notes="Foto",
                     asset_links="https://drive.test/x", planned_at=r.slot_time)
    assert variant.slot_id == r.slot.id
    event = events(post, "post.variant_edited")[-1]
    assert (event.before["caption"], event.after["caption"]) == ("IG", "IG baru")
    with pytest.raises(RuleViolated):
        v.update_variant(w.author, author, post, post.version, variant, caption="x", media_notes="",
                         asset_links="bukan alamat", planned_at=r.slot_time)
    db.session.rollback()
    db.session.refresh(variant)
    assert variant.caption == "IG baru"
    v.update_variant(w.author, author, post, post.version, variant, caption="IG baru", media_notes="",
                     asset_links="", planned_at=r.slot_time + timedelta(hours=2))
    assert variant.slot_id is None
    assert events(post, "post.variant_edited")[-1].after["slot_id"] is None


def test_removing_a_variant_is_audited_with_what_it_was(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "IG"), v.VariantSpec(r.facebook, "FB"))
    variant = post.variants[1]
    v.remove_variant(w.author, Access.load(w.author), post, post.version, variant)
    assert [x.channel_id for x in post.variants] == [r.instagram.id]
    assert events(post, "post.variant_removed")[-1].before["caption"] == "FB"


def test_variants_change_only_while_the_author_may_edit_the_post(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "IG"))
    with pytest.raises(TransitionRefused):  # not the author, not an account manager
        v.add_variant(w.reviewer, Access.load(w.reviewer), post, post.version, v.VariantSpec(r.facebook, "x"))
    s.submit(w.author, Access.load(w.author), post, post.version, ticked=f.checklist(post))
    with pytest.raises(TransitionRefused):  # in review
        v.add_variant(w.author, Access.load(w.author), post, post.version, v.VariantSpec(r.facebook, "x"))
    assert count(PostVariant) == 1
    assert len(events(post, "post.transition_refused")) == 2


def test_publishing_records_one_address_per_variant_with_the_time_it_went_out(w):
    r = w.rows
    post = new_post(w, v.VariantSpec(r.instagram, "IG"), v.VariantSpec(r.website, "Artikel"))
    for person in (w.author, w.reviewer, w.approver):
        fn = s.submit if person is w.author else s.approve
        fn(person, Access.load(person), post, post.version, ticked=f.checklist(post))
    ig, web = post.variants
    author = Access.load(w.author)
    with pytest.raises(RuleViolated):
        s.publish(w.author, author, post, post.version, urls={}, ticked=f.checklist(post),
                  variant_urls={ig.id: s.planning.Publication("https://i.test/p/1", utcnow() + timedelta(hours=1))})
    assert count(PostPublication) == 0 and post.state == PostState.APPROVED
    went_out = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    s.publish(w.author, author, post, post.version, urls={}, ticked=f.checklist(post),
              variant_urls={ig.id: s.planning.Publication("https://i.test/p/1", went_out),
                            web.id: s.planning.Publication("https://kota.test/berita/1")})
    rows = {p.variant_id: p for p in db.session.scalars(select(PostPublication))}
    assert rows[ig.id].platform == Platform.INSTAGRAM and rows[ig.id].published_at == went_out
    assert rows[web.id].platform == Platform.WEBSITE and rows[web.id].published_at == post.published_at
    assert post.state == PostState.PUBLISHED


def test_the_settings_of_the_unit_above_ask_for_the_website_link(w):
    from planner.queries.posts import planning_warnings_for

    post = new_post(w, v.VariantSpec(w.rows.instagram, "Sama"), v.VariantSpec(w.rows.facebook, " sama "))
    assert [x.field for x in planning_warnings_for(post)] == ["caption"]
    db.session.add(PlannerSettings(unit=w.city, require_website_link=True))
    db.session.commit()
    assert [x.field for x in planning_warnings_for(post)] == ["caption", "website_url"]
