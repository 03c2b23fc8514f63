"""Forms of the agenda pages: the list filters, an event (times on the unit's own clock),
assigning someone to cover an event, and removing an assignment."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask_babel import gettext
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from planner.domain.content import COVERAGE_ROLE_LABELS, EVENT_STATUS_LABELS
from planner.domain.errors import RuleViolated, Violation
from planner.forms import BaseForm, IntSelectField, VersionedForm, _l, choice, unit_choices

REQUIRED = _l("This field is required.")


def local_to_utc(day: date | None, at: time | None, unit) -> datetime | None:
    """A date and time on the unit's wall clock (WIB, WITA, WIT) as a UTC instant."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=unit.zone).astimezone(timezone.utc)


def _plausible_year(form, field):
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(gettext("Give a date between the years 2000 and 2100."))


class AgendaFilterForm(BaseForm):
    """The filters of the agenda (a GET form: no CSRF token).  The page's query names are
    `from` and `to`; the route maps them onto `start` and `end`."""

    class Meta:
        csrf = False

    unit = IntSelectField(_l("Unit"), validators=[Optional()], validate_choice=False)
    start = DateField(_l("From"), validators=[Optional(), _plausible_year])
    end = DateField(_l("To"), validators=[Optional(), _plausible_year])
    uncovered = BooleanField(_l("Uncovered only"))

    def set_choices(self, units) -> None:
        self.unit.choices = [choice(0, gettext("Any"))] + unit_choices(units)

    def chosen_unit(self) -> int | None:
        return None if self.unit.errors or not self.unit.data else self.unit.data


class EventFields:
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    start_date = DateField(_l("Start date"), validators=[InputRequired(message=REQUIRED), _plausible_year])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(message=REQUIRED)])
    end_date = DateField(_l("End date"), validators=[InputRequired(message=REQUIRED), _plausible_year])
    end_time = TimeField(_l("End time"), validators=[InputRequired(message=REQUIRED)])
    leader = StringField(_l("Leader attending"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def set_status_choices(self) -> None:
        self.status.choices = [choice(s.value, gettext(label)) for s, label in EVENT_STATUS_LABELS.items()]

    def values(self, unit) -> dict:
        return {"title": self.title.data, "place": self.place.data, "leader": self.leader.data,
                "source": self.source.data, "status": self.status.data, "notes": self.notes.data,
                "starts_at": local_to_utc(self.start_date.data, self.start_time.data, unit),
                "ends_at": local_to_utc(self.end_date.data, self.end_time.data, unit)}

    def show(self, event) -> None:
        """Fill the form from a saved event, on its unit's clock."""
        for name in ("title", "place", "leader", "source", "notes"):
            getattr(self, name).data = getattr(event, name)
        self.status.data = event.status.value
        start, end = event.starts_at.astimezone(event.unit.zone), event.ends_at.astimezone(event.unit.zone)
        self.start_date.data, self.start_time.data = start.date(), start.time().replace(second=0, microsecond=0)
        self.end_date.data, self.end_time.data = end.date(), end.time().replace(second=0, microsecond=0)

    def apply(self, error: RuleViolated) -> None:
        """The services speak of `starts_at` and `ends_at`; here those are the date fields."""
        fields = {"starts_at": "start_date", "ends_at": "end_date"}
        super().apply(RuleViolated([Violation(fields.get(v.field, v.field), v.message, v.params)
                                    for v in error.violations]))


class NewEventForm(EventFields, BaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_status_choices()


class EditEventForm(EventFields, VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_status_choices()


class CoverageForm(BaseForm):
    person_id = IntSelectField(_l("Person"))
    role = SelectField(_l("Covers as"))

    def set_choices(self, people) -> None:
        self.person_id.choices = [choice(p.id, p.name) for p in people]
        self.role.choices = [choice(r.value, gettext(label)) for r, label in COVERAGE_ROLE_LABELS.items()]


class RemoveCoverageForm(BaseForm):
    """Removing an assignment: the CSRF token is all it carries."""
