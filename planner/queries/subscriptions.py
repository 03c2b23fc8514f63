"""Read side of the subscriptions page: a person's own subscriptions (active first, the
newest revoked ones after them) and what the creation form offers them (the units, channels
and categories they may see), each in a fixed number of SQL statements."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from planner.domain.access import Action, scope_paths
from planner.extensions import db
from planner.models import Category, Channel, FeedSubscription, Person, Unit
from planner.permissions import Access

REVOKED_SHOWN = 50  # the newest revoked subscriptions listed; older ones are only counted


@dataclass
class OwnSubscriptions:
    active: list[FeedSubscription]
    revoked: list[FeedSubscription]
    revoked_hidden: int  # revoked subscriptions too old to be listed


def own_subscriptions(person: Person) -> OwnSubscriptions:
    def query():
        return (select(FeedSubscription).where(FeedSubscription.person_id == person.id)
                .options(joinedload(FeedSubscription.unit), joinedload(FeedSubscription.channel),
                         joinedload(FeedSubscription.category),
                         joinedload(FeedSubscription.revoked_by),
                         joinedload(FeedSubscription.person).joinedload(Person.home_unit)))

    active = list(db.session.scalars(query().where(FeedSubscription.revoked_at.is_(None))
                                     .order_by(FeedSubscription.created_at.desc(),
                                               FeedSubscription.id.desc())))
    revoked = list(db.session.scalars(query().where(FeedSubscription.revoked_at.is_not(None))
                                      .order_by(FeedSubscription.revoked_at.desc(),
                                                FeedSubscription.id.desc())
                                      .limit(REVOKED_SHOWN)))
    hidden = 0
    if len(revoked) == REVOKED_SHOWN:
        hidden = db.session.scalar(select(func.count()).select_from(FeedSubscription).where(
            FeedSubscription.person_id == person.id,
            FeedSubscription.revoked_at.is_not(None))) - REVOKED_SHOWN
    return OwnSubscriptions(active, revoked, hidden)


def active_feeds(person: Person) -> list[FeedSubscription]:
    """A person's active subscriptions, as their account manager sees them (no address)."""
    return list(db.session.scalars(
        select(FeedSubscription).where(FeedSubscription.person_id == person.id,
                                       FeedSubscription.revoked_at.is_(None))
        .options(joinedload(FeedSubscription.unit))
        .order_by(FeedSubscription.created_at.desc(), FeedSubscription.id.desc())))


def _ids(path: str) -> list[int]:
    return [int(x) for x in path.strip("/").split("/")]


@dataclass
class FormChoices:
    units: list[Unit]
    channels: list[Channel]  # grouped by their unit, in tree order
    categories: list[Category]


def form_choices(access: Access) -> FormChoices:
    """The units whose posts the person may see; the channels those units' calendars show
    (their own, those below them and those of the units above, which they publish on); the
    categories of their governments."""
    roots = scope_paths(access.grants, Action.VIEW_POSTS)
    units = list(db.session.scalars(access.units(Action.VIEW_POSTS)))
    above = sorted({unit_id for root in roots for unit_id in _ids(root)})
    channels = list(db.session.scalars(
        select(Channel).join(Unit, Channel.unit_id == Unit.id)
        .options(contains_eager(Channel.unit))
        .where(or_(access.unit_condition(Action.VIEW_POSTS), Channel.unit_id.in_(above)))
        .order_by(Unit.path, Channel.platform, Channel.name, Channel.id))) if roots else []
    governments = sorted({_ids(root)[0] for root in roots})
    categories = list(db.session.scalars(
        select(Category).where(Category.government_id.in_(governments))
        .order_by(Category.government_id, Category.position, Category.id))) if roots else []
    return FormChoices(units, channels, categories)
