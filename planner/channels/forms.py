"""Forms of the channel pages: the list filters, a channel, a follower count, and a unit's
planner settings."""
from __future__ import annotations

from flask_babel import gettext
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.domain.channel_rules import MAX_FOLLOWERS, MAX_TOLERANCE_MINUTES, MAX_WEEKLY_TARGET
from planner.domain.content import PLATFORM_LABELS
from planner.forms import BaseForm, IntSelectField, VersionedForm, _l, choice, unit_choices

REQUIRED = _l("This field is required.")
BETWEEN = _l("Give a whole number between %(min)s and %(max)s.")


def platform_choices(anything: str | None = None):
    options = [choice(p.value, gettext(label)) for p, label in PLATFORM_LABELS.items()]
    return ([choice("", anything)] if anything else []) + options


class ChannelFilterForm(BaseForm):
    """The filters of the channel list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    unit = IntSelectField(_l("Unit"), validators=[Optional()], validate_choice=False)
    platform = SelectField(_l("Platform"), validators=[Optional()])

    def set_choices(self, units) -> None:
        self.unit.choices = [choice(0, gettext("Any"))] + unit_choices(units)
        self.platform.choices = platform_choices(gettext("Any platform"))

    def chosen(self, name: str):
        field = getattr(self, name)
        if field.errors or not field.data:
            return None
        return field.data


class ChannelFields:
    platform = SelectField(_l("Platform"), validators=[DataRequired(message=REQUIRED)])
    name = StringField(_l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=120)])
    handle = StringField(_l("Handle"), validators=[Optional(), Length(max=200)])
    url = StringField(_l("Web address"), validators=[Optional(), Length(max=500)])
    weekly_target = IntegerField(_l("Posts a week (target)"),
                                 validators=[Optional(), NumberRange(min=0, max=MAX_WEEKLY_TARGET, message=BETWEEN)])
    active = BooleanField(_l("Active"), default=True)

    def values(self) -> dict:
        return {"platform": self.platform.data, "name": self.name.data, "handle": self.handle.data,
                "url": self.url.data, "weekly_target": self.weekly_target.data,
                "active": self.active.data}


class NewChannelForm(ChannelFields, BaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.platform.choices = platform_choices()


class EditChannelForm(ChannelFields, VersionedForm):
    unit_id = IntSelectField(_l("Owner unit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.platform.choices = platform_choices()


class FollowerCountForm(BaseForm):
    recorded_on = DateField(_l("Day of the count"), validators=[InputRequired(message=REQUIRED)])
    followers = IntegerField(_l("Followers"), validators=[
        InputRequired(message=REQUIRED), NumberRange(min=0, max=MAX_FOLLOWERS, message=BETWEEN)])


class SettingsForm(VersionedForm):
    require_website_link = BooleanField(_l("Every post must link to its article on the official website"))
    slot_tolerance_minutes = IntegerField(
        _l("Tolerance for publishing on time (minutes)"),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=0, max=MAX_TOLERANCE_MINUTES, message=BETWEEN)])
    distribution_target_percent = IntegerField(
        _l("Distribution coverage target (%)"), validators=[Optional(), NumberRange(min=0, max=100, message=BETWEEN)])
