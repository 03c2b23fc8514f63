"""The audit trail's hash chain in a real database: `flask audit verify` and `flask audit head`
on the demo, tampering with single rows in SQLite (named by verify), the append-only triggers
on PostgreSQL, the backfill of events recorded before the chain existed, and many writers at
once on PostgreSQL."""
from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from planner.domain.audit_chain import GENESIS
from planner.domain.organisation import UnitType
from planner.extensions import db
from planner.models import AuditEvent, Person, Unit
from tests import factories as f
from tests.conftest import make_app, unavailable

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
BEFORE_THE_CHAIN = "bbc4dce52e16"
only_sqlite = pytest.mark.parametrize("backend", ["sqlite"])
only_postgresql = pytest.mark.parametrize("backend", ["postgresql"])


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", *args])


def execute(app, sql: str, **params) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(sql), params)


def event(app, seq: int) -> dict:
    with app.app_context():
        row = db.session.execute(select(AuditEvent.__table__).where(AuditEvent.seq == seq)).mappings().one()
        return dict(row)


def last_seq(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEvent.seq)))


# -- the demo's chain, on both databases ---------------------------------------------------------

def test_the_demo_chain_verifies_and_the_count_is_printed(app, demo):
    total = last_seq(app)
    assert total > 50
    result = cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert f"{total} events checked" in result.output
    assert event(app, total)["hash"] in result.output


def test_audit_head_prints_the_last_seq_and_hash_on_one_line(app, demo):
    newest = event(app, last_seq(app))
    result = cli(app, "head")
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1
    assert f"seq={newest['seq']}" in result.output and f"hash={newest['hash']}" in result.output
    as_json = json.loads(cli(app, "head", "--json").output)
    assert as_json["seq"] == newest["seq"] and as_json["hash"] == newest["hash"]
    assert as_json["occurred_at"].startswith(newest["occurred_at"].strftime("%Y-%m-%dT%H:%M:%S"))


def test_an_empty_trail_verifies_with_the_genesis_head(app):
    result = cli(app, "verify")
    assert result.exit_code == 0 and "0 events checked" in result.output
    assert json.loads(cli(app, "head", "--json").output) == {"seq": 0, "hash": GENESIS,
                                                            "occurred_at": None}


def test_the_kept_head_passes_while_events_are_added_after_it(app, demo):
    kept = cli(app, "head").output.strip()
    with app.app_context():
        f.unit("Pemerintah Kabupaten Baru")  # more events after the kept head
    result = cli(app, "verify", "--expect-head", kept)  # the whole line is accepted
    assert result.exit_code == 0, result.output
    assert "events were recorded after it" in result.output


def test_a_kept_head_that_is_not_a_hash_is_a_usage_error(app, demo):
    result = cli(app, "verify", "--expect-head", "not-a-hash")
    assert result.exit_code == 2
    assert "64-character hash" in result.output


def test_a_kept_head_from_elsewhere_fails(app, demo):
    result = cli(app, "verify", "--expect-head", "ab" * 32)
    assert result.exit_code == 1
    assert "NOT in the chain" in result.output


# -- tampering in SQLite: verify names the event -------------------------------------------------

TAMPERING = {
    "details changed": ("UPDATE audit_event SET details = '{\"reason\": \"forged\"}' WHERE seq = 5",
                        5, "altered"),
    "actor changed": ("UPDATE audit_event SET actor_id = (SELECT MAX(id) FROM person) WHERE seq = 7",
                      7, "altered"),
    "time changed": ("UPDATE audit_event SET occurred_at = '2020-01-01 00:00:00.000000' WHERE seq = 9",
                     9, "altered"),
    "action changed": ("UPDATE audit_event SET action = 'unit.updated' WHERE seq = 3", 3, "altered"),
    "after changed": ("UPDATE audit_event SET after = '{\"state\": \"approved\"}' WHERE seq = "
                      "(SELECT MAX(seq) FROM audit_event WHERE action = 'post.approve')",
                      "max_approve", "altered"),
    "hash replaced": ("UPDATE audit_event SET hash = '" + "e" * 64 + "' WHERE seq = 11", 11, "altered"),
    "link replaced": ("UPDATE audit_event SET prev_hash = '" + "0" * 64 + "' WHERE seq = 12", 12,
                      "does not link"),
    "details made unreadable": ("UPDATE audit_event SET details = '{not json' WHERE seq = 8", 8,
                                "altered"),
    "time made unreadable": ("UPDATE audit_event SET occurred_at = 'yesterday' WHERE seq = 10", 10,
                             "altered"),
    "event removed": ("DELETE FROM audit_event WHERE seq = 5", 6, "removed"),
    "first event removed": ("DELETE FROM audit_event WHERE seq = 1", 2, "removed"),
}


@only_sqlite
@pytest.mark.parametrize("case", list(TAMPERING))
def test_altering_any_single_row_makes_verify_fail_naming_that_event(app, demo, case):
    sql, seq, reason = TAMPERING[case]
    if seq == "max_approve":
        with app.app_context():
            seq = db.session.scalar(select(func.max(AuditEvent.seq)).where(
                AuditEvent.action == "post.approve"))
    named = event(app, seq)
    execute(app, sql)
    result = cli(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"event id {named['id']} (seq {seq})" in result.output
    assert reason in result.output
    intact = seq - 2 if reason == "removed" else seq - 1
    assert f"The chain is intact up to seq {intact} " in result.output


@only_sqlite
def test_events_swapped_in_order_make_verify_fail(app, demo):
    five, six = event(app, 5), event(app, 6)
    execute(app, "UPDATE audit_event SET seq = -1 WHERE seq = 5")
    execute(app, "UPDATE audit_event SET seq = 5 WHERE seq = 6")
    execute(app, "UPDATE audit_event SET seq = 6 WHERE seq = -1")
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"event id {six['id']} (seq 5)" in result.output
    assert five["id"] < six["id"]


def _forge(app, **overrides) -> int:
    """Insert a row that claims to continue the chain; returns its id."""
    newest = event(app, last_seq(app))
    row = {"seq": newest["seq"] + 1, "occurred_at": newest["occurred_at"], "action": "post.approve",
           "object_type": "Post", "object_id": 1, "details": "{}", "prev_hash": newest["hash"],
           "hash": "a" * 64, **overrides}
    execute(app, "INSERT INTO audit_event (seq, occurred_at, action, object_type, object_id, details, "
                 "prev_hash, hash) VALUES (:seq, :occurred_at, :action, :object_type, :object_id, "
                 ":details, :prev_hash, :hash)", **row)
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEvent.id)))


