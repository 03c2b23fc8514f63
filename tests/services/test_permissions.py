"""The permission layer against real data: today's roles, delegations, time zones."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from planner.domain.access import Action
from planner.domain.errors import NotPermitted, NotVisible
from planner.domain.organisation import DelegationKind, Role, TimeZoneCode
from planner.extensions import db
from planner.models import Person, RoleAssignment, Unit
from planner.permissions import Access
from planner.services.roles import delegate_role, end_assignment
from tests import factories as f


def test_roles_apply_to_the_unit_and_below_but_not_above(ctx):
    w = f.world()
    access = Access.load(w.author)
    assert access.roles_in(w.division) == {Role.AUTHOR}
    assert access.roles_in(w.subdivision) == {Role.AUTHOR}
    assert access.roles_in(w.setda) == set()
    assert access.roles_in(w.health) == set()


def test_fetch_hides_other_units_and_refuses_actions_without_the_role(ctx):
    w = f.world()
    author = Access.load(w.author)
    assert author.fetch(Unit, w.division.id) is w.division
    with pytest.raises(NotVisible):
        author.fetch(Unit, w.health.id)
    with pytest.raises(NotVisible):
        author.fetch(Unit, w.agency.id)
    with pytest.raises(NotVisible):
        author.fetch(Unit, 999999)
    with pytest.raises(NotVisible):
        author.fetch(Unit, "not-a-number")
    with pytest.raises(NotPermitted):
        author.fetch(Unit, w.division.id, Action.MANAGE_UNITS)


def test_sysadmin_of_one_government_cannot_reach_another(ctx):
    w = f.world()
    outsider = Access.load(w.outsider)
    assert outsider.can(Action.MANAGE_UNITS, w.agency)
    with pytest.raises(NotVisible):
        outsider.fetch(Person, w.author.id)
    with pytest.raises(NotVisible):
        outsider.fetch(Unit, w.city.id)


def test_ended_and_future_assignments_give_no_role(ctx):
    w = f.world()
    past = f.person(w.division)
    future = f.person(w.division)
    f.role(past, w.division, Role.REVIEWER, date(2020, 1, 1), date(2021, 1, 1))
    f.role(future, w.division, Role.REVIEWER, date.today() + timedelta(days=30))
    assert Access.load(past).grants == []
    assert Access.load(future).grants == []


def test_deactivated_person_has_no_role(ctx):
    w = f.world()
    w.author.active = False
    db.session.commit()
    assert Access.load(w.author).grants == []


def test_acting_official_holds_the_delegated_role_only_during_the_delegation(ctx):
    w = f.world()
    today = date.today()
    delegate_role(None, None, delegator=w.approver, delegate=w.reviewer, unit=w.division,
                  role=Role.APPROVER, kind=DelegationKind.PLH, valid_from=today - timedelta(days=1),
                  valid_to=today + timedelta(days=1), decree_number="800/1/2026",
                  decree_date=today, decree_signed_by="Sekda")
    access = Access.load(w.reviewer)
    assert access.roles_in(w.division) == {Role.REVIEWER, Role.APPROVER}
    acting = [g for g in access.grants if g.role == Role.APPROVER]
    assert acting[0].acting_for_id == w.approver.id and acting[0].acting_kind == "plh"
    later = datetime.now(timezone.utc) + timedelta(days=3)
    assert Access.load(w.reviewer, now=later).roles_in(w.division) == {Role.REVIEWER}


def test_ending_the_delegators_assignment_ends_the_acting_role(ctx):
    w = f.world()
    today = date.today()
    delegation = delegate_role(None, None, delegator=w.approver, delegate=w.reviewer,
                               unit=w.division, role=Role.APPROVER, kind=DelegationKind.PLT,
                               valid_from=today - timedelta(days=1), valid_to=None)
    assignment = db.session.scalars(
        select(RoleAssignment).filter_by(person_id=w.approver.id)).one()
    end_assignment(None, None, assignment, end_date=today - timedelta(days=1), reason="Mutasi")
    assert delegation.valid_to == today - timedelta(days=1)
    assert Access.load(w.reviewer).roles_in(w.division) == {Role.REVIEWER}


def test_today_is_taken_in_the_units_own_time_zone(ctx):
    east = f.unit("Pemerintah Kabupaten Timur", timezone=TimeZoneCode.WIT)
    holder = f.person(east)
    # The assignment starts on the 23rd: at 16:30 UTC on the 22nd it is already the 23rd in WIT.
    f.role(holder, east, Role.AUTHOR, date(2026, 11, 23))
    now = datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc)
    assert Access.load(holder, now=now).roles_in(east) == {Role.AUTHOR}
    earlier = datetime(2026, 11, 22, 14, 30, tzinfo=timezone.utc)  # 23:30 WIT on the 22nd
    assert Access.load(holder, now=earlier).roles_in(east) == set()


def test_unit_listing_query_is_limited_to_scope(ctx):
    w = f.world()
    names = {u.name for u in db.session.scalars(Access.load(w.author).units())}
    assert names == {"Bagian Prokompim", "Subbagian Dokumentasi"}
    assert {u.name for u in db.session.scalars(Access.load(w.outsider).units())} == {
        "Pemerintah Provinsi Lain", "Dinas Lain"}


def test_an_agency_sysadmin_cannot_manage_someone_who_holds_a_role_above_the_agency(ctx):
    from planner.services.people import reset_password, set_active

    w = f.world()
    agency_admin = f.person(w.health, "Admin Dinkes")
    f.role(agency_admin, w.health, Role.SYSADMIN)
    # The city's sysadmin has a home unit inside the agency but a role over the whole city.
    w.sysadmin.home_unit_id = w.health.id
    db.session.commit()
    access = Access.load(agency_admin)
    assert access.can(Action.MANAGE_PEOPLE, w.sysadmin)  # the home unit alone would allow it
    assert not access.can_manage_person(w.sysadmin)
    with pytest.raises(NotPermitted):
        reset_password(agency_admin, access, w.sysadmin, "direbut-oleh-dinas")
    with pytest.raises(NotPermitted):
        set_active(agency_admin, access, w.sysadmin, False)
    # Someone whose roles all lie inside the agency is theirs to manage.
    assert access.can_manage_person(w.health_author)
    assert Access.load(w.sysadmin).can_manage_person(w.health_author)


def test_a_delegation_that_never_took_effect_does_not_widen_who_must_manage_the_delegate(ctx):
    w = f.world()
    today = date.today()
    agency_admin = f.person(w.health)
    f.role(agency_admin, w.health, Role.SYSADMIN)
    head = f.person(w.setda)
    assignment = f.role(head, w.setda, Role.APPROVER, date(2024, 1, 1))
    delegate_role(None, None, delegator=head, delegate=w.health_author, unit=w.setda,
                  role=Role.APPROVER, kind=DelegationKind.PLT,
                  valid_from=today + timedelta(days=30), valid_to=today + timedelta(days=60))
    assert not Access.load(agency_admin).can_manage_person(w.health_author)
    end_assignment(None, None, assignment, end_date=today, reason="Pensiun")
    assert Access.load(agency_admin).can_manage_person(w.health_author)
