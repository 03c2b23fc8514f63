"""Planner data at any number of posts, for benchmarks and load tests: channels per unit
with upload slots and follower counts, planning settings and a target mix, the leader's
agenda with coverage, a distribution network per unit, and posts spread over the units
and over a year (and the month ahead) with 1-3 variants each, publications, the SOP's
step records, distributions and some amplification.

Written with bulk INSERTs (`history.insert_rows`) a batch of posts at a time, so memory
stays flat and 100,000 posts take well under a few minutes on SQLite and PostgreSQL.
Imported history, not live actions: no audit event per row (see `history`).
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from planner.demo.history import add_post_ids, insert_rows, route_actions, trail
from planner.domain.content import (AmplificationKind, CommunicationFunction, CoverageRole,
                                    EventStatus, GroupLevel, MixBound, Platform, PostState)
from planner.domain.organisation import ZONES, Role
from planner.extensions import db
from planner.models import (AgendaEvent, Amplification, Category, Channel, CoverageAssignment,
                            Distribution, DistributionGroup, FollowerCount, MixTarget,
                            MixTargetLine, PlannerSettings, Post, PostPublication, PostStep,
                            PostVariant, RoleAssignment, Unit, UploadSlot)
from planner.models.content import mix_target_line_category
from planner.services.sops import applicable

BATCH = 5_000
MONTHS_BACK = 12
DAYS_AHEAD = 31
# (platform, RRULE, local time, weekdays the rule allows, weekly target)
CHANNELS = (
    (Platform.INSTAGRAM, "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(9), {0, 2, 4}, 3),
    (Platform.FACEBOOK, "FREQ=DAILY", time(10), set(range(7)), 7),
    (Platform.X, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(12), set(range(5)), 5),
)
ROOT_CHANNELS = (
    (Platform.YOUTUBE, "FREQ=WEEKLY;BYDAY=TH", time(15), {3}, 1),
    (Platform.WEBSITE, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(11), set(range(5)), 5),
    (Platform.WHATSAPP, None, None, set(), 3),
)
CATEGORY_WEIGHTS = {"seremonial": 55, "informasi-publik": 14, "edukasi": 10, "layanan-publik": 9,
                    "interaktif": 7, "kolaboratif": 3, "krisis": 2}
TITLES = ("Kepala Dinas hadiri rapat koordinasi", "Jadwal layanan keliling pekan ini",
          "Sosialisasi peraturan daerah baru", "Cara mendaftar layanan secara daring",
          "Jajak pendapat: prioritas program tahun depan", "Ajakan gotong royong warga",
          "Peringatan dini cuaca ekstrem")


def generate_planner(root: Unit, posts: int, *, seed: int = 7, today: date | None = None) -> dict:
    """Planner data for the government under `root` (already generated, with a team in
    each unit and an SOP in force at the root) with `posts` posts.  Returns the counts."""
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(timezone.utc)
    units = list(db.session.scalars(select(Unit).where(Unit.path.startswith(root.path))
                                    .order_by(Unit.path)))
    team = _team([u.id for u in units])
    categories = {c.code: c.id for c in db.session.scalars(
        select(Category).where(Category.government_id == root.id))}
    version = applicable(root)
    routes = {code: version.as_workflow().route_for(code) for code in categories}
    actions = {code: route_actions(route) for code, route in routes.items()}
    zone = ZONES[root.timezone]
    start = today - timedelta(days=30 * MONTHS_BACK)
    counts = {"posts": 0, "variants": 0, "publications": 0, "post_steps": 0, "distributions": 0,
              "amplifications": 0}

    channels = _channels(units, team, start, zone)
    counts["channels"] = sum(len(c) for c in channels.values())
    _settings(root, team, categories, start)
    groups = _networks(units, team, rng)
    counts["distribution_groups"] = sum(len(g) for g in groups.values())
    counts["agenda_events"] = _agenda(units, team, max(1, posts // 4), start, today, zone, rng)

    weights = list(CATEGORY_WEIGHTS.values())
    codes = list(CATEGORY_WEIGHTS)
    span = (today - start).days + DAYS_AHEAD
    for first in range(0, posts, BATCH):
        plans = []
        for n in range(first, min(posts, first + BATCH)):
            unit = units[n % len(units)]
            code = rng.choices(codes, weights)[0]
            if n < len(units):  # every unit has something on this week's calendar
                day, chosen = today + timedelta(days=n % 7), channels[unit.id][:3]
            else:
                day = start + timedelta(days=rng.randrange(span))
                chosen = rng.sample(channels[unit.id][:3], rng.randint(1, 3))
            plans.append((unit, code, day, chosen))
        _write_batch(plans, team, categories, version.id, routes, actions, groups, units, zone, now,
                     rng, counts)
    db.session.commit()
    return counts


def _team(unit_ids: list[int]) -> dict[int, dict[Role, int]]:
    team: dict[int, dict[Role, int]] = {u: {} for u in unit_ids}
    for unit_id, role, person_id in db.session.execute(
            select(RoleAssignment.unit_id, RoleAssignment.role, RoleAssignment.person_id)
            .where(RoleAssignment.unit_id.in_(unit_ids), RoleAssignment.valid_to.is_(None))
            .order_by(RoleAssignment.id)):
        team[unit_id].setdefault(role, person_id)
    return team


def _channels(units, team, start: date, zone) -> dict[int, list[tuple]]:
    """Each unit's Instagram, Facebook and X; the root also a YouTube channel, the
    website and a WhatsApp cascade.  Returns unit id -> [(channel id, platform, slot id,
    weekdays, local time)]."""
    specs, rows = [], []
    for index, unit in enumerate(units):
        for platform, rule, at, days, target in CHANNELS + (ROOT_CHANNELS if index == 0 else ()):
            specs.append((unit, platform, rule, at, days))
            rows.append({"unit_id": unit.id, "platform": platform,
                         "name": f"{platform.value.title()} {unit.name}"[:120],
                         "handle": f"@unit{unit.id}.{platform.value}", "url": None,
                         "weekly_target": target, "active": True,
                         "updated_by_id": team[unit.id].get(Role.AUTHOR)})
    ids = insert_rows(Channel, rows, returning=True)
    slot_rows = [{"channel_id": cid, "label": "Slot rutin", "rule": rule, "starts_on": start,
                  "time_of_day": at, "active": True}
                 for cid, (_, _, rule, at, _) in zip(ids, specs) if rule]
    slot_ids = iter(insert_rows(UploadSlot, slot_rows, returning=True))
    out: dict[int, list[tuple]] = {u.id: [] for u in units}
    followers = []
    for cid, (unit, platform, rule, at, days) in zip(ids, specs):
        out[unit.id].append((cid, platform, next(slot_ids) if rule else None, days, at))
        for m in range(MONTHS_BACK + 1):
            month = start.year * 12 + start.month - 1 + m
            on = date(month // 12, month % 12 + 1, 1)
            followers.append({"channel_id": cid, "recorded_on": on, "followers": 1000 + 150 * m + unit.id,
                              "recorded_by_id": team[unit.id][Role.AUTHOR],
                              "recorded_at": datetime.combine(on, time(2), timezone.utc)})
    insert_rows(FollowerCount, followers)
    return out


def _settings(root, team, categories, start: date) -> None:
    approver = team[root.id].get(Role.APPROVER)
    insert_rows(PlannerSettings, [{"unit_id": root.id, "require_website_link": True,
                                   "slot_tolerance_minutes": 60, "distribution_target_percent": 40,
                                   "updated_by_id": approver}])
    target_id, = insert_rows(MixTarget, [{"unit_id": root.id, "starts_on": start.replace(day=1),
                                          "ends_on": None, "note": "", "updated_by_id": approver}],
                             returning=True)
    lines = insert_rows(MixTargetLine, [
        {"target_id": target_id, "position": 0, "bound": MixBound.AT_MOST, "percent": 30},
        {"target_id": target_id, "position": 1, "bound": MixBound.AT_LEAST, "percent": 25}],
        returning=True)
    insert_rows(mix_target_line_category, [
        {"line_id": lines[0], "category_id": categories["seremonial"]},
        {"line_id": lines[1], "category_id": categories["interaktif"]},
        {"line_id": lines[1], "category_id": categories["kolaboratif"]}])


def _networks(units, team, rng) -> dict[int, list[tuple[int, int]]]:
    """Per unit a group for the whole area and three below it (the root: a city group,
    4 kecamatan, 4 kelurahan each).  Returns unit id -> [(group id, members)]."""
    out: dict[int, list[tuple[int, int]]] = {}
    for index, unit in enumerate(units):
        author = team[unit.id].get(Role.AUTHOR)
        top, = insert_rows(DistributionGroup, [{
            "unit_id": unit.id, "parent_id": None, "name": f"Jaringan {unit.name}"[:200],
            "level": GroupLevel.CITY, "members": rng.randint(100, 250), "active": True,
            "updated_by_id": author}], returning=True)
        below = 4 if index == 0 else 3
        middle = insert_rows(DistributionGroup, [{
            "unit_id": unit.id, "parent_id": top, "name": f"Grup {n + 1} {unit.name}"[:200],
            "level": GroupLevel.DISTRICT, "members": rng.randint(50, 120), "active": True,
            "updated_by_id": author} for n in range(below)], returning=True)
        leaves = insert_rows(DistributionGroup, [{
            "unit_id": unit.id, "parent_id": parent, "name": f"Kelurahan {n + 1}.{m + 1}",
            "level": GroupLevel.SUBDISTRICT, "members": rng.randint(80, 200), "active": True,
            "updated_by_id": author} for n, parent in enumerate(middle) for m in range(4)],
            returning=True) if index == 0 else []
        ids = [top, *middle, *leaves]
        found = dict(db.session.execute(select(DistributionGroup.id, DistributionGroup.members)
                                        .where(DistributionGroup.id.in_(ids))).all())
        out[unit.id] = [(i, found[i]) for i in ids]
    return out


def _agenda(units, team, count: int, start: date, today: date, zone, rng) -> int:
    """`count` events of the units' leaders, 85 % covered; each unit has one this week."""
    span = (today - start).days + DAYS_AHEAD
    rows = []
    for n in range(max(count, len(units))):
        unit = units[n % len(units)]
        day = today + timedelta(days=n % 7) if n < len(units) else start + timedelta(days=rng.randrange(span))
        begins = datetime.combine(day,
                                  time(rng.choice((8, 9, 10, 13, 14))), zone).astimezone(timezone.utc)
        rows.append({"unit_id": unit.id, "title": f"Kegiatan pimpinan {n + 1}", "place": "Aula",
                     "starts_at": begins, "ends_at": begins + timedelta(hours=2),
                     "leader": "Kepala Daerah" if unit.depth == 0 else "Kepala unit",
                     "source": "Undangan", "status": EventStatus.CONFIRMED, "notes": "",
                     "created_by_id": team[unit.id].get(Role.CONTRIBUTOR)})
    coverage = []
    for start_at in range(0, len(rows), 20_000):
        part = rows[start_at:start_at + 20_000]
        for row, event_id in zip(part, insert_rows(AgendaEvent, part, returning=True)):
            if rng.random() < 0.85:
                members = team[row["unit_id"]]
                coverage.append({"event_id": event_id, "person_id": members[Role.CONTRIBUTOR],
                                 "role": CoverageRole.PHOTOGRAPHER,
                                 "assigned_by_id": members[Role.REVIEWER]})
    insert_rows(CoverageAssignment, coverage)
    return len(rows)


