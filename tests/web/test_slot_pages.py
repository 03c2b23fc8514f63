"""The upload-slot pages: who may open and change a channel's slots (every role, another
unit's channel, unknown ids), the weekday form and the advanced rule, refusals beside the
field with nothing saved, a stale edit, deactivating, and slots per week against the target."""
from __future__ import annotations

import re
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import UploadSlot
from tests import calendar_helpers as ch
from tests.web.post_helpers import login

MANAGERS = {"author", "approver", "sysadmin"}
EVERYONE = ["author", "approver", "sysadmin", "reviewer", "auditor", "contributor"]
NEW = {"weekdays": ["0", "2", "4"], "time_of_day": "09:00", "starts_on": "2026-12-01"}


@pytest.fixture
def world(app):
    with app.app_context():
        w = ch.calendar_world()
        w.slot = ch.slot(w.instagram)
        w.ids = {"instagram": w.instagram.id, "slot": w.slot.id, "health": w.health_channel.id,
                 "outside": w.outside_channel.id, "division": w.division.id}
        return w


def mail(who: str) -> str:
    return {"health_author": "dinkes", "outsider": "outsider", "outside_author": "lain"}.get(
        who, who) + "@uji.pranata.test"


def slot_rows(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(UploadSlot.rule, UploadSlot.active, UploadSlot.version)
                                  .order_by(UploadSlot.id))
        return [tuple(row) for row in rows]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("who", EVERYONE)
def test_only_channel_managers_open_and_change_slots(client, world, who):
    login(client, mail(who))
    ids = world.ids
    expected = 200 if who in MANAGERS else 403
    assert client.get(f"/channels/{ids['instagram']}/slots").status_code == expected
    assert client.get(f"/slots/{ids['slot']}/edit").status_code == expected
    before = slot_rows(client.app)
    create = client.post(f"/channels/{ids['instagram']}/slots", NEW)
    deactivate = client.post(f"/slots/{ids['slot']}/deactivate", {"version": 1})
    if who in MANAGERS:
        assert create.status_code == deactivate.status_code == 302
        assert slot_rows(client.app) == [("FREQ=WEEKLY;BYDAY=MO,WE,FR", False, 2),
                                         ("FREQ=WEEKLY;BYDAY=MO,WE,FR", True, 1)]
    else:
        assert create.status_code == deactivate.status_code == 403
        assert slot_rows(client.app) == before


@pytest.mark.parametrize("who", ["author", "health_author", "outsider"])
def test_another_units_channel_and_slot_are_not_found(client, world, who):
    login(client, mail(who))
    ids = world.ids
    foreign = ids["outside"] if who == "author" else ids["instagram"]
    assert client.get(f"/channels/{foreign}/slots").status_code == 404
    assert client.post(f"/channels/{foreign}/slots", NEW).status_code == 404
    if who != "author":
        assert client.get(f"/slots/{ids['slot']}/edit").status_code == 404
        assert client.post(f"/slots/{ids['slot']}/deactivate", {"version": 1}).status_code == 404
        assert slot_rows(client.app)[0][1] is True


