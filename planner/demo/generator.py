"""Builds a synthetic government of any size (units, people, role assignments, acting
officials, the category ladder, an SOP in force, posts waiting for review and approval,
and a hash-chained audit trail) for benchmarks and load tests.  Records are written in
bulk with the same shape the services give them; only the SOP goes through the services."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from planner.demo.history import insert_rows
from planner.domain.audit_chain import GENESIS, chain_hash
from planner.domain.content import DEFAULT_CATEGORIES, PostState, StepKind
from planner.domain.organisation import DelegationKind, Role, TimeZoneCode, UnitType
from planner.domain.structure_rules import unit_path
from planner.extensions import db
from planner.models import (AuditEvent, Category, Delegation, Person, Post, PostStep, RoleAssignment,
                            Unit)
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
                        password: str = "pranata-bench", today: date | None = None,
                        audit_events: int | None = None, planner_posts: int = 0) -> dict:
    """A government with `size` units in a realistic tree and a team in each unit; the
    root unit has an SOP in force and 3 × `size` posts waiting at its review and approval
    steps; the audit trail gets `audit_events` more events (default 20 × `size`).  With
    `planner_posts`, the content planner's data too (`planner_generator`): channels,
    slots, agenda, networks and that many more posts spread over the units and a year.

    Returns the root unit and the e-mail of a sysadmin, an auditor, an author and a
    reviewer of the root unit (each with `password`) so that a benchmark can sign in;
    under "planner", what the planner generator made.
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
    categories = [Category(government=root, code=code, name=label, participation=level,
                           fast_track_allowed=fast, position=position)
                  for position, (code, label, level, fast) in enumerate(DEFAULT_CATEGORIES)]
    db.session.add_all(categories)
    db.session.commit()

    # A year of history in the audit trail first, then today's SOP and posts.
    audit_events = 20 * size if audit_events is None else audit_events
    append_audit_events(audit_events, [p.id for p in people], [u.id for u in units], rng=rng)
    db.session.commit()
    team = {role: people[slot] for slot, role in enumerate(TEAM)}  # the root unit's team
    version = _sop_in_force(root, start)
    waiting = _posts_in_review(root, version.id, [c.id for c in categories], team, 3 * size, rng)
    db.session.commit()
    planner = {}
    if planner_posts:
        from planner.demo.planner_generator import generate_planner

        planner = generate_planner(root, planner_posts, seed=seed, today=today)
    return {"root": root, "units": len(units), "planner": planner,
            "sysadmin": sysadmin.email, "auditor": auditor.email,
            "author": team[Role.AUTHOR].email, "reviewer": team[Role.REVIEWER].email,
            "deep_unit": units[-1], "posts_in_review": waiting, "audit_events": audit_events}


# -- the SOP and the posts under it ---------------------------------------------------------------

def _sop_in_force(root: Unit, effective: date):
    """The root unit's SOP, through the services (drafted, then put in force)."""
    from planner.services.sops import RouteSpec, StepSpec, activate, create_draft

    K = StepKind
    route = RouteSpec(None, [
        StepSpec(K.DRAFT, "Menyusun draf konten dan caption per platform", Role.AUTHOR, 24,
                 ["Caption per platform", "Foto/video pendukung"], "Draf konten"),
        StepSpec(K.REVIEW, "Memeriksa kelengkapan dan fakta", Role.REVIEWER, 8,
                 ["Fakta dan nama pejabat sudah diperiksa"], "Draf terverifikasi"),
        StepSpec(K.APPROVE, "Menyetujui konten untuk diunggah", Role.APPROVER, 8, [], "Konten disetujui"),
        StepSpec(K.PUBLISH, "Mengunggah dan mencatat tautan per platform", Role.AUTHOR, 4,
                 ["Tautan unggahan dicatat"], "Tautan unggahan")])
    version = create_draft(None, None, root, routes=[route], identity={
        "name": "SOP Pengelolaan Media Sosial", "document_number": "800/SOP-01/2025",
        "effective_date": effective, "decree_number": "188.45/010/2025", "decree_date": effective,
        "decree_signed_by": "Bupati", "approved_by_name": "Sekretaris Daerah"})
    return activate(None, None, version, version.version)