@only_sqlite
def test_a_forged_row_appended_without_its_hash_is_named(app, demo):
    forged = _forge(app)
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"event id {forged} (seq {last_seq(app)})" in result.output and "altered" in result.output


@only_sqlite
def test_a_forged_row_inserted_after_a_gap_is_named(app, demo):
    seq = last_seq(app) + 2
    forged = _forge(app, seq=seq)
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"event id {forged} (seq {seq})" in result.output and "removed" in result.output


@only_sqlite
def test_the_kept_head_detects_that_the_newest_events_were_removed(app, demo):
    kept = cli(app, "head").output.strip()
    total = last_seq(app)
    execute(app, "DELETE FROM audit_event WHERE seq > :seq", seq=total - 2)
    assert cli(app, "verify").exit_code == 0  # what is left is a valid chain...
    result = cli(app, "verify", "--expect-head", kept.split("hash=")[1].split()[0])
    assert result.exit_code == 1  # ...but the head kept outside is no longer in it
    assert "NOT in the chain" in result.output and f"ends at seq {total - 2}" in result.output


# -- PostgreSQL refuses the change itself ---------------------------------------------------------

@only_postgresql
@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET details = '{\"reason\": \"forged\"}' WHERE seq = 5",
    "UPDATE audit_event SET actor_id = NULL WHERE seq = 5",
    "DELETE FROM audit_event WHERE seq = 5",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "TRUNCATE audit_event CASCADE",
])
def test_postgresql_refuses_to_change_or_remove_audit_events(app, demo, sql):
    before, total = event(app, 5), last_seq(app)
    with pytest.raises(sa.exc.DBAPIError) as refused:
        execute(app, sql)
    assert "append-only" in str(refused.value)
    assert event(app, 5) == before and last_seq(app) == total
    assert cli(app, "verify").exit_code == 0


# -- events recorded before the chain existed ----------------------------------------------------

@pytest.fixture
def bare_database_url(backend, request, tmp_path):
    """A database with no tables at all, for driving the migrations one by one."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = request.getfixturevalue("postgres")
    if isinstance(server, str):
        unavailable(server)
    name = f"{server.prefix}_{uuid.uuid4().hex[:8]}"
    url = server.create(name)
    yield url
    server.drop(name)


def test_the_migration_chains_events_recorded_before_it(bare_database_url):
    app = make_app(bare_database_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE_THE_CHAIN)
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO audit_event (occurred_at, actor_id, on_behalf_of_id, unit_id, action, "
                "object_type, object_id, details) VALUES "
                "('2025-01-02 03:04:05.678901', NULL, NULL, NULL, 'unit.created', 'Unit', 1, "
                "'{\"name\": \"Pemerintah Kota Lama\"}'), "
                "('2025-01-03 08:00:00.000000', NULL, NULL, NULL, 'person.created', 'Person', 1, "
                "'{\"name\": \"Siti \u00d1urhaliza \u2014 admin\", \"email\": \"siti@lama.test\"}'), "
                "('2025-01-04 09:30:00', NULL, NULL, NULL, 'auth.signed_in', 'Person', 1, '{}')"))
        upgrade(directory=MIGRATIONS)
        rows = db.session.execute(select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash)
                                  .order_by(AuditEvent.id)).all()
        db.session.remove()
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS and rows[1].prev_hash == rows[0].hash
    result = cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert "3 events checked" in result.output
    with app.app_context():  # new events continue the backfilled chain
        f.unit("Pemerintah Kota Baru")
    result = cli(app, "verify")
    assert result.exit_code == 0 and "events checked" in result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# -- many writers at once -------------------------------------------------------------------------

THREADS, CALLS = 8, 25


def test_many_writers_at_once_leave_one_chain_without_gaps(pg_app):
    from planner.services.people import set_language
    from planner.services.units import create_unit

    with pg_app.app_context():
        city = f.unit("Pemerintah Kota Serentak")
        people = [f.person(city).id for _ in range(THREADS)]
        city_id, before = city.id, db.session.scalar(select(func.max(AuditEvent.seq)))
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work(index: int):
        with pg_app.app_context():
            try:
                barrier.wait()
                for call in range(CALLS):
                    if index % 2:
                        person = db.session.get(Person, people[index])
                        set_language(person, "en" if person.preferred_language == "id" else "id")
                    else:
                        create_unit(None, None, name=f"Bagian {index}-{call}", type=UnitType.DIVISION,
                                    timezone="WIB", parent=db.session.get(Unit, city_id))
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with pg_app.app_context():
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        db.session.remove()
    expected = before + THREADS * CALLS
    assert seqs == list(range(1, expected + 1))
    result = cli(pg_app, "verify")
    assert result.exit_code == 0, result.output
    assert f"{expected} events checked" in result.output
