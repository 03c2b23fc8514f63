"""The form of the agenda import: which unit's agenda, the .ics file, and the leader who
attends the events it adds."""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from planner.forms import BaseForm, IntSelectField, _l, unit_choices

REQUIRED = _l("This field is required.")
EXTENSIONS = ("ics", "ical", "ifb")
UPLOAD_CHUNK = 64 * 1024


class AgendaImportForm(BaseForm):
    # Any unit id is taken here; the route fetches it with the permission it needs, so that
    # a unit one may not manage is refused as such, not as a bad choice.
    unit = IntSelectField(_l("Agenda of"), validate_choice=False)
    file = FileField(_l("Calendar file (.ics)"), render_kw={"accept": ".ics,.ical,.ifb,text/calendar"}, validators=[
        FileRequired(message=_l("Choose the .ics file to import.")),
        FileAllowed(EXTENSIONS, message=_l("Choose an .ics file, as Google Calendar or Outlook "
                                           "export it."))])
    leader = StringField(_l("Leader attending"), validators=[DataRequired(message=REQUIRED),
                                                              Length(max=200)])

    def set_choices(self, units) -> None:
        self.unit.choices = unit_choices(units)

    def refuse_file(self, message: str) -> None:
        self.file.errors = list(self.file.errors) + [message]


def read_upload(storage, limit: int) -> bytes | None:
    """The uploaded file's bytes, read in chunks; None as soon as it exceeds `limit`."""
    chunks, total = [], 0
    while True:
        chunk = storage.stream.read(UPLOAD_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)


def too_large_message(limit_text: str) -> str:
    return gettext("The file is larger than %(limit)s, the most that can be imported at once. "
                   "Export a shorter period of the calendar.", limit=limit_text)
