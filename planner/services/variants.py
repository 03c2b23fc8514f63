"""A post's per-channel variants: add one, edit it, remove it.

Each change runs in one transaction that takes the post's row lock, refuses a form opened
before the post last changed (the post's version: adding, editing or removing a variant
moves it on), asks the workflow rules whether the post may be edited now, checks the
variant and writes it with its audit event.  `checked_variants` is shared with
`create_post`, which saves a new post and its first variants together.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from planner.domain import planning
from planner.domain.slots import SlotRule
from planner.domain.errors import N_, RuleViolated, Violation
from planner.domain.workflow import Transition
from planner.extensions import db
from planner.models import Channel, Person, Post, PostVariant, Unit, UploadSlot
from planner.models.base import utcnow
from planner.permissions import Access
from planner.queries.planning import channel_usable_by
from planner.services import posts as post_service
from planner.services import record


@dataclass
class VariantSpec:
    """A variant as typed: the channel, its texts, its time (None: the post's) and the
    upload slot it fills, if any."""

    channel: Channel
    caption: str = ""
    media_notes: str = ""
    asset_links: str = ""
    planned_at: datetime | None = None
    slot: UploadSlot | None = None


def slot_occurs_at(slot: UploadSlot, at: datetime) -> bool:
    """Is `at` (an aware instant) one of the slot's occurrences?  Expanded as the calendar
    expands it (`planner.domain.slots.SlotRule`); a rule that cannot be read has none."""
    if at.tzinfo is None:
        return False
    rule = SlotRule(slot.rule, slot.starts_on, slot.time_of_day, slot.ends_on, slot.channel.unit.zone)
    return at in rule.occurrences(at, at + timedelta(seconds=1))


def _snapshot(variant: PostVariant) -> dict:
    return {"channel_id": variant.channel_id, "caption": variant.caption,
            "media_notes": variant.media_notes, "asset_links": variant.asset_links,
            "planned_at": variant.planned_at, "slot_id": variant.slot_id}


def _channel_problems(unit: Unit, channel: Channel) -> list[Violation]:
    if not channel_usable_by(channel, unit):
        return [Violation("channel_id", N_("%(channel)s is a channel of another unit: a post of "
                                           "%(unit)s can use its own channels and those of the "
                                           "units above it."),
                          {"channel": channel.name, "unit": unit.name})]
    if not channel.active:
        return [Violation("channel_id", N_("%(channel)s is no longer active."),
                          {"channel": channel.name})]
    return []


def _slot_problems(spec: VariantSpec, planned_at: datetime | None, now: datetime) -> list[Violation]:
    slot = spec.slot
    if slot is None:
        return []
    if slot.channel_id != spec.channel.id or not slot.active:
        return [Violation("slot", N_("This upload slot is not an active slot of %(channel)s."),
                          {"channel": spec.channel.name})]
    if planned_at is None or not slot_occurs_at(slot, planned_at):
        return [Violation("slot", N_("The chosen time is not one of the times of this upload "
                                     "slot."))]
    return []


def checked_variants(unit: Unit, specs: list[VariantSpec], post_planned_at: datetime | None,
                     now: datetime, taken: set[int] = frozenset()) -> list[dict]:
    """The new variants' columns, or RuleViolated naming every problem.  `taken` holds the
    channels the post already has a variant for."""
    problems: list[Violation] = []
    rows = []
    seen = set(taken)
    for spec in specs:
        try:
            caption = planning.bounded_text("caption", spec.caption, planning.CAPTION_LIMIT)
            notes = planning.bounded_text("media_notes", spec.media_notes, planning.NOTES_LIMIT)
            links = planning.asset_links(spec.asset_links)
            planned_at = spec.planned_at or post_planned_at
            planning.planned_time(planned_at, now, field="variant_planned_at")
        except RuleViolated as error:
            problems.extend(error.violations)
            continue
        problems.extend(_channel_problems(unit, spec.channel))
        if spec.channel.id in seen:
            problems.append(Violation("channel_id", N_("The post already has a variant for "
                                                       "%(channel)s."), {"channel": spec.channel.name}))
        seen.add(spec.channel.id)
        problems.extend(_slot_problems(spec, planned_at, now))
        rows.append({"channel": spec.channel, "caption": caption, "media_notes": notes,
                     "asset_links": links, "planned_at": planned_at, "slot": spec.slot})
    if problems:
        raise RuleViolated(problems)
    return rows


def _touch(post: Post, actor: Person) -> None:
    """Move the post's version on: a form opened before this change is now stale."""
    post.updated_at, post.updated_by_id, post.last_action = utcnow(), actor.id, "variant"


def _acting_for(decision):
    acting_for = decision.acting.for_person if decision.acting else None
    return db.session.get(Person, acting_for) if acting_for else None


def add_variant(actor: Person, access: Access | None, post: Post, expected_version: int | None,
                spec: VariantSpec, *, now: datetime | None = None) -> PostVariant:
    now = now or utcnow()

    def apply(decision, version):
        taken = {v.channel_id for v in post.variants}
        row = checked_variants(post.unit, [spec], post.planned_at, now, taken)[0]
        variant = PostVariant(post=post, **row)
        db.session.add(variant)
        _touch(post, actor)
        db.session.flush()
        record(actor, "post.variant_added", post, post.unit_id, on_behalf_of=_acting_for(decision),
               variant_id=variant.id, channel=spec.channel.name, after=_snapshot(variant))
        return variant

    return post_service._transition(actor, access, post, expected_version, Transition.EDIT, apply)


def _own_variant(post: Post, variant: PostVariant) -> PostVariant:
    db.session.refresh(variant)
    if variant.post_id != post.id:
        raise RuleViolated.one(None, N_("This variant belongs to another post."))
    return variant


def update_variant(actor: Person, access: Access | None, post: Post, expected_version: int | None,
                   variant: PostVariant, *, caption: str, media_notes: str, asset_links: str,
                   planned_at: datetime | None, now: datetime | None = None) -> PostVariant:
    """Change a variant's texts and time.  A time moved off its upload slot leaves the slot."""
    now = now or utcnow()

    def apply(decision, version):
        _own_variant(post, variant)
        problems = []
        values = {}
        for name, check in (
                ("caption", lambda: planning.bounded_text("caption", caption, planning.CAPTION_LIMIT)),
                ("media_notes", lambda: planning.bounded_text("media_notes", media_notes,
                                                              planning.NOTES_LIMIT)),
                ("asset_links", lambda: planning.asset_links(asset_links)),
                ("planned_at", lambda: planning.planned_time(
                    planned_at, now, previous=variant.planned_at, is_new=False,
                    field="variant_planned_at") or planned_at)):
            try:
                values[name] = check()
            except RuleViolated as error:
                problems.extend(error.violations)
        if problems:
            raise RuleViolated(problems)
        before = _snapshot(variant)
        variant.caption, variant.media_notes = values["caption"], values["media_notes"]
        variant.asset_links, variant.planned_at = values["asset_links"], values["planned_at"]
        if variant.slot is not None and (variant.planned_at is None
                                         or not slot_occurs_at(variant.slot, variant.planned_at)):
            variant.slot = None
        _touch(post, actor)
        db.session.flush()
        record(actor, "post.variant_edited", post, post.unit_id, on_behalf_of=_acting_for(decision),
               variant_id=variant.id, channel=variant.channel.name, before=before,
               after=_snapshot(variant))
        return variant

    return post_service._transition(actor, access, post, expected_version, Transition.EDIT, apply)


def remove_variant(actor: Person, access: Access | None, post: Post, expected_version: int | None,
                   variant: PostVariant) -> None:
    def apply(decision, version):
        _own_variant(post, variant)
        before = _snapshot(variant)
        variant_id, channel = variant.id, variant.channel.name
        post.variants.remove(variant)
        db.session.delete(variant)
        _touch(post, actor)
        db.session.flush()
        record(actor, "post.variant_removed", post, post.unit_id, on_behalf_of=_acting_for(decision),
               variant_id=variant_id, channel=channel, before=before)

    post_service._transition(actor, access, post, expected_version, Transition.EDIT, apply)


__all__ = ["VariantSpec", "add_variant", "checked_variants", "remove_variant", "slot_occurs_at",
           "update_variant"]
