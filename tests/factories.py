"""Test data built through the real services (as the system, without a signed-in actor)."""
from __future__ import annotations

import itertools
from datetime import date
from types import SimpleNamespace

from planner.domain.organisation import Role, TimeZoneCode, UnitType
from planner.permissions import Access
from planner.services.people import create_person
from planner.services.roles import assign_role
from planner.services.units import create_unit

PASSWORD = "rahasia-uji-123"
_counter = itertools.count(1)


def unit(name: str, parent=None, type: UnitType = UnitType.DIVISION,
         timezone: TimeZoneCode = TimeZoneCode.WIB):
    if parent is None:
        type = UnitType.GOVERNMENT
    return create_unit(None, None, name=name, type=type, timezone=timezone, parent=parent)


def person(home_unit, name: str | None = None, email: str | None = None,
           password: str | None = PASSWORD, **kwargs):
    n = next(_counter)
    return create_person(None, None, home_unit=home_unit, name=name or f"Pegawai {n}",
                         email=email or f"pegawai{n}@uji.pranata.test", password=password, **kwargs)


def role(holder, where, role: Role, start: date = date(2024, 1, 1), end: date | None = None,
         decree: bool = True):
    return assign_role(None, None, person=holder, unit=where, role=role, valid_from=start,
                       valid_to=end, decree_number="188.45/1/2024" if decree else None,
                       decree_date=date(2023, 12, 20) if decree else None,
                       decree_signed_by="Wali Kota" if decree else None)


def world():
    """Two governments; in the first a city tree with a team and a sysadmin."""
    city = unit("Pemerintah Kota Uji")
    setda = unit("Sekretariat Daerah", city, UnitType.SECRETARIAT)
    division = unit("Bagian Prokompim", setda)
    subdivision = unit("Subbagian Dokumentasi", division, UnitType.SUBDIVISION)
    health = unit("Dinas Kesehatan", city, UnitType.AGENCY)
    province = unit("Pemerintah Provinsi Lain")
    agency = unit("Dinas Lain", province, UnitType.AGENCY)

    w = SimpleNamespace(city=city, setda=setda, division=division, subdivision=subdivision,
                        health=health, province=province, agency=agency)
    w.sysadmin = person(city, "Admin Sistem", "sysadmin@uji.pranata.test")
    w.auditor = person(city, "Auditor", "auditor@uji.pranata.test")
    w.approver = person(division, "Kepala Bagian", "approver@uji.pranata.test")
    w.reviewer = person(subdivision, "Kepala Subbagian", "reviewer@uji.pranata.test")
    w.author = person(subdivision, "Admin Akun", "author@uji.pranata.test")
    w.health_author = person(health, "Admin Dinkes", "dinkes@uji.pranata.test")
    w.outsider = person(province, "Admin Provinsi", "outsider@uji.pranata.test")
    w.outside_author = person(agency, "Admin Dinas Lain", "lain@uji.pranata.test")
    role(w.sysadmin, city, Role.SYSADMIN)
    role(w.auditor, city, Role.AUDITOR)
    role(w.approver, division, Role.APPROVER)
    role(w.reviewer, division, Role.REVIEWER)
    role(w.author, division, Role.AUTHOR)
    role(w.health_author, health, Role.AUTHOR)
    role(w.outsider, province, Role.SYSADMIN)
    role(w.outside_author, agency, Role.AUTHOR)
    return w


def access_of(someone) -> Access:
    return Access.load(someone)


def sop(where, *, extra_standard: str | None = "Tidak menampilkan identitas anak korban",
        crisis: bool = True, allow_repeat_approver: bool = False):
    """An SOP in force in `where`: draft → review → approve → publish → distribute, and a
    fast-track route for `krisis` (one review, ratified by the approver within 24 hours)."""
    from planner.domain.content import StepKind as K
    from planner.services.sops import RouteSpec, StepSpec, activate, create_draft

    default = RouteSpec(None, [
        StepSpec(K.DRAFT, "Menyusun draf", Role.AUTHOR, 24, ["Caption per platform", "Alt text"]),
        StepSpec(K.REVIEW, "Memeriksa", Role.REVIEWER, 8, ["Fakta diperiksa"]),
        StepSpec(K.APPROVE, "Menyetujui", Role.APPROVER, 8),
        StepSpec(K.PUBLISH, "Mengunggah", Role.AUTHOR, 4, ["Tautan dicatat"]),
        StepSpec(K.DISTRIBUTE, "Menyebarkan lewat WhatsApp", Role.AUTHOR, 24, ["Grup kecamatan"]),
    ])
    routes = [default]
    if crisis:
        routes.append(RouteSpec("krisis", [
            StepSpec(K.DRAFT, "Pesan darurat", Role.AUTHOR, 1),
            StepSpec(K.REVIEW, "Persetujuan cepat", Role.REVIEWER, 1),
            StepSpec(K.PUBLISH, "Mengunggah", Role.AUTHOR, 1)], fast_track=True, ratify_hours=24))
    standards = [(extra_standard, K.REVIEW)] if extra_standard else []
    version = create_draft(None, None, where, routes=routes, standards=standards,
                           identity={"effective_date": date(2025, 1, 1),
                                     "document_number": "800/SOP/UJI/2025",
                                     "allow_repeat_approver": allow_repeat_approver})
    return activate(None, None, version, version.version)


def category(where, code: str = "seremonial"):
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Category
    from planner.services.sops import government_of

    return db.session.scalar(select(Category).where(Category.government_id == government_of(where),
                                                    Category.code == code))


def post(author, where, title: str = "Liputan kegiatan", code: str = "seremonial"):
    from planner.services.posts import create_post

    return create_post(author, Access.load(author), where, title=title, body="Isi",
                       category=category(where, code))


def checklist(post_) -> set[str]:
    """Every item of the checklist of the step the post waits on."""
    from planner.domain import workflow
    from planner.services.sops import applicable

    version = post_.sop_version or applicable(post_.unit)
    step = workflow.current_step(post_.facts(), version.as_workflow())
    return set(step.checklist) if step else set()
