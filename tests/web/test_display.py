"""Instants are stored in UTC and shown in the unit's own zone with its name."""
from datetime import datetime, timezone
from types import SimpleNamespace

from planner.domain.organisation import ZONES, TimeZoneCode


def unit_in(code):
    return SimpleNamespace(zone=ZONES[code], timezone=code)


def test_local_datetime_shows_the_units_zone(app):
    instant = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
    show = app.jinja_env.filters["local_datetime"]
    with app.test_request_context():
        assert show(instant, unit_in(TimeZoneCode.WIB), "HH:mm") == "10:00 WIB"
        assert show(instant, unit_in(TimeZoneCode.WITA), "HH:mm") == "11:00 WITA"
        assert show(instant, unit_in(TimeZoneCode.WIT), "HH:mm") == "12:00 WIT"
        assert show(None) == ""


def test_dates_are_written_in_indonesian_by_default(app):
    from datetime import date
    with app.test_request_context():
        assert app.jinja_env.filters["date_label"](date(2026, 8, 17), "long") == "17 Agustus 2026"
