"""Six months of posts in the demo, as the studies describe them: mostly coverage of the
leader's ceremonies, a little interaction, the same caption pasted on Instagram,
Facebook and X, a link to the official website now and then, publications near (and
some far from) the upload slots, a WhatsApp cascade used for some posts and other
agencies reusing a few.  Then what is planned for the coming days.

Imported history, not live actions: rows are inserted in bulk with backdated times,
each post with the step records its SOP route asks for (`history.trail`).  The newest
published posts of Prokompim wait for their distribution; no Instagram slot after today
is filled, so the demo author has one to fill.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from dateutil.rrule import rrulestr

from planner.demo.planner_agenda import FUTURE_DAYS, Event, plan_agenda, write_agenda
from planner.demo.planner_texts import (DPPPA_TOPICS, HASHTAGS, HEALTH_EVENTS, HEALTH_TOPICS,
                                        TOPICS, captions, fill, slug, token)
from planner.demo.planner_writer import PostPlan, Variant, write_posts
from planner.domain.content import AmplificationKind, EventStatus, Platform as P
from planner.models import Channel

ODDS = {"seremonial": {P.INSTAGRAM: .9, P.FACEBOOK: 1, P.X: .7, P.WEBSITE: .3, P.YOUTUBE: .08,
                       P.TIKTOK: .15},
        "other": {P.INSTAGRAM: .8, P.FACEBOOK: .95, P.X: .6, P.WEBSITE: .6, P.YOUTUBE: .06,
                  P.TIKTOK: .2}}
OTHER_CATEGORIES = {"informasi-publik": 40, "edukasi": 22, "layanan-publik": 18, "interaktif": 12,
                    "kolaboratif": 4, "krisis": 4}
DPPPA_CATEGORIES = {"seremonial": 60, "edukasi": 15, "layanan-publik": 10, "interaktif": 5,
                    "informasi-publik": 10}
ADDRESSES = {P.INSTAGRAM: "https://www.instagram.com/p/{t}/", P.FACEBOOK: "{base}/posts/{n}",
             P.X: "https://x.com/pemkotpi/status/{n}", P.YOUTUBE: "https://www.youtube.com/watch?v={t}",
             P.TIKTOK: "{base}/video/{n}", P.WEBSITE: "{article}"}
UNDISTRIBUTED = 3  # Prokompim's newest published posts, waiting for the WhatsApp cascade


class SlotBook:
    """Occurrences of every upload slot in the demo's window, and which are taken."""

    def __init__(self, demo, channels: list[Channel]):
        self.free: dict[int, list[tuple[datetime, int]]] = {}
        low = datetime.combine(demo.start - timedelta(days=2), time())
        high = datetime.combine(demo.today + timedelta(days=FUTURE_DAYS + 7), time())
        for channel in channels:
            zone = channel.unit.zone
            found = []
            for slot in channel.slots:
                rule = rrulestr(slot.rule, dtstart=datetime.combine(slot.starts_on, slot.time_of_day))
                found += [(local.replace(tzinfo=zone).astimezone(timezone.utc), slot.id)
                          for local in rule.between(low, high, inc=True)]
            self.free[channel.id] = sorted(found)

    def take(self, channel: Channel, after: datetime, before: datetime) -> tuple[datetime, int] | None:
        for index, (at, slot_id) in enumerate(self.free.get(channel.id, [])):
            if after <= at < before:
                return self.free[channel.id].pop(index)
            if at >= before:
                return None
        return None


def seed_history(demo) -> dict[str, int]:
    past, future = plan_agenda(demo)
    coverage = write_agenda(demo, past + future)
    book = SlotBook(demo, list(demo.channels.values()))
    posts = _prokompim_history(demo, book, past)
    posts += _dpppa_history(demo, book)
    posts += _coming_days(demo, book, future)
    return {"agenda_events": len(past) + len(future), "coverage_assignments": coverage,
            **write_posts(demo, posts)}


# -- planning the posts ------------------------------------------------------------------------

def _variants(demo, book: SlotBook, unit: str, category: str, title: str, body: str,
              planned: datetime, *, odds: dict, link: str | None, latest: datetime) -> list[Variant]:
    rng = demo.rng
    chosen = [p for p, chance in odds.items() if rng.random() < chance] or [P.FACEBOOK]
    if link is None and P.WEBSITE in chosen:
        chosen.remove(P.WEBSITE)
    texts = captions(title, body, HASHTAGS if unit != "dpppa" else "#DPPPASumsel #SumselLayakAnak",
                     [p.value for p in chosen], link, rng, copied=rng.random() < 0.75)
    variants = []
    for platform in chosen:
        channel = demo.channels.get((unit, platform)) or demo.channels[("kota", platform)]
        taken = book.take(channel, planned, min(planned + timedelta(hours=30), latest)) \
            if rng.random() < 0.7 else None
        at, slot_id = taken or (planned + timedelta(minutes=rng.choice((0, 5, 10, 20))), None)
        variants.append(Variant(channel, texts[platform.value], at, slot_id))
    return variants


