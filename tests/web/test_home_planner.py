"""The home page's planner part: the leader's events of the next seven days that nobody
covers yet, shown to the people who arrange coverage and to nobody else."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import AgendaEvent, CoverageAssignment, Person
from planner.models.base import utcnow
from tests.web.post_helpers import email, sign_in

ARRANGERS = ["author", "contributor", "approver"]  # hold an agenda-managing role in Prokompim
OTHERS = ["reviewer", "auditor"]


def uncovered_soon() -> list[AgendaEvent]:
    now = utcnow()
    covered = select(CoverageAssignment.event_id)
    return list(db.session.scalars(select(AgendaEvent).where(
        AgendaEvent.starts_at >= now, AgendaEvent.starts_at < now + timedelta(days=7),
        AgendaEvent.status != "cancelled", AgendaEvent.id.not_in(covered))))


@pytest.mark.parametrize("role", ARRANGERS)
def test_those_who_arrange_coverage_see_the_uncovered_events_of_the_week(client, demo, app, role):
    with app.app_context():
        events = uncovered_soon()
        titles = [e.title for e in events]
    assert titles, "the demo has an uncovered event of the head in the coming days"
    sign_in(client, email(role))
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="uncovered-events"' in page
    for title in titles:
        assert title in page


@pytest.mark.parametrize("role", OTHERS)
def test_others_do_not_get_the_coverage_list(client, demo, role):
    sign_in(client, email(role))
    response = client.get("/")
    assert response.status_code == 200
    assert 'data-testid="uncovered-events"' not in response.get_data(as_text=True)


def test_an_event_leaves_the_list_once_someone_covers_it(client, demo, app):
    sign_in(client, email("author"))
    with app.app_context():
        event_id = uncovered_soon()[0].id
    assert f'data-event="{event_id}"' in client.get("/").get_data(as_text=True)
    with app.app_context():
        photographer = db.session.scalar(select(Person).where(Person.email == email("contributor")))
        author = db.session.scalar(select(Person).where(Person.email == email("author")))
        db.session.add(CoverageAssignment(event_id=event_id, person_id=photographer.id,
                                          role="photographer", assigned_by_id=author.id))
        db.session.commit()
    assert f'data-event="{event_id}"' not in client.get("/").get_data(as_text=True)
