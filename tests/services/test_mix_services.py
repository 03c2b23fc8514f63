"""Mix services and queries: the planning warning when a plan pushes the month past the
target, categories per government, target mixes (refusals, overlap, stale forms, audit)."""
from datetime import date

from planner.domain.content import MixBound, PostState
from planner.queries.mix import overshoot_warnings
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
