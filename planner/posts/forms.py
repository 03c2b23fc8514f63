"""Forms for posts: the list filters, creating and editing a post, and one small form per
workflow action (each action form carries the post's version for the stale check)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit

from flask_babel import gettext
from wtforms import (DateField, SelectField, SelectMultipleField, StringField, TextAreaField,
                     TimeField, URLField, ValidationError)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from planner.domain.content import (FUNCTION_LABELS, PLATFORM_LABELS, POST_STATE_LABELS,
                                    CommunicationFunction, Platform)
from planner.domain.errors import RuleViolated, Violation
from planner.forms import BaseForm, IntSelectField, VersionedForm, _l, choice, unit_choices

REQUIRED = _l("This field is required.")
TEXT_LIMIT = 2000


def local_to_utc(day: date | None, at: time | None, unit) -> datetime | None:
    """A date and time on the unit's wall clock (WIB, WITA, WIT) as a UTC instant."""
    if day is None:
        return None
    return datetime.combine(day, at or time(0, 0), tzinfo=unit.zone).astimezone(timezone.utc)


def utc_to_local(value: datetime | None, unit) -> tuple[date | None, time | None]:
    if value is None:
        return None, None
    local = value.astimezone(unit.zone)
    return local.date(), local.time().replace(second=0, microsecond=0)


class ChecklistField(SelectMultipleField):
    """The checklist of an SOP step as checkboxes.  Items that are not on the step's list are
    dropped by the route, so a form opened on an older step still reaches the stale check."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("choices", [])
        super().__init__(label, validators, **kwargs)

    def ticked(self) -> set[str]:
        known = {option.value for option in self.choices}
        return {item for item in (self.data or []) if item in known}


class PlannedTimeMixin:
    """A publication time typed on the unit's own clock, converted to UTC by `planned_at_in`."""

    planned_date = DateField(_l("Planned date"), validators=[Optional()])
    planned_time = TimeField(_l("Planned time"), validators=[Optional()])

    def validate_planned_date(self, field):
        if field.data is not None and not 2000 <= field.data.year <= 2100:
            raise ValidationError(gettext("Give a date between the years 2000 and 2100."))

    def validate_planned_time(self, field):
        if field.data is not None and self.planned_date.data is None:
            raise ValidationError(gettext("Give the date as well as the time."))

    def planned_at_in(self, unit) -> datetime | None:
        return local_to_utc(self.planned_date.data, self.planned_time.data, unit)

    def show_planned_at(self, value: datetime | None, unit) -> None:
        self.planned_date.data, self.planned_time.data = utc_to_local(value, unit)

    def apply(self, error: RuleViolated) -> None:
        """The services speak of `planned_at`; here that is the date field."""
        super().apply(RuleViolated([
            Violation("planned_date", v.message, v.params) if v.field == "planned_at" else v
            for v in error.violations]))


