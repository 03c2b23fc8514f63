"""Test data for the calendar and slot tests: channels, slots, posts with variants,
publications and agenda events written as model rows (their own services belong to other
features), on top of `tests.factories.world()`.  Call inside an application context."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from planner.domain.content import CoverageRole, EventStatus, Platform, PostState
from planner.extensions import db
from planner.models import (AgendaEvent, Channel, CoverageAssignment, PlannerSettings, Post,
                            PostPublication, PostVariant, UploadSlot)
from tests import factories

WIB = timezone(timedelta(hours=7))


def future_month(months_ahead: int = 2) -> date:
    """The first of a month safely in the future, so that its slots can still be filled."""
    today = date.today()
    index = today.year * 12 + today.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)


def first_weekday(month: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) of the month."""
    return month + timedelta(days=(weekday - month.weekday()) % 7)


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """A time on the WIB clock as a UTC instant."""
    return datetime.combine(day, time(hour, minute), WIB).astimezone(timezone.utc)


def save(*rows):
    db.session.add_all(rows)
    db.session.commit()
    return rows[0] if len(rows) == 1 else rows


def channel(unit, name: str, platform: Platform = Platform.INSTAGRAM, *, weekly_target=None,
            active: bool = True) -> Channel:
    return save(Channel(unit=unit, platform=platform, name=name, handle="@" + name.lower().replace(" ", ""),
                        weekly_target=weekly_target, active=active))


def slot(chan: Channel, rule: str = "FREQ=WEEKLY;BYDAY=MO,WE,FR", *, starts_on: date = date(2025, 1, 1),
         at: time = time(9, 0), ends_on: date | None = None, active: bool = True,
         label: str | None = None) -> UploadSlot:
    return save(UploadSlot(channel=chan, rule=rule, starts_on=starts_on, time_of_day=at,
                           ends_on=ends_on, active=active, label=label))


def post(unit, author, title: str, planned_at: datetime | None, *, code: str = "informasi-publik",
         state: PostState = PostState.DRAFT, assignee=None, event=None) -> Post:
    return save(Post(unit=unit, title=title, body="", category=factories.category(unit, code),
                     author_id=author.id, assignee_id=assignee.id if assignee else None,
                     event_id=event.id if event else None, planned_at=planned_at, state=state))


def variant(of_post: Post, chan: Channel, planned_at: datetime | None, *, slot_=None) -> PostVariant:
    return save(PostVariant(post=of_post, channel=chan, caption=f"{of_post.title} ({chan.name})",
                            planned_at=planned_at, slot_id=slot_.id if slot_ else None))


def publication(of_variant: PostVariant, published_at: datetime, recorded_by) -> PostPublication:
    return save(PostPublication(post_id=of_variant.post_id, platform=of_variant.channel.platform,
                                variant_id=of_variant.id, url="https://instagram.com/p/uji",
                                published_at=published_at, recorded_by_id=recorded_by.id))


def event(unit, title: str, starts_at: datetime, *, hours: int = 2,
          status: EventStatus = EventStatus.CONFIRMED) -> AgendaEvent:
    return save(AgendaEvent(unit=unit, title=title, place="Gedung Daerah", starts_at=starts_at,
                            ends_at=starts_at + timedelta(hours=hours), leader="Wali Kota",
                            status=status))


def cover(of_event: AgendaEvent, person, by, role: CoverageRole = CoverageRole.PHOTOGRAPHER):
    return save(CoverageAssignment(event_id=of_event.id, person_id=person.id, role=role,
                                   assigned_by_id=by.id))


def tolerance(unit, minutes: int) -> PlannerSettings:
    return save(PlannerSettings(unit=unit, slot_tolerance_minutes=minutes))


def calendar_world():
    """factories.world() with channels: Instagram and Facebook of the division (Instagram
    with a weekly target of 3), a channel of the health agency and one of another
    government."""
    w = factories.world()
    w.instagram = channel(w.division, "Instagram Prokompim", weekly_target=3)
    w.facebook = channel(w.division, "Facebook Prokompim", Platform.FACEBOOK)
    w.health_channel = channel(w.health, "Instagram Dinkes")
    w.outside_channel = channel(w.agency, "Instagram Dinas Lain")
    w.contributor = factories.person(w.subdivision, "Kontributor", "contributor@uji.pranata.test")
    from planner.domain.organisation import Role
    factories.role(w.contributor, w.division, Role.CONTRIBUTOR)
    return w
