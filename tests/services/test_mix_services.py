"""Mix services and queries: the planning warning when a plan pushes the month past the
target, categories per government, target mixes (refusals, overlap, stale forms, audit)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.domain.content import MixBound, ParticipationLevel, PostState
from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.extensions import db
from planner.models import AuditEvent, MixTarget, MixTargetLine
from planner.permissions import Access
from planner.queries.mix import overshoot_warnings
from planner.services import categories as categories_service
from planner.services import targets
from planner.services.targets import LineSpec
from tests import factories as f
from tests.mix_helpers import categories, direct_target, placed_post, utc


def text(violation):
    return violation.message % violation.params


# -- overshoot_warnings ------------------------------------------------------------------

def test_a_plan_that_pushes_the_month_past_an_at_most_line_is_warned(ctx):
    w = f.world()
    cats = categories(w.division)
    direct_target(w.division, date(2026, 3, 1), None,
                  (MixBound.AT_MOST, 30, [cats["seremonial"]]),
                  (MixBound.AT_LEAST, 25, [cats["interaktif"], cats["kolaboratif"]]))
    # March in WIB: two ceremonial of seven (a subdivision's post counts for the division).
    placed_post(w.author, w.division, "seremonial", utc(2026, 3, 2, 2))
    placed_post(w.author, w.subdivision, "seremonial", utc(2026, 3, 31, 16, 59))
    for day in range(3, 8):
        placed_post(w.author, w.division, "interaktif", utc(2026, 3, day, 2))
    # Not in March WIB, or not planned: none of these counts.
    placed_post(w.author, w.division, "seremonial", utc(2026, 3, 31, 17))  # 1 April WIB
    placed_post(w.author, w.division, "seremonial", utc(2026, 3, 9), state=PostState.CANCELLED)
    placed_post(w.author, w.division, "seremonial", utc(2026, 3, 9), state=PostState.WITHDRAWN)
    placed_post(w.health_author, w.health, "seremonial", utc(2026, 3, 9))

    warnings = overshoot_warnings(w.division, cats["seremonial"], utc(2026, 3, 20, 2))
    assert [v.field for v in warnings] == ["category_id"]
    assert warnings[0].params == {"categories": "Seremonial", "share": "37.5", "count": 3,
                                  "total": 8, "percent": 30}
    assert "37.5 % of the month's planned posts (3 of 8)" in text(warnings[0])
    assert "at most 30 %" in text(warnings[0])
    # Another category, an excluded post being re-planned, or a month without target: fine.
    assert overshoot_warnings(w.division, cats["interaktif"], utc(2026, 3, 20)) == []
    assert overshoot_warnings(w.division, cats["seremonial"], utc(2026, 2, 20)) == []


def test_the_post_being_edited_is_counted_once(ctx):
    w = f.world()
    cats = categories(w.division)
    direct_target(w.division, date(2026, 3, 1), date(2026, 3, 31),
                  (MixBound.AT_MOST, 50, [cats["seremonial"]]))
    mine = placed_post(w.author, w.division, "seremonial", utc(2026, 3, 5))
    placed_post(w.author, w.division, "edukasi", utc(2026, 3, 6))
    # Counting `mine` again would make 2 of 3 (beyond); re-planning it stays 1 of 2.
    assert overshoot_warnings(w.division, cats["seremonial"], utc(2026, 3, 10),
                              exclude_post_id=mine.id) == []
    assert len(overshoot_warnings(w.division, cats["seremonial"], utc(2026, 3, 10))) == 1


def test_a_subdivision_follows_the_target_of_the_unit_above_unless_it_has_its_own(ctx):
    w = f.world()
    cats = categories(w.division)
    direct_target(w.division, date(2026, 1, 1), None, (MixBound.AT_MOST, 0, [cats["seremonial"]]))
    assert len(overshoot_warnings(w.subdivision, cats["seremonial"], utc(2026, 5, 1))) == 1
    direct_target(w.subdivision, date(2026, 5, 1), None,
                  (MixBound.AT_MOST, 100, [cats["seremonial"]]))
    assert overshoot_warnings(w.subdivision, cats["seremonial"], utc(2026, 5, 1)) == []
    assert overshoot_warnings(w.subdivision, cats["seremonial"], None) == []


# -- categories ----------------------------------------------------------------------------

def audit_actions(prefix):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
                              .order_by(AuditEvent.seq)).all()


def test_a_sysadmin_adds_edits_moves_deactivates_and_reactivates_a_category(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    made = categories_service.create_category(w.sysadmin, access, w.city, code="podcast-warga",
                                              name="Podcast warga",
                                              participation=ParticipationLevel.CONSULTATION)
    listed = categories_service.government_categories(w.city)
    assert listed[-1] == made and made.position == 7 and made.active
    loaded = categories_service.fingerprint(made)
    categories_service.update_category(w.sysadmin, access, made, loaded, name="Podcast Warga Kota",
                                       participation=ParticipationLevel.COLLABORATION, fast_track=False)
    assert (made.name, made.participation) == ("Podcast Warga Kota", ParticipationLevel.COLLABORATION)
    categories_service.move_category(w.sysadmin, access, made, "up")
    order = [c.code for c in categories_service.government_categories(w.city)]
    assert order[-2:] == ["podcast-warga", "krisis"]
    assert sorted(c.position for c in categories_service.government_categories(w.city)) == list(range(8))
    categories_service.move_category(w.sysadmin, access, listed[0], "up")  # the top stays the top
    assert categories_service.government_categories(w.city)[0].code == "seremonial"
    categories_service.set_active(w.sysadmin, access, made, False)
    assert not made.active
    categories_service.set_active(w.sysadmin, access, made, True)
    assert made.active
    assert audit_actions("category.")[-5:] == ["category.created", "category.updated",
                                               "category.moved", "category.deactivated",
                                               "category.reactivated"]


@pytest.mark.parametrize("code, name, field", [
    ("Podcast", "Podcast", "code"), ("podcast warga", "Podcast", "code"), ("-x", "X", "code"),
    ("a" * 41, "X", "code"), ("seremonial", "Seremonial lagi", "code"), ("podcast", "  ", "name")])
def test_a_bad_or_taken_code_or_an_empty_name_is_refused_and_nothing_is_added(ctx, code, name, field):
    w = f.world()
    before = len(categories_service.government_categories(w.city))
    with pytest.raises(RuleViolated) as refused:
        categories_service.create_category(w.sysadmin, Access.load(w.sysadmin), w.city, code=code,
                                           name=name, participation=ParticipationLevel.INFORMATION)
    assert [v.field for v in refused.value.violations] == [field]
    assert len(categories_service.government_categories(w.city)) == before


def test_the_same_code_may_exist_in_another_government(ctx):
    w = f.world()
    made = categories_service.create_category(w.outsider, Access.load(w.outsider), w.province,
                                              code="podcast", name="Podcast",
                                              participation=ParticipationLevel.INFORMATION)
    categories_service.create_category(w.sysadmin, Access.load(w.sysadmin), w.city, code="podcast",
                                       name="Podcast", participation=ParticipationLevel.INFORMATION)
    assert made.government_id == w.province.id


def test_only_a_sysadmin_of_the_government_manages_its_categories(ctx):
    w = f.world()
    seremonial = categories(w.city)["seremonial"]
    for someone in (w.approver, w.author, w.auditor, w.outsider):
        access = Access.load(someone)
        with pytest.raises(NotPermitted):
            categories_service.create_category(someone, access, w.city, code="baru", name="Baru",
                                               participation=ParticipationLevel.INFORMATION)
        with pytest.raises(NotPermitted):
            categories_service.set_active(someone, access, seremonial, False)
        with pytest.raises(NotPermitted):
            categories_service.move_category(someone, access, seremonial, "down")
    assert seremonial.active and seremonial.position == 0


def test_an_edit_from_a_form_opened_before_another_change_is_stale(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    edukasi = categories(w.city)["edukasi"]
    opened = categories_service.fingerprint(edukasi)
    categories_service.update_category(w.sysadmin, access, edukasi, opened, name="Edukasi",
                                       participation=ParticipationLevel.INFORMATION, fast_track=False)
    with pytest.raises(StaleEdit):
        categories_service.update_category(w.sysadmin, access, edukasi, opened, name="Sosialisasi",
                                           participation=ParticipationLevel.INFORMATION,
                                           fast_track=False)
    with pytest.raises(StaleEdit):
        categories_service.update_category(w.sysadmin, access, edukasi, None, name="Sosialisasi",
                                           participation=ParticipationLevel.INFORMATION,
                                           fast_track=False)
    assert edukasi.name == "Edukasi"


def test_fast_track_stays_while_an_sop_in_force_has_a_fast_track_route_for_it(ctx):
    w = f.world()
    f.sop(w.division)  # a fast-track route for krisis
    krisis = categories(w.city)["krisis"]
    with pytest.raises(RuleViolated) as refused:
        categories_service.update_category(
            w.sysadmin, Access.load(w.sysadmin), krisis, categories_service.fingerprint(krisis),
            name=krisis.name, participation=krisis.participation, fast_track=False)
    assert "Bagian Prokompim" in text(refused.value.violations[0])
    assert krisis.fast_track_allowed


# -- target mixes --------------------------------------------------------------------------

def spec(bound, percent, *cats):
    return LineSpec(bound, percent, tuple(c.id for c in cats))


def target_count():
    return db.session.scalar(select(func.count(MixTarget.id)))


def test_an_approver_sets_edits_and_ends_a_target_with_its_audit_trail(ctx):
    w = f.world()
    cats = categories(w.division)
    access = Access.load(w.approver)
    target = targets.create_target(w.approver, access, w.division, starts_on=date(2026, 1, 1),
                                   ends_on=None, note="Kurangi seremonial",
                                   lines=[spec(MixBound.AT_MOST, 30, cats["seremonial"]),
                                          spec(MixBound.AT_LEAST, 25, cats["kolaboratif"],
                                               cats["interaktif"])])
    assert [(l.bound, l.percent, [c.code for c in l.categories]) for l in target.lines] == [
        (MixBound.AT_MOST, 30, ["seremonial"]),
        (MixBound.AT_LEAST, 25, ["interaktif", "kolaboratif"])]  # in ladder order
    targets.update_target(w.approver, access, target, target.version, starts_on=date(2026, 2, 1),
                          ends_on=None, lines=[spec(MixBound.AT_MOST, 40, cats["seremonial"])])
    assert target.starts_on == date(2026, 2, 1) and len(target.lines) == 1
    assert db.session.scalar(select(func.count(MixTargetLine.id))) == 1  # old lines gone
    targets.end_target(w.approver, access, target, target.version, last_month=date(2026, 6, 1))
    assert target.ends_on == date(2026, 6, 30)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("mix_target."))
                                .order_by(AuditEvent.seq)).all()
    assert [e.action for e in events] == ["mix_target.created", "mix_target.updated", "mix_target.ended"]
    assert events[1].before["lines"][0]["percent"] == 30 and events[1].after["lines"][0]["percent"] == 40
    assert events[0].unit_id == w.division.id and events[0].actor_id == w.approver.id


@pytest.mark.parametrize("lines, message", [
    ("over100", "adds up to more than 100 %"),
    ("twice", "is in two 'at least' lines"),
    ("contradiction", "contradicts at most"),
    ("none", "at least one line"),
    ("empty_line", "names no category"),
    ("foreign", "does not have"),
])
def test_a_target_that_cannot_hold_is_refused_and_nothing_is_saved(ctx, lines, message):
    w = f.world()
    cats = categories(w.division)
    other = categories(w.province)["interaktif"]
    chosen = {
        "over100": [spec(MixBound.AT_LEAST, 60, cats["interaktif"]),
                    spec(MixBound.AT_LEAST, 50, cats["kolaboratif"])],
        "twice": [spec(MixBound.AT_LEAST, 20, cats["interaktif"]),
                  spec(MixBound.AT_LEAST, 20, cats["interaktif"], cats["kolaboratif"])],
        "contradiction": [spec(MixBound.AT_MOST, 20, cats["seremonial"]),
                          spec(MixBound.AT_LEAST, 40, cats["seremonial"])],
        "none": [],
        "empty_line": [spec(MixBound.AT_MOST, 20)],
        "foreign": [spec(MixBound.AT_MOST, 20, other)],
    }[lines]
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(RuleViolated) as refused:
        targets.create_target(w.approver, Access.load(w.approver), w.division,
                              starts_on=date(2026, 1, 1), ends_on=None, lines=chosen)
    assert message in " | ".join(text(v) for v in refused.value.violations)
    assert target_count() == 0 and db.session.scalar(select(func.count(MixTargetLine.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_deactivated_category_is_refused_on_a_new_target_but_kept_on_one_that_has_it(ctx):
    w = f.world()
    cats = categories(w.division)
    access = Access.load(w.approver)
    target = targets.create_target(w.approver, access, w.division, starts_on=date(2026, 1, 1),
                                   ends_on=None, lines=[spec(MixBound.AT_MOST, 30, cats["krisis"])])
    categories_service.set_active(w.sysadmin, Access.load(w.sysadmin), cats["krisis"], False)
    with pytest.raises(RuleViolated) as refused:
        targets.create_target(w.approver, access, w.subdivision, starts_on=date(2026, 1, 1),
                              ends_on=None, lines=[spec(MixBound.AT_MOST, 30, cats["krisis"])])
    assert "no longer in use" in text(refused.value.violations[0])
    targets.update_target(w.approver, access, target, target.version, starts_on=date(2026, 1, 1),
                          ends_on=None, lines=[spec(MixBound.AT_MOST, 20, cats["krisis"])])
    assert target.lines[0].percent == 20


@pytest.mark.parametrize("starts_on, ends_on, field", [
    (date(2026, 1, 2), None, "starts_on"), (date(2026, 1, 1), date(2026, 3, 30), "ends_on"),
    (date(2026, 3, 1), date(2026, 1, 31), "ends_on"), (None, None, "starts_on")])
def test_a_period_that_is_not_whole_months_is_refused(ctx, starts_on, ends_on, field):
    w = f.world()
    with pytest.raises(RuleViolated) as refused:
        targets.create_target(w.approver, Access.load(w.approver), w.division, starts_on=starts_on,
                              ends_on=ends_on,
                              lines=[spec(MixBound.AT_MOST, 30, categories(w.division)["seremonial"])])
    assert field in [v.field for v in refused.value.violations]
    assert target_count() == 0


def test_overlapping_periods_of_one_unit_are_refused_naming_the_other_period(ctx):
    w = f.world()
    seremonial = categories(w.division)["seremonial"]
    access = Access.load(w.approver)
    lines = [spec(MixBound.AT_MOST, 30, seremonial)]
    first = targets.create_target(w.approver, access, w.division, starts_on=date(2026, 1, 1),
                                  ends_on=date(2026, 6, 30), lines=lines)
    with pytest.raises(RuleViolated) as refused:
        targets.create_target(w.approver, access, w.division, starts_on=date(2026, 6, 1),
                              ends_on=None, lines=lines)
    assert refused.value.violations[0].params == {"start": date(2026, 1, 1), "end": date(2026, 6, 30)}
    later = targets.create_target(w.approver, access, w.division, starts_on=date(2026, 7, 1),
                                  ends_on=None, lines=lines)
    # Extending the first into the second's months is an overlap too; so is moving the later one.
    with pytest.raises(RuleViolated):
        targets.end_target(w.approver, access, first, first.version, last_month=date(2026, 8, 1))
    with pytest.raises(RuleViolated) as refused:
        targets.update_target(w.approver, access, later, later.version, starts_on=date(2026, 5, 1),
                              ends_on=None, lines=lines)
    assert refused.value.violations[0].params == {"start": date(2026, 1, 1), "end": date(2026, 6, 30)}
    # Another unit (even the one below) has periods of its own.
    targets.create_target(w.approver, access, w.subdivision, starts_on=date(2026, 1, 1),
                          ends_on=None, lines=lines)
    assert target_count() == 3 and first.ends_on == date(2026, 6, 30)


def test_a_stale_target_form_is_refused_and_changes_nothing(ctx):
    w = f.world()
    seremonial = categories(w.division)["seremonial"]
    access = Access.load(w.approver)
    target = targets.create_target(w.approver, access, w.division, starts_on=date(2026, 1, 1),
                                   ends_on=None, lines=[spec(MixBound.AT_MOST, 30, seremonial)])
    opened = target.version
    targets.update_target(w.approver, access, target, opened, starts_on=date(2026, 1, 1),
                          ends_on=None, lines=[spec(MixBound.AT_MOST, 35, seremonial)])
    with pytest.raises(StaleEdit) as stale:
        targets.update_target(w.sysadmin, Access.load(w.sysadmin), target, opened,
                              starts_on=date(2026, 1, 1), ends_on=None,
                              lines=[spec(MixBound.AT_MOST, 10, seremonial)])
    assert stale.value.changed_by == "Kepala Bagian"
    with pytest.raises(StaleEdit):
        targets.end_target(w.approver, access, target, opened, last_month=date(2026, 3, 1))
    db.session.expire_all()
    assert target.lines[0].percent == 35 and target.ends_on is None


def test_only_approving_heads_and_sysadmins_above_the_unit_set_its_targets(ctx):
    w = f.world()
    lines = [spec(MixBound.AT_MOST, 30, categories(w.division)["seremonial"])]
    for someone in (w.author, w.reviewer, w.auditor, w.health_author):
        with pytest.raises(NotPermitted):
            targets.create_target(someone, Access.load(someone), w.division,
                                  starts_on=date(2026, 1, 1), ends_on=None, lines=lines)
    targets.create_target(w.sysadmin, Access.load(w.sysadmin), w.health, starts_on=date(2026, 1, 1),
                          ends_on=None, lines=lines)
    with pytest.raises(NotPermitted):  # the approver of the division is not above Dinkes
        targets.create_target(w.approver, Access.load(w.approver), w.health,
                              starts_on=date(2026, 2, 1), ends_on=None, lines=lines)
    assert target_count() == 1


# -- at the same moment (PostgreSQL) ---------------------------------------------------------

def test_two_overlapping_targets_saved_at_the_same_moment_only_one_is_kept(pg_app):
    from planner.models import Category, Person, Unit
    from tests.services.test_concurrency import race

    with pg_app.app_context():
        w = f.world()
        ids = {"approver": w.approver.id, "unit": w.division.id,
               "category": categories(w.division)["seremonial"].id}

    def work(i, barrier):
        approver = db.session.get(Person, ids["approver"])
        access = Access.load(approver)
        unit, category = db.session.get(Unit, ids["unit"]), db.session.get(Category, ids["category"])
        barrier.wait()
        return targets.create_target(approver, access, unit, starts_on=date(2026, 1 + i, 1),
                                     ends_on=None, lines=[spec(MixBound.AT_MOST, 30 + i, category)])

    outcomes = race(pg_app, work)
    assert sum(isinstance(o, MixTarget) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, RuleViolated) for o in outcomes) == 1, outcomes
    with pg_app.app_context():
        assert target_count() == 1


def test_two_categories_with_one_code_at_the_same_moment_only_one_is_added(pg_app):
    from planner.models import Person, Unit
    from tests.services.test_concurrency import race

    with pg_app.app_context():
        w = f.world()
        ids = {"admin": w.sysadmin.id, "city": w.city.id}

    def work(i, barrier):
        admin = db.session.get(Person, ids["admin"])
        access, city = Access.load(admin), db.session.get(Unit, ids["city"])
        barrier.wait()
        return categories_service.create_category(admin, access, city, code="podcast",
                                                  name=f"Podcast {i}",
                                                  participation=ParticipationLevel.INFORMATION)

    outcomes = race(pg_app, work)
    assert sum(isinstance(o, RuleViolated) for o in outcomes) == 1, outcomes
    with pg_app.app_context():
        from planner.models import Category
        assert db.session.scalar(select(func.count(Category.id)).where(Category.code == "podcast")) == 1
