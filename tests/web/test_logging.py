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


def test_sign_in_does_not_log_the_password(client, demo, caplog):
    caplog.set_level(logging.DEBUG)
    client.login("author@demo.pranata.test", "pranata-demo")
    client.login("author@demo.pranata.test", "rahasia-yang-salah")
    assert "pranata-demo" not in caplog.text and "rahasia-yang-salah" not in caplog.text
