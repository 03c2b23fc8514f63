"""Fresh databases for the benchmark, one per measured size: SQLite files in a temporary
folder, or databases of our own on a PostgreSQL server (created and dropped through its
admin URL)."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

from config import _normalise_database_url as _normalise  # the application's own rule

class SQLiteDatabases:
    def __init__(self):
        self.folder = tempfile.TemporaryDirectory(prefix="pranata-bench-")

    def create(self, size: int) -> str:
        return f"sqlite:///{Path(self.folder.name) / f'bench-{size}.db'}"

    def drop(self, url: str) -> None:
        Path(url[len("sqlite:///"):]).unlink(missing_ok=True)

    def close(self) -> None:
        self.folder.cleanup()


class PostgresDatabases:
    """One database of our own per size, created and dropped through the admin URL."""

    def __init__(self, admin_url: str):
        self.admin_url = _normalise(admin_url)
        self.admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"pranata_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    def _execute(self, sql: str, **params) -> None:
        with self.admin.connect() as connection:
            connection.execute(sa.text(sql), params)

    def create(self, size: int) -> str:
        name = f"{self.prefix}_{size}"
        self._execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n", n=name)
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')

    def close(self) -> None:
        self.admin.dispose()