def _write_batch(plans, team, categories, version_id, routes, actions, groups, units, zone, now,
                 rng, counts):
    rows, trails, variant_plans = [], [], []
    for unit, code, day, chosen in plans:
        members = team[unit.id]
        planned = []
        for channel_id, platform, slot_id, days, at in chosen:
            if slot_id is not None and rng.random() < 0.7:
                slot_day = day
                while slot_day.weekday() not in days:
                    slot_day += timedelta(days=1)
                when = datetime.combine(slot_day, at, zone).astimezone(timezone.utc)
            else:
                slot_id, when = None, datetime.combine(day, time(rng.randint(7, 20)), zone) \
                    .astimezone(timezone.utc)
            planned.append((channel_id, platform, slot_id, when))
        first = min(p[3] for p in planned)
        past = first < now - timedelta(hours=2)
        done = len(actions[code]) if past else rng.choice((0, 1, 2, 3))
        if past and rng.random() < 0.04:
            done = 0  # an old draft nobody finished
        times, created = _times(first, done, actions[code], now, rng)
        steps, fields = trail(routes[code], version_id, times,
                              lambda role, when, m=members: (m[role], None, None), created_at=created)
        trails.append(steps)
        rows.append({"unit_id": unit.id, "title": rng.choice(TITLES), "body": "Bahan unggahan.",
                     "category_id": categories[code],
                     "function": CommunicationFunction.SELF_PRESENTATION if code == "seremonial"
                     else CommunicationFunction.INFORM, "campaign": None, "hashtags": "#Pemda",
                     "website_url": None, "assignee_id": members[Role.AUTHOR], "event_id": None,
                     "planned_at": first, "author_id": members[Role.AUTHOR], "returned_reason": None,
                     **fields, "updated_by_id": fields["updated_by_id"] or members[Role.AUTHOR]})
        variant_plans.append(planned)
    post_ids = insert_rows(Post, rows, returning=True)
    variants, steps, distributions, amplifications, published = [], [], [], [], []
    for row, post_id, trail_steps, planned in zip(rows, post_ids, trails, variant_plans):
        steps += add_post_ids(trail_steps, post_id)
        variants += [{"post_id": post_id, "channel_id": cid, "caption": f"Caption {post_id}",
                      "media_notes": "", "asset_links": "", "planned_at": when, "slot_id": sid}
                     for cid, _, sid, when in planned]
        if row["state"] != PostState.PUBLISHED:
            continue
        published.append((post_id, row, planned))
        if rng.random() < 0.3:
            sent = row["published_at"] + timedelta(minutes=30)
            distributions += [{"post_id": post_id, "group_id": gid, "sent_at": sent,
                               "sent_by_id": row["author_id"], "members_reached": members,
                               "recorded_by_id": row["author_id"], "recorded_at": sent}
                              for gid, members in groups[row["unit_id"]][:rng.randint(1, 6)]]
        if rng.random() < 0.02:
            other = rng.choice(units)
            if other.id != row["unit_id"]:
                amplifications.append({"post_id": post_id, "unit_id": other.id,
                                       "kind": AmplificationKind.RESHARE,
                                       "reused_on": row["published_at"].date(), "url": None, "note": "",
                                       "recorded_by_id": row["author_id"], "recorded_at": row["published_at"]})
    variant_ids = iter(insert_rows(PostVariant, variants, returning=True))
    by_post = {post_id: [] for post_id in post_ids}
    for variant in variants:
        by_post[variant["post_id"]].append((next(variant_ids), variant))
    publications = [{"post_id": post_id, "platform": platform, "variant_id": vid,
                     "url": f"https://example.org/{post_id}/{vid}",
                     "published_at": v["planned_at"] + timedelta(minutes=rng.randint(-10, 90)),
                     "recorded_at": row["published_at"], "recorded_by_id": row["author_id"]}
                    for post_id, row, planned in published
                    for (vid, v), (_, platform, _, _) in zip(by_post[post_id], planned)]
    insert_rows(PostPublication, publications)
    insert_rows(PostStep, steps)
    insert_rows(Distribution, distributions)
    insert_rows(Amplification, amplifications)
    for key, value in (("posts", len(rows)), ("variants", len(variants)),
                       ("publications", len(publications)), ("post_steps", len(steps)),
                       ("distributions", len(distributions)), ("amplifications", len(amplifications))):
        counts[key] += value


def _times(first: datetime, done: int, actions, now: datetime, rng) -> tuple[list[datetime], datetime]:
    """Drafted a day or two before the first planned time (or just now, for a post planned
    ahead), reviewed and approved in the hours before it, published at it."""
    if first > now:
        created = now - timedelta(hours=rng.randint(2, 72))
        return [created + timedelta(minutes=20 * (n + 1)) for n in range(done)], created
    created = first - timedelta(hours=rng.randint(24, 60))
    names = [a.name for a in actions[:done]]
    publish = names.index("publish") if "publish" in names else done
    published = first + timedelta(minutes=rng.randint(0, 20))
    times = [created + timedelta(hours=2 * (n + 1)) if n < publish
             else published + timedelta(hours=2 * (n - publish)) for n in range(done)]
    return times, created
