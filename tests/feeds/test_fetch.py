"""GET /feeds/<token>.ics: the answer, its headers, conditional requests, what a change does
to the feed, and who gets 404 or 410.  Run on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from sqlalchemy import select
from werkzeug.http import http_date, parse_date

from planner.domain.feeds import FeedKind, new_token
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import FeedSubscription, RoleAssignment
from planner.permissions import Access
from planner.services import feed_fetch
from planner.services.feeds import regenerate_subscription, revoke_subscription
from planner.services.people import set_active, set_language, update_person
from planner.services.roles import end_assignment
from tests.feeds.fetch_helpers import (StatementCounter, at, cancel_post, fetch_world, move_post,
                                       new_post, person, subscribe, subscription)


@pytest.fixture
def world(app):
    return fetch_world(app)


def url(token: str) -> str:
    return f"/feeds/{token}.ics"


def events(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.get_data())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# -- the answer -----------------------------------------------------------------------------

def test_a_feed_answers_200_with_its_headers_and_no_cookie_without_signing_in(client, world):
    response = client.get(url(world.token))
    assert response.status_code == 200
    headers = response.headers
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Content-Disposition"] == 'inline; filename="kalender-prokompim.ics"'
    assert headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    assert parse_date(headers["Last-Modified"]) is not None
    assert "Set-Cookie" not in headers
    body = response.get_data()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    found = events(response)
    assert set(found) == {f"post-{world.post}@pranata", f"post-{world.other_post}@pranata"}
    assert f"post-{world.health_post}@pranata" not in found  # another unit's post


def test_a_signed_in_browser_gets_the_feed_and_no_new_cookie(client, world):
    client.login("author@uji.pranata.test", "rahasia-uji-123")
    for token, status in ((world.token, 200), (new_token(), 404)):
        response = client.get(url(token))
        assert response.status_code == status
        assert "Set-Cookie" not in response.headers
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_head_gives_the_same_headers_without_a_body(client, world):
    got = client.get(url(world.token))
    head = client.http.head(url(world.token))
    assert head.status_code == 200 and head.get_data() == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Referrer-Policy", "Cache-Control"):
        assert head.headers[name] == got.headers[name]


def test_the_texts_are_in_the_owners_language(app, client, world):
    indonesian = client.get(url(world.token)).get_data(as_text=True)
    with app.app_context():
        set_language(person(world.author), "en")
    english = client.get(url(world.token)).get_data(as_text=True)
    assert "(Draf)" in indonesian and "(Draft)" in english


# -- conditional requests --------------------------------------------------------------------

def test_the_etag_gets_304_with_etag_and_last_modified_and_no_body(client, world):
    first = client.get(url(world.token))
    again = client.get(url(world.token), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in again.headers
    listed = client.get(url(world.token), headers={"If-None-Match": f'"other", W/{first.headers["ETag"]}'})
    assert listed.status_code == 304
    assert client.get(url(world.token), headers={"If-None-Match": '"other"'}).status_code == 200


def test_if_modified_since_gets_304_when_nothing_changed_since(client, world):
    first = client.get(url(world.token))
    since = first.headers["Last-Modified"]
    assert client.get(url(world.token), headers={"If-Modified-Since": since}).status_code == 304
    earlier = http_date(parse_date(since) - timedelta(seconds=1))
    assert client.get(url(world.token), headers={"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2).
    both = client.get(url(world.token), headers={"If-Modified-Since": since, "If-None-Match": '"x"'})
    assert both.status_code == 200


def test_an_if_modified_since_later_than_now_is_ignored(client, world):
    client.get(url(world.token))
    future = http_date(datetime.now(timezone.utc) + timedelta(days=1))
    assert client.get(url(world.token), headers={"If-Modified-Since": future}).status_code == 200


def test_a_personal_feed_follows_its_owners_name(app, client, world):
    with app.app_context():
        _, token = subscribe(person(world.author), FeedKind.PERSONAL, name="Tugas saya")
    first = client.get(url(token))
    with app.app_context():
        admin, author = person(world.sysadmin), person(world.author)
        update_person(admin, Access.load(admin), author, home_unit=author.home_unit,
                      name="Admin Akun Baru", email=author.email, nip=author.nip,
                      position_title=author.position_title,
                      preferred_language=author.preferred_language, expected_version=author.version)
    renamed = client.get(url(token), headers={"If-None-Match": first.headers["ETag"]})
    assert renamed.status_code == 200
    described = str(icalendar.Calendar.from_ical(renamed.get_data())["X-WR-CALDESC"])
    assert "Admin Akun Baru" in described


def test_a_change_the_feed_does_not_show_keeps_the_etag(app, client, make_client, world):
    first = client.get(url(world.token))
    etag = first.headers["ETag"]
    with app.app_context():
        # A post of the city (a unit above the division: its audit events move the feed's
        # fingerprint, but the division's calendar does not show it), one of another unit,
        # and a sign-in.
        admin = person(world.sysadmin)
        new_post(admin, admin.home_unit, "Berita kota", at(2), checked=False)
        new_post(person(world.health_author), person(world.health_author).home_unit,
                 "Posyandu", at(6))
    make_client().login("author@uji.pranata.test", "rahasia-uji-123")
    rebuilt = client.get(url(world.token))
    assert rebuilt.status_code == 200
    assert rebuilt.headers["ETag"] == etag
    assert rebuilt.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert rebuilt.get_data() == first.get_data()
    assert client.get(url(world.token), headers={"If-None-Match": etag}).status_code == 304


def test_a_moved_post_comes_back_with_the_same_uid_a_higher_sequence_and_a_new_etag(app, client, world):
    first = client.get(url(world.token))
    uid = f"post-{world.post}@pranata"
    before = events(first)[uid]
    move_post(app, world.post, world.author, at(9, 15))
    stale = client.get(url(world.token), headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200
    assert stale.headers["ETag"] != first.headers["ETag"]
    after = events(stale)[uid]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == at(9, 15)
    assert after.decoded("DTSTART") != before.decoded("DTSTART")
    assert client.get(url(world.token), headers={"If-None-Match": stale.headers["ETag"]}).status_code == 304


def test_a_cancelled_post_comes_back_cancelled(app, client, world):
    client.get(url(world.token))
    cancel_post(app, world.post, world.author)
    event = events(client.get(url(world.token)))[f"post-{world.post}@pranata"]
    assert str(event["STATUS"]) == "CANCELLED"


# -- who may fetch ---------------------------------------------------------------------------

def test_unknown_revoked_and_malformed_tokens_get_the_same_404(app, client, world):
    unknown = client.get(url(new_token()))
    malformed = client.get("/feeds/bukan%20token!.ics")
    with app.app_context():
        owner = person(world.author)
        revoke_subscription(owner, Access.load(owner), subscription(world.sub))
    revoked = client.get(url(world.token))
    for response in (unknown, malformed, revoked):
        assert response.status_code == 404
        assert response.get_data() == unknown.get_data()
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "ETag" not in response.headers and "Set-Cookie" not in response.headers
    assert len(unknown.get_data()) < 200


def test_a_regenerated_address_replaces_the_old_one_at_once(app, client, world):
    assert client.get(url(world.token)).status_code == 200
    with app.app_context():
        owner = person(world.author)
        token = regenerate_subscription(owner, Access.load(owner), subscription(world.sub))
    assert client.get(url(world.token)).status_code == 404
    assert client.get(url(token)).status_code == 200


def test_a_deactivated_owner_gets_410(app, client, world):
    assert client.get(url(world.token)).status_code == 200
    with app.app_context():
        admin = person(world.sysadmin)
        set_active(admin, Access.load(admin), person(world.author), False)
    gone = client.get(url(world.token))
    assert gone.status_code == 410
    assert gone.headers["Referrer-Policy"] == "no-referrer"
    assert gone.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"Liputan" not in gone.get_data()


def test_an_owner_who_lost_the_role_gets_410_even_with_the_etag(app, client, world):
    first = client.get(url(world.token))
    with app.app_context():
        for assignment in db.session.scalars(select(RoleAssignment).where(
                RoleAssignment.person_id == world.author)):
            end_assignment(None, None, assignment, end_date=date.today() - timedelta(days=2),
                           reason="Mutasi")
    assert client.get(url(world.token), headers={"If-None-Match": first.headers["ETag"]}).status_code == 410


def test_a_personal_feed_answers_while_its_owner_holds_a_role(app, client, world):
    with app.app_context():
        _, token = subscribe(person(world.author), FeedKind.PERSONAL, name="Tugas saya")
    assert client.get(url(token)).status_code == 200
    with app.app_context():
        for assignment in db.session.scalars(select(RoleAssignment).where(
                RoleAssignment.person_id == world.author)):
            end_assignment(None, None, assignment, end_date=date.today() - timedelta(days=2),
                           reason="Pensiun")
    assert client.get(url(token)).status_code == 410


def test_a_unit_feed_follows_the_owners_roles_of_the_moment(app, client, world):
    """A sysadmin of the whole city subscribed to the health agency; the role ends."""
    with app.app_context():
        admin = person(world.sysadmin)
        _, token = subscribe(admin, FeedKind.UNIT, admin.home_unit, "Semua")
    found = events(client.get(url(token)))
    assert f"post-{world.health_post}@pranata" in found and f"post-{world.post}@pranata" in found
    with app.app_context():
        assignment = db.session.scalar(select(RoleAssignment).where(
            RoleAssignment.person_id == world.sysadmin, RoleAssignment.role == Role.SYSADMIN))
        end_assignment(None, None, assignment, end_date=date.today() - timedelta(days=2), reason="Mutasi")
    assert client.get(url(token)).status_code == 410


# -- what a fetch costs and records -------------------------------------------------------------

def test_the_304_path_builds_nothing_and_sends_two_or_three_statements(app, client, world,
                                                                        monkeypatch):
    with app.app_context():
        _, personal = subscribe(person(world.author), FeedKind.PERSONAL, name="Tugas saya")
    etags = {token: client.get(url(token)).headers["ETag"] for token in (world.token, personal)}

    def no_build(*args, **kwargs):
        raise AssertionError("the feed was built for a 304")

    monkeypatch.setattr(feed_fetch, "feed_groups", no_build)
    monkeypatch.setattr(feed_fetch, "feed_meta", no_build)
    counted = {}
    for token, etag in etags.items():
        with StatementCounter(app) as counter:
            assert client.get(url(token), headers={"If-None-Match": etag}).status_code == 304
        selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == len(counter.statements)  # fetched a moment ago: nothing written
        counted[token] = len(selects)
    # A unit's feed: the subscription with its owner, unit and last change; the owner's roles
    # and acting roles (one statement).  A personal feed's last change depends on those
    # roles: one more.
    assert counted == {world.token: 2, personal: 3}


def test_a_fetch_is_counted_and_its_time_written_at_most_once_a_minute(app, client, world):
    with app.app_context():
        assert subscription(world.sub).last_fetched_at is None
    for _ in range(3):
        client.get(url(world.token))
    with app.app_context():
        sub = subscription(world.sub)
        first_time, count = sub.last_fetched_at, sub.fetch_count
        assert first_time is not None and count == 1
        # A minute later the next fetch writes the time again, with the fetches counted meanwhile.
        sub.last_fetched_at = first_time - timedelta(minutes=2)
        db.session.commit()
    client.get(url(world.token))
    with app.app_context():
        sub = subscription(world.sub)
        assert sub.fetch_count == 4 and sub.last_fetched_at > first_time - timedelta(minutes=2)


def test_what_the_build_gave_is_stored_for_every_worker(app, client, world):
    response = client.get(url(world.token))
    with app.app_context():
        sub = db.session.scalar(select(FeedSubscription).where(FeedSubscription.id == world.sub))
        assert sub.cache_etag == response.headers["ETag"]
        assert sub.cache_fingerprint and len(sub.cache_fingerprint) == 64
        assert http_date(sub.cache_last_modified) == response.headers["Last-Modified"]
