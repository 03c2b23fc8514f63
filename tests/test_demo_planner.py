"""The demo's content planner (loaded by `seed-demo` on SQLite and PostgreSQL) reads like
the studies and leaves the live journeys something to do; and the planner generator makes
what it is asked for, at a small size."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from planner.domain.content import EventStatus, Platform, PostState, StepKind
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import (AgendaEvent, Amplification, AuditEvent, Category, Channel,
                            CoverageAssignment, Distribution, DistributionGroup, FollowerCount,
                            MixTarget, PlannerSettings, Post, PostPublication, PostStep, PostVariant,
                            RoleAssignment, Unit, UploadSlot)

PROKOMPIM = "Bagian Protokol dan Komunikasi Pimpinan"
AUTHOR = "author@demo.pranata.test"


@pytest.fixture
def prokompim(demo):
    with demo.app_context():
        yield db.session.scalar(select(Unit).where(Unit.name == PROKOMPIM))


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_the_demo_has_channels_of_every_kind_the_studies_name_with_monthly_follower_counts(prokompim):
    platforms = set(db.session.scalars(select(Channel.platform)))
    assert platforms == set(Platform)
    units = set(db.session.scalars(select(Unit.short_name).join(Channel, Channel.unit_id == Unit.id)))
    assert {"Prokompim", "Diskominfo", "Dinkes", "DPPPA Sumsel", "Pemko Tanjungpinang"} <= units
    instagram = db.session.scalar(select(Channel).where(Channel.unit_id == prokompim.id,
                                                        Channel.platform == Platform.INSTAGRAM))
    counts = list(db.session.scalars(select(FollowerCount).where(FollowerCount.channel_id == instagram.id)
                                     .order_by(FollowerCount.recorded_on)))
    assert len(counts) == 7 and counts[0].followers < counts[-1].followers
    assert (counts[-1].recorded_on - counts[0].recorded_on).days >= 180
    assert instagram.weekly_target == 3
    assert [s.rule for s in instagram.slots] == ["FREQ=WEEKLY;BYDAY=MO,WE,FR"]
    assert instagram.slots[0].time_of_day.hour == 9


def test_prokompim_requires_a_website_link_and_aims_at_a_mix_it_misses(prokompim):
    settings = db.session.scalar(select(PlannerSettings).where(PlannerSettings.unit_id == prokompim.id))
    assert (settings.require_website_link, settings.slot_tolerance_minutes,
            settings.distribution_target_percent) == (True, 60, 40)
    target = db.session.scalar(select(MixTarget).where(MixTarget.unit_id == prokompim.id))
    lines = [(line.bound.value, line.percent, sorted(c.code for c in line.categories))
             for line in target.lines]
    assert lines == [("at_most", 30, ["seremonial"]), ("at_least", 25, ["interaktif", "kolaboratif"])]

    published = list(db.session.execute(
        select(Category.code, func.count()).join(Post, Post.category_id == Category.id)
        .where(Post.unit_id == prokompim.id, Post.state == PostState.PUBLISHED)
        .group_by(Category.code)))
    counts = dict(published)
    total = sum(counts.values())
    assert 120 <= total <= 200
    ceremonial = counts["seremonial"] / total
    interactive = (counts.get("interaktif", 0) + counts.get("kolaboratif", 0)) / total
    assert 0.6 <= ceremonial <= 0.8, counts  # far above the 30 % the target allows
    assert 0 < interactive < 0.25, counts


def test_six_months_of_history_published_with_variants_near_and_off_the_slots(prokompim):
    first, last = db.session.execute(
        select(func.min(PostPublication.published_at), func.max(PostPublication.published_at))).one()
    assert (last - first).days >= 175
    assert last < datetime.now(timezone.utc)
    per_post = dict(db.session.execute(select(PostVariant.post_id, func.count())
                                       .group_by(PostVariant.post_id)).all())
    assert max(per_post.values()) >= 3
    assert _count(select(PostPublication.id).where(PostPublication.variant_id.is_(None))) <= 2
    # The studies' copied caption: the same text on Instagram and Facebook for most posts.
    instagram, facebook = (aliased_caption(prokompim, p) for p in (Platform.INSTAGRAM, Platform.FACEBOOK))
    shared = [post for post, caption in instagram.items() if facebook.get(post) == caption]
    assert len(shared) > len(instagram) / 2
    # Publications near their slot, and some far from it.
    rows = db.session.execute(select(PostVariant.planned_at, PostPublication.published_at)
                              .join(PostPublication, PostPublication.variant_id == PostVariant.id)
                              .where(PostVariant.slot_id.is_not(None))).all()
    gaps = [abs((published - planned).total_seconds()) / 60 for planned, published in rows]
    assert sum(g <= 60 for g in gaps) > len(gaps) / 2 and any(g > 60 for g in gaps)


def aliased_caption(unit, platform) -> dict[int, str]:
    return dict(db.session.execute(
        select(PostVariant.post_id, PostVariant.caption).join(Channel, PostVariant.channel_id == Channel.id)
        .join(Post, PostVariant.post_id == Post.id)
        .where(Post.unit_id == unit.id, Channel.platform == platform)).all())


def test_published_posts_carry_the_steps_of_their_sop_route(prokompim):
    posts = list(db.session.scalars(select(Post).join(Category).where(
        Post.unit_id == prokompim.id, Post.state == PostState.PUBLISHED,
        Category.code != "krisis")))  # the crisis route skips the Kabag (fast track)
    assert len(posts) > 100
    for post in posts:
        kinds = [s.step_kind for s in post.steps]
        actions = [s.action for s in post.steps]
        assert actions[:4] == ["submit", "approve", "approve", "publish"], (post.title, actions)
        assert kinds[:4] == [StepKind.DRAFT, StepKind.REVIEW, StepKind.APPROVE, StepKind.PUBLISH]
        times = [s.performed_at for s in post.steps]
        assert times == sorted(times) and post.sop_version_id is not None
        assert post.version == 1 + len(post.steps)
        assert post.steps[1].actor_id != post.steps[2].actor_id != post.author_id
        publications = [p.published_at for p in post.publications if p.published_at]
        assert not publications or post.steps[2].performed_at < min(publications)


def test_live_journeys_have_an_empty_instagram_slot_an_undistributed_post_and_a_cascade(prokompim):
    now = datetime.now(timezone.utc)
    instagram = db.session.scalar(select(Channel).where(Channel.unit_id == prokompim.id,
                                                        Channel.platform == Platform.INSTAGRAM))
    assert _count(select(PostVariant.id).where(PostVariant.channel_id == instagram.id,
                                               PostVariant.planned_at >= now)) == 0
    slot = instagram.slots[0]
    assert slot.active and slot.ends_on is None
    author = db.session.scalar(select(RoleAssignment).join(RoleAssignment.person).where(
        RoleAssignment.unit_id == prokompim.id, RoleAssignment.role == Role.AUTHOR,
        RoleAssignment.valid_to.is_(None)))
    assert author.person.email == AUTHOR
    assert author.person.password_hash  # the demo author signs in
    undistributed = list(db.session.scalars(select(Post).where(
        Post.unit_id == prokompim.id, Post.state == PostState.PUBLISHED,
        ~select(Distribution.id).where(Distribution.post_id == Post.id).exists())))
    assert len(undistributed) >= 3
    groups = list(db.session.scalars(select(DistributionGroup).where(
        DistributionGroup.unit_id == prokompim.id)))
    assert sum(g.level.value == "subdistrict" for g in groups) >= 2 and all(g.members > 0 for g in groups)
    assert {g.level.value for g in groups} == {"city", "district", "subdistrict", "neighbourhood"}
    assert _count(select(Distribution.id)) > 0 and _count(select(Amplification.id)) >= 3


def test_the_heads_agenda_is_mostly_covered_but_an_upcoming_event_is_not(prokompim):
    now = datetime.now(timezone.utc)
    covered = select(CoverageAssignment.id).where(CoverageAssignment.event_id == AgendaEvent.id).exists()
    past = _count(select(AgendaEvent.id).where(AgendaEvent.starts_at < now))
    past_covered = _count(select(AgendaEvent.id).where(AgendaEvent.starts_at < now, covered))
    assert past >= 80 and past_covered > 0.75 * past
    upcoming = list(db.session.scalars(select(AgendaEvent).where(
        AgendaEvent.starts_at >= now, AgendaEvent.status == EventStatus.CONFIRMED,
        AgendaEvent.leader == "Wali Kota Tanjungpinang", ~covered)))
    assert upcoming and upcoming[0].starts_at < now + timedelta(days=5)
    coming = _count(select(AgendaEvent.id).where(AgendaEvent.starts_at >= now))
    assert _count(select(AgendaEvent.id).where(AgendaEvent.starts_at >= now, covered)) > coming / 2
    from_events = _count(select(Post.id).where(Post.event_id.is_not(None)))
    assert from_events > 50


def test_the_import_is_one_audit_event_and_the_chain_still_verifies(demo):
    result = demo.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with demo.app_context():
        imported = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "demo.planner_history_imported")))
        assert len(imported) == 1 and imported[0].details["posts"] >= 150


def test_loading_the_demo_again_adds_nothing(demo):
    with demo.app_context():
        before = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                  for m in (Channel, UploadSlot, Post, PostStep, AgendaEvent, Distribution)}
    result = demo.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "0 records created" in result.output
    with demo.app_context():
        assert before == {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                          for m in (Channel, UploadSlot, Post, PostStep, AgendaEvent, Distribution)}


def test_the_generator_makes_the_planner_data_asked_for(ctx):
    from planner.demo.generator import generate_government

    made = generate_government(5, audit_events=0, planner_posts=300, today=date(2026, 3, 10))
    counts = made["planner"]
    assert counts["posts"] == 300
    root = made["root"]
    assert _count(select(Post.id).where(Post.title.not_like("Unggahan %"))) == 300
    assert 300 <= counts["variants"] <= 900 and counts["variants"] == _count(select(PostVariant.id))
    variants = dict(db.session.execute(select(PostVariant.post_id, func.count())
                                       .group_by(PostVariant.post_id)).all())
    assert len(variants) == 300 and set(variants.values()) <= {1, 2, 3}
    assert counts["publications"] == _count(select(PostPublication.id)) > 0
    assert counts["channels"] == _count(select(Channel.id)) == 5 * 3 + 3
    assert _count(select(UploadSlot.id)) == counts["channels"] - 1  # the cascade has none
    assert counts["agenda_events"] == _count(select(AgendaEvent.id)) >= 75
    assert counts["distributions"] == _count(select(Distribution.id)) > 0
    assert counts["distribution_groups"] == _count(select(DistributionGroup.id))
    codes = dict(db.session.execute(select(Category.code, func.count()).join(Post, Post.category_id == Category.id)
                                    .where(Post.title.not_like("Unggahan %")).group_by(Category.code)).all())
    assert codes["seremonial"] > codes.get("interaktif", 0) > 0
    published = list(db.session.scalars(select(Post).where(Post.state == PostState.PUBLISHED).limit(20)))
    assert published and all(p.version == 1 + len(p.steps) and p.steps[-1].action == "publish"
                             for p in published)
    assert db.session.get(MixTarget, 1).unit_id == root.id