class PostFilterForm(BaseForm):
    """The filters of the post list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    unit = IntSelectField(_l("Unit"), validators=[Optional()], validate_choice=False)
    state = SelectField(_l("State"), validators=[Optional()])
    category = IntSelectField(_l("Category"), validators=[Optional()], validate_choice=False)
    author = IntSelectField(_l("Author"), validators=[Optional()], validate_choice=False)
    channel = IntSelectField(_l("Channel"), validators=[Optional()], validate_choice=False)
    campaign = SelectField(_l("Campaign"), validators=[Optional(), Length(max=120)],
                           validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [choice("", gettext("Any state"))] + [
            choice(state.value, gettext(label)) for state, label in POST_STATE_LABELS.items()]

    def set_choices(self, units, categories, authors, channels=(), campaigns=()) -> None:
        anything = choice(0, gettext("Any"))
        self.unit.choices = [anything] + unit_choices(units)
        self.category.choices = [anything] + [choice(c.id, c.name) for c in categories]
        self.author.choices = [anything] + [choice(p.id, p.name) for p in authors]
        self.channel.choices = [anything] + [
            choice(c.id, f"{c.name} ({gettext(PLATFORM_LABELS[c.platform])}, {c.unit.display_name})")
            for c in channels]
        self.campaign.choices = [choice("", gettext("Any"))] + [choice(c, c) for c in campaigns]

    def chosen(self, name: str):
        """The value picked for a filter, or None when it is "any" or unreadable."""
        field = getattr(self, name)
        if field.errors or not field.data:
            return None
        return field.data


class PostFields:
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Brief"), validators=[Optional(), Length(max=20000)])
    category_id = IntSelectField(_l("Category"))
    function = SelectField(_l("Communication function"),
                           choices=[choice(f.value, _l(label)) for f, label in FUNCTION_LABELS.items()],
                           default=CommunicationFunction.INFORM.value)
    campaign = StringField(_l("Campaign"), validators=[Optional(), Length(max=120)])
    # Shape and limits are the planning rules'; they answer beside this field.
    hashtags = StringField(_l("Hashtags"), validators=[Optional(), Length(max=2000)])
    website_url = StringField(_l("Article on the official website"),
                              validators=[Optional(), Length(max=500)])
    assignee_id = IntSelectField(_l("Assignee"), validators=[Optional()], validate_choice=False)

    def set_assignees(self, people) -> None:
        self.assignee_id.choices = [choice(0, gettext("Nobody yet"))] + [
            choice(p.id, p.name) for p in people]

    def chosen_function(self) -> CommunicationFunction:
        return CommunicationFunction(self.function.data)


class NewPostForm(PlannedTimeMixin, PostFields, BaseForm):
    unit_id = IntSelectField(_l("Unit"))


class EditPostForm(PlannedTimeMixin, PostFields, VersionedForm):
    pass


class SubmitForm(VersionedForm):
    checklist = ChecklistField(_l("Checklist of the draft"))


class ApproveForm(VersionedForm):
    checklist = ChecklistField(_l("Checklist of this step"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=TEXT_LIMIT)])


class ReturnForm(VersionedForm):
    # An empty reason is refused by the workflow rules, which say why next to this field.
    reason = TextAreaField(_l("Reason for returning it"), validators=[Length(max=TEXT_LIMIT)])


class WithdrawForm(VersionedForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=TEXT_LIMIT)])


class CancelForm(VersionedForm):
    reason = TextAreaField(_l("Reason for cancelling"), validators=[Length(max=TEXT_LIMIT)])


class ScheduleForm(PlannedTimeMixin, VersionedForm):
    planned_date = DateField(_l("Publication date"), validators=[DataRequired(message=REQUIRED)])
    planned_time = TimeField(_l("Publication time"), validators=[DataRequired(message=REQUIRED)])


def _web_address(form, field):
    value = (field.data or "").strip()
    if not value:
        return
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(gettext("Enter a web address starting with https://."))


class PublishForm(VersionedForm):
    checklist = ChecklistField(_l("Checklist of the publication"))

    def url_fields(self):
        return [getattr(self, f"url_{platform.value}") for platform in Platform]

    def urls(self) -> dict[str, str]:
        return {platform.value: (getattr(self, f"url_{platform.value}").data or "").strip()
                for platform in Platform}

    def apply(self, error) -> None:
        """Put a refused address next to its platform's field; "no address at all" goes
        above the address fields."""
        from planner.forms import violation_text

        rest = []
        for violation in error.violations:
            if violation.field != "urls":
                rest.append(violation)
                continue
            url = violation.params.get("url")
            target = next((f for f in self.url_fields()
                           if url and (f.data or "").strip()[:80] == url), None)
            message = violation_text(violation)
            if target is not None:
                target.errors = list(target.errors) + [message]
            else:
                self.url_errors.append(message)
        if rest:
            super().apply(RuleViolated(rest))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_errors: list[str] = []


for _platform in Platform:
    setattr(PublishForm, f"url_{_platform.value}",
            URLField(_l(PLATFORM_LABELS[_platform]),
                     validators=[Optional(), Length(max=500), _web_address]))


class RatifyForm(VersionedForm):
    pass


class CompleteForm(VersionedForm):
    checklist = ChecklistField(_l("Checklist of this step"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=TEXT_LIMIT)])


class CommentForm(BaseForm):
    # Emptiness and length are the service's rules; it answers beside this field.
    body = TextAreaField(_l("Comment"))


ACTION_FORMS = {
    "submit": SubmitForm, "approve": ApproveForm, "return": ReturnForm,
    "withdraw": WithdrawForm, "cancel": CancelForm, "schedule": ScheduleForm,
    "publish": PublishForm, "ratify": RatifyForm, "complete": CompleteForm,
}

__all__ = ["ACTION_FORMS", "CommentForm", "EditPostForm", "NewPostForm", "PostFilterForm",
           "local_to_utc", "utc_to_local"]
