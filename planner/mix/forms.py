"""Forms of the mix feature: a category (new and edited), a target mix with a variable number
of lines (blank rows are left out; "More lines" adds rows without saving) and ending a target.
"""
from __future__ import annotations

from flask_babel import gettext
from wtforms import (BooleanField, FieldList, FormField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, ValidationError)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.domain import mix
from planner.domain.content import MIX_BOUND_LABELS, PARTICIPATION_LABELS, MixBound
from planner.forms import BaseForm, VersionedForm, _l, choice, database_int
from planner.services.targets import MAX_LINES, MAX_NOTE, LineSpec
from planner.sop.forms import SubForm

BLANK_ROWS = 2  # empty line rows offered below the filled ones
MORE_ROWS = 3   # rows "More lines" adds


def participation_choices():
    return [choice(level.value, gettext(label)) for level, label in PARTICIPATION_LABELS.items()]


def bound_choices():
    return [choice(bound.value, gettext(label)) for bound, label in MIX_BOUND_LABELS.items()]


class MonthField(StringField):
    """A month as YYYY-MM (an <input type="month">), read as the first of that month."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "month", "placeholder": "YYYY-MM"})
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        self.data = value.strftime("%Y-%m") if hasattr(value, "strftime") else value

    @property
    def month(self):
        return mix.parse_month((self.data or "").strip())

    def pre_validate(self, form):
        if (self.data or "").strip() and self.month is None:
            raise ValidationError(gettext("Give a month as YYYY-MM, e.g. 2026-07."))


class CategoryEditForm(BaseForm):
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Give the category a name.")), Length(max=120)])
    participation = SelectField(_l("Participation level"), choices=participation_choices)
    fast_track_allowed = BooleanField(_l("May take a fast-track route in the SOP (urgent messages)"))
    loaded = HiddenField()


class CategoryForm(CategoryEditForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(message=_l("Give the category a code.")), Length(max=40)])


class CategoryMoveForm(BaseForm):
    direction = SelectField(choices=[choice("up", "up"), choice("down", "down")])


class CategoryActiveForm(BaseForm):
    active = SelectField(choices=[choice("1", "1"), choice("0", "0")])


class CategoryChecks(SelectMultipleField):
    """Categories as checkboxes; anything but an offered id gets one plain message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", database_int)
        kwargs.setdefault("choices", [])
        super().__init__(label, validators, **kwargs)
        self.unreadable = False

    def process_formdata(self, valuelist):
        try:
            self.data = [database_int(value) for value in valuelist]
        except ValueError:
            self.data, self.unreadable = [], True

    def pre_validate(self, form):
        offered = {option.value for option in self.choices}
        if self.unreadable or any(value not in offered for value in self.data or ()):
            raise ValidationError(gettext("Choose among the categories offered."))


class LineForm(SubForm):
    bound = SelectField(_l("Bound"), choices=bound_choices, default=MixBound.AT_MOST.value)
    percent = IntegerField(_l("Percentage"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("A percentage runs from 0 to 100."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": 100})
    categories = CategoryChecks(_l("Categories"))

    @property
    def blank(self) -> bool:
        return not self.categories.data and self.percent.raw_data in (None, [], [""])

    def validate(self, extra_validators=None) -> bool:
        """An empty row is left out, whatever its other fields say."""
        return True if self.blank else super().validate(extra_validators)


class TargetForm(VersionedForm):
    starts_on = MonthField(_l("First month"), validators=[
        DataRequired(message=_l("Give the month the target starts."))])
    ends_on = MonthField(_l("Last month (empty: open-ended)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE)])
    lines = FieldList(FormField(LineForm), max_entries=MAX_LINES + MORE_ROWS)

    def prepare(self, categories, *, extra_rows: int = BLANK_ROWS) -> None:
        """Offer the categories on every line, and make sure there are blank rows to fill."""
        filled = sum(1 for entry in self.lines if not entry.form.blank)
        while len(self.lines) < min(filled + extra_rows, MAX_LINES) or not len(self.lines):
            self.lines.append_entry()
        options = [choice(c.id, c.name) for c in categories]
        for entry in self.lines:
            entry.form.categories.choices = options

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for entry in self.lines:
            line = entry.form
            if not line.blank and line.percent.data is None and not line.percent.errors:
                line.percent.errors = [gettext("Give the percentage of this line.")]
                valid = False
        return valid

    def line_specs(self) -> list[LineSpec]:
        return [LineSpec(MixBound(entry.form.bound.data), entry.form.percent.data,
                         tuple(entry.form.categories.data or ()))
                for entry in self.lines if not entry.form.blank]

    def apply(self, error) -> None:
        """Violations about the lines as a whole go above the form."""
        for violation in error.violations:
            if violation.field == "lines":
                violation = type(violation)(None, violation.message, violation.params)
            super().apply(type(error)([violation]))


def target_form_data(target) -> dict:
    return {"version": target.version, "starts_on": target.starts_on, "ends_on": target.ends_on,
            "note": target.note,
            "lines": [{"bound": line.bound.value, "percent": line.percent,
                       "categories": [c.id for c in line.categories]} for line in target.lines]}


class EndTargetForm(VersionedForm):
    last_month = MonthField(_l("Last month of the target"), validators=[
        DataRequired(message=_l("Give the last month of the target."))])
