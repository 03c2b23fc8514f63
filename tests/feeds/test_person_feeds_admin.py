"""An account manager revokes every calendar subscription of a person from the person's
page (for a lost phone, a transfer); nobody else may."""
from __future__ import annotations

from sqlalchemy import select

from planner.domain.feeds import FeedKind
from planner.extensions import db
from planner.models import AuditEvent, FeedSubscription, Person, Unit
from planner.permissions import Access
from planner.services.feeds import create_subscription

SYSADMIN = "sysadmin@demo.pranata.test"
AUTHOR = "author@demo.pranata.test"


def subscribe(app, email: str, *names: str) -> tuple[int, list[str]]:
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == email))
        unit = db.session.scalar(select(Unit).where(Unit.name == "Bagian Protokol dan Komunikasi Pimpinan"))
        tokens = [create_subscription(person, Access.load(person), name=name, kind=FeedKind.UNIT,
                                      unit=unit)[1] for name in names]
        return person.id, tokens


def test_the_sysadmin_sees_a_persons_subscriptions_and_revokes_them_all(client, make_client, demo):
    author_id, tokens = subscribe(client.app, AUTHOR, "Kalender di ponsel", "Kalender kantor")
    feeds = make_client()
    assert all(feeds.get(f"/feeds/{token}.ics").status_code == 200 for token in tokens)

    client.login(SYSADMIN)
    page = client.get(f"/people/{author_id}").get_data(as_text=True)
    assert 'data-testid="person-feeds"' in page
    assert "Kalender di ponsel" in page and "Kalender kantor" in page
    assert not any(token in page for token in tokens)

    response = client.post(f"/people/{author_id}/feeds/revoke", follow_redirects=True)
    assert response.status_code == 200
    assert "2 langganan kalender milik" in response.get_data(as_text=True)
    assert all(feeds.get(f"/feeds/{token}.ics").status_code == 404 for token in tokens)
    with client.app.app_context():
        assert db.session.scalar(select(FeedSubscription.id).where(
            FeedSubscription.person_id == author_id, FeedSubscription.revoked_at.is_(None))) is None
        revokers = set(db.session.scalars(select(AuditEvent.actor_id).where(
            AuditEvent.action == "feed.revoked")))
        sysadmin = db.session.scalar(select(Person.id).where(Person.email == SYSADMIN))
        assert revokers == {sysadmin}
    assert "Tidak ada langganan kalender yang aktif." in client.get(
        f"/people/{author_id}").get_data(as_text=True)


def test_nobody_but_an_account_manager_revokes_someone_elses_subscriptions(client, make_client, demo):
    author_id, [token] = subscribe(client.app, AUTHOR, "Kalender di ponsel")
    for email in ("auditor@demo.pranata.test", "approver@demo.pranata.test"):
        other = make_client()
        other.login(email)
        assert 'data-testid="person-feeds"' not in other.get(f"/people/{author_id}").get_data(as_text=True)
        assert other.post(f"/people/{author_id}/feeds/revoke").status_code in (403, 404)
    assert make_client().get(f"/feeds/{token}.ics").status_code == 200


def test_the_revoke_button_needs_its_csrf_token(client, demo):
    author_id, [token] = subscribe(client.app, AUTHOR, "Kalender di ponsel")
    client.login(SYSADMIN)
    assert client.post(f"/people/{author_id}/feeds/revoke", csrf=False).status_code == 400
    assert client.get(f"/feeds/{token}.ics").status_code == 200
