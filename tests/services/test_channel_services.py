"""Channels, follower counts and planner settings: bad input refused with nothing saved,
duplicate handles, stale versions, owner changes, permissions and the audit events."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from planner.domain.content import Platform
from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.extensions import db
from planner.models import AuditEvent, Channel, FollowerCount, PlannerSettings, PostVariant
from planner.permissions import Access
from planner.queries.planning import settings_for
from planner.services import channels as service
from tests import factories as f
from tests import planner_factories as pf


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


def messages(error) -> str:
    return " | ".join(v.message % v.params if v.params else v.message for v in error.value.violations)


def new(w, who=None, unit=None, **values):
    who = who or w.author
    defaults = {"platform": Platform.INSTAGRAM, "name": "Instagram Prokompim", "handle": "@prokompim",
                "url": None, "weekly_target": 5}
    return service.create_channel(who, Access.load(who), unit or w.division, **{**defaults, **values})


def test_a_channel_is_created_and_audited(ctx):
    w = pf.planner_world()
    channel = new(w, url="https://instagram.com/prokompim")
    assert (channel.unit_id, channel.handle, channel.weekly_target, channel.active) == (
        w.division.id, "@prokompim", 5, True)
    [event] = audits("channel.created")
    assert event.actor_id == w.author.id and event.unit_id == w.division.id
    assert event.after["handle"] == "@prokompim" and event.after["platform"] == "instagram"


def test_a_whatsapp_cascade_needs_only_a_name(ctx):
    w = pf.planner_world()
    channel = new(w, platform=Platform.WHATSAPP, name="Kaskade WhatsApp kecamatan", handle="")
    assert channel.handle == "" and channel.url is None


@pytest.mark.parametrize("values, field", [
    ({"name": "  "}, "name"),
    ({"handle": "", "url": None}, "handle"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "instagram.com/prokompim"}, "url"),
    ({"weekly_target": 101}, "weekly_target"),
    ({"weekly_target": -3}, "weekly_target"),
    ({"platform": "myspace"}, "platform"),
])
def test_bad_input_is_refused_and_nothing_is_saved(ctx, values, field):
    w = pf.planner_world()
    with pytest.raises(RuleViolated) as refused:
        new(w, **values)
    assert field in [v.field for v in refused.value.violations]
    assert count(Channel) == 0 and audits("channel.created") == []


def test_a_handle_is_unique_per_unit_and_platform_whatever_its_case(ctx):
    w = pf.planner_world()
    new(w, handle="@Prokompim")
    with pytest.raises(RuleViolated) as refused:
        new(w, handle=" @prokompim ", name="Lagi")
    assert "already has a channel on this platform with the handle “@prokompim”" in messages(refused)
    new(w, platform=Platform.TIKTOK, handle="@prokompim")  # another platform
    new(w, unit=w.subdivision, handle="@prokompim")  # another unit
    assert count(Channel) == 3


def test_two_cascades_without_a_handle_are_told_apart_by_a_handle(ctx):
    w = pf.planner_world()
    new(w, platform=Platform.WHATSAPP, name="Kaskade 1", handle="")
    with pytest.raises(RuleViolated) as refused:
        new(w, platform=Platform.WHATSAPP, name="Kaskade 2", handle="")
    assert "without a handle" in messages(refused)
    new(w, platform=Platform.WHATSAPP, name="Kaskade 2", handle="Grup RT")
    assert count(Channel) == 2


def test_a_duplicate_that_slips_past_the_check_is_caught_by_the_constraint(ctx, monkeypatch):
    w = pf.planner_world()
    new(w)
    monkeypatch.setattr(service, "_refuse_taken_handle", lambda *args: None)
    with pytest.raises(RuleViolated) as refused:
        new(w, name="Kembar")
    assert refused.value.violations[0].field == "handle"
    assert count(Channel) == 1 and len(audits("channel.created")) == 1


@pytest.mark.parametrize("who", ["contributor", "reviewer", "auditor", "outsider", "health_author"])
def test_only_authors_approvers_and_sysadmins_of_the_unit_manage_its_channels(ctx, who):
    w = pf.planner_world()
    with pytest.raises(NotPermitted):
        new(w, who=getattr(w, who))
    assert count(Channel) == 0


def edit(w, channel, version, who=None, **values):
    who = who or w.author
    current = {"unit": channel.unit, "platform": channel.platform, "name": channel.name,
               "handle": channel.handle, "url": channel.url, "weekly_target": channel.weekly_target,
               "active": channel.active}
    return service.update_channel(who, Access.load(who), channel, version, **{**current, **values})


def test_an_edit_records_what_changed(ctx):
    w = pf.planner_world()
    channel = new(w)
    edit(w, channel, channel.version, who=w.approver, weekly_target=7, active=False)
    assert (channel.weekly_target, channel.active, channel.version) == (7, False, 2)
    [event] = audits("channel.updated")
    assert event.before == {"weekly_target": 5, "active": True}
    assert event.after == {"weekly_target": 7, "active": False}
    edit(w, channel, channel.version)  # nothing changed: nothing audited
    assert len(audits("channel.updated")) == 1


def test_a_stale_edit_is_refused_naming_who_saved(ctx):
    w = pf.planner_world()
    channel = new(w)
    opened = channel.version
    edit(w, channel, opened, who=w.approver, name="Instagram resmi")
    with pytest.raises(StaleEdit) as stale:
        edit(w, channel, opened, name="Instagram lama")
    assert stale.value.changed_by == "Kepala Bagian"
    with pytest.raises(StaleEdit):
        edit(w, channel, None, name="Tanpa versi")
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).name == "Instagram resmi"


def test_an_edit_cannot_take_another_channels_handle(ctx):
    w = pf.planner_world()
    new(w, handle="@satu")
    other = new(w, handle="@dua", name="Dua")
    with pytest.raises(RuleViolated):
        edit(w, other, other.version, handle="@SATU")
    db.session.expire_all()
    assert db.session.get(Channel, other.id).handle == "@dua"


def test_the_owner_moves_only_within_the_government_and_before_any_variant(ctx):
    w = pf.planner_world()
    channel = new(w, who=w.sysadmin)
    with pytest.raises(RuleViolated) as refused:
        service.update_channel(w.sysadmin, None, channel, channel.version, unit=w.agency,
                               platform=channel.platform, name=channel.name, handle=channel.handle,
                               url=None, weekly_target=5, active=True)
    assert refused.value.violations[0].field == "unit_id"
    with pytest.raises(NotPermitted):  # the author does not manage Dinas Kesehatan
        edit(w, channel, channel.version, unit=w.health)
    edit(w, channel, channel.version, who=w.sysadmin, unit=w.subdivision)
    assert channel.unit_id == w.subdivision.id
    post = f.post(w.author, w.subdivision)
    db.session.add(PostVariant(post=post, channel=channel, caption="Teks"))
    db.session.commit()
    with pytest.raises(RuleViolated) as refused:
        edit(w, channel, channel.version, who=w.sysadmin, unit=w.health)
    assert "variants" in messages(refused)
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).unit_id == w.subdivision.id


def test_a_follower_count_a_day_and_a_correction_keeps_the_old_number(ctx):
    w = pf.planner_world()
    channel = new(w)
    day = w.division.today() - timedelta(days=1)
    pf.followers(channel, w.author, day, 1200)
    pf.followers(channel, w.approver, day, 1250)
    pf.followers(channel, w.approver, day, 1250)  # the same number again: nothing to record
    rows = db.session.scalars(select(FollowerCount)).all()
    assert [(r.recorded_on, r.followers, r.recorded_by_id) for r in rows] == [(day, 1250, w.approver.id)]
    [recorded] = audits("channel.followers_recorded")
    [corrected] = audits("channel.followers_corrected")
    assert recorded.after == {"recorded_on": day.isoformat(), "followers": 1200}
    assert corrected.before["followers"] == 1200 and corrected.after["followers"] == 1250


@pytest.mark.parametrize("shift, number, field", [(1, 10, "recorded_on"), (0, -1, "followers"),
                                                  (0, None, "followers")])
def test_bad_counts_are_refused(ctx, shift, number, field):
    w = pf.planner_world()
    channel = new(w)
    with pytest.raises(RuleViolated) as refused:
        service.record_followers(w.author, Access.load(w.author), channel,
                                 recorded_on=w.division.today() + timedelta(days=shift), followers=number)
    assert [v.field for v in refused.value.violations] == [field]
    assert count(FollowerCount) == 0 and audits("channel.followers_recorded") == []


def test_only_channel_managers_record_counts(ctx):
    w = pf.planner_world()
    channel = new(w)
    with pytest.raises(NotPermitted):
        service.record_followers(w.contributor, Access.load(w.contributor), channel,
                                 recorded_on=date(2025, 1, 1), followers=5)


def save(w, unit, version, who=None, **values):
    who = who or w.approver
    defaults = {"require_website_link": True, "slot_tolerance_minutes": 30,
                "distribution_target_percent": 60}
    return service.save_settings(who, Access.load(who), unit, version, **{**defaults, **values})


def test_settings_are_created_then_edited_and_followed_below(ctx):
    w = pf.planner_world()
    assert settings_for(w.subdivision).source_unit_id is None
    row = save(w, w.division, service.NO_ROW_YET)
    effective = settings_for(w.subdivision)
    assert (effective.require_website_link, effective.slot_tolerance_minutes,
            effective.distribution_target_percent, effective.source_unit_id) == (True, 30, 60, w.division.id)
    save(w, w.division, row.version, distribution_target_percent=None)
    assert settings_for(w.division).distribution_target_percent is None
    [created] = audits("planner_settings.created")
    [updated] = audits("planner_settings.updated")
    assert created.after["slot_tolerance_minutes"] == 30
    assert updated.before == {"distribution_target_percent": 60}
    assert updated.after == {"distribution_target_percent": None}


def test_stale_settings_are_refused(ctx):
    w = pf.planner_world()
    row = save(w, w.division, service.NO_ROW_YET)
    with pytest.raises(StaleEdit) as stale:  # a second "first" save, opened before the first
        save(w, w.division, service.NO_ROW_YET, who=w.sysadmin)
    assert stale.value.changed_by == "Kepala Bagian"
    opened = row.version
    save(w, w.division, opened, slot_tolerance_minutes=90)
    with pytest.raises(StaleEdit):
        save(w, w.division, opened, slot_tolerance_minutes=15)
    with pytest.raises(StaleEdit):  # a version for a unit without settings
        save(w, w.subdivision, 3)
    assert settings_for(w.division).slot_tolerance_minutes == 90
    assert count(PlannerSettings) == 1


@pytest.mark.parametrize("values", [{"slot_tolerance_minutes": 1441}, {"slot_tolerance_minutes": -1},
                                    {"slot_tolerance_minutes": None},
                                    {"distribution_target_percent": 101}])
def test_bad_settings_are_refused(ctx, values):
    w = pf.planner_world()
    with pytest.raises(RuleViolated):
        save(w, w.division, service.NO_ROW_YET, **values)
    assert count(PlannerSettings) == 0 and audits("planner_settings.created") == []


@pytest.mark.parametrize("who", ["author", "contributor", "reviewer", "auditor"])
def test_only_approvers_and_sysadmins_set_the_targets(ctx, who):
    w = pf.planner_world()
    with pytest.raises(NotPermitted):
        save(w, w.division, service.NO_ROW_YET, who=getattr(w, who))
