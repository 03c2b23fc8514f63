"""A unit moved out of a feed's subtree takes its posts out of the feed at the next fetch:
the move is also recorded on the old parent, whose changes the feed watches."""
from __future__ import annotations

import icalendar
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, Unit
from planner.permissions import Access
from planner.services.units import update_unit
from tests.feeds.fetch_helpers import fetch_world, person


def uids(response) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(response.get_data()).walk("VEVENT")}


def test_a_subdivision_moved_to_another_agency_leaves_the_divisions_feed(app, client):
    world = fetch_world(app)
    address = f"/feeds/{world.token}.ics"
    first = client.get(address)
    assert f"post-{world.other_post}@pranata" in uids(first)  # the subdivision's post

    with app.app_context():
        sysadmin = person(world.sysadmin)
        subdivision = db.session.scalar(select(Unit).where(Unit.id == db.session.scalar(
            select(Unit.id).where(Unit.parent_id == world.division))))
        health = db.session.get(Unit, world.health)
        update_unit(sysadmin, Access.load(sysadmin), subdivision, name=subdivision.name,
                    short_name=subdivision.short_name, type=subdivision.type,
                    timezone=subdivision.timezone, parent=health,
                    expected_version=subdivision.version)
        moved_out = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.moved_out"))
        assert (moved_out.unit_id, moved_out.object_id) == (world.division, subdivision.id)
        assert moved_out.details == {"to_parent_id": world.health}

    after = client.get(address, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    assert f"post-{world.other_post}@pranata" not in uids(after)
    assert f"post-{world.post}@pranata" in uids(after)
