"""What the calendar routes share: reading the query string safely (a bad value is a 400,
an id of another unit a 404), the chosen unit and filters, the days of a month or a week,
and a slot's rule in the reader's words."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from babel.dates import format_time, get_day_names
from babel.lists import format_list
from flask import abort, request
from flask_babel import get_locale, gettext
from flask_login import current_user

from planner.domain.access import Action
from planner.domain.content import PostState
from planner.domain.errors import NotVisible
from planner.domain.slots import describe, week_start
from planner.extensions import db
from planner.forms import database_int
from planner.models import Unit
from planner.permissions import Access
from planner.queries.calendar import CalendarFilters, Entry, FilterChoices, filter_choices, rule_of

MONTH = re.compile(r"\d{4}-\d{2}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_LIST_DAYS = 92


def month_param(name: str, default: date) -> date:
    """The first of the month given as YYYY-MM (400 if malformed or out of 2000-2100)."""
    value = request.args.get(name, "")
    if not value:
        return default.replace(day=1)
    if not MONTH.fullmatch(value):
        abort(400)
    year, month = int(value[:4]), int(value[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(400)
    return date(year, month, 1)


def day_param(name: str, default: date) -> date:
    value = request.args.get(name, "")
    if not value:
        return default
    if not DAY.fullmatch(value):
        abort(400)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(400)
    if not 2000 <= day.year <= 2100:
        abort(400)
    return day


def id_param(name: str) -> int | None:
    value = request.args.get(name, "")
    if value in ("", "0"):
        return None
    try:
        return database_int(value)
    except ValueError:
        abort(400)


def local_midnight(day: date, unit: Unit) -> datetime:
    return datetime.combine(day, time(), unit.zone).astimezone(timezone.utc)


@dataclass
class Chosen:
    """The unit and filters of a calendar page, and what the filter form offers."""

    filters: CalendarFilters
    choices: FilterChoices
    query: dict = field(default_factory=dict)  # the filters as URL parameters, for links

    @property
    def unit(self) -> Unit:
        return self.filters.unit


def chosen_filters(access: Access) -> Chosen:
    """The unit (default: the person's home unit if visible, else the first visible one) and
    the filters.  A unit, channel, category or person the person cannot choose is a 404."""
    access.require_anywhere(Action.VIEW_POSTS)
    unit_id = id_param("unit")
    if unit_id is not None:
        unit = access.fetch(Unit, unit_id, Action.VIEW_POSTS)
    else:
        home = db.session.get(Unit, current_user.home_unit_id)
        unit = home if home is not None and access.can(Action.VIEW_POSTS, home) else None
        if unit is None:
            unit = db.session.scalars(access.units(Action.VIEW_POSTS).limit(1)).first()
    choices = filter_choices(access, unit)
    channel_id, category_id, person_id = id_param("channel"), id_param("category"), id_param("person")
    if channel_id is not None and channel_id not in {c.id for c in choices.channels}:
        raise NotVisible("Channel")
    if category_id is not None and category_id not in {c.id for c in choices.categories}:
        raise NotVisible("Category")
    if person_id is not None and person_id not in {p.id for p in choices.people}:
        raise NotVisible("Person")
    state_value = request.args.get("state", "")
    if state_value and state_value not in set(PostState):
        abort(400)
    state = PostState(state_value) if state_value else None
    filters = CalendarFilters(unit, channel_id, category_id, state, person_id)
    query = {"unit": unit.id, "channel": channel_id, "category": category_id,
             "state": state.value if state else None, "person": person_id}
    return Chosen(filters, choices, {k: v for k, v in query.items() if v is not None})


@dataclass
class Day:
    day: date
    entries: list[Entry]
    in_range: bool = True
    today: bool = False


def days_between(first: date, last: date, by_day: dict[date, list[Entry]], today: date,
                 in_range=lambda day: True) -> list[Day]:
    days, day = [], first
    while day <= last:
        days.append(Day(day, by_day.get(day, []), in_range(day), day == today))
        day += timedelta(days=1)
    return days


def month_grid(month: date) -> tuple[date, date]:
    """The Monday before the month's first day and the Sunday after its last."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return week_start(month), week_start(following - timedelta(days=1)) + timedelta(days=6)


def weekday_names() -> list[str]:
    names = get_day_names("abbreviated", locale=get_locale())
    return [names[d] for d in range(7)]


def rule_in_words(slot) -> str:
    """"Every Monday, Wednesday and Friday at 09:00 WIB", in the reader's language."""
    unit = slot.channel.unit
    words = describe(rule_of(slot), unit.timezone.value)
    names = get_day_names("wide", locale=get_locale())
    params = dict(words.params)
    params["days"] = format_list([names[d] for d in words.weekdays], locale=get_locale()) \
        if words.weekdays else ""
    params["time"] = format_time(params["time"], "HH:mm", locale=get_locale())
    return gettext(words.message, **params)
