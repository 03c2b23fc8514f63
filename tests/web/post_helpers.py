"""Helpers for the post and inbox tests: the demo's posts, reading a post's state from the
database, action form fields, reading forms off a page, and a factory world with an SOP."""
from __future__ import annotations

import html
import re

import sqlalchemy as sa
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select

from planner.domain.content import PostState, StepKind
from planner.domain.organisation import Role
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import Person, Post, PostStep, Unit
from planner.permissions import Access
from planner.queries.posts import checklists_for
from planner.services import posts as post_service
from planner.services.sops import RouteSpec, StepSpec, activate, create_draft
from tests import factories

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
PROKOMPIM = "Bagian Protokol dan Komunikasi Pimpinan"
DPPPA = "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"
TITLES = {
    "draft": "Wali Kota membuka Musrenbang Kecamatan Bukit Bestari",
    "review": "Jadwal pelayanan KTP elektronik keliling bulan ini",
    "approval": "Jajak pendapat: lokasi taman baca berikutnya",
    "returned": "Sosialisasi Perwako retribusi parkir tepi jalan",
    "published": "Wali Kota menerima kunjungan kerja DPRD Provinsi Kepri",
}


def email(role: str) -> str:
    return f"{role}@demo.pranata.test"


def sign_in(client, mail: str, password: str = "pranata-demo"):
    """Sign in and read the pages in English, whatever the catalogue says in Indonesian."""
    assert client.login(mail, password).status_code == 302
    client.post("/language", {"lang": "en"})
    return client


def demo_posts(app) -> dict[str, int]:
    with app.app_context():
        return {key: db.session.scalar(select(Post.id).where(Post.title == title))
                for key, title in TITLES.items()}


def post_state(app, post_id: int) -> SimpleNamespace:
    """The post's row and its step records, read fresh from the database."""
    with app.app_context():
        post = db.session.get(Post, post_id)
        steps = list(db.session.scalars(select(PostStep).where(PostStep.post_id == post_id)
                                        .order_by(PostStep.id)))
        return SimpleNamespace(
            state=post.state, step=post.step_position, version=post.version, round=post.round,
            sop_version_id=post.sop_version_id, returned_reason=post.returned_reason,
            planned_at=post.planned_at, title=post.title,
            steps=[SimpleNamespace(action=s.action, actor_id=s.actor_id, on_behalf_of_id=s.on_behalf_of_id,
                                   acting_kind=s.acting_kind, checklist=list(s.checklist),
                                   reason=s.reason, step_position=s.step_position,
                                   sop_version_id=s.sop_version_id, from_state=s.from_state,
                                   to_state=s.to_state) for s in steps])


def checklist(app, post_id: int, transition: Transition) -> list[str]:
    with app.app_context():
        return list(checklists_for(db.session.get(Post, post_id)).get(transition, ()))


def action_data(app, post_id: int, name: str, **fields) -> dict:
    """The fields of an action form, prefixed as the page names them, with the current version."""
    data = {f"{name}-version": post_state(app, post_id).version}
    for key, value in fields.items():
        data[f"{name}-{key}"] = value
    return data


def full_checklist(app, post_id: int, name: str) -> dict:
    return action_data(app, post_id, name, checklist=checklist(app, post_id, Transition(name)))


def person_id(app, mail: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Person.id).where(Person.email == mail))


def dpppa_post(app) -> int:
    """A post of another government (DPPPA Sumsel), submitted by its own author."""
    with app.app_context():
        author = db.session.scalar(select(Person).where(Person.email == "admin.dpppa@demo.pranata.test"))
        unit = db.session.scalar(select(Unit).where(Unit.name == DPPPA))
        category = post_service.categories_for(unit)[0]
        access = Access.load(author)
        post = post_service.create_post(author, access, unit, title="Kampanye stop kekerasan anak",
                                        body="Ajakan melapor ke UPTD PPA.", category=category)
        ticked = set(checklists_for(post)[Transition.SUBMIT])
        post_service.submit(author, access, post, post.version, ticked=ticked)
        return post.id


# -- reading a page --------------------------------------------------------------------------

def ticks_on_page(page: str, name: str) -> list[str]:
    """The checklist items an action form offers, read from the page as a browser would."""
    items = []
    for match in re.finditer(r'<input[^>]*>', page):
        tag = match.group(0)
        if f'name="{name}-checklist"' in tag:
            items.append(html.unescape(re.search(r'value="([^"]*)"', tag).group(1)))
    return items


def version_on_page(page: str, name: str) -> int:
    tag = next(m.group(0) for m in re.finditer(r"<input[^>]*>", page)
               if f'name="{name}-version"' in m.group(0))
    return int(re.search(r'value="(\d+)"', tag).group(1))


def statements(app, client, url: str) -> int:
    """How many SQL statements one request of `url` sends (after a warm-up request)."""
    with app.app_context():
        engine = db.engine
    seen = []

    def count(*args, **kwargs):
        seen.append(1)

    client.get(url)  # warm up: first-request work is not the page's
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


# -- a factory world with an SOP -------------------------------------------------------------

