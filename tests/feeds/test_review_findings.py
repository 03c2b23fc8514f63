"""Defects found in the review in files of the fetch path (helper B's), left for their owner:
each test fails today and is marked xfail(strict=True), so that fixing the defect turns it
into an unexpected pass and the marker must come off."""
from __future__ import annotations

import logging

import pytest

from planner.domain.feeds import FeedKind
from planner.web import SecretFilter
from tests.feeds.fetch_helpers import subscribe
from tests import factories


def filtered(line: str, *args) -> str:
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, line, args, None)
    SecretFilter().filter(record)
    return record.getMessage()


@pytest.mark.xfail(strict=True, reason=(
    "planner/web.py SecretFilter.FEED_ADDRESS matches the literal '/feeds/' only: a request line "
    "with the path percent-encoded (/feeds%2F<token>.ics, /%66eeds/<token>.ics), which Werkzeug "
    "decodes and routes to the feed (200), or with a dot segment (/feeds/./<token>.ics), is "
    "logged with the token in clear. Match the path after percent-decoding, or hide any "
    "43-character URL-safe run anywhere in a request line."))
@pytest.mark.parametrize("path, served", [("/feeds%2F{token}.ics", True), ("/%66eeds/{token}.ics", True),
                                          ("/feeds%2f{token}.ics", True), ("/feeds/./{token}.ics", False)])
def test_a_feed_token_is_hidden_in_the_access_log_however_the_path_is_encoded(app, path, served):
    with app.app_context():
        w = factories.world()
        _sub, token = subscribe(w.author, FeedKind.PERSONAL)
    line = filtered('127.0.0.1 - - [22/Nov/2026 12:00:00] "GET %s HTTP/1.1" %s -',
                    path.format(token=token), 200)
    if served:  # Werkzeug decodes the path and serves the feed itself
        assert app.test_client().get(path.format(token=token)).status_code == 200
    assert token not in line
