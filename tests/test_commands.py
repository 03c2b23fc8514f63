"""The command-line commands: seed-demo (idempotent), create-unit, create-user."""
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import AuditEvent, Delegation, Person, RoleAssignment, Unit

MODELS = (Unit, Person, RoleAssignment, Delegation, AuditEvent)


def snapshot(app):
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_seed_demo_loads_one_account_per_role_and_running_it_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    for role in ("author", "contributor", "reviewer", "approver", "auditor", "sysadmin"):
        assert f"{role}@demo.pranata.test" in first.output
    assert "pranata-demo" in first.output
    after_first = snapshot(app)
    assert after_first["Unit"] >= 8 and after_first["Delegation"] == 2
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 records created" in second.output
    assert snapshot(app) == after_first


def test_create_unit_and_create_user_make_a_working_account(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-unit", "--name", "Pemerintah Kabupaten Bintan", "--timezone", "WIB"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=[
        "create-user", "--email", "Admin@Bintankab.test", "--name", "Admin Bintan",
        "--role", "sysadmin", "--decree-number", "188/1/2026", "--decree-date", "2026-01-02",
        "--password", "kata-sandi-kuat-1"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": "admin@bintankab.test",
                                           "password": "kata-sandi-kuat-1", "csrf_token": token})
    assert response.status_code == 302
    assert 'data-role="sysadmin"' in client.get("/").get_data(as_text=True)


def test_create_user_refuses_a_duplicate_email_without_a_traceback(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-unit", "--name", "Pemerintah Kota Batam"])
    args = ["create-user", "--email", "a@batam.test", "--name", "A", "--password", "kata-sandi-kuat-1"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already uses this e-mail" in again.output
