"""The leader's agenda in the demo: six months of the Wali Kota's, Wakil Wali Kota's and
Sekda's events (most covered by a photographer and a writer, a few not, one cancelled)
and the next three weeks, where one event of the Wali Kota is still uncovered so that
the flag shows.  Imported history: rows inserted in bulk with backdated times."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from planner.demo.history import insert_rows
from planner.demo.planner_texts import EVENTS, fill
from planner.domain.content import CoverageRole, EventStatus
from planner.models import AgendaEvent, CoverageAssignment

HEAD = "Wali Kota Tanjungpinang"
LEADERS = ((HEAD, "Wali Kota", 65), ("Wakil Wali Kota Tanjungpinang", "Wakil Wali Kota", 25),
           ("Sekretaris Daerah Kota Tanjungpinang", "Sekda", 10))
SOURCES = ("Undangan tertulis", "Ajudan Wali Kota", "Rapat agenda mingguan Bagian Protokol",
           "Surat Sekretariat DPRD")
FUTURE_DAYS = 21


@dataclass
class Event:
    day: date
    starts_at: datetime
    ends_at: datetime
    title: str
    place: str
    post_title: str
    leader: str
    status: EventStatus
    covered: bool
    template: str
    id: int | None = None
    created_at: datetime | None = None
    coverage: list[tuple[int, CoverageRole]] = field(default_factory=list)


def _event(demo, day: date, leader: tuple | None = None, template: tuple | None = None,
           status: EventStatus = EventStatus.CONFIRMED, covered: bool | None = None) -> Event:
    rng = demo.rng
    if template is None:
        friday_prayer = day.weekday() == 4 and rng.random() < 0.5
        template = rng.choice([t for t in EVENTS if (t[0] == "Safari Jumat") == friday_prayer])
    if leader is None:
        leader = rng.choices(LEADERS, weights=[weight for *_, weight in LEADERS])[0]
    title, place, post_title = template
    # The same draw of kecamatan, kelurahan, mosque... for the title, the place and the post.
    seed = rng.random()
    starts = demo.at(day, 11 if title == "Safari Jumat" else rng.choice((8, 8, 9, 9, 10, 13, 14, 15, 19)),
                     rng.choice((0, 0, 30)))
    ends = starts + timedelta(minutes=rng.choice((60, 90, 120, 180)))
    if covered is None:
        covered = status == EventStatus.CONFIRMED and rng.random() < 0.86
    return Event(day, starts, ends, fill(title, random.Random(seed)), fill(place, random.Random(seed)),
                 fill(post_title, random.Random(seed), leader=leader[1]), leader[0], status,
                 covered, title)


def plan_agenda(demo) -> tuple[list[Event], list[Event]]:
    """The past six months and the next three weeks (not yet written)."""
    rng = demo.rng
    past, future = [], []
    for offset in range((demo.today - demo.start).days):
        day = demo.start + timedelta(days=offset)
        weekend = day.weekday() >= 5
        count = (1 if rng.random() < 0.15 else 0) if weekend else rng.choice((0, 0, 1, 1, 2))
        for _ in range(count):
            status = EventStatus.CANCELLED if rng.random() < 0.03 else EventStatus.CONFIRMED
            past.append(_event(demo, day, status=status))
    # The head's next event, two working days ahead, has nobody assigned yet.
    flagged = demo.today + timedelta(days=2)
    while flagged.weekday() >= 5:
        flagged += timedelta(days=1)
    musrenbang = next(t for t in EVENTS if t[0].startswith("Pembukaan Musrenbang"))
    future.append(_event(demo, flagged, LEADERS[0], musrenbang, covered=False))
    for offset in range(1, FUTURE_DAYS + 1):
        day = demo.today + timedelta(days=offset)
        if day.weekday() >= 5 or rng.random() < 0.4:
            continue
        status = EventStatus.TENTATIVE if rng.random() < 0.1 else EventStatus.CONFIRMED
        future.append(_event(demo, day, status=status, covered=status == EventStatus.CONFIRMED))
    # Of the others, only one (in the third week) still waits for a photographer.
    later = [e for e in future[1:] if e.covered and e.day > demo.today + timedelta(days=14)]
    if later:
        rng.choice(later).covered = False
    future.sort(key=lambda e: e.starts_at)
    return past, future


def write_agenda(demo, events: list[Event]) -> int:
    """Insert the events and their coverage; sets each event's id.  Returns the number of
    coverage assignments."""
    rng = demo.rng
    people = demo.people
    rows = []
    for event in events:
        created = min(event.starts_at - timedelta(days=rng.randint(3, 10)),
                      demo.cutoff - timedelta(hours=rng.randint(2, 30)))
        event.created_at = created
        rows.append({"unit_id": demo.units["prokompim"].id, "title": event.title,
                     "place": event.place, "starts_at": event.starts_at, "ends_at": event.ends_at,
                     "leader": event.leader, "source": rng.choice(SOURCES), "source_uid": None,
                     "status": event.status,
                     "notes": "Dibatalkan oleh ajudan" if event.status == EventStatus.CANCELLED else "",
                     "created_at": created, "created_by_id": people["contributor"].id,
                     "updated_at": created, "updated_by_id": people["contributor"].id})
    for event, event_id in zip(events, insert_rows(AgendaEvent, rows, returning=True)):
        event.id = event_id
    coverage = []
    for event in events:
        if not event.covered:
            continue
        assigned = event.created_at + timedelta(hours=rng.randint(2, 30))
        writer = people["author"] if rng.random() < 0.7 else people["contributor"]
        event.coverage = [(people["photographer"].id, CoverageRole.PHOTOGRAPHER),
                          (writer.id, CoverageRole.WRITER)]
        if rng.random() < 0.25:
            event.coverage.append((people["photographer"].id, CoverageRole.VIDEOGRAPHER))
        coverage.extend({"event_id": event.id, "person_id": person, "role": role,
                         "assigned_by_id": people["reviewer"].id,
                         "assigned_at": min(assigned, demo.cutoff - timedelta(minutes=30))}
                        for person, role in event.coverage)
    insert_rows(CoverageAssignment, coverage)
    return len(coverage)
