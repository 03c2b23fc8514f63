"""Services for units, people, assignments and delegations: rules, audit, nothing half-saved."""
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.domain.errors import NotPermitted, RuleViolated, StaleEdit
from planner.domain.organisation import DelegationKind, Role, TimeZoneCode, UnitType
from planner.extensions import db
from planner.models import AuditEvent, Delegation, Person, RoleAssignment, Unit
from planner.permissions import Access
from planner.services.people import create_person, reset_password, set_active, update_person
from planner.services.roles import assign_role, delegate_role, end_assignment, end_delegation
from planner.services.units import create_unit, update_unit
from tests import factories as f


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_creating_a_unit_sets_its_path_and_writes_an_audit_event(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    unit = create_unit(w.sysadmin, access, name=" Subbagian Protokol ", type=UnitType.SUBDIVISION,
                       timezone=TimeZoneCode.WIB, parent=w.division)
    assert unit.name == "Subbagian Protokol"
    assert unit.path == f"{w.division.path}{unit.id}/" and unit.depth == 3
    event = events("unit.created")[-1]
    assert event.actor_id == w.sysadmin.id and event.object_id == unit.id


def test_only_a_sysadmin_of_the_parent_creates_units(ctx):
    w = f.world()
    with pytest.raises(NotPermitted):
        create_unit(w.author, Access.load(w.author), name="X", type=UnitType.DIVISION,
                    timezone=TimeZoneCode.WIB, parent=w.division)
    with pytest.raises(NotPermitted):
        create_unit(w.outsider, Access.load(w.outsider), name="X", type=UnitType.DIVISION,
                    timezone=TimeZoneCode.WIB, parent=w.division)


def test_moving_a_unit_moves_its_whole_subtree(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    update_unit(w.sysadmin, access, w.division, name=w.division.name, short_name=None,
                type=w.division.type, timezone=w.division.timezone, parent=w.health,
                expected_version=w.division.version)
    db.session.expire_all()
    division = db.session.get(Unit, w.division.id)
    sub = db.session.get(Unit, w.subdivision.id)
    assert division.path == f"{w.health.path}{division.id}/" and division.depth == 2
    assert sub.path == f"{division.path}{sub.id}/" and sub.depth == 3
    assert events("unit.updated")[-1].details["changes"]["parent_id"] == [w.setda.id, w.health.id]


def test_moving_a_unit_under_its_own_descendant_is_refused_and_nothing_changes(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    before = (w.division.path, w.division.name)
    with pytest.raises(RuleViolated) as refused:
        update_unit(w.sysadmin, access, w.division, name="Nama Baru", short_name=None,
                    type=w.division.type, timezone=w.division.timezone, parent=w.subdivision,
                    expected_version=w.division.version)
    assert refused.value.violations[0].field == "parent_id"
    db.session.expire_all()
    division = db.session.get(Unit, w.division.id)
    assert (division.path, division.name) == before


def test_editing_a_unit_someone_else_just_saved_is_refused(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    loaded_version = w.division.version
    update_unit(w.sysadmin, access, w.division, name="Bagian Prokompim (baru)", short_name=None,
                type=w.division.type, timezone=w.division.timezone, parent=w.setda,
                expected_version=loaded_version)
    with pytest.raises(StaleEdit) as stale:
        update_unit(w.sysadmin, access, w.division, name="Tulisan lain", short_name=None,
                    type=w.division.type, timezone=w.division.timezone, parent=w.setda,
                    expected_version=loaded_version)
    assert stale.value.changed_by == "Admin Sistem"
    assert db.session.get(Unit, w.division.id).name == "Bagian Prokompim (baru)"


def test_duplicate_email_is_refused_whatever_its_case(ctx):
    w = f.world()
    with pytest.raises(RuleViolated) as refused:
        create_person(w.sysadmin, Access.load(w.sysadmin), home_unit=w.division, name="Dup",
                      email=" AUTHOR@uji.pranata.test ", password=f.PASSWORD)
    assert [v.field for v in refused.value.violations] == ["email"]
    assert count(Person) == 8


def test_short_password_is_refused(ctx):
    w = f.world()
    with pytest.raises(RuleViolated) as refused:
        create_person(w.sysadmin, Access.load(w.sysadmin), home_unit=w.division, name="Baru",
                      email="baru@uji.pranata.test", password="pendek")
    assert refused.value.violations[0].field == "password"


def test_person_edit_checks_unique_nip(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    update_person(w.sysadmin, access, w.author, home_unit=w.subdivision, name=w.author.name,
                  email=w.author.email, nip="199302112019031007", position_title=None,
                  preferred_language="id", expected_version=w.author.version)
    with pytest.raises(RuleViolated) as refused:
        update_person(w.sysadmin, access, w.reviewer, home_unit=w.subdivision, name=w.reviewer.name,
                      email=w.reviewer.email, nip="199302112019031007", position_title=None,
                      preferred_language="id", expected_version=w.reviewer.version)
    assert refused.value.violations[0].field == "nip"


def test_overlapping_same_role_assignment_is_refused_and_nothing_is_saved(ctx):
    w = f.world()
    before = count(RoleAssignment)
    with pytest.raises(RuleViolated) as refused:
        assign_role(w.sysadmin, Access.load(w.sysadmin), person=w.author, unit=w.division,
                    role=Role.AUTHOR, valid_from=date(2025, 1, 1))
    assert refused.value.violations[0].field == "valid_from"
    assert count(RoleAssignment) == before


def test_assignment_ending_before_it_starts_is_refused(ctx):
    w = f.world()
    with pytest.raises(RuleViolated) as refused:
        assign_role(w.sysadmin, Access.load(w.sysadmin), person=w.author, unit=w.health,
                    role=Role.AUTHOR, valid_from=date(2025, 5, 1), valid_to=date(2025, 4, 1))
    assert refused.value.violations[0].field == "valid_to"


def test_same_person_may_hold_the_same_role_again_after_it_ended(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    first = db.session.scalars(select(RoleAssignment).filter_by(person_id=w.author.id)).one()
    end_assignment(w.sysadmin, access, first, end_date=date(2024, 12, 31), reason="Cuti besar")
    again = assign_role(w.sysadmin, access, person=w.author, unit=w.division, role=Role.AUTHOR,
                        valid_from=date(2025, 6, 1))
    assert again.id != first.id
    assert first.valid_to == date(2024, 12, 31) and first.end_reason == "Cuti besar"
    assert count(RoleAssignment) == 9  # the eight of the world and the new one: nothing deleted


def test_delegation_rules_and_history(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    with pytest.raises(RuleViolated) as to_self:
        delegate_role(w.sysadmin, access, delegator=w.approver, delegate=w.approver,
                      unit=w.division, role=Role.APPROVER, kind=DelegationKind.PLH,
                      valid_from=date(2025, 1, 1), valid_to=date(2025, 1, 5))
    assert to_self.value.violations[0].field == "delegate_id"
    with pytest.raises(RuleViolated) as before_start:
        delegate_role(w.sysadmin, access, delegator=w.approver, delegate=w.reviewer,
                      unit=w.division, role=Role.APPROVER, kind=DelegationKind.PLH,
                      valid_from=date(2023, 12, 1), valid_to=date(2024, 1, 5))
    assert before_start.value.violations[0].field == "valid_from"
    assert count(Delegation) == 0
    delegation = delegate_role(w.sysadmin, access, delegator=w.approver, delegate=w.reviewer,
                               unit=w.division, role=Role.APPROVER, kind=DelegationKind.PLH,
                               valid_from=date(2025, 1, 1), valid_to=date(2025, 1, 10))
    end_delegation(w.sysadmin, access, delegation, end_date=date(2025, 1, 4), reason="Kembali lebih awal")
    assert delegation.valid_to == date(2025, 1, 4)
    assert [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "Delegation"))] == [
        "delegation.created", "delegation.ended"]


def test_deactivation_and_password_reset_are_audited(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    with pytest.raises(RuleViolated):
        set_active(w.sysadmin, access, w.sysadmin, False)
    set_active(w.sysadmin, access, w.author, False)
    reset_password(w.sysadmin, access, w.author, "kata-sandi-baru-1")
    assert not w.author.active
    assert [e.action for e in events("person.deactivated")] == ["person.deactivated"]
    assert len(events("person.password_reset")) == 1


def test_saving_a_unit_unchanged_writes_nothing(ctx):
    w = f.world()
    version, events_before = w.health.version, count(AuditEvent)
    update_unit(w.sysadmin, Access.load(w.sysadmin), w.health, name=w.health.name,
                short_name=w.health.short_name, type=w.health.type, timezone=w.health.timezone,
                parent=w.health.parent, expected_version=version)
    assert w.health.version == version and count(AuditEvent) == events_before


def test_ending_an_earlier_assignment_leaves_delegations_of_a_later_one_alone(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    head = f.person(w.health)
    earlier = f.role(head, w.health, Role.APPROVER, date(2020, 1, 1), date(2020, 12, 31))
    f.role(head, w.health, Role.APPROVER, date(2022, 1, 1))
    later_leave = delegate_role(w.sysadmin, access, delegator=head, delegate=w.health_author,
                                unit=w.health, role=Role.APPROVER, kind=DelegationKind.PLH,
                                valid_from=date(2022, 6, 1), valid_to=date(2022, 6, 10))
    early_leave = delegate_role(w.sysadmin, access, delegator=head, delegate=w.health_author,
                                unit=w.health, role=Role.APPROVER, kind=DelegationKind.PLH,
                                valid_from=date(2020, 8, 1), valid_to=date(2020, 8, 10))
    end_assignment(w.sysadmin, access, earlier, end_date=date(2020, 6, 30), reason="Koreksi")
    assert (later_leave.valid_from, later_leave.valid_to) == (date(2022, 6, 1), date(2022, 6, 10))
    assert later_leave.end_reason is None
    # The leave inside the shortened period never took effect; its record stays.
    assert early_leave.valid_to == date(2020, 7, 31) and early_leave.end_reason == "assignment_ended"


def test_ending_an_assignment_twice_cannot_lengthen_it(ctx):
    w = f.world()
    access = Access.load(w.sysadmin)
    assignment = db.session.scalars(select(RoleAssignment).filter_by(person_id=w.author.id)).one()
    end_assignment(w.sysadmin, access, assignment, end_date=date(2025, 6, 30), reason="Mutasi")
    with pytest.raises(RuleViolated):
        end_assignment(w.sysadmin, access, assignment, end_date=date(2025, 7, 31), reason="Lain")
    assert assignment.valid_to == date(2025, 6, 30) and assignment.end_reason == "Mutasi"
