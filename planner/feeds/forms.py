"""Forms of the subscriptions page: creating a subscription (name, kind, unit and the
publication calendar's filters) and the buttons that regenerate or revoke one.  Each form
carries a one-time value (`once`) so that reloading the page that shows an address does
not create or regenerate a second time."""
from __future__ import annotations

from flask_babel import gettext
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from planner.domain.content import PLATFORM_LABELS, POST_STATE_LABELS
from planner.domain.feeds import FEED_KIND_LABELS
from planner.forms import BaseForm, IntSelectField, _l, choice, unit_choices
from planner.services.feeds import NAME_MAX

REQUIRED = _l("This field is required.")


class OnceForm(BaseForm):
    once = HiddenField()


class SubscriptionForm(OnceForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=NAME_MAX)])
    kind = SelectField(_l("What the calendar shows"), validate_choice=False)
    # The choices are checked by the service, which refuses (and audits) a unit, channel or
    # category the person may not see with the same message as one that does not exist.
    unit = IntSelectField(_l("Unit"), validate_choice=False, default=0)
    channel = IntSelectField(_l("Channel"), validate_choice=False, default=0)
    category = IntSelectField(_l("Category"), validate_choice=False, default=0)
    state = SelectField(_l("State of the post"), validate_choice=False, default="")

    def set_choices(self, choices) -> None:
        self.kind.choices = [choice(kind.value, gettext(label)) for kind, label in FEED_KIND_LABELS.items()]
        self.unit.choices = [choice(0, gettext("None (for “My work”)"))] + unit_choices(choices.units)
        self.channel_groups = []  # [(unit, [(id, label)])], rendered as <optgroup>s
        for channel in choices.channels:
            if not self.channel_groups or self.channel_groups[-1][0] is not channel.unit:
                self.channel_groups.append((channel.unit, []))
            platform = PLATFORM_LABELS[channel.platform]
            self.channel_groups[-1][1].append((channel.id, f"{channel.name} ({gettext(platform)})"))
        self.channel.choices = [choice(0, gettext("Every channel"))] + [
            choice(value, label) for _unit, options in self.channel_groups for value, label in options]
        self.category.choices = [choice(0, gettext("Every category"))] + [
            choice(c.id, c.name) for c in choices.categories]
        self.state.choices = [choice("", gettext("Every state"))] + [
            choice(state.value, gettext(label)) for state, label in POST_STATE_LABELS.items()]

    def values(self) -> dict:
        return {"name": self.name.data, "kind": self.kind.data, "unit": self.unit.data or None,
                "channel": self.channel.data or None, "category": self.category.data or None,
                "state": self.state.data or None}
