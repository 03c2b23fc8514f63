"""Command-line management of calendar subscriptions: `flask feeds create` subscribes a
person to a feed and prints its address (the only place the token appears);
`flask feeds revoke` revokes every active subscription of a person.

The commands act as the system (no actor in the audit trail) but a feed is made with the
person's own permissions: a unit they may not see is refused as it is on the web."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from planner.domain.errors import NotPermitted, RuleViolated
from planner.domain.feeds import FEED_KIND_LABELS, UNIT_KINDS, FeedKind
from planner.extensions import db
from planner.feeds.addresses import feed_addresses, usable_base_url
from planner.models import Person, Unit
from planner.permissions import Access
from planner.services.feeds import NAME_MAX, create_subscription, revoke_all


@click.group("feeds")
def feeds_group():
    """Calendar subscriptions: create one for a person, or revoke all of theirs."""


def _person(email: str) -> Person:
    person = db.session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower()))
    if person is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    return person


def _default_name(kind: FeedKind, unit: Unit | None, person: Person) -> str:
    """The kind of feed (and the unit), in the person's own language."""
    with force_locale(person.preferred_language or "id"):
        label = gettext(FEED_KIND_LABELS[kind])
    return (f"{label} — {unit.display_name}" if unit is not None else label)[:NAME_MAX]


def _problems(error: RuleViolated) -> str:
    return " ".join(f"{v.field}: {v.message % v.params if v.params else v.message}" if v.field
                    else (v.message % v.params if v.params else v.message) for v in error.violations)


@feeds_group.command("create")
@click.option("--user", "email", required=True, help="E-mail address of the person subscribing.")
@click.option("--kind", required=True, type=click.Choice([k.value for k in FeedKind]))
@click.option("--unit", "unit_id", type=click.IntRange(1, 2**31 - 1),
              help="Id of the unit (required for unit, slots and agenda).")
@click.option("--name", help="Name of the calendar (default: the kind and the unit).")
@click.option("--base-url", help="Public address of Pranata, e.g. https://pranata.example.go.id "
                                 "(default: PUBLIC_BASE_URL).")
@with_appcontext
def create_command(email, kind, unit_id, name, base_url):
    """Subscribe a person to a feed and print its address (shown only this once)."""
    kind = FeedKind(kind)
    base = (base_url or current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if not base:
        raise click.UsageError("No address to build the feed's address on: set PUBLIC_BASE_URL "
                               "or give --base-url https://your-pranata-host.")
    if not usable_base_url(base):
        raise click.BadParameter("give an absolute http(s) address such as https://pranata.example.go.id",
                                 param_hint="--base-url / PUBLIC_BASE_URL")
    if kind in UNIT_KINDS and unit_id is None:
        raise click.UsageError(f"--unit is required for a feed of kind {kind.value}.")
    if kind == FeedKind.PERSONAL and unit_id is not None:
        raise click.UsageError("A personal feed follows the person wherever they work: leave out --unit.")
    person = _person(email)
    if not person.active:
        raise click.ClickException(f"The account {person.email} is deactivated.")
    access = Access.load(person)
    if not access.grants:
        raise click.ClickException(f"{person.email} holds no role today: there is nothing to subscribe to.")
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if name is None:
        name = _default_name(kind, unit if unit is not None and access.sees(unit) else None, person)
    try:
        sub, token = create_subscription(None, access, name=name, kind=kind,
                                         unit=unit if unit is not None else unit_id)
    except RuleViolated as error:
        raise click.ClickException(_problems(error)) from None
    except NotPermitted:
        raise click.ClickException(f"{person.email} may not subscribe to feeds.") from None
    web, _webcal = feed_addresses(token, base)
    click.echo(f"Subscription {sub.id} “{sub.name}” created for {person.email}. Its address "
               "(shown only now; anyone who has it can read the feed):", err=True)
    click.echo(web)


@feeds_group.command("revoke")
@click.option("--user", "email", required=True, help="E-mail address of the person.")
@with_appcontext
def revoke_command(email):
    """Revoke every active subscription of a person: their addresses stop working at once."""
    person = _person(email)
    count = revoke_all(None, person)
    noun = "subscription" if count == 1 else "subscriptions"
    click.echo(f"Revoked {count} {noun} of {person.email}.")
