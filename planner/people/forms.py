"""Forms for people and their accounts."""
from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from planner.domain.organisation import LANGUAGES
from planner.forms import BaseForm, EmailAddress, IntSelectField, VersionedForm, _l, choice

REQUIRED = _l("This field is required.")


class PersonForm(VersionedForm):
    name = StringField(_l("Full name"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(message=REQUIRED),
        EmailAddress(message=_l("Enter a valid e-mail address.")),
        Length(max=254)])
    nip = StringField(_l("Employee number (NIP)"), validators=[
        Optional(), Regexp(r"^\d{18}$", message=_l("A NIP has exactly 18 digits."))])
    position_title = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    home_unit_id = IntSelectField(_l("Home unit"))
    preferred_language = SelectField(_l("Language"),
                                     choices=[choice(k, v) for k, v in LANGUAGES.items()])


class NewPersonForm(PersonForm):
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(message=REQUIRED), Length(max=200)])


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(message=REQUIRED), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(message=REQUIRED),
        EqualTo("password", message=_l("The two new passwords are not the same."))])


class ConfirmForm(BaseForm):
    """A bare form for POST buttons: it carries only the CSRF token."""


class PeopleFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
