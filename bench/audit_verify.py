"""`flask audit verify` throughput over long audit trails.

For each length a fresh database gets the real migrations, a small generated government
(for real person and unit ids) and then a valid hash chain of exactly that many events,
written straight into the table in bulk (hashes from `planner.domain.audit_chain`, as the
services compute them; the services themselves would take hours for a million).  Then the
real command, `flask --app wsgi audit verify`, runs in a process of its own: it reports how
long its walk took (events per second, without the start-up of Python and Flask), and the
process's peak resident memory shows that the walk streams (it must not grow with the trail).
"""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVENTS = (100_000, 1_000_000)
CHECKED = re.compile(r"(\d+) events checked in ([\d.]+) s")


@dataclass
class VerifyResult:
    events: int
    database: str
    build_s: float  # writing the chain
    verify_s: float  # the walk, as the command measured it
    events_per_s: int
    process_s: float  # the whole command, start-up included
    exit_code: int
    checked: int  # what the command said it checked
    peak_rss_mb: float  # the command's process


def build_chain(app, events: int, migrations: str) -> float:
    """Migrate, generate a 5-unit government, then append events up to exactly `events`."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from planner.demo.generator import append_audit_events, generate_government
    from planner.extensions import db
    from planner.models import AuditEvent, Person, Unit

    with app.app_context():
        upgrade(directory=migrations)
        generate_government(5, audit_events=0, password="pranata-bench")
        people = list(db.session.scalars(select(Person.id)))
        units = list(db.session.scalars(select(Unit.id)))
        existing = db.session.scalar(select(func.count(AuditEvent.id)))
        start = time.perf_counter()
        append_audit_events(max(events - existing, 0), people, units)
        db.session.commit()
        elapsed = time.perf_counter() - start
        db.session.remove()
    return elapsed


def run_command(database_url: str) -> tuple[int, str, float, float]:
    """`flask --app wsgi audit verify` in a process of its own: exit code, output, wall time,
    peak resident memory (MB)."""
    env = {**os.environ, "DATABASE_URL": database_url, "PRANATA_ENV": "testing",
           "SECRET_KEY": secrets.token_hex(32)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "audit", "verify"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    return process.returncode, output, elapsed, usage.ru_maxrss / 1024


def measure_verify(events: int, databases, database: str, make_app, migrations: str) -> VerifyResult:
    from planner.extensions import db

    url = databases.create(f"audit{events}")
    try:
        app = make_app(url)
        try:
            build_s = build_chain(app, events, migrations)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        exit_code, output, process_s, peak = run_command(url)
    finally:
        databases.drop(url)
    match = CHECKED.search(output)
    checked, verify_s = (int(match.group(1)), float(match.group(2))) if match else (0, 0.0)
    return VerifyResult(events=events, database=database, build_s=round(build_s, 2),
                        verify_s=round(verify_s, 2),
                        events_per_s=round(checked / verify_s) if verify_s else 0,
                        process_s=round(process_s, 2), exit_code=exit_code, checked=checked,
                        peak_rss_mb=round(peak, 1))


def table(rows: list[dict]) -> str:
    headers = ("events", "build s", "walk s", "events/s", "command s", "exit", "peak RSS MB")
    cells = [(f"{r['events']:,}", f"{r['build_s']:.1f}", f"{r['verify_s']:.1f}",
              f"{r['events_per_s']:,}", f"{r['process_s']:.1f}", str(r["exit_code"]),
              f"{r['peak_rss_mb']:.0f}") for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)