def _publish(demo, plan: PostPlan, latest: datetime) -> None:
    """Publication times near the planned ones, a quarter of them far off; addresses."""
    rng = demo.rng
    for variant in plan.variants:
        late = rng.randint(70, 300) if rng.random() < 0.25 else rng.randint(-10, 25)
        variant.published_at = min(variant.planned_at + timedelta(minutes=late), latest)
        base = (variant.channel.url or "").rstrip("/")
        variant.url = ADDRESSES[variant.channel.platform].format(
            t=token(rng), n=rng.randrange(10**17, 10**18), base=base, article=plan.website_url)


def _article(demo, title: str, day: date) -> str:
    return f"https://tanjungpinangkota.go.id/berita/{day:%Y/%m/%d}/{slug(title)}"


def _prokompim_history(demo, book: SlotBook, events: list[Event]) -> list[PostPlan]:
    rng, people = demo.rng, demo.people
    latest = demo.cutoff - timedelta(minutes=5)
    drafts: list[tuple[str, str, str, datetime, Event | None]] = []
    for event in events:
        if event.status == EventStatus.CANCELLED:
            continue
        if rng.random() < (0.95 if event.covered else 0.3):
            brief = f"Liputan kegiatan {event.leader}: {event.title}, di {event.place}."
            drafts.append(("seremonial", event.post_title, brief,
                           event.ends_at + timedelta(minutes=rng.randint(60, 300)), event))
    for offset in range((demo.today - demo.start).days):
        day = demo.start + timedelta(days=offset)
        if rng.random() < 0.19:
            code = rng.choices(list(OTHER_CATEGORIES), weights=list(OTHER_CATEGORIES.values()))[0]
            title, brief = rng.choice(TOPICS[code])
            seed = rng.random()
            drafts.append((code, fill(title, random.Random(seed)), fill(brief, random.Random(seed)),
                           demo.at(day, rng.choice((8, 10, 13, 15, 16)), rng.choice((0, 15, 30))), None))
    plans = []
    for code, title, brief, planned, event in sorted(drafts, key=lambda d: d[3]):
        if planned >= latest - timedelta(hours=2):
            continue
        group = "seremonial" if code == "seremonial" else "other"
        link = _article(demo, title, planned.date()) if rng.random() < ODDS[group][P.WEBSITE] else None
        plan = PostPlan("prokompim", "kota", code, title, brief, planned,
                        _variants(demo, book, "prokompim", code, title, brief, planned,
                                  odds={**ODDS[group], P.WEBSITE: 1 if link else 0}, link=link,
                                  latest=latest),
                        people["author"].id, people["photographer"].id if event else people["author"].id,
                        event, link)
        _publish(demo, plan, latest)
        plans.append(plan)
    published = sorted(plans, key=lambda p: min(v.published_at for v in p.variants))
    for plan in published[:-UNDISTRIBUTED]:
        first = min(v.published_at for v in plan.variants)
        if rng.random() < 0.4:
            plan.distributions = _cascade(demo, first + timedelta(minutes=rng.randint(20, 90)), latest)
    for plan in published[-UNDISTRIBUTED:]:
        plan.actions = -1  # published; the distribution step still waits
    _amplify(demo, published[:-UNDISTRIBUTED], latest)
    return plans


def _cascade(demo, start: datetime, latest: datetime) -> list[tuple]:
    """The post sent down the cascade: the city group, every kecamatan, some kelurahan
    and the RT/RW groups below them."""
    rng, people = demo.rng, demo.people
    sender = people["author"].id if rng.random() < 0.8 else people["contributor"].id
    chosen, at = [], start
    levels = {g.id: g for g in demo.groups}
    for group in demo.groups:  # in tree order: city, kecamatan, its kelurahan, their RT/RW
        parent = levels.get(group.parent_id)
        if parent is not None and parent.id not in {g.id for g, *_ in chosen}:
            continue
        if group.level.value == "subdistrict" and rng.random() < 0.45:
            continue
        at = min(at + timedelta(minutes=rng.randint(2, 25)), latest)
        chosen.append((group, at, sender))
    return chosen


