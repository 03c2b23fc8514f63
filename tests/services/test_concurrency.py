"""Two administrators acting at the same moment, on PostgreSQL with real connections:
exactly one wins, the other is told, and nothing is overwritten or doubled."""
import threading
from datetime import date

from sqlalchemy import func, select

from planner.domain.errors import RuleViolated, StaleEdit
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import Person, RoleAssignment, Unit
from planner.permissions import Access
from planner.services.roles import assign_role
from planner.services.units import update_unit
from tests import factories as f

ROUNDS = 15


def race(app, work, count=2):
    """Run `work(i)` in `count` threads, each with its own app context and connection,
    released together; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        with app.app_context():
            try:
                results[i] = work(i, barrier)
            except Exception as error:  # noqa: BLE001 - the outcome is what we inspect
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_overlapping_assignments_at_the_same_moment_only_one_is_recorded(pg_app):
    with pg_app.app_context():
        w = f.world()
        ids = {"admin": w.sysadmin.id, "unit": w.health.id,
               "people": [f.person(w.health).id for _ in range(ROUNDS)]}
    for person_id in ids["people"]:
        def work(i, barrier, person_id=person_id):
            admin = db.session.get(Person, ids["admin"])
            access = Access.load(admin)
            person, unit = db.session.get(Person, person_id), db.session.get(Unit, ids["unit"])
            barrier.wait()
            return assign_role(admin, access, person=person, unit=unit, role=Role.REVIEWER,
                               valid_from=date(2025, 1, 1 + i))
        outcomes = race(pg_app, work)
        refused = [o for o in outcomes if isinstance(o, RuleViolated)]
        recorded = [o for o in outcomes if isinstance(o, RoleAssignment)]
        assert len(recorded) == 1 and len(refused) == 1, outcomes
        with pg_app.app_context():
            assert db.session.scalar(select(func.count(RoleAssignment.id)).where(
                RoleAssignment.person_id == person_id)) == 1


def test_two_edits_of_the_same_unit_at_the_same_moment_one_is_told_it_is_stale(pg_app):
    with pg_app.app_context():
        w = f.world()
        admin_id, unit_id = w.sysadmin.id, w.health.id
    for round_ in range(ROUNDS):
        with pg_app.app_context():
            version = db.session.get(Unit, unit_id).version

        def work(i, barrier):
            admin = db.session.get(Person, admin_id)
            access = Access.load(admin)
            unit = db.session.get(Unit, unit_id)
            barrier.wait()
            update_unit(admin, access, unit, name=f"Dinas Kesehatan r{round_} t{i}", short_name=None,
                        type=unit.type, timezone=unit.timezone, parent=unit.parent,
                        expected_version=version)
            return f"Dinas Kesehatan r{round_} t{i}"
        outcomes = race(pg_app, work)
        saved = [o for o in outcomes if isinstance(o, str)]
        stale = [o for o in outcomes if isinstance(o, StaleEdit)]
        assert len(saved) == 1 and len(stale) == 1, outcomes
        with pg_app.app_context():
            unit = db.session.get(Unit, unit_id)
            assert unit.name == saved[0] and unit.version == version + 1


def test_two_crossing_moves_at_the_same_moment_never_make_a_cycle(pg_app):
    with pg_app.app_context():
        w = f.world()
        admin_id, city_id = w.sysadmin.id, w.city.id
    for round_ in range(ROUNDS):
        with pg_app.app_context():
            a = f.unit(f"Dinas A{round_}", db.session.get(Unit, city_id))
            b = f.unit(f"Dinas B{round_}", db.session.get(Unit, city_id))
            pair = (a.id, b.id)

        def work(i, barrier):
            admin = db.session.get(Person, admin_id)
            access = Access.load(admin)
            moved, under = (pair if i == 0 else pair[::-1])
            unit, parent = db.session.get(Unit, moved), db.session.get(Unit, under)
            version = unit.version
            barrier.wait()
            update_unit(admin, access, unit, name=unit.name, short_name=None, type=unit.type,
                        timezone=unit.timezone, parent=parent, expected_version=version)
            return "moved"
        outcomes = race(pg_app, work)
        assert outcomes.count("moved") == 1, outcomes
        assert any(isinstance(o, (RuleViolated, StaleEdit)) for o in outcomes), outcomes
        with pg_app.app_context():
            a, b = db.session.get(Unit, pair[0]), db.session.get(Unit, pair[1])
            child, parent = (a, b) if a.parent_id == b.id else (b, a)
            assert child.parent_id == parent.id and parent.parent_id == city_id
            assert child.path == f"{parent.path}{child.id}/"
