"""Forms of the distribution pages: a group of a network, the distribution of a post (groups,
when, by whom), a reuse by another unit, the unit and period pickers, and the small forms
of the deactivate and remove buttons."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext
from wtforms import (DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField, ValidationError)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.domain.content import AMPLIFICATION_KIND_LABELS, GROUP_LEVEL_LABELS
from planner.domain.distribution import MAX_MEMBERS
from planner.domain.errors import RuleViolated, Violation
from planner.forms import BaseForm, IntSelectField, VersionedForm, _l, choice, database_int, unit_choices
from planner.posts.forms import local_to_utc

REQUIRED = _l("This field is required.")
MAX_GROUPS_AT_ONCE = 1000


def _year_in_range(form, field):
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(gettext("Give a date between the years 2000 and 2100."))


def _web_address(form, field):
    value = (field.data or "").strip()
    if value:
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. an unbalanced "[" in the host
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(gettext("Enter a web address starting with https://."))


class GroupForm(VersionedForm):
    """A group of a network; the version matters only when editing."""

    name = StringField(_l("Name of the group"), validators=[DataRequired(message=REQUIRED),
                                                            Length(max=200)])
    level = SelectField(_l("Level"))
    parent_id = IntSelectField(_l("Sits under"))
    members = IntegerField(_l("Members of this group"), validators=[
        InputRequired(message=REQUIRED),
        NumberRange(min=0, max=MAX_MEMBERS, message=_l("Give the number of members, from 0 to %(max)s."))])
    channel_id = IntSelectField(_l("WhatsApp channel (optional)"))

    def prepare(self, parents, channels) -> None:
        self.level.choices = [choice(level.value, gettext(label))
                              for level, label in GROUP_LEVEL_LABELS.items()]
        self.parent_id.choices = [choice(0, gettext("(none: top of the network)"))] + [
            choice(g.id, g.name) for g in parents]
        self.channel_id.choices = [choice(0, gettext("(no channel)"))] + [
            choice(c.id, f"{c.name} ({c.handle})") for c in channels]


class DistributionForm(BaseForm):
    group_ids = SelectMultipleField(_l("Groups it was sent to"), coerce=database_int,
                                    validate_choice=False)
    sent_date = DateField(_l("Date sent"), validators=[InputRequired(message=REQUIRED), _year_in_range])
    sent_time = TimeField(_l("Time sent"), validators=[InputRequired(message=REQUIRED)])
    sent_by_id = IntSelectField(_l("Sent by"))

    def validate_group_ids(self, field):
        if len(field.data or []) > MAX_GROUPS_AT_ONCE:
            raise ValidationError(gettext("Choose at most %(max)s groups at once.", max=MAX_GROUPS_AT_ONCE))

    def prepare(self, senders) -> None:
        self.sent_by_id.choices = [choice(p.id, p.name) for p in senders]

    def sent_at_in(self, unit) -> datetime | None:
        return local_to_utc(self.sent_date.data, self.sent_time.data, unit)

    def show_sent_at(self, value: datetime, unit) -> None:
        local = value.astimezone(unit.zone)
        self.sent_date.data, self.sent_time.data = local.date(), local.time().replace(second=0,
                                                                                     microsecond=0)

    def apply(self, error: RuleViolated) -> None:
        """The services speak of `sent_at`; here that is the date field."""
        super().apply(RuleViolated([
            Violation("sent_date", v.message, v.params) if v.field == "sent_at" else v
            for v in error.violations]))


class AmplificationForm(BaseForm):
    unit_id = IntSelectField(_l("Unit that reused it"))
    kind = SelectField(_l("How it was reused"))
    reused_on = DateField(_l("Date of the reuse"), validators=[InputRequired(message=REQUIRED),
                                                              _year_in_range])
    url = StringField(_l("Address of the reuse (optional)"),
                      validators=[Optional(), Length(max=500), _web_address])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])

    def prepare(self, units) -> None:
        self.unit_id.choices = unit_choices(units)
        self.kind.choices = [choice(kind.value, gettext(label))
                             for kind, label in AMPLIFICATION_KIND_LABELS.items()]


class ButtonForm(BaseForm):
    """A button that changes one thing (remove a line): only the CSRF token."""


class ToggleForm(VersionedForm):
    """Deactivate or reactivate a group: the version the page showed."""


class UnitPickForm(BaseForm):
    """The unit picker of the networks page (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    unit = IntSelectField(_l("Unit"), validate_choice=False)
