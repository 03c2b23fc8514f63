"""Test data of the content planner, built through the real services where they exist:
channels, follower counts, upload slots (inserted as rows: the calendar feature owns their
service), agenda events and their coverage, and a factory world with a contributor."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta, timezone

from planner.domain.content import CoverageRole, EventStatus, Platform
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import UploadSlot
from planner.services.agenda import assign_coverage, create_event
from planner.services.channels import create_channel, record_followers
from tests import factories

_counter = itertools.count(1)


def planner_world():
    """factories.world() plus a contributor of the division (who may manage the agenda but
    not channels).  Call inside an app context."""
    w = factories.world()
    w.contributor = factories.person(w.subdivision, "Kontributor Bidang", "contributor@uji.pranata.test")
    factories.role(w.contributor, w.division, Role.CONTRIBUTOR)
    return w


def channel(unit, platform: Platform = Platform.INSTAGRAM, *, name: str | None = None,
            handle: str | None = None, url: str | None = None, weekly_target: int | None = 3,
            active: bool = True, actor=None):
    n = next(_counter)
    if handle is None and url is None and platform not in (Platform.WHATSAPP, Platform.OFFLINE):
        handle = f"@akun{n}"
    return create_channel(actor, None, unit, platform=platform, name=name or f"Kanal {n}",
                          handle=handle, url=url, weekly_target=weekly_target, active=active)


def followers(channel_, actor, day: date, count: int):
    return record_followers(actor, None, channel_, recorded_on=day, followers=count)


def slot(channel_, rule: str = "FREQ=WEEKLY;BYDAY=MO,WE,FR", at: time = time(9, 0),
         starts_on: date = date(2025, 1, 1), label: str | None = None) -> UploadSlot:
    """An upload slot row (the calendar feature owns the service that validates rules)."""
    row = UploadSlot(channel=channel_, rule=rule, time_of_day=at, starts_on=starts_on, label=label)
    db.session.add(row)
    db.session.commit()
    return row


def event(unit, *, title: str | None = None, starts_at: datetime | None = None,
          hours: int = 2, leader: str = "Wali Kota", place: str = "Gedung Daerah",
          status: EventStatus = EventStatus.CONFIRMED, actor=None):
    """An agenda event, by default tomorrow at 09:00 UTC."""
    n = next(_counter)
    if starts_at is None:
        tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
        starts_at = datetime.combine(tomorrow, time(2, 0), tzinfo=timezone.utc)
    return create_event(actor, None, unit, title=title or f"Kegiatan {n}", starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=hours), leader=leader, place=place,
                        source="Surat undangan", status=status)


def cover(event_, person, actor, role: CoverageRole = CoverageRole.PHOTOGRAPHER):
    return assign_coverage(actor, None, event_, person=person, role=role)
