"""`flask feeds create` and `flask feeds revoke`: the address printed (the only place the
token appears) fetches the feed until the person's subscriptions are revoked; every
mistake (unknown or deactivated account, a unit the person may not see, a missing --unit,
no address to build on) is a clear message, a non-zero exit and nothing saved."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from planner.domain.feeds import FeedKind, token_hash
from planner.extensions import db
from planner.models import AuditEvent, FeedSubscription, Person, Unit
from tests.web.post_helpers import DPPPA, PROKOMPIM

BASE = "https://pranata.example.go.id"
ADDRESS = re.compile(r"https://pranata\.example\.go\.id/feeds/([A-Za-z0-9_-]{43})\.ics")
AUTHOR = "author@demo.pranata.test"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["feeds", *args])


def unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


def subscriptions(app) -> list[FeedSubscription]:
    with app.app_context():
        subs = list(db.session.scalars(select(FeedSubscription).order_by(FeedSubscription.id)))
        db.session.expunge_all()
        return subs


def audit_count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == action))


def test_create_prints_the_address_which_then_fetches_the_feed(demo):
    prokompim = unit_id(demo, PROKOMPIM)
    result = run(demo, "create", "--user", AUTHOR, "--kind", "unit", "--unit", str(prokompim),
                 "--name", "Prokompim di ponsel", "--base-url", BASE + "/")
    assert result.exit_code == 0, result.output
    assert ADDRESS.fullmatch(result.stdout.strip())  # stdout is the address, nothing else
    token = ADDRESS.fullmatch(result.stdout.strip()).group(1)
    assert token not in result.stderr and "Prokompim di ponsel" in result.stderr
    [sub] = subscriptions(demo)
    assert (sub.kind, sub.unit_id, sub.name, sub.token_hash) == (
        FeedKind.UNIT, prokompim, "Prokompim di ponsel", token_hash(token))
    with demo.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feed.created"))
        assert event.actor_id is None and event.after["person_id"] == sub.person_id
        assert token not in str(event.details) + str(event.after)
    feed = demo.test_client().get(f"/feeds/{token}.ics")
    assert feed.status_code == 200 and feed.get_data().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize("kind", ["personal", "slots", "agenda"])
def test_create_uses_public_base_url_and_names_the_feed_after_its_kind(demo, kind):
    demo.config["PUBLIC_BASE_URL"] = BASE
    args = ["create", "--user", AUTHOR.upper(), "--kind", kind]
    if kind != "personal":
        args += ["--unit", str(unit_id(demo, PROKOMPIM))]
    result = run(demo, *args)
    assert result.exit_code == 0, result.output
    assert ADDRESS.fullmatch(result.stdout.strip())
    [sub] = subscriptions(demo)
    assert sub.kind == FeedKind(kind) and sub.name
    assert ("Prokompim" in sub.name) == (kind != "personal")


@pytest.mark.parametrize("args, message", [
    (["--user", "nobody@demo.pranata.test", "--kind", "personal"], "No account with the e-mail"),
    (["--user", AUTHOR, "--kind", "unit"], "--unit is required"),
    (["--user", AUTHOR, "--kind", "agenda"], "--unit is required"),
    (["--user", AUTHOR, "--kind", "personal", "--unit", "{prokompim}"], "leave out --unit"),
    (["--user", AUTHOR, "--kind", "unit", "--unit", "{dpppa}"], "Choose one of the units you may see."),
    (["--user", AUTHOR, "--kind", "unit", "--unit", "987654"], "Choose one of the units you may see."),
    (["--user", AUTHOR, "--kind", "unit", "--unit", "0"], "--unit"),
    (["--user", AUTHOR, "--kind", "everything"], "--kind"),
    (["--user", AUTHOR, "--kind", "personal", "--name", "x" * 121], "120 characters"),
    (["--user", AUTHOR, "--kind", "personal", "--base-url", "pranata.example.go.id"], "absolute"),
    (["--user", AUTHOR, "--kind", "personal", "--base-url", "ftp://pranata.example.go.id"], "absolute"),
    (["--kind", "personal"], "--user"),
])
def test_create_refuses_mistakes_with_a_message_and_saves_nothing(demo, args, message):
    ids = {"prokompim": unit_id(demo, PROKOMPIM), "dpppa": unit_id(demo, DPPPA)}
    args = [a.format(**ids) for a in args]
    if "--base-url" not in args:
        args += ["--base-url", BASE]
    result = run(demo, "create", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert subscriptions(demo) == [] and audit_count(demo, "feed.created") == 0


def test_create_without_an_address_to_build_on_is_refused(demo):
    demo.config["PUBLIC_BASE_URL"] = ""
    result = run(demo, "create", "--user", AUTHOR, "--kind", "personal")
    assert result.exit_code != 0 and "PUBLIC_BASE_URL" in result.output
    assert subscriptions(demo) == []


def test_a_unit_the_person_may_not_see_is_audited_as_refused(demo):
    result = run(demo, "create", "--user", AUTHOR, "--kind", "slots", "--unit",
                 str(unit_id(demo, DPPPA)), "--base-url", BASE)
    assert result.exit_code != 0
    assert audit_count(demo, "feed.create_refused") == 1


def test_a_deactivated_account_or_one_without_a_role_gets_no_feed(demo):
    with demo.app_context():
        person = db.session.scalar(select(Person).where(Person.email == AUTHOR))
        person.active = False
        db.session.commit()
    result = run(demo, "create", "--user", AUTHOR, "--kind", "personal", "--base-url", BASE)
    assert result.exit_code != 0 and "deactivated" in result.output
    # The demo's former social-media administrator: her role ended in 2023.
    result = run(demo, "create", "--user", "siti.rahma@demo.pranata.test", "--kind", "personal",
                 "--base-url", BASE)
    assert result.exit_code != 0 and "holds no role today" in result.output
    assert subscriptions(demo) == []


def test_revoke_revokes_every_active_subscription_and_the_addresses_stop_working(demo):
    demo.config["PUBLIC_BASE_URL"] = BASE
    prokompim = str(unit_id(demo, PROKOMPIM))
    tokens = []
    for args in (["--kind", "personal"], ["--kind", "unit", "--unit", prokompim]):
        result = run(demo, "create", "--user", AUTHOR, *args)
        tokens.append(ADDRESS.fullmatch(result.stdout.strip()).group(1))
    other = run(demo, "create", "--user", "reviewer@demo.pranata.test", "--kind", "personal")
    other_token = ADDRESS.fullmatch(other.stdout.strip()).group(1)
    fetcher = demo.test_client()
    assert all(fetcher.get(f"/feeds/{t}.ics").status_code == 200 for t in tokens)

    result = run(demo, "revoke", "--user", AUTHOR)
    assert result.exit_code == 0 and "Revoked 2 subscriptions of author@demo.pranata.test." in result.output
    assert all(fetcher.get(f"/feeds/{t}.ics").status_code == 404 for t in tokens)
    assert fetcher.get(f"/feeds/{other_token}.ics").status_code == 200
    again = run(demo, "revoke", "--user", AUTHOR)
    assert again.exit_code == 0 and "Revoked 0 subscriptions" in again.output
    assert audit_count(demo, "feed.revoked") == 2
    subs = subscriptions(demo)
    assert len(subs) == 3 and sum(s.active for s in subs) == 1


def test_revoke_names_an_unknown_account(demo):
    result = run(demo, "revoke", "--user", "nobody@demo.pranata.test")
    assert result.exit_code != 0 and "No account with the e-mail" in result.output
