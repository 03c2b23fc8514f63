"""Fixtures shared by the whole suite.

Every test that takes `app` runs twice: on SQLite and on PostgreSQL.  Each
backend's schema is built once per session by the real migrations; each test
then gets a fresh copy (SQLite) or emptied tables (PostgreSQL).  Without a
PostgreSQL server or a browser the tests that need them are skipped with the
reason; with CI=true they fail instead, so nothing is silently left out.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import TestingConfig

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get("PRANATA_TEST_POSTGRES",
                                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_sessionstart(session):
    """Compile the message catalogues, as `make test` does, so a bare `pytest` sees them too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "planner" / "translations").glob(
            "*/LC_MESSAGES/messages.po"):
        with po.open("rb") as source:
            catalogue = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)


def unavailable(reason: str):
    """Skip on a developer's machine; fail in CI, where nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def make_app(database_url: str, **overrides):
    from planner import create_app

    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, **overrides)


def _build(database_url: str, with_demo: bool) -> None:
    """Run the real migrations (and, if asked, the demo command) into a database."""
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        from planner.extensions import db
        db.engine.dispose()
    if with_demo:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sqlite-templates")
    templates = {}
    for kind in ("empty", "demo"):
        templates[kind] = folder / f"{kind}.db"
        _build(f"sqlite:///{templates[kind]}", with_demo=kind == "demo")
    return templates


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pg_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


class PostgresServer:
    """Template databases (empty and with the demo) and a fresh copy per test."""

    def __init__(self, admin):
        self.admin = admin
        self.prefix = f"pranata_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []

    def execute(self, sql: str, **params):
        with self.admin.connect() as connection:
            connection.execute(sa.text(sql), params)

    def create(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        self.execute(f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
        return _pg_url(name)

    def drop(self, name: str) -> None:
        self.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n", n=name)
        self.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if name in self.created:
            self.created.remove(name)

    def drop_leftovers(self) -> None:
        """Drop the databases of earlier test runs that were killed before they could."""
        with self.admin.connect() as connection:
            names = connection.execute(sa.text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'pranata\\_test\\_%'")).scalars().all()
        for name in names:
            match = re.match(r"pranata_test_(\d+)_", name)
            if match and not _process_alive(int(match.group(1))):
                self.drop(name)

    def copy(self, kind: str) -> tuple[str, str]:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        return name, self.create(name, template=f"{self.prefix}_{kind}")


@pytest.fixture(scope="session")
def postgres():
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("select 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means "no server"
        admin.dispose()
        yield f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}"
        return
    server = PostgresServer(admin)
    server.drop_leftovers()
    try:
        for kind in ("empty", "demo"):
            _build(server.create(f"{server.prefix}_{kind}"), with_demo=kind == "demo")
        yield server
    finally:
        for name in list(server.created):
            server.drop(name)
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path):
    """A fresh database for one test: with the demo loaded if the test asks for `demo`."""
    kind = "demo" if "demo" in request.fixturenames else "empty"
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_templates")[kind], path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres")
    if isinstance(server, str):
        unavailable(server)
    name, url = server.copy(kind)
    yield url
    server.drop(name)


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    with app.app_context():
        from planner.extensions import db
        db.session.remove()
        db.engine.dispose()


class Client:
    """The Flask test client with a CSRF token at hand, as a browser would have."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self._token: str | None = None

    def get(self, url, **kwargs):
        return self.http.get(url, **kwargs)

    def token(self) -> str:
        page = self.http.get("/login").get_data(as_text=True)
        match = CSRF_RE.search(page)
        if match is None:  # signed in: /login redirects; any page has the sign-out form
            page = self.http.get("/", follow_redirects=True).get_data(as_text=True)
            match = CSRF_RE.search(page)
        return match.group(1)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.http.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = "pranata-demo"):
        return self.post("/login", {"email": email, "password": password})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def client(app) -> Client:
    return Client(app)


@pytest.fixture
def make_client(app):
    return lambda: Client(app)


@pytest.fixture
def demo(app):
    """Ask for this to start from the demo government (loaded by `seed-demo` into the
    template database the test's own database is copied from)."""
    return app


@pytest.fixture
def ctx(app):
    """An application context for tests that use models and services directly."""
    with app.app_context():
        yield


@pytest.fixture
def pg_app(request):
    """An application on a fresh PostgreSQL database, for tests of concurrency and locking
    (SQLite serialises writers, so these only mean something on PostgreSQL)."""
    server = request.getfixturevalue("postgres")
    if isinstance(server, str):
        unavailable(server)
    name, url = server.copy("empty")
    app = make_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "pool_pre_ping": True})
    yield app
    with app.app_context():
        from planner.extensions import db
        db.session.remove()
        db.engine.dispose()
    server.drop(name)