def _amplify(demo, plans: list[PostPlan], latest: datetime) -> None:
    rng = demo.rng
    health = [p for p in plans if (p.event and p.event.template in HEALTH_EVENTS)
              or p.title in HEALTH_TOPICS]
    others = [p for p in plans if p not in health]
    picks = [(p, "dinkes") for p in rng.sample(health, min(4, len(health)))]
    picks += [(p, "diskominfo") for p in rng.sample(others, min(5, len(others)))]
    for plan, unit in picks:
        first = min(v.published_at for v in plan.variants)
        reused = min(first + timedelta(days=rng.randint(0, 2)), latest)
        kind = rng.choice([AmplificationKind.PROGRAMME, AmplificationKind.ADAPTED]) if unit == "dinkes" \
            else rng.choice([AmplificationKind.RESHARE, AmplificationKind.RESHARE, AmplificationKind.QUOTE])
        handle = "dinkes.tpi" if unit == "dinkes" else "diskominfo.tpi"
        plan.amplifications.append({
            "unit_id": demo.units[unit].id, "kind": kind,
            "reused_on": reused.astimezone(demo.units[unit].zone).date(),
            "url": f"https://www.instagram.com/{handle}/p/{token(rng)}/",
            "note": "Dipakai untuk mendukung program imunisasi dan Posyandu" if unit == "dinkes"
            else "Dibagikan ulang di Story dan feed Diskominfo",
            "recorded_by_id": demo.people["author"].id,
            "recorded_at": min(reused + timedelta(hours=rng.randint(1, 20)), latest)})


def _dpppa_history(demo, book: SlotBook) -> list[PostPlan]:
    rng, people = demo.rng, demo.people
    latest = demo.cutoff - timedelta(minutes=5)
    instagram = demo.channels[("dpppa", P.INSTAGRAM)]
    plans = []
    for at, slot_id in list(book.free[instagram.id]):
        if at >= latest - timedelta(hours=2) or at < demo.at(demo.start, 0) or rng.random() > 0.65:
            continue
        book.free[instagram.id].remove((at, slot_id))
        code = rng.choices(list(DPPPA_CATEGORIES), weights=list(DPPPA_CATEGORIES.values()))[0]
        title, brief = rng.choice(DPPPA_TOPICS[code])
        seed = rng.random()
        title, brief = fill(title, random.Random(seed)), fill(brief, random.Random(seed))
        texts = captions(title, brief, "#DPPPASumsel #SumselLayakAnak", ["instagram", "facebook"],
                         None, rng, copied=rng.random() < 0.9)
        variants = [Variant(instagram, texts["instagram"], at, slot_id)]
        if rng.random() < 0.5:
            variants.append(Variant(demo.channels[("dpppa", P.FACEBOOK)], texts["facebook"], at))
        plan = PostPlan("dpppa", "sumsel", code, title, brief, at, variants,
                        people["dpppa_author"].id, people["dpppa_author"].id)
        _publish(demo, plan, latest)
        plans.append(plan)
    return plans


def _coming_days(demo, book: SlotBook, events: list[Event]) -> list[PostPlan]:
    """Drafts started from covered events, one post in review, one approved and one
    scheduled; none on Instagram, whose coming slots stay empty for the demo author."""
    people, author = demo.people, demo.people["author"].id
    facebook, website = demo.channels[("prokompim", P.FACEBOOK)], demo.channels[("kota", P.WEBSITE)]
    youtube, tiktok = demo.channels[("prokompim", P.YOUTUBE)], demo.channels[("prokompim", P.TIKTOK)]
    yesterday = demo.cutoff - timedelta(hours=10)
    plans = []
    for event in [e for e in events if e.covered][:2]:
        at = event.ends_at + timedelta(hours=3)
        plans.append(PostPlan("prokompim", "kota", "seremonial", event.post_title,
                              f"Liputan kegiatan {event.leader}: {event.title}.", at,
                              [Variant(facebook, event.post_title, at)], author,
                              people["photographer"].id, event, actions=0, created_at=yesterday))

    def slot(channel, days):
        return book.take(channel, demo.cutoff + timedelta(days=days), demo.cutoff + timedelta(days=days + 7))

    plain = [("layanan-publik", "Layanan adminduk keliling di Kelurahan Air Raja",
              "Perekaman KTP-el dan KIA di Kantor Kelurahan Air Raja.", 1, [facebook, website]),
             ("edukasi", "Cegah DBD dengan 3M Plus", "Menguras, menutup, mendaur ulang.", 3,
              [facebook, youtube]),
             ("interaktif", "Jajak pendapat: nama taman kota di Tepi Laut",
              "Polling di Facebook dan TikTok; tiga usulan nama.", 4, [facebook, tiktok])]
    for actions, (code, title, brief, days, channels) in zip((1, 3, 4), plain):
        variants = []
        for channel in channels:
            at, slot_id = slot(channel, days) or (demo.cutoff + timedelta(days=days, hours=3), None)
            variants.append(Variant(channel, f"{title}. {brief}", at, slot_id))
        link = _article(demo, title, demo.today) if website in channels else None
        plans.append(PostPlan("prokompim", "kota", code, title, brief,
                              min(v.planned_at for v in variants), variants, author, author,
                              website_url=link, actions=actions, scheduled=actions == 4,
                              created_at=yesterday - timedelta(hours=6)))
    return plans
