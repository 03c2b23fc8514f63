"""Defects the review found in the fetch path, now fixed: a feed token stays out of the access
log however the request line encodes the path."""
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
