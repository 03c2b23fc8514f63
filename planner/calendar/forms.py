"""Forms of the upload-slot pages: weekdays, a time and a period that build the rule, or an
advanced rule typed directly (RFC 5545), and the small form that (de)activates a slot."""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale, gettext
from wtforms import DateField, SelectMultipleField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.domain.errors import RuleViolated, Violation
from planner.domain.slots import simple_weekdays, weekly_rule
from planner.forms import VersionedForm, _l, choice

REQUIRED = _l("This field is required.")


def weekday_choices():
    names = get_day_names("wide", locale=get_locale())
    return [choice(str(day), names[day]) for day in range(7)]


def _year_in_range(form, field):
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(gettext("Give a date between the years 2000 and 2100."))


class SlotForm(VersionedForm):
    label = StringField(_l("Label (optional)"), validators=[Optional(), Length(max=120)])
    weekdays = SelectMultipleField(_l("Weekdays"), widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), validate_choice=False)
    time_of_day = TimeField(_l("Time"), validators=[InputRequired(message=REQUIRED)])
    starts_on = DateField(_l("From"), validators=[InputRequired(message=REQUIRED), _year_in_range])
    ends_on = DateField(_l("Until (optional)"), validators=[Optional(), _year_in_range])
    rule = TextAreaField(_l("Advanced: a recurrence rule (RFC 5545)"),
                         validators=[Optional(), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()

    def validate_weekdays(self, field):
        if any(item not in {str(d) for d in range(7)} for item in field.data or []):
            raise ValidationError(gettext("Not a valid choice."))

    def rule_text(self) -> str:
        """The typed rule if there is one, else the weekly rule of the ticked weekdays
        (raises RuleViolated when neither is given)."""
        typed = (self.rule.data or "").strip()
        if typed:
            return typed
        return weekly_rule(int(day) for day in self.weekdays.data or [])

    def show(self, slot) -> None:
        """Fill the form from a slot: the weekdays if its rule is of the simple form."""
        self.label.data, self.time_of_day.data = slot.label, slot.time_of_day
        self.starts_on.data, self.ends_on.data = slot.starts_on, slot.ends_on
        self.version.data = slot.version
        days = simple_weekdays(slot.rule)
        if days is None:
            self.weekdays.data, self.rule.data = [], slot.rule
        else:
            self.weekdays.data, self.rule.data = [str(d) for d in days], ""

    def apply(self, error: RuleViolated) -> None:
        """A rule built from the weekdays is not the person's own text: its problems (such as
        an end date with no occurrence) are shown beside the weekdays."""
        if (self.rule.data or "").strip():
            super().apply(error)
            return
        super().apply(RuleViolated([Violation("weekdays", v.message, v.params) if v.field == "rule"
                                    else v for v in error.violations]))


class ActiveForm(VersionedForm):
    """Deactivate or activate a slot (the version guards against a stale page)."""
