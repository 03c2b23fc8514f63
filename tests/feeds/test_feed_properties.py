"""Properties of feed events across random sequences of real edits (hypothesis, through the
services): an object's UID is the same in every build and after every edit, whichever
subscription shows it; SEQUENCE strictly increases with each edit that changes the event;
a cancelled post comes back as STATUS:CANCELLED under the same UIDs.

Each example works on objects of its own (a fresh post, agenda event or slot), so examples
do not share state; the units and people around them are built once per test."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from planner.domain.content import EventStatus
from planner.domain.feeds import FeedKind
from planner.extensions import db
from planner.models import Post, PostVariant
from planner.permissions import Access
from planner.services import agenda as agenda_service
from planner.services import posts as post_service
from planner.services import slots as slot_service
from planner.services import variants as variant_service
from tests import factories
from tests.feeds.content_helpers import events_of, feed_world, groups_of, subscribe

EXAMPLES = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
words = st.text(st.sampled_from("abcdefghij klmnoprstuwy;,\\é—"), min_size=1, max_size=30).map(str.strip) \
    .filter(bool)


@pytest.fixture
def w(ctx):
    w = feed_world()
    w.unit_feeds = [subscribe(w.author, FeedKind.UNIT, w.division),
                    subscribe(w.approver, FeedKind.UNIT, w.subdivision, name="Lain")]
    w.personal = subscribe(w.author, FeedKind.PERSONAL)
    return w


def soon(hours: int) -> datetime:
    base = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=2)
    return base + timedelta(hours=hours)


def post_events(w, post_id: int) -> dict[str, object]:
    """The post's events in every feed that shows it: the same UIDs and values in each."""
    seen = [{e.uid: e for e in events_of(sub, only={"post": {post_id}})} for sub in w.unit_feeds]
    full = {e.uid: e for e in events_of(w.unit_feeds[0]) if e.url.endswith(f"/posts/{post_id}")}
    assert seen[0] == seen[1] == full
    return seen[0]


def expected_uids(post_id: int) -> set[str]:
    variants = db.session.scalars(select(PostVariant.id).where(PostVariant.post_id == post_id)).all()
    return {f"variant-{v}@pranata" for v in variants} or {f"post-{post_id}@pranata"}


def edit_post(w, post: Post, operation: tuple) -> None:
    kind, value = operation
    access = Access.load(w.author)
    db.session.refresh(post)
    if kind == "retitle":
        post_service.update_post(w.author, access, post, post.version, title=f"{post.title} {value}",
                                 body=post.body, category=post.category, planned_at=post.planned_at)
    elif kind == "move":
        post_service.update_post(w.author, access, post, post.version, title=post.title,
                                 body=post.body, category=post.category,
                                 planned_at=(post.planned_at or soon(0)) + timedelta(hours=value))
    elif kind in ("variant_time", "caption"):
        variant = post.variants[0] if post.variants else None
        if variant is None:
            return edit_post(w, post, ("add_variant", value))
        planned = (variant.planned_at or post.planned_at) + timedelta(hours=value) \
            if kind == "variant_time" else variant.planned_at
        variant_service.update_variant(w.author, access, post, post.version, variant,
                                       caption=f"{variant.caption} {value}", media_notes="",
                                       asset_links="", planned_at=planned)
    elif kind == "add_variant":
        taken = {v.channel_id for v in post.variants}
        free = [c for c in (w.instagram, w.facebook) if c.id not in taken]
        if not free:
            return edit_post(w, post, ("remove_variant", value))
        variant_service.add_variant(w.author, access, post, post.version,
                                    variant_service.VariantSpec(free[0], caption=str(value)))
    elif kind == "remove_variant":
        if not post.variants:
            return edit_post(w, post, ("add_variant", value))
        variant_service.remove_variant(w.author, access, post, post.version, post.variants[-1])
    elif kind == "return":
        post_service.submit(w.author, access, post, post.version, ticked=factories.checklist(post))
        post_service.return_to_author(w.reviewer, Access.load(w.reviewer), post, post.version,
                                      reason=f"Perbaiki {value}")


post_edits = st.lists(st.one_of(
    st.tuples(st.sampled_from(["retitle", "caption", "return"]), words),
    st.tuples(st.sampled_from(["move", "variant_time", "add_variant", "remove_variant"]),
              st.integers(1, 72))), min_size=1, max_size=5)


@EXAMPLES
@given(edits=post_edits, with_variants=st.integers(0, 2))
def test_post_uids_stay_and_sequence_rises_with_every_edit(w, edits, with_variants):
    specs = [variant_service.VariantSpec(c, caption="awal") for c in (w.instagram, w.facebook)]
    post = post_service.create_post(w.author, Access.load(w.author), w.subdivision,
                                    title="Pos uji", body="", category=factories.category(w.division),
                                    planned_at=soon(1), variants=specs[:with_variants])
    before = post_events(w, post.id)
    assert set(before) == expected_uids(post.id)
    draft = {e.uid: e for e in events_of(w.personal, only={"post": {post.id}})}
    assert set(draft) == {f"draft-{post.id}@pranata"}
    for edit in edits:
        edit_post(w, post, edit)
        after = post_events(w, post.id)
        assert set(after) == expected_uids(post.id)
        assert after == post_events(w, post.id)  # the same again in a second build
        for uid in set(before) & set(after):
            assert after[uid].sequence > before[uid].sequence
        mine = {e.uid: e for e in events_of(w.personal, only={"post": {post.id}})}
        assert set(mine) == set(draft)
        assert mine[f"draft-{post.id}@pranata"].sequence > draft[f"draft-{post.id}@pranata"].sequence
        before, draft = after, mine
    db.session.refresh(post)
    post_service.cancel(w.author, Access.load(w.author), post, post.version, reason="Batal")
    cancelled = post_events(w, post.id)
    assert set(cancelled) == set(before)
    assert all(e.status == "CANCELLED" and e.sequence > before[e.uid].sequence
               for e in cancelled.values())
    assert [e.status for e in events_of(w.personal, only={"post": {post.id}})] == ["CANCELLED"]