def test_unknown_and_huge_ids_are_not_found(client, world):
    login(client, mail("sysadmin"))
    for url in ["/channels/999999/slots", "/slots/999999/edit", "/slots/99999999999999999999/edit"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/slots/999999/deactivate", {"version": 1}).status_code == 404


def test_the_page_lists_slots_in_words_and_counts_them_per_week_against_the_target(client, world):
    login(client, mail("author"))
    page = text(client.get(f"/channels/{world.ids['instagram']}/slots"))
    assert re.search(r"Every Monday, Wednesday,? and Friday at 09:00 WIB", page)
    weekly = page[page.find('data-testid="weekly"'):]
    assert re.search(r"This week</dt><dd>\d</dd> <dt>Next week</dt><dd>3</dd>", weekly)
    assert "Weekly target</dt><dd>3</dd>" in weekly and "below-target" not in weekly


def test_slots_below_the_weekly_target_are_pointed_out(client, world):
    with client.app.app_context():
        db.session.get(UploadSlot, world.ids["slot"]).rule = "FREQ=WEEKLY;BYDAY=MO"
        db.session.commit()
    login(client, mail("author"))
    page = text(client.get(f"/channels/{world.ids['instagram']}/slots"))
    assert "The slots give 1 uploads next week, below the weekly target of 3." in page


def test_an_advanced_rule_is_used_instead_of_the_weekdays(client, world):
    login(client, mail("author"))
    response = client.post(f"/channels/{world.ids['instagram']}/slots",
                           {**NEW, "rule": "RRULE:FREQ=MONTHLY;BYDAY=-1FR", "label": "Rekap bulanan"})
    assert response.status_code == 302
    assert slot_rows(client.app)[-1][0] == "FREQ=MONTHLY;BYDAY=-1FR"


@pytest.mark.parametrize("data, field, message", [
    ({**NEW, "rule": "FREQ=HOURLY"}, "rule", "Slots repeat at most daily: FREQ=HOURLY is not accepted."),
    ({**NEW, "rule": "FREQ=DAILY\nEXDATE:20261207"}, "rule", "Only a single RRULE is accepted here, not EXDATE."),
    ({**NEW, "weekdays": []}, "weekdays", "Tick at least one weekday, or type a rule."),
    ({**NEW, "weekdays": ["9"]}, "weekdays", "Not a valid choice."),
    ({**NEW, "ends_on": "2026-11-01"}, "ends_on", "The end date is before the start date."),
    ({**NEW, "starts_on": "1900-01-01"}, "starts_on", "Give a date between the years 2000 and 2100."),
    ({**NEW, "starts_on": "2026-02-30"}, "starts_on", "Not a valid date value."),
    ({**NEW, "time_of_day": "25:00"}, "time_of_day", "Not a valid time value."),
    ({**NEW, "weekdays": ["5"], "ends_on": "2026-12-04"}, "weekdays",
     "The rule gives no slot between the start date and the end date."),
    # An UNTIL far off would be saved as the end date and break every calendar page after.
    ({**NEW, "rule": "FREQ=WEEKLY;UNTIL=99991231"}, "rule",
     "UNTIL must lie between the years 2000 and 2100."),
    ({**NEW, "rule": "FREQ=WEEKLY;UNTIL=99991231T230000Z"}, "rule",
     "UNTIL must lie between the years 2000 and 2100."),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(client, world, data, field, message):
    login(client, mail("author"))
    before = slot_rows(client.app)
    response = client.post(f"/channels/{world.ids['instagram']}/slots", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page or message.replace("time value", "time") in page, page[:200]
    assert slot_rows(client.app) == before


def test_the_edit_form_shows_the_weekdays_and_saves_a_change(client, world):
    login(client, mail("approver"))
    page = client.get(f"/slots/{world.ids['slot']}/edit").get_data(as_text=True)
    ticked = re.findall(r'<input checked[^>]*value="(\d)"|<input[^>]*value="(\d)"[^>]*checked', page)
    assert sorted(a or b for a, b in ticked) == ["0", "2", "4"]
    response = client.post(f"/slots/{world.ids['slot']}/edit",
                           {"weekdays": ["1", "3"], "time_of_day": "16:30", "starts_on": "2026-12-01",
                            "version": 1})
    assert response.status_code == 302
    assert slot_rows(client.app) == [("FREQ=WEEKLY;BYDAY=TU,TH", True, 2)]


def test_a_stale_edit_is_refused_naming_who_saved_and_shows_the_current_values(client, world, make_client):
    other = login(make_client(), mail("approver"))
    assert other.post(f"/slots/{world.ids['slot']}/deactivate", {"version": 1}).status_code == 302
    login(client, mail("author"))
    response = client.post(f"/slots/{world.ids['slot']}/edit",
                           {"weekdays": ["1"], "time_of_day": "10:00", "starts_on": "2026-12-01", "version": 1})
    assert response.status_code == 409
    assert "Kepala Bagian saved a change to this record" in text(response)
    assert slot_rows(client.app) == [("FREQ=WEEKLY;BYDAY=MO,WE,FR", False, 2)]


def test_a_stale_deactivation_changes_nothing_and_says_so(client, world):
    login(client, mail("author"))
    assert client.post(f"/slots/{world.ids['slot']}/deactivate", {"version": 1}).status_code == 302
    assert client.post(f"/slots/{world.ids['slot']}/activate", {"version": 1},
                       follow_redirects=True).status_code == 200
    assert slot_rows(client.app) == [("FREQ=WEEKLY;BYDAY=MO,WE,FR", False, 2)]
    assert client.post(f"/slots/{world.ids['slot']}/activate", {"version": 2}).status_code == 302
    assert slot_rows(client.app)[0][1] is True


def test_a_form_without_csrf_token_is_refused(client, world):
    login(client, mail("author"))
    assert client.post(f"/channels/{world.ids['instagram']}/slots", NEW, csrf=False).status_code == 400
    assert client.post(f"/slots/{world.ids['slot']}/deactivate", {"version": 1}, csrf=False).status_code == 400
    assert len(slot_rows(client.app)) == 1 and slot_rows(client.app)[0][1] is True


def test_the_start_date_defaults_to_today_in_the_units_zone(client, world):
    login(client, mail("author"))
    page = client.get(f"/channels/{world.ids['instagram']}/slots").get_data(as_text=True)
    with client.app.app_context():
        from planner.models import Unit
        today = db.session.get(Unit, world.ids["division"]).today()
    assert re.search(rf"<input[^>]*name=\"starts_on\"[^>]*value=\"{today.isoformat()}\"", page)
