"""The demo's content planner: channels of the studies' kinds with six months of follower
counts, upload slots, planning settings, a target mix, the WhatsApp cascade as a network of
groups, then the leader's agenda and six months of posts (`planner_history`).

Everything here is imported history, not live actions: rows are inserted with backdated
times in bulk and one audit event (`demo.planner_history_imported`) says so; live work
goes through `planner.services`.  Deterministic for a given day (random.Random(seed)),
and loaded once: if Prokompim already has channels, nothing is done.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from planner.demo.history import insert_rows
from planner.demo.planner_texts import KECAMATAN
from planner.domain.content import GroupLevel, MixBound, Platform
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import (Category, Channel, DistributionGroup, FollowerCount, MixTarget,
                            MixTargetLine, Person, PlannerSettings, Unit, UploadSlot)
from planner.services import record, transaction

HISTORY_DAYS = 183


@dataclass(frozen=True)
class ChannelSpec:
    unit: str  # key in Demo.units
    platform: Platform
    name: str
    handle: str
    url: str | None
    weekly_target: int | None
    slots: tuple[tuple[str, str, time], ...] = ()  # (label, RRULE, local time)
    followers: int | None = None  # six months ago
    growth: float = 0.0  # a month


P = Platform
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
CHANNELS = (
    ChannelSpec("kota", P.WEBSITE, "Situs resmi Pemko Tanjungpinang", "tanjungpinangkota.go.id",
                "https://tanjungpinangkota.go.id", 5, (("Berita harian", WEEKDAYS, time(11, 0)),)),
    ChannelSpec("prokompim", P.INSTAGRAM, "Instagram Pemko Tanjungpinang", "@pemkotanjungpinang",
                "https://www.instagram.com/pemkotanjungpinang", 3,
                (("Unggahan pagi", "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(9, 0)),), 18_400, 0.018),
    ChannelSpec("prokompim", P.FACEBOOK, "Facebook Pemko Tanjungpinang",
                "Pemerintah Kota Tanjungpinang", "https://www.facebook.com/pemkotanjungpinang", 7,
                (("Unggahan harian", "FREQ=DAILY", time(10, 0)),), 41_800, 0.004),
    ChannelSpec("prokompim", P.YOUTUBE, "YouTube Pemko Tanjungpinang", "@PemkoTanjungpinangTV",
                "https://www.youtube.com/@PemkoTanjungpinangTV", 1,
                (("Video mingguan", "FREQ=WEEKLY;BYDAY=TH", time(15, 0)),), 3_150, 0.01),
    ChannelSpec("prokompim", P.TIKTOK, "TikTok Pemko Tanjungpinang", "@pemkotanjungpinang",
                "https://www.tiktok.com/@pemkotanjungpinang", 2,
                (("Video pendek", "FREQ=WEEKLY;BYDAY=TU,SA", time(19, 0)),), 5_600, 0.06),
    ChannelSpec("prokompim", P.X, "X Pemko Tanjungpinang", "@pemkotpi", "https://x.com/pemkotpi", 5,
                (("Kabar siang", WEEKDAYS, time(12, 0)),), 2_900, 0.001),
    ChannelSpec("prokompim", P.WHATSAPP, "Jaringan WhatsApp Info Pemko",
                "Info Pemko Tanjungpinang (grup berjenjang)", None, 3),
    ChannelSpec("prokompim", P.OFFLINE, "Forum warga (musyawarah RT/RW)", "Forum warga kecamatan",
                None, None, (("Forum warga bulanan", "FREQ=MONTHLY;BYDAY=1SA", time(19, 30)),)),
    ChannelSpec("diskominfo", P.INSTAGRAM, "Instagram Diskominfo", "@diskominfo.tpi",
                "https://www.instagram.com/diskominfo.tpi", 3,
                (("Unggahan siang", "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(13, 0)),), 4_300, 0.01),
    ChannelSpec("diskominfo", P.YOUTUBE, "YouTube Diskominfo", "@DiskominfoTanjungpinang",
                "https://www.youtube.com/@DiskominfoTanjungpinang", 1,
                (("Video Jumat", "FREQ=WEEKLY;BYDAY=FR", time(16, 0)),), 1_200, 0.008),
    ChannelSpec("dinkes", P.INSTAGRAM, "Instagram Dinas Kesehatan", "@dinkes.tpi",
                "https://www.instagram.com/dinkes.tpi", 2,
                (("Edukasi kesehatan", "FREQ=WEEKLY;BYDAY=TU,TH", time(10, 0)),), 6_200, 0.02),
    ChannelSpec("dinkes", P.FACEBOOK, "Facebook Dinas Kesehatan", "Dinas Kesehatan Kota Tanjungpinang",
                "https://www.facebook.com/dinkes.tanjungpinang", 3,
                (("Info layanan", "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(10, 0)),), 9_800, 0.005),
    ChannelSpec("dpppa", P.INSTAGRAM, "Instagram DPPPA Sumsel", "@dpppa.sumsel",
                "https://www.instagram.com/dpppa.sumsel", 2,
                (("Unggahan rutin", "FREQ=WEEKLY;BYDAY=MO,TH", time(10, 0)),), 2_750, 0.012),
    ChannelSpec("dpppa", P.FACEBOOK, "Facebook DPPPA Sumsel", "DPPPA Provinsi Sumatera Selatan",
                "https://www.facebook.com/dpppa.sumsel", 1,
                (("Unggahan mingguan", "FREQ=WEEKLY;BYDAY=WE", time(14, 0)),), 1_900, 0.003),
)
UNIT_NAMES = {
    "kota": "Pemerintah Kota Tanjungpinang",
    "prokompim": "Bagian Protokol dan Komunikasi Pimpinan",
    "dokumentasi": "Subbagian Dokumentasi Pimpinan",
    "diskominfo": "Dinas Komunikasi dan Informatika",
    "dinkes": "Dinas Kesehatan",
    "dpppa": "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
}


@dataclass
class Demo:
    """What the history needs to know: the day, the clock, units, people, channels."""

    today: date
    rng: random.Random
    units: dict[str, Unit]
    people: dict[str, Person]
    channels: dict[tuple[str, Platform], Channel]
    groups: list[DistributionGroup]
    categories: dict[tuple[str, str], int]  # (government key, code) -> id

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A local (WIB) wall-clock time on `day`, in UTC."""
        zone = self.units["prokompim"].zone
        return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(timezone.utc)

    @property
    def start(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS)

    @property
    def cutoff(self) -> datetime:
        """History happens before this: the start of the demo's day (WIB)."""
        return self.at(self.today, 0)


