"""The base form: WTForms' own messages go through our catalogue, and rule
violations raised by services land next to the fields they concern."""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice

from planner.domain.errors import N_, RuleViolated, StaleEdit


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for translation without translating it here."""
    return singular, plural


# WTForms' built-in messages, listed here so that `pybabel extract` puts them in our catalogue.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid email address."),
    N_plural("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    N_plural("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    N_plural("Field must be between %(min)d and %(max)d characters long.",
             "Field must be between %(min)d and %(max)d characters long."),
    N_("The CSRF token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
    N_("The CSRF session token is missing."),
)


def violation_text(violation) -> str:
    """A rule violation in the reader's language; codes among its parameters (a role, an
    SOP status, the default route) are shown by their translated labels."""
    from planner.domain.content import SOP_STATUS_LABELS, SopStatus
    from planner.domain.organisation import ROLE_LABELS, Role
    from planner.domain.sop_rules import DEFAULT_ROUTE

    params = dict(violation.params)
    if params.get("role") in set(Role):
        params["role"] = gettext(ROLE_LABELS[Role(params["role"])])
    if params.get("status") in set(SopStatus):
        params["status"] = gettext(SOP_STATUS_LABELS[SopStatus(params["status"])])
    if params.get("route") == DEFAULT_ROUTE:
        params["route"] = gettext("default (all other categories)")
    for key, value in params.items():
        if isinstance(value, date):
            params[key] = format_date(value, "medium")
    return gettext(violation.message, **params)


class _Translations:
    """WTForms fills in its own placeholders, so these return the raw translation."""

    def gettext(self, string):
        return get_translations().gettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ngettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _Translations()

    def apply(self, error: RuleViolated) -> None:
        """Put each violation next to its field (or at the top of the form)."""
        for violation in error.violations:
            message = violation_text(violation)
            field = getattr(self, violation.field, None) if violation.field else None
            if field is not None:
                field.errors = list(field.errors) + [message]
            else:
                self.form_errors.append(message)

    def apply_stale(self, error: StaleEdit, unit=None) -> None:
        from flask import current_app
        if error.changed_by:
            when = current_app.jinja_env.filters["local_datetime"](error.changed_at, unit)
            message = gettext("%(name)s saved a change to this record at %(when)s while you were "
                              "editing. The form now shows the current values: check them and "
                              "save again.", name=error.changed_by, when=when)
        else:
            message = gettext("Someone else saved a change to this record while you were editing. "
                              "The form now shows the current values: check them and save again.")
        self.form_errors.append(message)


class VersionedForm(BaseForm):
    """A form editing a record that others may edit too: it carries the version it loaded."""

    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class EmailAddress:
    """A syntactically valid e-mail address (no DNS look-up: intranets often have none).
    Addresses under the reserved `.test` domain are accepted, for demos and tests."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        from email_validator import EmailNotValidError, validate_email

        if not field.data:
            return
        try:
            validate_email(field.data.strip(), check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ValidationError(self.message or gettext("Enter a valid e-mail address.")) from None


def choice(value, label) -> SelectChoice:
    return SelectChoice(value, label)


def unit_choices(units) -> list[SelectChoice]:
    """Units as options, indented by their depth in the tree."""
    base = min((u.depth for u in units), default=0)
    return [choice(u.id, "\u2003" * (u.depth - base) + u.name) for u in units]


def database_int(value) -> int:
    """An id as chosen in a select: an integer any database key column can hold (0 means
    "any" in filters).  Anything else is a coercion error, never a database error."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) <= 10):
        raise ValueError(value)
    number = int(value)
    if not 0 <= number < 2**31:
        raise ValueError(value)
    return number


class IntSelectField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", database_int)
        kwargs.setdefault("validate_choice", True)
        super().__init__(label, validators, **kwargs)


__all__ = ["BaseForm", "EmailAddress", "VersionedForm", "IntSelectField", "choice", "unit_choices", "_l"]
