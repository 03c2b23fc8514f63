"""Helpers of the feed fetch tests: a small world with posts made through the real services
(so that every change writes its audit event), subscriptions through the subscription
service, and changes made the way the pages make them."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from types import SimpleNamespace

import sqlalchemy as sa

from planner.domain.feeds import FeedKind
from planner.extensions import db
from planner.models import FeedSubscription, Person, Post
from planner.permissions import Access
from planner.services.feeds import create_subscription
from planner.services.posts import cancel, create_post, update_post
from tests import calendar_helpers as ch
from tests import factories

WIB = ch.WIB


def at(days: int, hour: int = 9) -> datetime:
    """A UTC instant `days` from today at `hour` on the WIB clock."""
    day = datetime.now(WIB).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), WIB).astimezone(timezone.utc)


def new_post(author, unit, title: str, planned_at: datetime, code: str = "informasi-publik",
             *, checked: bool = True) -> Post:
    """A draft made through the service (`checked` False: as the system, whoever the author)."""
    return create_post(author, Access.load(author) if checked else None, unit, title=title, body="Isi",
                       category=factories.category(unit, code), planned_at=planned_at)


def fetch_world(app):
    """factories.world() with an SOP in the division, two posts of the division and one of the
    health agency made through the services, and a publication-calendar subscription of the
    division's author.  Returns ids and the token (objects do not outlive the context)."""
    with app.app_context():
        w = factories.world()
        factories.sop(w.division)
        first = new_post(w.author, w.division, "Liputan rapat koordinasi", at(3, 10))
        second = new_post(w.author, w.subdivision, "Pengumuman layanan", at(5, 14))
        health = new_post(w.health_author, w.health, "Vaksinasi massal", at(4, 9))
        sub, token = subscribe(w.author, FeedKind.UNIT, w.division, "Kalender Prokompim")
        return SimpleNamespace(
            token=token, sub=sub.id, post=first.id, other_post=second.id, health_post=health.id,
            author=w.author.id, health_author=w.health_author.id, sysadmin=w.sysadmin.id,
            approver=w.approver.id, division=w.division.id, health=w.health.id, city=w.city.id)


def subscribe(person, kind: FeedKind, unit=None, name: str = "Kalender"):
    return create_subscription(person, Access.load(person), name=name, kind=kind, unit=unit)


def person(person_id: int) -> Person:
    return db.session.get(Person, person_id)


def subscription(sub_id: int) -> FeedSubscription:
    return db.session.get(FeedSubscription, sub_id)


def move_post(app, post_id: int, author_id: int, planned_at: datetime) -> None:
    with app.app_context():
        post = db.session.get(Post, post_id)
        author = person(author_id)
        update_post(author, Access.load(author), post, post.version, title=post.title,
                    body=post.body, category=post.category, planned_at=planned_at)


def retitle_post(app, post_id: int, author_id: int, title: str) -> None:
    with app.app_context():
        post = db.session.get(Post, post_id)
        author = person(author_id)
        update_post(author, Access.load(author), post, post.version, title=title,
                    body=post.body, category=post.category, planned_at=post.planned_at)


def cancel_post(app, post_id: int, author_id: int) -> None:
    with app.app_context():
        post = db.session.get(Post, post_id)
        author = person(author_id)
        cancel(author, Access.load(author), post, post.version, reason="Acara batal")


class StatementCounter:
    """Counts the SQL statements the application's engine sends while active."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.statements: list[str] = []

    def _seen(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)