def post_world(fast_track: bool = True) -> SimpleNamespace:
    """factories.world() with an SOP in force in its division: draft -> review -> approval ->
    publication -> distribution, and a fast track for `krisis`.  Call inside an app context."""
    w = factories.world()
    routes = [RouteSpec(None, [
        StepSpec(StepKind.DRAFT, "Menyusun draf", Role.AUTHOR, 24, ["Caption per platform"]),
        StepSpec(StepKind.REVIEW, "Memeriksa fakta", Role.REVIEWER, 8, ["Fakta diperiksa"]),
        StepSpec(StepKind.APPROVE, "Menyetujui konten", Role.APPROVER, 8),
        StepSpec(StepKind.PUBLISH, "Mengunggah", Role.AUTHOR, 4, ["Tautan dicatat"]),
        StepSpec(StepKind.DISTRIBUTE, "Menyebarkan ke grup WhatsApp", Role.AUTHOR, 24,
                 ["Grup kecamatan"])])]
    if fast_track:
        routes.append(RouteSpec("krisis", [
            StepSpec(StepKind.DRAFT, "Pesan darurat", Role.AUTHOR, 1),
            StepSpec(StepKind.REVIEW, "Jalur cepat", Role.REVIEWER, 1),
            StepSpec(StepKind.PUBLISH, "Mengunggah segera", Role.AUTHOR, 1)],
            fast_track=True, ratify_hours=24))
    version = create_draft(None, None, w.division, identity={
        "name": "SOP Uji", "effective_date": date(2024, 1, 2)}, routes=routes)
    activate(None, None, version, version.version)
    w.sop_version = version
    w.categories = {c.code: c for c in post_service.categories_for(w.division)}
    return w


def world_post(w, title: str, *, code: str = "informasi-publik", author=None, unit=None,
               until: str = "review") -> Post:
    """A post of the world's author, taken as far as `until`: draft, review (step 2),
    approval (step 3), approved or published."""
    author = author or w.author
    unit = unit or w.division
    access = {p.id: Access.load(p) for p in (author, w.reviewer, w.approver)}
    post = post_service.create_post(author, access[author.id], unit, title=title, body="Isi.",
                                    category=w.categories[code])

    def step(person, fn, transition, **kwargs):
        ticked = set(checklists_for(post).get(transition, ()))
        extra = {"ticked": ticked} if transition != Transition.RATIFY else {}
        fn(person, access[person.id], post, post.version, **extra, **kwargs)

    if until == "draft":
        return post
    step(author, post_service.submit, Transition.SUBMIT)
    if until == "review":
        return post
    step(w.reviewer, post_service.approve, Transition.APPROVE)
    if until == "approval":
        return post
    if post.state == PostState.IN_REVIEW:
        step(w.approver, post_service.approve, Transition.APPROVE)
    if until == "approved":
        return post
    step(author, post_service.publish, Transition.PUBLISH, urls={"instagram": "https://instagram.com/p/x"})
    return post


def login(client, mail: str):
    """Sign in a person of a factory world (in English)."""
    return sign_in(client, mail, factories.PASSWORD)




# -- channels, upload slots and agenda events as rows (for the variant tests) ----------------

def next_occurrence(rule: str, start: datetime, after: datetime) -> datetime:
    """The first occurrence of `rule` from `start` after `after` (both aware)."""
    from dateutil.rrule import rrulestr

    return rrulestr(rule, dtstart=start).after(after)


def planner_rows(w) -> SimpleNamespace:
    """Channels, an upload slot, settings and an agenda event for a factory world, built
    directly as rows: Instagram and Facebook of the division, the city's website (usable
    below it), an Instagram of the subdivision (visible to the division's author but not
    usable by a division post) and one of the health office (out of the author's sight).
    Call inside an app context."""
    from planner.domain.content import Platform
    from planner.models import AgendaEvent, Channel, UploadSlot

    def channel(unit, platform, name):
        row = Channel(unit=unit, platform=platform, name=name, handle=f"@{name.lower().replace(' ', '')}")
        db.session.add(row)
        return row

    rows = SimpleNamespace(
        instagram=channel(w.division, Platform.INSTAGRAM, "IG Prokompim"),
        facebook=channel(w.division, Platform.FACEBOOK, "FB Prokompim"),
        website=channel(w.city, Platform.WEBSITE, "Situs Pemkot"),
        sub_instagram=channel(w.subdivision, Platform.INSTAGRAM, "IG Dokumentasi"),
        health_instagram=channel(w.health, Platform.INSTAGRAM, "IG Dinkes"))
    rows.slot = UploadSlot(channel=rows.instagram, label="Senin Rabu Jumat pagi",
                           rule="FREQ=WEEKLY;BYDAY=MO,WE,FR", starts_on=date(2024, 1, 1),
                           time_of_day=time(9, 0))
    db.session.add(rows.slot)
    now = datetime.now(timezone.utc)
    rows.event = AgendaEvent(unit=w.division, title="Wali Kota meresmikan Pasar Baru", place="Pasar Baru",
                             starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2),
                             leader="Wali Kota")
    rows.foreign_event = AgendaEvent(unit=w.province, title="Gubernur membuka rapat", place="Kantor",
                                    starts_at=now + timedelta(days=3),
                                    ends_at=now + timedelta(days=3, hours=1), leader="Gubernur")
    db.session.add_all([rows.event, rows.foreign_event])
    db.session.commit()
    rows.slot_time = next_occurrence(rows.slot.rule, datetime.combine(
        rows.slot.starts_on, rows.slot.time_of_day, tzinfo=w.division.zone), now + timedelta(days=1))
    return rows


def later(days: int = 10, hour: int = 9) -> datetime:
    """A whole hour some days ahead, in UTC."""
    now = datetime.now(timezone.utc) + timedelta(days=days)
    return now.replace(hour=hour, minute=0, second=0, microsecond=0)
