"""Command-line checks of the audit trail: `flask audit verify` walks the whole hash chain,
`flask audit head` prints its newest link so that it can be kept outside the system."""
from __future__ import annotations

import re
import time

import click
from flask.cli import with_appcontext

from planner.queries.audit import CHAIN_BATCH, chain_head, check_chain

HASH = re.compile(r"\b[0-9a-f]{64}\b")


@click.group("audit")
def audit_group():
    """Check the tamper-evident audit trail."""


def _kept_head(ctx, param, value):
    """A bare hash, or the whole line `audit head` printed (its hash is taken)."""
    if value is None:
        return None
    match = HASH.search(value.strip().lower())
    if match is None:
        raise click.BadParameter("give the 64-character hash printed by `flask audit head`")
    return match.group(0)


@audit_group.command("verify")
@click.option("--expect-head", callback=_kept_head, metavar="HASH",
              help="A head kept outside the system (`flask audit head`): also fail unless the "
                   "chain contains it, which detects removal of the newest events.")
@click.option("--batch-size", default=CHAIN_BATCH, show_default=True, type=click.IntRange(100),
              help="Events read from the database at a time.")
@with_appcontext
def verify_command(expect_head, batch_size):
    """Walk the whole chain in order; exit 1 naming the first altered, removed or
    out-of-order event."""
    started = time.perf_counter()
    result = check_chain(expect_head, batch_size)
    elapsed = time.perf_counter() - started
    verdict = result.verdict
    if not verdict.ok:
        click.echo(f"Audit trail BROKEN at {verdict.broken.describe()}.", err=True)
        click.echo(f"The chain is intact up to seq {verdict.checked} (hash {verdict.head}).",
                   err=True)
        raise SystemExit(1)
    rate = f", {verdict.checked / elapsed:,.0f} events/s" if elapsed > 0 and verdict.checked else ""
    click.echo(f"Audit trail intact: {verdict.checked} events checked in {elapsed:.2f} s{rate}.")
    click.echo(f"Head: {result.head.line()}")
    if result.expected_missing:
        click.echo(f"The kept head {expect_head} is NOT in the chain, which ends at seq "
                   f"{result.head.seq}: the newest events were removed (or the head comes from "
                   f"another installation).", err=True)
        raise SystemExit(1)
    if expect_head is not None:
        click.echo(f"The kept head is event seq {result.expected_at}; "
                   f"{verdict.checked - result.expected_at} events were recorded after it.")


@audit_group.command("head")
@click.option("--json", "as_json", is_flag=True, help="Print it as a JSON object.")
@with_appcontext
def head_command(as_json):
    """Print the chain's newest link (seq, hash, time in UTC) on one line."""
    head = chain_head()
    click.echo(head.as_json() if as_json else head.line())
