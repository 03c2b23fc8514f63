"""Builds a synthetic government of any size (units, people, role assignments and
acting officials) for benchmarks and load tests.  Records are written in bulk, in
one transaction, with the same shape the services give them."""
from __future__ import annotations

import random
from datetime import date, timedelta

from planner.domain.organisation import DelegationKind, Role, TimeZoneCode, UnitType
from planner.domain.structure_rules import unit_path
from planner.extensions import db
from planner.models import Delegation, Person, RoleAssignment, Unit
from planner.services.sessions import hash_password

FIRST = ("Ahmad", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko",
         "Kartika", "Lestari", "Made", "Nur", "Oktavia", "Putu", "Rizky", "Sari", "Teguh", "Wulan")
LAST = ("Saputra", "Lestari", "Hidayat", "Wijaya", "Pratama", "Handayani", "Kurniawan",
        "Permata", "Santoso", "Siregar", "Nasution", "Simanjuntak", "Rahayu", "Utami")
AGENCIES = ("Dinas Pendidikan", "Dinas Kesehatan", "Dinas Sosial", "Dinas Perhubungan",
            "Dinas Pariwisata", "Dinas Lingkungan Hidup", "Badan Pendapatan Daerah",
            "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Pekerjaan Umum", "Satpol PP")
TEAM = (Role.APPROVER, Role.REVIEWER, Role.AUTHOR, Role.CONTRIBUTOR)


def generate_government(size: int, *, name: str | None = None, seed: int = 7,
                        password: str = "pranata-bench", today: date | None = None) -> dict:
    """A government with `size` units in a realistic tree and a team in each unit.

    Returns the root unit and the e-mail of a sysadmin, an auditor and an author (each
    with `password`) so that a benchmark can sign in.
    """
    rng = random.Random(seed)
    today = today or date.today()
    start = today - timedelta(days=400)
    root = _unit(name or f"Pemerintah Kabupaten Contoh {size}", UnitType.GOVERNMENT, None)
    units = [root]
    agencies = max(1, size // 10)
    for i in range(agencies):
        if len(units) >= size:
            break
        units.append(_unit(f"{AGENCIES[i % len(AGENCIES)]} {i + 1}", UnitType.AGENCY, root))
    # Each agency gets divisions, and the divisions get subdivisions, round robin.
    agency_units = units[1:] or [root]
    divisions: list[Unit] = []
    while len(units) < size:
        if len(divisions) < 3 * len(agency_units):
            parent, kind = agency_units[len(divisions) % len(agency_units)], UnitType.DIVISION
        else:
            parent = divisions[(len(units) - 1 - len(agency_units) - len(divisions)) % len(divisions)]
            kind = UnitType.SUBDIVISION
        unit = _unit(f"{'Bidang' if kind == UnitType.DIVISION else 'Seksi'} {len(units)}", kind, parent)
        units.append(unit)
        if kind == UnitType.DIVISION:
            divisions.append(unit)

    secret = hash_password(password)
    prefix = f"g{size}s{seed}"
    people: list[Person] = []
    for index, unit in enumerate(units):
        for slot, role in enumerate(TEAM):
            person = Person(home_unit=unit, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                            email=f"{prefix}.u{index}.{role.value}@bench.pranata.test",
                            position_title=role.value, preferred_language="id", active=True,
                            password_hash=secret if index < 3 else None)
            db.session.add(person)
            people.append(person)
            decree = None if rng.random() < 0.15 else (f"188.45/{index:03d}/{slot}/2025", start)
            db.session.add(RoleAssignment(
                person=person, unit=unit, role=role, valid_from=start,
                position_title=role.value,
                decree_number=decree[0] if decree else None,
                decree_date=decree[1] if decree else None,
                decree_signed_by="Bupati" if decree else None))
            # A predecessor, to give every unit some history.
            if slot == 0:
                former = Person(home_unit=unit, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                email=f"{prefix}.u{index}.former@bench.pranata.test",
                                preferred_language="id", active=True)
                db.session.add(former)
                db.session.add(RoleAssignment(
                    person=former, unit=unit, role=role, valid_from=start - timedelta(days=900),
                    valid_to=start - timedelta(days=1), end_reason="Mutasi",
                    decree_number=f"821/{index:03d}/2022", decree_date=start - timedelta(days=900),
                    decree_signed_by="Bupati"))
        if index % 5 == 0:
            approver, reviewer = people[-4], people[-3]
            db.session.add(Delegation(
                delegator=approver, delegate=reviewer, unit=unit, role=Role.APPROVER,
                kind=DelegationKind.PLH, valid_from=today - timedelta(days=1),
                valid_to=today + timedelta(days=6), reason="Cuti",
                decree_number=f"800/{index:03d}/2026", decree_date=today - timedelta(days=2),
                decree_signed_by="Sekretaris Daerah"))

    sysadmin = Person(home_unit=root, name="Admin Sistem", email=f"{prefix}.sysadmin@bench.pranata.test",
                      preferred_language="id", active=True, password_hash=secret)
    auditor = Person(home_unit=root, name="Auditor", email=f"{prefix}.auditor@bench.pranata.test",
                     preferred_language="id", active=True, password_hash=secret)
    db.session.add_all([sysadmin, auditor])
    for person, role in ((sysadmin, Role.SYSADMIN), (auditor, Role.AUDITOR)):
        db.session.add(RoleAssignment(person=person, unit=root, role=role, valid_from=start,
                                      decree_number="188.45/001/2025", decree_date=start,
                                      decree_signed_by="Bupati"))
    db.session.commit()
    return {"root": root, "units": len(units),
            "sysadmin": sysadmin.email, "auditor": auditor.email,
            "author": f"{prefix}.u0.{Role.AUTHOR.value}@bench.pranata.test",
            "deep_unit": units[-1]}


def _unit(name: str, type: UnitType, parent: Unit | None) -> Unit:
    unit = Unit(name=name, type=type, timezone=TimeZoneCode.WIB, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = unit_path(parent.path if parent else None, unit.id)
    unit.depth = parent.depth + 1 if parent else 0
    return unit
