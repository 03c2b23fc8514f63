from planner.domain.access import Action, Grant, allowed, roles_for, scope_paths
from planner.domain.organisation import Role

AUTHOR_IN_PROKOMPIM = Grant(3, "/1/2/3/", Role.AUTHOR)
SYSADMIN_IN_CITY = Grant(1, "/1/", Role.SYSADMIN)


def test_a_role_covers_its_unit_and_the_units_below():
    assert roles_for([AUTHOR_IN_PROKOMPIM], "/1/2/3/") == {Role.AUTHOR}
    assert roles_for([AUTHOR_IN_PROKOMPIM], "/1/2/3/4/") == {Role.AUTHOR}
    assert roles_for([AUTHOR_IN_PROKOMPIM], "/1/2/") == set()
    assert roles_for([AUTHOR_IN_PROKOMPIM], "/1/2/33/") == set()


def test_only_sysadmins_manage_units_people_and_assignments():
    for action in (Action.MANAGE_UNITS, Action.MANAGE_PEOPLE, Action.MANAGE_ASSIGNMENTS):
        assert allowed([SYSADMIN_IN_CITY], action, "/1/2/3/")
        for role in Role:
            if role is not Role.SYSADMIN:
                assert not allowed([Grant(1, "/1/", role)], action, "/1/2/3/")


def test_every_role_sees_the_structure_of_its_units():
    for role in Role:
        assert allowed([Grant(3, "/1/2/3/", role)], Action.VIEW_STRUCTURE, "/1/2/3/")
        assert not allowed([Grant(3, "/1/2/3/", role)], Action.VIEW_STRUCTURE, "/9/")


def test_auditor_reads_people_but_changes_nothing():
    auditor = [Grant(1, "/1/", Role.AUDITOR)]
    assert allowed(auditor, Action.VIEW_PEOPLE, "/1/4/")
    assert not any(allowed(auditor, a, "/1/4/") for a in
                   (Action.MANAGE_UNITS, Action.MANAGE_PEOPLE, Action.MANAGE_ASSIGNMENTS))


def test_scope_paths_keep_only_the_outermost_subtrees():
    grants = [Grant(3, "/1/2/3/", Role.SYSADMIN), SYSADMIN_IN_CITY, Grant(9, "/9/", Role.SYSADMIN),
              Grant(4, "/1/2/4/", Role.AUTHOR)]
    assert sorted(scope_paths(grants, Action.MANAGE_UNITS)) == ["/1/", "/9/"]
    assert sorted(scope_paths(grants, Action.VIEW_UNIT)) == ["/1/", "/9/"]
    assert scope_paths([], Action.VIEW_UNIT) == []


def test_acting_official_grant_carries_who_they_act_for():
    grant = Grant(3, "/1/2/3/", Role.APPROVER, acting_for_id=42, acting_kind="plh")
    assert allowed([grant], Action.VIEW_STRUCTURE, "/1/2/3/")
    assert grant.acting_for_id == 42
