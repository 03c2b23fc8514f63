"""On SQLite (the embedded default, served by a threaded server), writers that append to
the audit chain at the same moment queue for the write lock: no duplicate `seq`, no error."""
import shutil
import threading

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import AuditEvent, Person
from planner.queries.audit import check_chain
from planner.services import record_refusal
from tests import factories as f
from tests.conftest import make_app

THREADS, CALLS = 8, 15


@pytest.fixture
def sqlite_app(sqlite_templates, tmp_path):
    """SQLite only: PostgreSQL's advisory lock is raced in tests/test_audit_chain.py."""
    path = tmp_path / "chain.db"
    shutil.copy(sqlite_templates["empty"], path)
    app = make_app(f"sqlite:///{path}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_concurrent_appends_on_sqlite_keep_one_chain(sqlite_app):
    app = sqlite_app
    with app.app_context():
        w = f.world()
        person_id = w.author.id
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    barrier, failures = threading.Barrier(THREADS), []

    def work():
        with app.app_context():
            try:
                actor = db.session.get(Person, person_id)
                barrier.wait()
                for _ in range(CALLS):
                    record_refusal(actor, "access.refused", actor.home_unit_id, path="/people/new")
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures[:3]
    with app.app_context():
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        assert seqs == list(range(1, before + THREADS * CALLS + 1))
        assert check_chain().ok