def _posts_in_review(unit: Unit, version_id: int, category_ids: list[int], team: dict, count: int,
                     rng: random.Random) -> int:
    """`count` submitted posts: two thirds at the review step (2), a third at the approval step
    (3, reviewed already), each with the step records the services would have written.
    Returns how many wait for the reviewer."""
    now = datetime.now(timezone.utc)
    author, reviewer = team[Role.AUTHOR], team[Role.REVIEWER]
    rows, steps = [], []
    for n in range(count):
        at_review = n % 3 != 2
        submitted = now - timedelta(hours=rng.randint(1, 72))
        reviewed = submitted + timedelta(hours=rng.randint(1, 6)) if not at_review else None
        rows.append({"unit_id": unit.id, "title": f"Unggahan {n + 1}: kegiatan pelayanan publik",
                     "body": "Informasi kegiatan dan layanan untuk warga.",
                     "category_id": category_ids[n % len(category_ids)],
                     "planned_at": now + timedelta(days=rng.randint(1, 14)), "author_id": author.id,
                     "state": PostState.IN_REVIEW, "sop_version_id": version_id,
                     "step_position": 2 if at_review else 3, "step_started_at": reviewed or submitted,
                     "round": 1, "created_at": submitted - timedelta(hours=2),
                     "updated_at": reviewed or submitted,
                     "updated_by_id": author.id if at_review else reviewer.id,
                     "last_action": "submit" if at_review else "approve", "version": 2 if at_review else 3})
    post_ids = insert_rows(Post, rows, returning=True)  # keeps each post's version
    for post_id, row in zip(post_ids, rows):
        submitted = row["created_at"] + timedelta(hours=2)
        steps.append({"post_id": post_id, "round": 1, "action": "submit", "sop_version_id": version_id,
                      "step_position": 1, "step_kind": StepKind.DRAFT, "from_state": PostState.DRAFT,
                      "to_state": PostState.IN_REVIEW, "actor_id": author.id, "performed_at": submitted,
                      "due_at": None,
                      "checklist": ["Caption per platform", "Foto/video pendukung"]})
        if row["step_position"] == 3:
            steps.append({"post_id": post_id, "round": 1, "action": "approve",
                          "sop_version_id": version_id, "step_position": 2, "step_kind": StepKind.REVIEW,
                          "from_state": PostState.IN_REVIEW, "to_state": PostState.IN_REVIEW,
                          "actor_id": reviewer.id, "performed_at": row["step_started_at"],
                          "due_at": submitted + timedelta(hours=8),
                          "checklist": ["Fakta dan nama pejabat sudah diperiksa"]})
    insert_rows(PostStep, steps)
    return sum(1 for row in rows if row["step_position"] == 2)


# -- the audit trail -------------------------------------------------------------------------------

ACTIONS = ("post.submit", "post.approve", "post.commented", "auth.signed_in", "assignment.created",
           "person.updated", "post.return", "sop.activated")


def append_audit_events(count: int, person_ids: list[int], unit_ids: list[int], *,
                        rng: random.Random | None = None, batch: int = 10_000,
                        start: datetime | None = None) -> int:
    """Append `count` events that continue the existing chain (hashes computed as `record`
    does, with planner.domain.audit_chain), inserted `batch` rows at a time.  Much faster than
    the services; for benchmarks of `audit verify` and of the audit page.  Returns the last seq."""
    rng = rng or random.Random(11)
    last = db.session.execute(select(AuditEvent.seq, AuditEvent.hash)
                              .order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, previous = (last.seq, last.hash) if last else (0, GENESIS)
    when = start or datetime.now(timezone.utc) - timedelta(days=365)  # the last one just before now
    step = timedelta(seconds=max(1, 365 * 86400 // max(count, 1) - 1))
    table = AuditEvent.__table__
    rows = []
    for n in range(count):
        seq += 1
        when += step
        row = _event(seq, when.replace(microsecond=rng.randrange(1_000_000)), ACTIONS[n % len(ACTIONS)],
                     rng.choice(person_ids) if person_ids else None,
                     rng.choice(unit_ids) if unit_ids else None, rng)
        row["prev_hash"] = previous
        row["hash"] = previous = chain_hash(previous, row)
        rows.append(row)
        if len(rows) == batch:
            db.session.connection().execute(table.insert(), rows)
            rows = []
    if rows:
        db.session.connection().execute(table.insert(), rows)
    return seq


def _event(seq: int, when: datetime, action: str, actor: int | None, unit: int | None,
           rng: random.Random) -> dict:
    post = rng.randint(1, 5000)
    before = after = None
    details: dict = {}
    object_type, object_id = "Post", post
    if action in ("post.submit", "post.approve", "post.return"):
        before = {"state": "in_review", "step": 2, "round": 1, "sop_version_id": 1}
        after = {"state": "returned" if action == "post.return" else "in_review", "step": 3,
                 "round": 1, "sop_version_id": 1}
        details = {"step": 2, "step_activity": "Memeriksa kelengkapan dan fakta", "sop_version_id": 1,
                   "acting_role": "reviewer", "acting_kind": None,
                   "due_at": (when + timedelta(hours=8)).isoformat(),
                   "checklist": ["Fakta dan nama pejabat sudah diperiksa"]}
        if action == "post.return":
            details["reason"] = "Foto utama belum sesuai; mohon diganti dengan foto kegiatan."
    elif action == "post.commented":
        details = {"comment_id": post, "body": "Mohon tambahkan tautan ke situs resmi."}
    elif action == "assignment.created":
        object_type, object_id = "RoleAssignment", post
        details = {"person_id": actor, "role": "reviewer", "valid_from": when.date().isoformat(),
                   "decree_number": "188.45/112/2024"}
    elif action == "person.updated":
        object_type, object_id = "Person", actor
        details = {"changes": {"position_title": ["Staf", "Pengelola Media Sosial"]}}
    elif action == "sop.activated":
        object_type, object_id = "SopVersion", 1
        before, after = {"status": "draft"}, {"status": "in_force", "number": 2}
        details = {"effective_date": when.date().isoformat(), "decree_number": "188.45/015/2025"}
    else:
        object_type, object_id = "Person", actor
    return {"seq": seq, "occurred_at": when, "actor_id": actor, "on_behalf_of_id": None,
            "unit_id": unit, "action": action, "object_type": object_type, "object_id": object_id,
            "before": before, "after": after, "details": details,
            "request_id": "%032x" % rng.getrandbits(128)}


def _unit(name: str, type: UnitType, parent: Unit | None) -> Unit:
    unit = Unit(name=name, type=type, timezone=TimeZoneCode.WIB, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = unit_path(parent.path if parent else None, unit.id)
    unit.depth = parent.depth + 1 if parent else 0
    return unit