event_edits = st.lists(st.one_of(
    st.tuples(st.just("title"), words), st.tuples(st.just("place"), words),
    st.tuples(st.just("shift"), st.integers(1, 48)),
    st.tuples(st.just("status"), st.sampled_from(list(EventStatus)))), min_size=1, max_size=5)


@EXAMPLES
@given(edits=event_edits)
def test_agenda_uids_stay_and_sequence_rises_with_every_edit(w, edits):
    event = agenda_service.create_event(w.approver, None, w.division, title="Rapat", place="Aula",
                                        starts_at=soon(3), ends_at=soon(5), leader="Wali Kota",
                                        source="Surat")
    assignment = agenda_service.assign_coverage(w.approver, None, event, person=w.author,
                                                role="photographer")
    feed = subscribe(w.author, FeedKind.AGENDA, w.division)
    uids = {"agenda": f"agenda-{event.id}@pranata", "coverage": f"coverage-{assignment.id}@pranata"}

    def now_shown():
        agenda = {e.uid: e for e in events_of(feed, only={"event": {event.id}})}
        mine = {e.uid: e for e in events_of(w.personal, only={"event": {event.id}})}
        assert set(agenda) == {uids["agenda"]} and set(mine) == {uids["coverage"]}
        return agenda[uids["agenda"]], mine[uids["coverage"]]

    before = now_shown()
    for kind, value in edits:
        db.session.refresh(event)
        fields = {name: getattr(event, name) for name in agenda_service.EVENT_FIELDS}
        if kind == "title":
            fields["title"] = f"{event.title} {value}"
        elif kind == "place":
            fields["place"] = f"{event.place} {value}"
        elif kind == "shift":
            fields["starts_at"] = event.starts_at + timedelta(hours=value)
            fields["ends_at"] = event.ends_at + timedelta(hours=value)
        elif value == event.status:
            continue  # nothing would change, and nothing is saved
        else:
            fields["status"] = value
        agenda_service.update_event(w.approver, None, event, event.version, **fields)
        after = now_shown()
        assert all(a.sequence > b.sequence for a, b in zip(after, before))
        db.session.refresh(event)
        status = "CANCELLED" if event.status == EventStatus.CANCELLED else (
            "TENTATIVE" if event.status == EventStatus.TENTATIVE else "CONFIRMED")
        assert after[0].status == status and after[0].start == event.starts_at
        before = after


slot_edits = st.lists(st.one_of(
    st.tuples(st.just("rule"), st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=TU,TH",
                                                "FREQ=DAILY;COUNT=40", "FREQ=MONTHLY;BYMONTHDAY=15"])),
    st.tuples(st.just("time"), st.integers(0, 23)),
    st.tuples(st.just("ends"), st.integers(10, 200)),
    st.tuples(st.just("label"), words),
    st.tuples(st.just("active"), st.booleans())), min_size=1, max_size=5)


@EXAMPLES
@given(edits=slot_edits)
def test_slot_uids_stay_and_sequence_rises_with_every_edit(w, edits):
    slot = slot_service.create_slot(w.author, Access.load(w.author), w.facebook, label=None,
                                    rule="FREQ=WEEKLY;BYDAY=MO", starts_on=date.today(),
                                    time_of_day=time(8, 0))
    feeds = [subscribe(w.author, FeedKind.SLOTS, w.division),
             subscribe(w.reviewer, FeedKind.SLOTS, w.subdivision)]
    uid = f"slot-{slot.id}@pranata"

    def shown():
        found = [{e.uid: e for e in events_of(f, only={"slot": {slot.id}})} for f in feeds]
        assert found[0] == found[1] and set(found[0]) == {uid}
        return found[0][uid]

    before = shown()
    for kind, value in edits:
        db.session.refresh(slot)
        version = slot.version
        access = Access.load(w.author)
        if kind == "active":
            slot_service.set_slot_active(w.author, access, slot, slot.version, value)
        else:
            values = dict(label=slot.label, rule=slot.rule, starts_on=slot.starts_on,
                          time_of_day=slot.time_of_day, ends_on=slot.ends_on)
            if kind == "rule":
                values["rule"] = value
            elif kind == "time":
                values["time_of_day"] = time(value, 30)
            elif kind == "ends":
                values["ends_on"] = date.today() + timedelta(days=value)
            else:
                values["label"] = value
            slot_service.update_slot(w.author, access, slot, slot.version, **values)
        after = shown()
        db.session.refresh(slot)
        assert after.status == ("CONFIRMED" if slot.active else "CANCELLED")
        assert after.sequence == slot.version - 1
        if slot.version != version:  # saved (switching off a slot already off saves nothing)
            assert after.sequence > before.sequence
        else:
            assert after == before
        before = after


def test_uids_never_depend_on_the_subscription_or_its_token(w):
    first = {e.uid for e in events_of(w.unit_feeds[0])}
    again = subscribe(w.author, FeedKind.UNIT, w.division, name="Salinan")
    assert {e.uid for e in events_of(again)} == first
    db.session.delete(again)
    db.session.commit()
    assert {e.uid for e in events_of(w.unit_feeds[0])} == first
    assert groups_of(w.unit_feeds[0]) == groups_of(w.unit_feeds[0])
