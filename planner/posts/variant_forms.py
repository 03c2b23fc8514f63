"""Forms for a post's per-channel variants: the first variant on the new-post form (with the
prefilled upload slot or agenda event it came from), adding, editing and removing a variant,
and the publication form of a post planned per channel (an address and a time per variant)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import gettext
from wtforms import DateField, HiddenField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from planner.domain.content import PLATFORM_LABELS
from planner.domain.errors import RuleViolated, Violation
from planner.domain.planning import CAPTION_LIMIT, NOTES_LIMIT, Publication
from planner.forms import IntSelectField, VersionedForm, _l, choice
from planner.posts.forms import (REQUIRED, NewPostForm, PlannedTimeMixin, PublishForm,
                                 _web_address, local_to_utc)

ASSETS_LIMIT = 20 * 510  # twenty addresses, one per line


def channel_label(channel) -> str:
    return f"{channel.name} · {gettext(PLATFORM_LABELS[channel.platform])} ({channel.unit.display_name})"


def channel_choices(channels, *, blank: str | None = None):
    options = [choice(0, blank)] if blank is not None else []
    return options + [choice(c.id, channel_label(c)) for c in channels]


def parse_instant(value: str | None) -> datetime | None:
    """A UTC ISO 8601 instant as the calendar links give it (2026-12-02T02:00:00Z), or None
    when it cannot be read or carries no zone."""
    value = (value or "").strip()
    if not value or len(value) > 40:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None or not 2000 <= at.year <= 2100:
        return None
    return at.astimezone(timezone.utc)


def _year_in_range(form, field):
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(gettext("Give a date between the years 2000 and 2100."))


class VariantTextFields:
    caption = TextAreaField(_l("Caption"), validators=[Optional(), Length(max=CAPTION_LIMIT)])
    media_notes = TextAreaField(_l("Media notes"), validators=[Optional(), Length(max=NOTES_LIMIT)])
    asset_links = TextAreaField(_l("Asset links (one address per line)"),
                                validators=[Optional(), Length(max=ASSETS_LIMIT)])


# Where the services' messages about a variant go on a form with one variant.
VARIANT_FIELD_NAMES = {"variant_planned_at": "planned_date", "slot": "planned_date"}


class NewPostWithVariantForm(NewPostForm):
    """A new post and, optionally, its first variant; the slot or event it was started from
    rides along in hidden fields and is checked again on saving."""

    variant_channel_id = IntSelectField(_l("Channel"), validators=[Optional()],
                                        validate_choice=False)
    variant_caption = TextAreaField(_l("Caption"), validators=[Optional(), Length(max=CAPTION_LIMIT)])
    variant_media_notes = TextAreaField(_l("Media notes"),
                                        validators=[Optional(), Length(max=NOTES_LIMIT)])
    variant_asset_links = TextAreaField(_l("Asset links (one address per line)"),
                                        validators=[Optional(), Length(max=ASSETS_LIMIT)])
    variant_planned_date = DateField(_l("Date on this channel"),
                                     validators=[Optional(), _year_in_range])
    variant_planned_time = TimeField(_l("Time on this channel"), validators=[Optional()])
    event_id = HiddenField()
    slot_id = HiddenField()
    slot_at = HiddenField()

    def variant_planned_at_in(self, unit):
        if self.slot_at.data:
            return parse_instant(self.slot_at.data)
        return local_to_utc(self.variant_planned_date.data, self.variant_planned_time.data, unit)

    def apply(self, error: RuleViolated) -> None:
        moved = {"channel_id": "variant_channel_id", "caption": "variant_caption",
                 "media_notes": "variant_media_notes", "asset_links": "variant_asset_links",
                 "variant_planned_at": "variant_planned_date", "slot": None, "event_id": None}
        super().apply(RuleViolated([Violation(moved.get(v.field, v.field), v.message, v.params)
                                    for v in error.violations]))


class AddVariantForm(PlannedTimeMixin, VariantTextFields, VersionedForm):
    channel_id = IntSelectField(_l("Channel"), validators=[DataRequired(message=REQUIRED)],
                                validate_choice=False)

    def apply(self, error: RuleViolated) -> None:
        super().apply(RuleViolated([
            Violation(VARIANT_FIELD_NAMES.get(v.field, v.field), v.message, v.params)
            for v in error.violations]))


class EditVariantForm(PlannedTimeMixin, VariantTextFields, VersionedForm):
    def apply(self, error: RuleViolated) -> None:
        super().apply(RuleViolated([
            Violation(VARIANT_FIELD_NAMES.get(v.field, v.field), v.message, v.params)
            for v in error.violations]))


class RemoveVariantForm(VersionedForm):
    pass


class VariantPublishForm(PublishForm):
    """The publication of a post planned per channel: the address of each variant and the
    time it went out on the unit's clock (empty: now).  Built per post by
    `publish_form_for`."""

    variant_ids: tuple[int, ...] = ()

    def url_fields(self):
        return [getattr(self, f"url_v{i}") for i in self.variant_ids]

    def urls(self) -> dict[str, str]:
        return {str(i): (getattr(self, f"url_v{i}").data or "").strip() for i in self.variant_ids}

    def variant_rows(self):
        return [(i, getattr(self, f"url_v{i}"), getattr(self, f"date_v{i}"),
                 getattr(self, f"time_v{i}")) for i in self.variant_ids]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for _, url, day, at in self.variant_rows():
            if at.data is not None and day.data is None:
                day.errors = list(day.errors) + [gettext("Give the date as well as the time.")]
                valid = False
            if day.data is not None and not (url.data or "").strip():
                url.errors = list(url.errors) + [gettext("Give the address of what went out.")]
                valid = False
        return valid

    def publications(self, unit) -> dict[int, Publication]:
        return {i: Publication((url.data or "").strip(), local_to_utc(day.data, at.data, unit))
                for i, url, day, at in self.variant_rows()}


def publish_form_for(variants, **kwargs) -> VariantPublishForm:
    """The publication form of a post with these variants (labelled by their channels)."""
    fields = {"variant_ids": tuple(v.id for v in variants)}
    for v in variants:
        fields[f"url_v{v.id}"] = StringField(channel_label(v.channel),
                                             validators=[Optional(), Length(max=500), _web_address])
        fields[f"date_v{v.id}"] = DateField(_l("Date it went out"),
                                            validators=[Optional(), _year_in_range])
        fields[f"time_v{v.id}"] = TimeField(_l("Time it went out"), validators=[Optional()])
    form_class = type("PublishVariantsForm", (VariantPublishForm,), fields)
    return form_class(**kwargs)


__all__ = ["AddVariantForm", "EditVariantForm", "NewPostWithVariantForm", "RemoveVariantForm",
           "channel_choices", "channel_label", "parse_instant", "publish_form_for"]
