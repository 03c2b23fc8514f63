"""Command-line commands: `seed-demo`, `create-unit` and `create-user`."""
from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from planner.audit_cli import audit_group
from planner.domain.errors import RuleViolated
from planner.domain.organisation import Role, TimeZoneCode, UnitType
from planner.extensions import db
from planner.feeds.cli import feeds_group
from planner.models import Unit


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_unit_command)
    app.cli.add_command(create_user)
    app.cli.add_command(audit_group)
    app.cli.add_command(feeds_group)


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load the demo government (running it again changes nothing)."""
    from planner.demo.tanjungpinang import seed

    result = seed(date.today())
    click.echo(f"Demo loaded: {result['created']} records created.")
    click.echo(f"Demo accounts (password: {result['password']}):")
    for role, email in result["accounts"].items():
        click.echo(f"  {role.value:<12} {email}")


@click.command("create-unit")
@with_appcontext
@click.option("--name", required=True)
@click.option("--type", "unit_type", type=click.Choice([t.value for t in UnitType]),
              default=UnitType.GOVERNMENT.value, show_default=True)
@click.option("--timezone", type=click.Choice([z.value for z in TimeZoneCode]), default="WIB",
              show_default=True)
@click.option("--parent", "parent_id", type=int, help="Id of the parent unit (none: a top-level government).")
def create_unit_command(name, unit_type, timezone, parent_id):
    """Create a unit, for example the government a new installation serves."""
    from planner.services.units import create_unit

    parent = None
    if parent_id is not None:
        parent = db.session.get(Unit, parent_id)
        if parent is None:
            raise click.BadParameter(f"no unit with id {parent_id}", param_hint="--parent")
    unit = create_unit(None, None, name=name, type=unit_type, timezone=timezone, parent=parent)
    click.echo(f"Unit {unit.id}: {unit.name}")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--unit", "unit_id", type=int, help="Home unit id (default: the first government).")
@click.option("--role", type=click.Choice([r.value for r in Role]),
              help="Give the person this role in the home unit from today.")
@click.option("--decree-number", help="Decree (SK) the role rests on.")
@click.option("--decree-date", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--decree-signed-by")
@click.password_option(help="Asked for when not given.")
def create_user(email, name, unit_id, role, decree_number, decree_date, decree_signed_by, password):
    """Create a real account (and optionally its first role)."""
    from planner.services.people import create_person
    from planner.services.roles import assign_role

    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
    else:
        unit = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    if unit is None:
        raise click.ClickException("No such unit. Create one first: flask --app wsgi create-unit --name ...")
    try:
        person = create_person(None, None, home_unit=unit, name=name, email=email, password=password)
        if role:
            assign_role(None, None, person=person, unit=unit, role=role, valid_from=unit.today(),
                        decree_number=decree_number,
                        decree_date=decree_date.date() if decree_date else None,
                        decree_signed_by=decree_signed_by)
    except RuleViolated as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {person.email} in {unit.name}" + (f" as {role}" if role else "") + ".")
