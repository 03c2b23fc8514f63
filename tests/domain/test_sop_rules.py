"""What keeps an SOP version from being put in force."""
from datetime import date

from planner.domain.content import StepKind as K
from planner.domain.organisation import Role
from planner.domain.sop_rules import check_activation, check_route
from planner.domain.workflow import Route, Step

TODAY = date(2026, 11, 22)
ALL_ROLES = {Role.AUTHOR, Role.REVIEWER, Role.APPROVER}


def route(*kinds_roles, category=None, fast_track=False, ratify_hours=None):
    steps = tuple(Step(i, kind, f"step {i}", role, 8) for i, (kind, role) in enumerate(kinds_roles, 1))
    return Route(category, steps, fast_track, ratify_hours)


GOOD = route((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER), (K.APPROVE, Role.APPROVER),
             (K.PUBLISH, Role.AUTHOR), (K.EVALUATE, Role.AUTHOR))


def activation(routes, roles=ALL_ROLES, effective=TODAY, previous=None):
    return check_activation(routes, known_categories={"seremonial", "krisis"},
                            fast_track_categories={"krisis"}, roles_held=roles,
                            effective_date=effective, previous_effective=previous, today=TODAY)


def messages(problems):
    return [p.message % p.params for p in problems]


def test_a_good_version_passes():
    assert activation([GOOD]) == []


def test_no_approval_step_is_refused():
    problems = activation([route((K.DRAFT, Role.AUTHOR), (K.PUBLISH, Role.AUTHOR))])
    assert any("no review or approval step" in m for m in messages(problems))


def test_performer_role_nobody_holds_is_refused():
    problems = activation([GOOD], roles={Role.AUTHOR, Role.APPROVER})
    assert any("role reviewer, which nobody in the unit holds" in m for m in messages(problems))


def test_route_for_unknown_category_is_refused():
    problems = activation([GOOD, route(*[(s.kind, s.role) for s in GOOD.steps], category="hiburan")])
    assert any("unknown category hiburan" in m for m in messages(problems))


def test_default_route_is_required():
    problems = activation([route(*[(s.kind, s.role) for s in GOOD.steps], category="seremonial")])
    assert any("default route" in m for m in messages(problems))


def test_shape_of_a_route():
    assert any("begin with a drafting step" in m for m in messages(check_route(
        route((K.REVIEW, Role.REVIEWER), (K.PUBLISH, Role.AUTHOR)))))
    assert any("exactly one publication step" in m for m in messages(check_route(
        route((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER)))))
    assert any("must come before publication" in m for m in messages(check_route(
        route((K.DRAFT, Role.AUTHOR), (K.PUBLISH, Role.AUTHOR), (K.APPROVE, Role.APPROVER)))))
    assert any("come after publication" in m for m in messages(check_route(
        route((K.DRAFT, Role.AUTHOR), (K.DISTRIBUTE, Role.AUTHOR), (K.APPROVE, Role.APPROVER),
              (K.PUBLISH, Role.AUTHOR)))))
    zero = Route(None, (Step(1, K.DRAFT, "d", Role.AUTHOR, 0), Step(2, K.APPROVE, "a", Role.APPROVER, 8),
                        Step(3, K.PUBLISH, "p", Role.AUTHOR, 8)))
    assert any("at least one hour" in m for m in messages(check_route(zero)))


def test_fast_track_only_for_urgent_categories_with_one_approval_and_a_ratification_window():
    crisis = route((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER), (K.PUBLISH, Role.AUTHOR),
                   category="krisis", fast_track=True, ratify_hours=24)
    assert activation([GOOD, crisis]) == []
    no_window = route((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER), (K.PUBLISH, Role.AUTHOR),
                      category="krisis", fast_track=True)
    assert any("ratifies" in m for m in messages(activation([GOOD, no_window])))
    two = route((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER), (K.APPROVE, Role.APPROVER),
                (K.PUBLISH, Role.AUTHOR), category="krisis", fast_track=True, ratify_hours=24)
    assert any("exactly one approval" in m for m in messages(activation([GOOD, two])))
    ceremonial = route((K.DRAFT, Role.AUTHOR), (K.REVIEW, Role.REVIEWER), (K.PUBLISH, Role.AUTHOR),
                       category="seremonial", fast_track=True, ratify_hours=24)
    assert any("Only urgent categories" in m for m in messages(activation([GOOD, ceremonial])))


def test_effective_date_rules():
    assert any(p.field == "effective_date" for p in activation([GOOD], effective=None))
    assert any("in the future" in m for m in messages(activation([GOOD], effective=date(2026, 12, 1))))
    assert any("earlier than" in m for m in messages(
        activation([GOOD], effective=date(2025, 1, 1), previous=date(2025, 6, 1))))
