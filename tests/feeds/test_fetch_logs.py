"""A feed's token never reaches a log: werkzeug's request line (through a real server),
gunicorn's access line (through gunicorn's own logger), and the application's own error log
of a feed request that failed."""
from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from planner.domain.feeds import new_token
from planner.services import feed_fetch
from planner.web import SecretFilter
from tests.feeds.fetch_helpers import fetch_world


@pytest.fixture
def world(app):
    return fetch_world(app)


def hidden(line: str) -> str:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (line,), None)
    SecretFilter().filter(record)
    return record.getMessage()


@pytest.mark.parametrize("line, expected", [
    ('"GET /feeds/Ab_c-9XyZ012345678901234567890123456789abcd.ics HTTP/1.1" 200 -',
     '"GET /feeds/[hidden].ics HTTP/1.1" 200 -'),
    ("GET /feeds/abc.ics?x=1", "GET /feeds/[hidden].ics?x=1"),
    ("HEAD /FEEDS/abc.ICS", "HEAD /FEEDS/[hidden].ics"),
    # Mistyped feed addresses may still carry a real token.
    ("GET /feeds/Ab_c-9XyZ012345678901234567890123456789abcd.ic", "GET /feeds/[hidden]"),
    ("GET /feeds/Ab_c-9XyZ012345678901234567890123456789abcd", "GET /feeds/[hidden]"),
    ("https://pranata.example/feeds/Ab_c-9XyZ0123456789.ics", "https://pranata.example/feeds/[hidden].ics"),
    # The subscription pages stay readable.
    ("POST /feeds/12/revoke HTTP/1.1", "POST /feeds/12/revoke HTTP/1.1"),
    ("GET /feeds HTTP/1.1", "GET /feeds HTTP/1.1"),
    ("GET /reset?token=abc123 HTTP/1.1", "GET /reset?token=[hidden] HTTP/1.1"),
])
def test_the_filter_hides_feed_addresses_and_leaves_other_paths(line, expected):
    assert hidden(line) == expected


def test_werkzeugs_request_line_of_a_real_server_hides_the_token(app, world, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    unknown = new_token()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        with urllib.request.urlopen(f"{base}/feeds/{world.token}.ics") as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/feeds/{unknown}.ics")
        assert refused.value.code == 404
    finally:
        server.shutdown()
        thread.join()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    # (werkzeug colours the request line of a 404 on a terminal: look at its parts)
    for status in (200, 404):
        assert any("GET /feeds/[hidden].ics HTTP/1.1" in line and f" {status} " in line
                   for line in lines), lines
    assert world.token not in caplog.text and unknown not in caplog.text


def test_gunicorns_access_line_hides_the_token(app, world):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("accesslog", "/dev/null")
    logger = Logger(config)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    keep = Keep()
    access = logging.getLogger("gunicorn.access")  # gunicorn's own: it does not propagate
    access.addHandler(keep)
    try:
        path = f"/feeds/{world.token}.ics"
        environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "",
                   "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.7",
                   "HTTP_USER_AGENT": "Google-Calendar-Importer"}
        response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/calendar")],
                                   sent=1234)
        request = SimpleNamespace(headers=[("USER-AGENT", "Google-Calendar-Importer")])
        logger.access(response, request, environ, timedelta(milliseconds=3))
    finally:
        access.removeHandler(keep)
    assert len(lines) == 1
    assert '"GET /feeds/[hidden].ics HTTP/1.1" 200 1234' in lines[0]
    assert world.token not in lines[0]


def test_the_error_log_of_a_failed_feed_request_hides_the_token(app, client, world, caplog,
                                                               monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(feed_fetch, "fetch", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    caplog.set_level(logging.ERROR)
    response = client.get(f"/feeds/{world.token}.ics")
    assert response.status_code == 500
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert any(r.exc_info for r in caplog.records)
    assert "Exception on /feeds/[hidden].ics [GET]" in caplog.text
    assert world.token not in caplog.text
