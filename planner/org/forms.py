"""Forms for units, role assignments and delegations."""
from __future__ import annotations

from flask_babel import gettext
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from planner.domain.organisation import (
    DELEGATION_KIND_LABELS, ROLE_LABELS, UNIT_TYPE_LABELS, DelegationKind, Role, TimeZoneCode,
    UnitType,
)
from planner.forms import BaseForm, IntSelectField, VersionedForm, _l, choice

REQUIRED = _l("This field is required.")


def _labelled(labels: dict):
    return lambda: [choice(key.value, gettext(label)) for key, label in labels.items()]


class UnitForm(VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=60)])
    type = SelectField(_l("Type"), validators=[DataRequired(message=REQUIRED)])
    timezone = SelectField(_l("Time zone"), choices=[choice(z.value, z.value) for z in TimeZoneCode])
    parent_id = IntSelectField(_l("Parent unit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = _labelled(UNIT_TYPE_LABELS)()
        self.type.validate_choice = True


class LegalBasisMixin:
    decree_number = StringField(_l("Decree (SK) number"), validators=[
        DataRequired(message=_l("Enter the number of the decree (SK) this rests on.")), Length(max=120)])
    decree_date = DateField(_l("Decree date"), validators=[
        DataRequired(message=_l("Enter the date of the decree."))])
    decree_signed_by = StringField(_l("Signed by"), validators=[
        DataRequired(message=_l("Enter who signed the decree.")), Length(max=200)])


class AssignmentForm(LegalBasisMixin, BaseForm):
    person_id = IntSelectField(_l("Person"))
    role = SelectField(_l("Role"))
    position_title = StringField(_l("Position title"), validators=[Optional(), Length(max=200)])
    valid_from = DateField(_l("Valid from"), validators=[DataRequired(message=REQUIRED)])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _labelled(ROLE_LABELS)()


class DelegationForm(LegalBasisMixin, BaseForm):
    assignment_id = IntSelectField(_l("Role being delegated"))
    delegate_id = IntSelectField(_l("Acting official"))
    kind = SelectField(_l("Kind"))
    valid_from = DateField(_l("Valid from"), validators=[DataRequired(message=REQUIRED)])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _labelled(DELEGATION_KIND_LABELS)()


class CorrectAssignmentForm(LegalBasisMixin, VersionedForm):
    position_title = StringField(_l("Position title"), validators=[Optional(), Length(max=200)])


class CorrectDelegationForm(LegalBasisMixin, VersionedForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class EndForm(BaseForm):
    end_date = DateField(_l("Last day"), validators=[DataRequired(message=REQUIRED)])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Say why this ends (for example: transfer, retirement, new decree).")),
        Length(max=1000)])


class StructureDateForm(BaseForm):
    class Meta:
        csrf = False

    date = DateField(_l("Date"), validators=[Optional()])


__all__ = ["UnitForm", "AssignmentForm", "DelegationForm", "EndForm", "StructureDateForm",
           "CorrectAssignmentForm", "CorrectDelegationForm",
           "Role", "DelegationKind", "UnitType"]
