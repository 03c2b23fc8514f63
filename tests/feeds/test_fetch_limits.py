"""Rate limits of the feed addresses: per feed (FEED_FETCH_LIMIT), and per address for
unknown tokens only (FEED_UNKNOWN_LIMIT), so that an office behind one address fetching good
feeds is never limited by that address."""
from __future__ import annotations

import pytest

from planner.domain.feeds import FeedKind, new_token
from tests.feeds.fetch_helpers import fetch_world, person, subscribe

OFFICE = {"REMOTE_ADDR": "203.0.113.7"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}


@pytest.fixture
def world(app):
    app.config.update(FEED_FETCH_LIMIT="3 per minute", FEED_UNKNOWN_LIMIT="3 per minute")
    return fetch_world(app)


def get(client, token, where=OFFICE, **kwargs):
    return client.http.get(f"/feeds/{token}.ics", environ_base=where, **kwargs)


def test_a_feed_fetched_too_often_gets_429_as_plain_text(app, client, world):
    statuses = [get(client, world.token).status_code for _ in range(3)]
    refused = get(client, world.token)
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert refused.headers["Retry-After"] == "60"
    assert refused.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in refused.headers
    # Per feed, not per address or per owner: the owner's other feed still answers.
    with app.app_context():
        _, other = subscribe(person(world.author), FeedKind.PERSONAL, name="Tugas")
    assert get(client, other).status_code == 200
    assert get(client, world.token, ELSEWHERE).status_code == 429


def test_conditional_fetches_count_against_the_feeds_limit_too(client, world):
    etag = get(client, world.token).headers["ETag"]
    assert [get(client, world.token, headers={"If-None-Match": etag}).status_code
            for _ in range(3)] == [304, 304, 429]


def test_unknown_tokens_are_limited_per_address(client, world):
    statuses = [get(client, new_token()).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert get(client, "not-a-token!").status_code == 429
    assert get(client, new_token(), ELSEWHERE).status_code == 404


def test_an_office_over_its_unknown_limit_still_gets_its_good_feeds(app, client, world):
    app.config.update(FEED_FETCH_LIMIT="100 per minute")
    for _ in range(5):
        get(client, new_token())
    assert get(client, new_token()).status_code == 429
    with app.app_context():
        tokens = [world.token] + [subscribe(person(world.author), FeedKind.UNIT,
                                            person(world.author).home_unit, f"Feed {n}")[1]
                                  for n in range(3)]
    statuses = {get(client, token).status_code for _ in range(10) for token in tokens}
    assert statuses == {200}


def test_many_good_fetches_from_one_address_never_count_as_unknown(app, client, world):
    app.config.update(FEED_FETCH_LIMIT="1000 per minute")
    assert {get(client, world.token).status_code for _ in range(40)} == {200}
    assert get(client, new_token()).status_code == 404  # the address's unknown count is still 0


def test_limits_off_limit_nothing(app, client, world):
    app.config.update(RATELIMIT_ENABLED=False)
    assert {get(client, world.token).status_code for _ in range(6)} == {200}
    assert {get(client, new_token()).status_code for _ in range(6)} == {404}