def _people(emails: dict[str, str]) -> dict[str, Person]:
    found = {p.email: p for p in db.session.scalars(select(Person).where(
        Person.email.in_(list(emails.values()))))}
    return {key: found[email] for key, email in emails.items()}


def _months_back(day: date, months: int) -> date:
    month = day.year * 12 + day.month - 1 - months
    return date(month // 12, month % 12 + 1, 1)


def seed_planner(today: date, accounts: dict[Role, str], domain: str) -> int:
    """Load the planner demo for `today`; returns how many records it created (0 when it
    is there already)."""
    units = {key: db.session.scalar(select(Unit).where(Unit.name == name))
             for key, name in UNIT_NAMES.items()}
    if db.session.scalar(select(Channel.id).where(Channel.unit_id == units["prokompim"].id).limit(1)):
        return 0
    people = _people({
        "author": accounts[Role.AUTHOR], "reviewer": accounts[Role.REVIEWER],
        "approver": accounts[Role.APPROVER], "contributor": accounts[Role.CONTRIBUTOR],
        "sysadmin": accounts[Role.SYSADMIN], "photographer": f"fajar.ramadhan@{domain}",
        "plh": f"rina.marlina@{domain}", "kominfo": f"maya.sari@{domain}",
        "dinkes": f"putri.handayani@{domain}", "dpppa_author": f"admin.dpppa@{domain}",
        "dpppa_reviewer": f"sekdis.dpppa@{domain}", "dpppa_approver": f"kadis.dpppa@{domain}"})
    sumsel = units["dpppa"].path.strip("/").split("/")[0]
    categories = {("kota" if c.government_id == units["kota"].id else "sumsel", c.code): c.id
                  for c in db.session.scalars(select(Category).where(
                      Category.government_id.in_([units["kota"].id, int(sumsel)])))}
    demo = Demo(today, random.Random(20_240_301), units, people, {}, [], categories)
    with transaction():
        created = _channels(demo)
        created += _settings_and_targets(demo)
        created += _network(demo)
        from planner.demo.planner_history import seed_history

        counts = seed_history(demo)
        created += sum(counts.values())
        record(None, "demo.planner_history_imported", units["prokompim"], units["prokompim"].id,
               object_type="Unit", first_day=demo.start, last_day=today - timedelta(days=1),
               note="Six months of planner history imported with backdated times; "
                    "not live actions", **counts)
    return created


def _channels(demo: Demo) -> int:
    owners = {"kota": "sysadmin", "prokompim": "author", "diskominfo": "kominfo",
              "dinkes": "dinkes", "dpppa": "dpppa_author"}
    created_at = demo.at(demo.start - timedelta(days=30), 9)
    for spec in CHANNELS:
        editor = demo.people[owners[spec.unit]]
        channel = Channel(unit=demo.units[spec.unit], platform=spec.platform, name=spec.name,
                          handle=spec.handle, url=spec.url, weekly_target=spec.weekly_target,
                          active=True, created_at=created_at, updated_at=created_at,
                          updated_by_id=editor.id)
        channel.slots = [UploadSlot(label=label, rule=rule, starts_on=demo.start - timedelta(days=30),
                                    time_of_day=at, active=True, created_at=created_at,
                                    updated_at=created_at, updated_by_id=editor.id)
                         for label, rule, at in spec.slots]
        db.session.add(channel)
        demo.channels[(spec.unit, spec.platform)] = channel
    db.session.flush()
    rows = []
    for spec in CHANNELS:
        if spec.followers is None:
            continue
        channel = demo.channels[(spec.unit, spec.platform)]
        recorder = demo.people[owners[spec.unit]].id
        followers = spec.followers
        for months in range(6, -1, -1):
            day = _months_back(demo.today, months)
            rows.append({"channel_id": channel.id, "recorded_on": day, "followers": int(followers),
                         "recorded_by_id": recorder, "recorded_at": demo.at(day, 9)})
            followers *= 1 + spec.growth * demo.rng.uniform(0.6, 1.4)
    insert_rows(FollowerCount, rows)
    return len(CHANNELS) + sum(len(s.slots) for s in CHANNELS) + len(rows)


def _settings_and_targets(demo: Demo) -> int:
    approver = demo.people["approver"].id
    since = demo.at(demo.start, 8)
    db.session.add_all([
        PlannerSettings(unit=demo.units["prokompim"], require_website_link=True,
                        slot_tolerance_minutes=60, distribution_target_percent=40,
                        updated_at=since, updated_by_id=approver),
        PlannerSettings(unit=demo.units["dpppa"], require_website_link=False,
                        slot_tolerance_minutes=120, distribution_target_percent=None,
                        updated_at=since, updated_by_id=demo.people["dpppa_approver"].id)])
    cats = demo.categories
    target = MixTarget(unit=demo.units["prokompim"], starts_on=_months_back(demo.today, 6),
                       ends_on=None, created_at=since, updated_at=since, updated_by_id=approver,
                       note="Arahan Sekda: kurangi porsi seremonial, perbanyak konten interaktif "
                            "dan kolaboratif")
    db.session.add(target)
    db.session.flush()
    seremonial = db.session.get(Category, cats[("kota", "seremonial")])
    interactive = [db.session.get(Category, cats[("kota", code)]) for code in ("interaktif", "kolaboratif")]
    target.lines = [MixTargetLine(position=0, bound=MixBound.AT_MOST, percent=30, categories=[seremonial]),
                    MixTargetLine(position=1, bound=MixBound.AT_LEAST, percent=25,
                                  categories=interactive)]
    return 5


def _network(demo: Demo) -> int:
    """The WhatsApp cascade: city → kecamatan → kelurahan → a few RT/RW groups."""
    rng, unit = demo.rng, demo.units["prokompim"]
    channel = demo.channels[("prokompim", Platform.WHATSAPP)]
    since = demo.at(demo.start - timedelta(days=30), 9)
    author = demo.people["author"].id

    def group(name, level, members, parent=None):
        made = DistributionGroup(unit=unit, parent=parent, channel_id=channel.id, name=name,
                                 level=level, members=members, active=True, created_at=since,
                                 updated_at=since, updated_by_id=author)
        db.session.add(made)
        demo.groups.append(made)
        return made

    city = group("Info Pemko Tanjungpinang", GroupLevel.CITY, 240)
    for kecamatan, kelurahan in KECAMATAN.items():
        district = group(f"Info Kecamatan {kecamatan}", GroupLevel.DISTRICT, rng.randint(60, 110), city)
        for index, name in enumerate(kelurahan):
            sub = group(f"Warga Kelurahan {name}", GroupLevel.SUBDISTRICT, rng.randint(90, 250), district)
            if index < 2:
                for rw in (1, 2):
                    group(f"RT/RW {rw:02d} {name}", GroupLevel.NEIGHBOURHOOD, rng.randint(30, 90), sub)
    db.session.flush()
    members = sum(g.members for g in demo.groups)
    # The cascade's "followers" are the members of its groups.
    for months in range(6, -1, -1):
        day = _months_back(demo.today, months)
        db.session.add(FollowerCount(channel_id=channel.id, recorded_on=day,
                                     followers=members - 40 * months, recorded_by_id=author,
                                     recorded_at=demo.at(day, 9)))
    return len(demo.groups) + 7
