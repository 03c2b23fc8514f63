"""Forms of the SOP pages: the draft editor (identity block, decree, routes of steps, content
standards) and the activation form, with the conversions between a version and the editor."""
from __future__ import annotations

from flask_babel import gettext
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.domain.content import STEP_KIND_LABELS, StepKind
from planner.domain.organisation import ROLE_LABELS, Role
from planner.domain.sop_rules import PERFORMER_ROLES
from planner.forms import VersionedForm, _l, _Translations, choice
from planner.services.sops import IDENTITY_FIELDS, RouteSpec, StepSpec, spec_of

MAX_HOURS = 24 * 365


def kind_choices():
    return [choice(kind.value, gettext(label)) for kind, label in STEP_KIND_LABELS.items()]


def performer_choices():
    return [choice(role.value, gettext(ROLE_LABELS[role])) for role in PERFORMER_ROLES]


class SubForm(Form):
    """A row inside the editor: no CSRF token of its own, WTForms' messages translated."""

    class Meta:
        def get_translations(self, form):
            return _Translations()


class StepForm(SubForm):
    kind = SelectField(_l("Kind of step"), choices=kind_choices)
    activity = StringField(_l("Activity"), validators=[
        DataRequired(message=_l("Describe the activity of this step.")), Length(max=300)])
    role = SelectField(_l("Performed by"), choices=performer_choices)
    hours = IntegerField(_l("Time allowed (hours)"), validators=[
        InputRequired(message=_l("Give the time allowed in hours.")),
        NumberRange(min=1, max=MAX_HOURS, message=_l("Give a whole number of hours from 1 to %(max)s."))])
    inputs = TextAreaField(_l("Inputs (one checklist item per line)"), validators=[Length(max=4000)])
    output = StringField(_l("Output"), validators=[Optional(), Length(max=300)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class RouteForm(SubForm):
    category = SelectField(_l("Category"))
    fast_track = BooleanField(_l("Fast track: publish after one approval, ratified afterwards"))
    ratify_hours = IntegerField(_l("Ratified by the approving head within (hours)"), validators=[
        Optional(), NumberRange(min=1, max=MAX_HOURS, message=_l("Give a whole number of hours from 1 to %(max)s."))])
    steps = FieldList(FormField(StepForm))


class StandardForm(SubForm):
    text = StringField(_l("Content standard"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Ticked at the step"), choices=kind_choices)


class SopDraftForm(VersionedForm):
    name = StringField(_l("SOP name"), validators=[
        DataRequired(message=_l("Give the SOP a name.")), Length(max=200)])
    document_number = StringField(_l("SOP number"), validators=[Optional(), Length(max=120)])
    effective_date = DateField(_l("Effective date"), validators=[Optional()])
    approved_by_name = StringField(_l("Approved by"), validators=[Optional(), Length(max=200)])
    qualification = TextAreaField(_l("Qualifications of the performers"), validators=[Length(max=4000)])
    related = TextAreaField(_l("Related procedures"), validators=[Length(max=4000)])
    equipment = TextAreaField(_l("Equipment and supplies"), validators=[Length(max=4000)])
    warning = TextAreaField(_l("Warning"), validators=[Length(max=4000)])
    recording = TextAreaField(_l("Recording and data keeping"), validators=[Length(max=4000)])
    change_note = TextAreaField(_l("What changes in this version"), validators=[Length(max=4000)])
    allow_repeat_approver = BooleanField(_l("One person may perform two approval steps of the same post"))
    decree_number = StringField(_l("Decree (SK) number"), validators=[Optional(), Length(max=120)])
    decree_date = DateField(_l("Decree date"), validators=[Optional()])
    decree_signed_by = StringField(_l("Signed by"), validators=[Optional(), Length(max=200)])
    routes = FieldList(FormField(RouteForm))
    standards = FieldList(FormField(StandardForm))
    new_route = SelectField(_l("Add a route for"), validate_choice=False)

    def prepare(self, categories, kept_codes=()) -> None:
        """Offer the government's categories for each route (and keep the codes the version
        already uses, even of a category no longer known, so that they show as they are)."""
        known = {c.code for c in categories}
        options = [choice("", gettext("Default route (every category without a route of its own)"))]
        options += [choice(c.code, c.name) for c in categories]
        options += [choice(code, gettext("%(code)s (unknown category)", code=code))
                    for code in dict.fromkeys(kept_codes) if code and code not in known]
        used = set()
        for entry in self.routes:
            entry.form.category.choices = options
            used.add(entry.form.category.data or "")
        self.new_route.choices = [option for option in options if option.value not in used]

    def identity(self) -> dict:
        return {name: getattr(self, name).data for name in IDENTITY_FIELDS}

    def route_specs(self) -> list[RouteSpec]:
        return [RouteSpec(
            category=route.category.data or None,
            fast_track=bool(route.fast_track.data),
            ratify_hours=route.ratify_hours.data if route.fast_track.data else None,
            steps=[StepSpec(kind=StepKind(step.kind.data), activity=step.activity.data or "",
                            role=Role(step.role.data), hours=step.hours.data,
                            inputs=_lines(step.inputs.data), output=step.output.data,
                            note=step.note.data)
                   for step in (entry.form for entry in route.steps)])
            for route in (entry.form for entry in self.routes)]

    def standard_specs(self) -> list[tuple[str, StepKind]]:
        return [(entry.form.text.data or "", StepKind(entry.form.kind.data))
                for entry in self.standards if (entry.form.text.data or "").strip()]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def draft_form_data(version) -> dict:
    """A version as the editor's data (for a form built with `formdata=None`)."""
    routes, standards = spec_of(version)
    data = {name: getattr(version, name) for name in IDENTITY_FIELDS}
    data["version"] = version.version
    data["routes"] = [{
        "category": route.category or "", "fast_track": route.fast_track,
        "ratify_hours": route.ratify_hours,
        "steps": [{"kind": StepKind(step.kind).value, "activity": step.activity,
                   "role": Role(step.role).value, "hours": step.hours,
                   "inputs": "\n".join(step.inputs), "output": step.output or "",
                   "note": step.note or ""} for step in route.steps]} for route in routes]
    data["standards"] = [{"text": text, "kind": StepKind(kind).value} for text, kind in standards]
    return data


class ActivateForm(VersionedForm):
    effective_date = DateField(_l("Effective date"), validators=[
        DataRequired(message=_l("Give the date the version takes effect."))])
