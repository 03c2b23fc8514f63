"""Tokens and passwords never reach the logs."""
import logging

from planner.web import SecretFilter


def test_filter_hides_tokens_in_messages_and_arguments():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '%s - - "%s" %s', ("127.0.0.1", "GET /feeds/x.ics?token=abcDEF123&x=1 HTTP/1.1", "200"),
                               None)
    SecretFilter().filter(record)
    line = record.getMessage()
    assert "abcDEF123" not in line and "token=[hidden]" in line and "x=1" in line


def test_application_and_server_loggers_stay_enabled_and_filtered(app, caplog):
    """Running the migrations must not switch the application's loggers off, and what they
    log passes the filter."""
    caplog.set_level(logging.INFO)
    for name in ("werkzeug", "gunicorn.access", app.logger.name):
        logger = logging.getLogger(name)
        assert not logger.disabled, name
        assert any(isinstance(f, SecretFilter) for f in logger.filters), name
    app.logger.warning("reset link /reset?token=%s&password=%s", "s3cr3t-token", "hunter2-hunter2")
    logging.getLogger("werkzeug").info('"GET /x?token=abc123 HTTP/1.1" 200')
    assert len(caplog.records) == 2
    assert "s3cr3t-token" not in caplog.text and "hunter2-hunter2" not in caplog.text
    assert "abc123" not in caplog.text and caplog.text.count("[hidden]") == 3


def test_an_unexpected_error_is_logged_without_the_form_values(app, client, demo, caplog):
    def explode():
        raise RuntimeError("kaboom")

    app.add_url_rule("/_explode_post", "explode_post", explode, methods=["POST"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client.login("author@demo.pranata.test")
    caplog.set_level(logging.ERROR)
    assert client.post("/_explode_post", {"password": "pranata-demo"}).status_code == 500
    assert any("kaboom" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    assert "pranata-demo" not in caplog.text


def test_a_malformed_log_call_is_left_to_the_handler_not_raised_by_the_filter():
    record = logging.LogRecord("planner", logging.WARNING, __file__, 1, "%(user)s", ({"name": "x"},), None)
    assert SecretFilter().filter(record) is True
