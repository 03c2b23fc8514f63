"""Writes the demo's planned posts as rows: each post with its variants, publications,
the step records of its SOP route (`history.trail`, the version in force on the post's
day), its distributions and amplifications.  Imported history (see `history`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from planner.demo.history import add_post_ids, insert_rows, route_actions, trail
from planner.demo.planner_agenda import Event
from planner.demo.planner_texts import CAMPAIGNS, HASHTAGS, token
from planner.domain.content import CommunicationFunction, Platform as P, SopStatus
from planner.domain.organisation import DelegationKind, Role
from planner.extensions import db
from planner.models import (Amplification, Channel, Distribution, Post, PostPublication, PostStep,
                            PostVariant, Sop, SopVersion)

FUNCTIONS = {"seremonial": CommunicationFunction.SELF_PRESENTATION,
             "interaktif": CommunicationFunction.SEEK_FEEDBACK,
             "kolaboratif": CommunicationFunction.DIALOGUE}
MEDIA = {P.INSTAGRAM: "Carousel 4-6 foto, rasio 4:5", P.FACEBOOK: "Album foto kegiatan",
         P.YOUTUBE: "Video dokumentasi 3-5 menit", P.TIKTOK: "Video vertikal 30 detik",
         P.X: "1 foto utama", P.WEBSITE: "Foto utama + 3 foto pendukung"}

@dataclass
class Variant:
    channel: Channel
    caption: str
    planned_at: datetime
    slot_id: int | None = None
    published_at: datetime | None = None
    url: str | None = None


@dataclass
class PostPlan:
    unit: str
    government: str
    category: str
    title: str
    body: str
    planned_at: datetime
    variants: list[Variant]
    author: int
    assignee: int | None = None
    event: Event | None = None
    website_url: str | None = None
    actions: int = 99  # how many actions of the route are done (99: all there are by now)
    scheduled: bool = False
    created_at: datetime | None = None
    distributions: list[tuple] = field(default_factory=list)  # (group, sent_at, sender id)
    amplifications: list[dict] = field(default_factory=list)


def _versions(unit) -> list[tuple[date, SopVersion]]:
    rows = db.session.execute(select(SopVersion).join(Sop).where(
        Sop.unit_id == unit.id, SopVersion.status != SopStatus.DRAFT)
        .order_by(SopVersion.effective_date)).scalars()
    return [(v.effective_date or date.min, v) for v in rows]


def _who(demo, unit: str):
    people = demo.people
    if unit == "dpppa":
        ids = {Role.AUTHOR: people["dpppa_author"].id, Role.REVIEWER: people["dpppa_reviewer"].id,
               Role.APPROVER: people["dpppa_approver"].id}
        return lambda role, when: (ids[role], None, None)
    ids = {Role.AUTHOR: people["author"].id, Role.REVIEWER: people["reviewer"].id,
           Role.APPROVER: people["approver"].id}
    acting_from = demo.at(demo.today - timedelta(days=2), 0)  # the Plh. of tanjungpinang.seed

    def who(role, when):
        if role == Role.APPROVER and when >= acting_from:
            return people["plh"].id, ids[Role.APPROVER], DelegationKind.PLH.value
        return ids[role], None, None
    return who


def _times(demo, plan: PostPlan, route, latest: datetime) -> list[datetime]:
    """When each action happened: submission and approvals before the first publication,
    the record of publication just after it, then the steps after publication."""
    rng = demo.rng
    created = plan.created_at
    if plan.actions < 99 and plan.actions >= 0:  # not published yet: all done yesterday
        return [created + timedelta(hours=1 + 2 * n) for n in range(plan.actions)]
    first = min(v.published_at for v in plan.variants)
    actions = route_actions(route)
    before = len([a for a in actions if a.name in ("submit", "approve")])
    # Submitted soon after drafting, approved in the hours before it went out.
    submitted = created + timedelta(minutes=rng.randint(20, 90))
    approved = first - timedelta(minutes=rng.randint(20, 150))
    if submitted + timedelta(minutes=before) >= approved:
        submitted, approved = created + (first - created) / (before + 1), first - timedelta(minutes=2)
    times = [submitted + (approved - submitted) * n / max(before - 1, 1) for n in range(before)]
    published = first + timedelta(minutes=rng.randint(5, 25))
    times.append(published)
    if plan.actions == -1:
        return times
    sent = [at for _, at, _ in plan.distributions]
    for action in actions[len(times):]:
        if action.name == "ratify":
            at = published + timedelta(hours=rng.randint(2, 10))
        elif action.step.kind.value == "distribute":
            at = (max(sent) if sent else published + timedelta(hours=rng.randint(1, 18))) \
                + timedelta(minutes=rng.randint(5, 40))
        else:
            at = published + timedelta(days=7, hours=rng.randint(1, 20))
        if at >= latest:
            break
        times.append(max(at, times[-1] + timedelta(minutes=1)))
    return times


def write_posts(demo, plans: list[PostPlan]) -> dict[str, int]:
    rng, latest = demo.rng, demo.cutoff - timedelta(minutes=1)
    versions = {unit: _versions(demo.units[unit]) for unit in ("prokompim", "dpppa")}
    who = {unit: _who(demo, unit) for unit in versions}
    rows, trails = [], []
    for plan in plans:
        day = plan.planned_at.date()
        version = next((v for since, v in reversed(versions[plan.unit]) if since <= day),
                       versions[plan.unit][-1][1])
        route = version.as_workflow().route_for(plan.category)
        if plan.created_at is None:
            first = min(v.published_at for v in plan.variants)
            plan.created_at = (plan.event.ends_at + timedelta(minutes=rng.randint(15, 50))
                               if plan.event else first - timedelta(hours=rng.randint(8, 40)))
            plan.created_at = min(plan.created_at, first - timedelta(minutes=40))
        steps, fields = trail(route, version.id, _times(demo, plan, route, latest), who[plan.unit],
                              scheduled=plan.scheduled, created_at=plan.created_at,
                              reasons={"distribute": None if plan.distributions else
                                       "Dibagikan ke beberapa grup; tidak dicatat per grup"})
        trails.append(steps)
        rows.append({"unit_id": demo.units[plan.unit].id, "title": plan.title, "body": plan.body,
                     "category_id": demo.categories[(plan.government, plan.category)],
                     "function": FUNCTIONS.get(plan.category, CommunicationFunction.INFORM),
                     "campaign": next((c for word, c in CAMPAIGNS.items()
                                       if word in plan.title.lower()), None),
                     "hashtags": HASHTAGS if plan.unit == "prokompim" else "#DPPPASumsel",
                     "website_url": plan.website_url, "assignee_id": plan.assignee,
                     "event_id": plan.event.id if plan.event else None,
                     "planned_at": min(v.planned_at for v in plan.variants),
                     "author_id": plan.author,
                     "returned_reason": None, **fields,
                     "updated_by_id": fields["updated_by_id"] or plan.author})
    post_ids = insert_rows(Post, rows, returning=True)
    variants, steps, distributions, amplifications = [], [], [], []
    for plan, post_id, trail_steps in zip(plans, post_ids, trails):
        steps += add_post_ids(trail_steps, post_id)
        for variant in plan.variants:
            variants.append({"post_id": post_id, "channel_id": variant.channel.id,
                             "caption": variant.caption,
                             "media_notes": MEDIA.get(variant.channel.platform, ""),
                             "asset_links": f"https://drive.google.com/drive/folders/{token(rng, 24)}"
                             if rng.random() < 0.5 else "",
                             "planned_at": variant.planned_at, "slot_id": variant.slot_id})
        distributions += [{"post_id": post_id, "group_id": group.id, "sent_at": at, "sent_by_id": sender,
                           "members_reached": group.members, "recorded_by_id": plan.author,
                           "recorded_at": min(at + timedelta(minutes=rng.randint(5, 180)), latest)}
                          for group, at, sender in plan.distributions]
        amplifications += [{"post_id": post_id, **a} for a in plan.amplifications]
    variant_ids = iter(insert_rows(PostVariant, variants, returning=True))
    publications = []
    for plan, post_id in zip(plans, post_ids):
        for variant in plan.variants:
            variant_id = next(variant_ids)
            if variant.published_at is not None:
                publications.append({
                    "post_id": post_id, "platform": variant.channel.platform, "variant_id": variant_id,
                    "url": variant.url, "published_at": variant.published_at,
                    "recorded_at": min(variant.published_at + timedelta(minutes=rng.randint(5, 40)), latest),
                    "recorded_by_id": plan.author})
    insert_rows(PostPublication, publications)
    insert_rows(PostStep, steps)
    insert_rows(Distribution, distributions)
    insert_rows(Amplification, amplifications)
    return {"posts": len(rows), "variants": len(variants), "publications": len(publications),
            "post_steps": len(steps), "distributions": len(distributions),
            "amplifications": len(amplifications)}
