"""The audit page's filter form (a GET form: it changes nothing, so it needs no CSRF token)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from planner.forms import BaseForm, _l, choice, unit_choices
from planner.permissions import MAX_ID
from planner.queries.audit import EventFilter

# The kinds of record the services write events about (`record(..., obj, ...)` stores the
# model's class name); the filter offers these.  A feature that records events about a new
# model adds it here.
OBJECT_LABELS = {
    "Post": _l("Post"),
    "SopVersion": _l("SOP version"),
    "Unit": _l("Unit"),
    "Person": _l("Person"),
    "RoleAssignment": _l("Role assignment"),
    "Delegation": _l("Acting official (delegation)"),
}
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
FILTER_FIELDS = ("unit", "person", "actor", "action", "object_type", "object_id", "since", "until")


def object_label(name: str) -> str:
    return str(OBJECT_LABELS.get(name, name))


def _real_date(form, field):
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Enter a date between 1900 and 2999."))


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    unit = SelectField(_l("Unit (and the units below it)"), validators=[Optional()])
    person = StringField(_l("Person (name or e-mail)"), validators=[Optional(), Length(max=100)])
    actor = HiddenField()
    action = SelectField(_l("Action"), validators=[Optional()])
    object_type = SelectField(_l("Object type"), validators=[Optional()])
    object_id = IntegerField(_l("Object id"), validators=[
        Optional(), NumberRange(min=1, max=MAX_ID - 1, message=_l("Enter an id from the table."))])
    since = DateField(_l("From"), validators=[Optional(), _real_date])
    until = DateField(_l("To"), validators=[Optional(), _real_date])

    def __init__(self, formdata, units, actions: list[str]):
        super().__init__(formdata)
        self.unit.choices = [choice("", _l("All units"))] + unit_choices(units)
        self._paths = {u.id: u.path for u in units}
        groups = sorted({a.split(".")[0] + "." for a in actions})
        self.action.choices = [choice("", _l("All actions"))]
        for group in groups:
            self.action.choices.append(choice(group, f"{group}*"))
            self.action.choices += [choice(a, f"\u2003{a}") for a in actions if a.startswith(group)]
        self.object_type.choices = [choice("", _l("Any object"))] + [
            choice(name, label) for name, label in OBJECT_LABELS.items()]

    def validate_actor(self, field):
        if field.data and not (field.data.isascii() and field.data.isdigit()
                               and len(field.data) <= 10 and 0 < int(field.data) < MAX_ID):
            raise ValidationError(_l("That person filter is not valid and was ignored."))

    def validate_until(self, field):
        if field.data and self.since.data and not self.since.errors and field.data < self.since.data:
            raise ValidationError(_l("The end of the period is before its start."))

    def _value(self, name: str):
        field = self[name]
        return None if field.errors or field.data in (None, "") else field.data

    def event_filter(self, zone) -> EventFilter:
        """The valid filters as a query filter; a field with an error is left out (its message
        shows beside it).  Dates are whole days in `zone`, the viewer's own."""
        self.validate()
        unit_id, since, until = self._value("unit"), self._value("since"), self._value("until")
        actor = self._value("actor")
        return EventFilter(
            unit_path=self._paths.get(int(unit_id)) if unit_id else None,
            actor_id=int(actor) if actor else None,
            person=(self._value("person") or "").strip() or None,
            object_type=self._value("object_type"),
            object_id=self._value("object_id"),
            action=self._value("action"),
            since=datetime.combine(since, time.min, tzinfo=zone) if since else None,
            until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone) if until else None)

    def active_args(self) -> dict:
        """The filters in use, as query arguments for links to other pages of the same view."""
        args = {}
        for name in FILTER_FIELDS:
            value = self._value(name)
            if value is not None and value != "":
                args[name] = value.isoformat() if isinstance(value, date) else value
        return args
