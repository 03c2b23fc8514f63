"""Migrations and models agree, on both databases, and the migrations go down and up again."""
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from planner.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_models_match_the_migrations(app):
    # `db check` exits non-zero when autogenerate would find anything to migrate.
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert result.exception is None


def test_downgrade_to_nothing_and_upgrade_again(app):
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        assert {"unit", "person", "role_assignment", "delegation", "audit_event",
                "sign_in_session"} <= set(inspect(db.engine).get_table_names())
