"""Shared helpers of the SOP page tests: the demo's ids, signing in, and a small HTML form
reader that sends back what a browser would (so the editor is driven as a clerk drives it)."""
from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from planner.domain.content import SopStatus
from planner.extensions import db
from planner.models import Sop, SopRoute, SopStep, SopVersion, Unit
from planner.services.sops import create_draft, in_force

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
MANAGERS = ["approver", "sysadmin"]
PROKOMPIM = "Bagian Protokol dan Komunikasi Pimpinan"
DINKES = "Dinas Kesehatan"
DPPPA = "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"


def unit_named(name: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def version_of(unit_name: str, status: SopStatus) -> SopVersion:
    return db.session.scalar(select(SopVersion).join(Sop).join(Unit, Sop.unit_id == Unit.id)
                             .where(Unit.name == unit_name, SopVersion.status == status)
                             .order_by(SopVersion.number.desc()))


def ids(app) -> dict:
    """The demo's units and versions, plus a fresh draft of Prokompim copied from version 2."""
    with app.app_context():
        prokompim = unit_named(PROKOMPIM)
        draft = create_draft(None, None, prokompim, based_on=in_force(prokompim))
        return {
            "prokompim": prokompim.id,
            "dinkes": unit_named(DINKES).id,
            "dpppa": unit_named(DPPPA).id,
            "in_force": version_of(PROKOMPIM, SopStatus.IN_FORCE).id,
            "retired": version_of(PROKOMPIM, SopStatus.RETIRED).id,
            "draft": draft.id,
            "dpppa_version": version_of(DPPPA, SopStatus.IN_FORCE).id,
        }


def sign_in(client, role: str, english: bool = True):
    client.login(f"{role}@demo.pranata.test")
    if english:
        client.post("/language", {"lang": "en"})


def text(response) -> str:
    return response.get_data(as_text=True)


class _Forms(HTMLParser):
    """What a browser would send for each form of a page (buttons left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[dict, MultiDict]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a, MultiDict()))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    fields.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button"):
                fields.add(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select, self._select_value, self._selected = a.get("name"), None, False
        elif tag == "option" and self._select and not self._selected:
            if "selected" in a:
                self._select_value, self._selected = a.get("value", ""), True
            elif self._select_value is None:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.forms[-1][1].add(self._select, self._select_value or "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            value = self._text[2:] if self._text.startswith("\r\n") else self._text.removeprefix("\n")
            self.forms[-1][1].add(self._textarea, value)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_of(response, css_class: str | None = None) -> dict:
    """The fields of the page's main form (the one with `css_class`, or the one posting to itself)."""
    parser = _Forms()
    parser.feed(text(response))
    for attrs, fields in parser.forms:
        if (css_class and css_class in attrs.get("class", "")) or (not css_class and "action" not in attrs):
            return fields.to_dict()
    raise AssertionError("form not found")


def steps_in_db(app, version_id: int, category=None) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(SopStep.kind, SopStep.activity, SopStep.performer_role, SopStep.hours_allowed)
            .join(SopRoute).where(SopRoute.version_id == version_id,
                                  SopRoute.category_code.is_(None) if category is None
                                  else SopRoute.category_code == category)
            .order_by(SopStep.position)).all()]


def status_of(app, version_id: int) -> SopStatus:
    with app.app_context():
        return db.session.get(SopVersion, version_id).status
