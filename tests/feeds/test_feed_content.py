"""What each kind of feed contains, on SQLite and PostgreSQL: the publication calendar (a
post's variants at their times, filters, states, cancelled posts kept 30 days, the window),
upload slots (the unit's and its ancestors' channels, end dates, switched-off slots), the
leader's agenda, and the personal feed (drafts, reviews and approvals at their SOP
deadline, coverage), with `only` and a fixed number of SQL statements."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from planner.domain.content import EventStatus, PostState
from planner.domain.feeds import FeedKind, window
from planner.extensions import db
from planner.models import AgendaEvent, Channel, Post, Unit, UploadSlot
from planner.permissions import Access
from planner.queries.feed_items import (FEED_OBJECT_TYPES, INCREMENTAL_TYPES, feed_groups,
                                        feed_meta, feed_unit_paths, feed_units)
from planner.services import posts as post_service
from tests import calendar_helpers as ch
from tests import factories
from tests.feeds.content_helpers import (BASE_URL, at, count_statements, events_of, feed_world,
                                         groups_of, subscribe)


@pytest.fixture
def w(ctx):
    return feed_world()


def by_uid(sub, **kwargs) -> dict:
    return {event.uid: event for event in events_of(sub, **kwargs)}


def uid(name: str) -> str:
    return f"{name}@pranata"


def set_column(model, row_id: int, **values) -> None:
    """Change columns behind the services' back (an old cancellation, an ended role)."""
    db.session.execute(update(model).where(model.id == row_id).values(**values))
    db.session.commit()
    db.session.expire_all()


def go(person, service, post, **kwargs):
    return service(person, Access.load(person), post, post.version, **kwargs)


# -- the publication calendar ----------------------------------------------------------------

def test_the_publication_calendar_shows_each_variant_and_bare_post_of_the_subtree(w):
    sub = subscribe(w.author, FeedKind.UNIT, w.division)
    groups = groups_of(sub)
    assert list(groups) == sorted([("post", w.post.id), ("post", w.bare.id)])
    events = by_uid(sub)
    assert set(events) == {uid(f"variant-{w.instagram_variant.id}"),
                           uid(f"variant-{w.facebook_variant.id}"), uid(f"post-{w.bare.id}")}
    instagram = events[uid(f"variant-{w.instagram_variant.id}")]
    assert instagram.start == at(3, 11) and instagram.end == at(3, 11) + timedelta(minutes=30)
    assert instagram.zone == "Asia/Jakarta"
    assert instagram.summary == ("[Instagram Prokompim] Liputan rapat koordinasi; banjir, Bukit "
                                 "Bestari (Draft)")
    assert instagram.status == "TENTATIVE" and instagram.transparent
    assert instagram.categories == ("Informasi publik", "Instagram")
    assert instagram.url == f"{BASE_URL}/posts/{w.post.id}"
    for line in ("Category: Informasi publik", "Communication function: Inform", "State: Draft",
                 "Channel: Instagram Prokompim (Instagram)", "Unit: Subbagian Dokumentasi",
                 f"{BASE_URL}/posts/{w.post.id}"):
        assert line in instagram.description.split("\n")
    post = db.session.get(Post, w.post.id)
    assert (instagram.sequence, instagram.stamp) == (post.version - 1, post.updated_at)
    # The Facebook variant has no time of its own: it goes out at the post's.
    assert events[uid(f"variant-{w.facebook_variant.id}")].start == at(3, 10)
    assert events[uid(f"post-{w.bare.id}")].summary == "Pengumuman tanpa kanal (Draft)"
    assert events[uid(f"post-{w.bare.id}")].categories == ("Informasi publik",)


def test_campaign_and_hashtags_are_described(w):
    set_column(Post, w.post.id, campaign="Kota Layak Anak", hashtags="#KLA #Tanjungpinang")
    event = by_uid(subscribe(w.author, FeedKind.UNIT, w.division))[uid(f"variant-{w.instagram_variant.id}")]
    assert "Campaign: Kota Layak Anak" in event.description
    assert "Hashtags: #KLA #Tanjungpinang" in event.description


def test_a_subdivision_calendar_has_only_its_subtree_and_a_city_one_every_unit_of_the_city(w):
    subdivision = by_uid(subscribe(w.author, FeedKind.UNIT, w.subdivision))
    assert set(subdivision) == {uid(f"variant-{w.instagram_variant.id}"),
                                uid(f"variant-{w.facebook_variant.id}")}
    city = by_uid(subscribe(w.sysadmin, FeedKind.UNIT, w.city))
    assert uid(f"post-{w.health_post.id}") in city and uid(f"post-{w.bare.id}") in city
    assert uid(f"post-{w.outside_post.id}") not in city


def test_each_state_has_its_status(w):
    status = {}
    for state in PostState:
        post = ch.post(w.division, w.author, f"Pos {state.value}", at(6), state=state)
        status[state] = by_uid(subscribe(w.author, FeedKind.UNIT, w.division))[uid(f"post-{post.id}")].status
    assert status == {PostState.DRAFT: "TENTATIVE", PostState.IN_REVIEW: "TENTATIVE",
                      PostState.RETURNED: "TENTATIVE", PostState.WITHDRAWN: "TENTATIVE",
                      PostState.APPROVED: "CONFIRMED", PostState.SCHEDULED: "CONFIRMED",
                      PostState.PUBLISHED: "CONFIRMED", PostState.CANCELLED: "CANCELLED"}


def test_a_cancelled_post_stays_cancelled_for_30_days_then_leaves(w):
    sub = subscribe(w.author, FeedKind.UNIT, w.division)
    before = by_uid(sub)[uid(f"post-{w.bare.id}")]
    go(w.author, post_service.cancel, w.bare, reason="Acara ditunda")
    after = by_uid(sub)[uid(f"post-{w.bare.id}")]
    assert after.status == "CANCELLED" and after.summary == "Pengumuman tanpa kanal (Cancelled)"
    assert after.sequence > before.sequence and after.stamp > before.stamp
    now = datetime.now(timezone.utc)
    set_column(Post, w.bare.id, updated_at=now - timedelta(days=29))
    assert uid(f"post-{w.bare.id}") in by_uid(sub)
    set_column(Post, w.bare.id, updated_at=now - timedelta(days=31))
    assert uid(f"post-{w.bare.id}") not in by_uid(sub)


def test_the_subscription_filters_by_channel_category_and_state(w):
    edukasi = ch.post(w.division, w.author, "Edukasi gizi", at(7), code="edukasi",
                      state=PostState.APPROVED)
    ch.variant(edukasi, w.facebook, at(7, 15))
    by_channel = by_uid(subscribe(w.author, FeedKind.UNIT, w.division, channel=w.instagram))
    assert set(by_channel) == {uid(f"variant-{w.instagram_variant.id}")}
    by_category = groups_of(subscribe(w.author, FeedKind.UNIT, w.division,
                                      category=factories.category(w.division, "edukasi")))
    assert list(by_category) == [("post", edukasi.id)]
    by_state = groups_of(subscribe(w.author, FeedKind.UNIT, w.division, state=PostState.APPROVED))
    assert list(by_state) == [("post", edukasi.id)]


@pytest.mark.parametrize("days, shown", [(-92, False), (-89, True), (364, True), (367, False)])
def test_the_window_runs_90_days_back_and_365_ahead(w, days, shown):
    post = ch.post(w.division, w.author, "Di tepi jendela", at(days))
    assert (uid(f"post-{post.id}") in by_uid(subscribe(w.author, FeedKind.UNIT, w.division))) is shown


# -- upload slots --------------------------------------------------------------------------

def test_the_slot_feed_has_the_slots_of_the_unit_its_subtree_and_its_ancestors(w):
    subdivision = by_uid(subscribe(w.author, FeedKind.SLOTS, w.subdivision))
    assert set(subdivision) == {uid(f"slot-{w.slot.id}")}  # the division's channel, above it
    event = subdivision[uid(f"slot-{w.slot.id}")]
    first = w.slot.starts_on + timedelta(days=next(d for d in range(7) if (
        w.slot.starts_on + timedelta(days=d)).weekday() in (0, 2, 4)))
    assert event.start == ch.wib(first, 9) and event.end - event.start == timedelta(minutes=30)
    assert event.rrule == "FREQ=WEEKLY;BYDAY=MO,WE,FR" and event.zone == "Asia/Jakarta"
    assert event.summary == "Upload slot: Instagram Prokompim" and event.status == "CONFIRMED"
    assert "Every Monday, Wednesday, and Friday at 09:00 WIB" in event.description
    assert event.url == f"{BASE_URL}/channels/{w.instagram.id}/slots"
    city = by_uid(subscribe(w.sysadmin, FeedKind.SLOTS, w.city))
    assert set(city) == {uid(f"slot-{w.slot.id}"), uid(f"slot-{w.health_slot.id}")}


def test_a_slot_end_date_becomes_an_until_in_utc(w):
    ends = date.today() + timedelta(days=40)
    slot = ch.slot(w.facebook, "FREQ=DAILY", starts_on=date.today(), ends_on=ends, label="Pagi")
    event = by_uid(subscribe(w.author, FeedKind.SLOTS, w.division))[uid(f"slot-{slot.id}")]
    assert event.rrule == f"FREQ=DAILY;UNTIL={ends:%Y%m%d}T165959Z"  # 23:59:59 WIB
    assert event.summary == "Upload slot: Facebook Prokompim · Pagi"


def test_switched_off_slots_and_channels_are_cancelled_for_30_days(w):
    slot = ch.slot(w.facebook, "FREQ=WEEKLY;BYDAY=TU", starts_on=date.today())
    sub = subscribe(w.author, FeedKind.SLOTS, w.division)
    now = datetime.now(timezone.utc)
    set_column(UploadSlot, slot.id, active=False, updated_at=now - timedelta(days=3))
    event = by_uid(sub)[uid(f"slot-{slot.id}")]
    assert event.status == "CANCELLED" and event.summary.startswith("Cancelled: ")
    set_column(UploadSlot, slot.id, updated_at=now - timedelta(days=31))
    assert uid(f"slot-{slot.id}") not in by_uid(sub)
    set_column(Channel, w.instagram.id, active=False, updated_at=now - timedelta(days=1))
    assert by_uid(sub)[uid(f"slot-{w.slot.id}")].status == "CANCELLED"
    set_column(Channel, w.instagram.id, updated_at=now - timedelta(days=40))
    assert by_uid(sub) == {}


def test_slots_outside_the_window_are_left_out(w):
    ended = ch.slot(w.facebook, "FREQ=DAILY", starts_on=date.today() - timedelta(days=200),
                    ends_on=date.today() - timedelta(days=95))
    counted = ch.slot(w.facebook, "FREQ=DAILY;COUNT=3", starts_on=date.today() - timedelta(days=120))
    later = ch.slot(w.facebook, "FREQ=DAILY", starts_on=date.today() + timedelta(days=400))
    shown = by_uid(subscribe(w.author, FeedKind.SLOTS, w.division))
    for slot in (ended, counted, later):
        assert uid(f"slot-{slot.id}") not in shown
    assert uid(f"slot-{w.slot.id}") in shown


# -- the leader's agenda -------------------------------------------------------------------

def test_the_agenda_feed_shows_the_units_events_without_their_coverage(w):
    set_column(AgendaEvent, w.event.id, notes="Pakaian dinas harian; bawa ID", source="Surat undangan")
    events = by_uid(subscribe(w.author, FeedKind.AGENDA, w.division))
    assert set(events) == {uid(f"agenda-{w.event.id}")}
    event = events[uid(f"agenda-{w.event.id}")]
    assert (event.start, event.end, event.zone) == (at(2, 9), at(2, 11), "Asia/Jakarta")
    assert event.summary == "Kunjungan kerja Wali Kota" and event.location == "Gedung Daerah"
    assert event.description.split("\n") == [
        "Leader: Wali Kota", "Source: Surat undangan", "Pakaian dinas harian; bawa ID",
        f"{BASE_URL}/agenda/{w.event.id}"]
    assert event.status == "CONFIRMED" and event.url == f"{BASE_URL}/agenda/{w.event.id}"
    city = by_uid(subscribe(w.sysadmin, FeedKind.AGENDA, w.city))
    assert set(city) == {uid(f"agenda-{w.event.id}"), uid(f"agenda-{w.health_event.id}")}


def test_agenda_statuses_and_events_removed_upstream(w):
    sub = subscribe(w.author, FeedKind.AGENDA, w.division)
    tentative = ch.event(w.division, "Mungkin hadir", at(8), status=EventStatus.TENTATIVE)
    cancelled = ch.event(w.division, "Batal", at(9), status=EventStatus.CANCELLED)
    removed = ch.event(w.division, "Dihapus di sumber", at(10))
    now = datetime.now(timezone.utc)
    set_column(AgendaEvent, removed.id, removed_upstream_at=now, source="Kalender ajudan")
    events = by_uid(sub)
    assert events[uid(f"agenda-{tentative.id}")].status == "TENTATIVE"
    assert events[uid(f"agenda-{cancelled.id}")].status == "CANCELLED"
    assert events[uid(f"agenda-{cancelled.id}")].summary == "Cancelled: Batal"
    assert events[uid(f"agenda-{removed.id}")].status == "CANCELLED"
    assert "Removed from the calendar it was imported from." in events[uid(f"agenda-{removed.id}")].description
    set_column(AgendaEvent, cancelled.id, updated_at=now - timedelta(days=31))
    set_column(AgendaEvent, removed.id, updated_at=now - timedelta(days=40),
               removed_upstream_at=now - timedelta(days=31))
    events = by_uid(sub)
    assert uid(f"agenda-{cancelled.id}") not in events and uid(f"agenda-{removed.id}") not in events


# -- the personal feed ---------------------------------------------------------------------

def test_my_drafts_at_their_due_time_as_author_or_assignee(w):
    assigned = ch.post(w.subdivision, w.author, "Infografis", at(12, 8), assignee=w.contributor)
    set_column(Post, w.bare.id, state=PostState.RETURNED, returned_reason="Foto kurang jelas")
    mine = by_uid(subscribe(w.author, FeedKind.PERSONAL))
    assert set(mine) == {uid(f"draft-{w.post.id}"), uid(f"draft-{w.bare.id}"),
                         uid(f"draft-{assigned.id}"), uid(f"coverage-{w.coverage.id}")}
    draft = mine[uid(f"draft-{w.post.id}")]
    assert draft.start == at(3, 10)  # the earliest of the post's and its variants' times
    assert draft.summary == "Due: Liputan rapat koordinasi; banjir, Bukit Bestari"
    assert "Returned with the reason: Foto kurang jelas" in mine[uid(f"draft-{w.bare.id}")].description
    theirs = by_uid(subscribe(w.contributor, FeedKind.PERSONAL))
    assert set(theirs) == {uid(f"draft-{assigned.id}")}


def test_reviews_and_approvals_wait_at_their_sop_deadline(w):
    go(w.author, post_service.submit, w.post, ticked=factories.checklist(w.post))
    assert uid(f"draft-{w.post.id}") not in by_uid(subscribe(w.author, FeedKind.PERSONAL))
    reviewer = subscribe(w.reviewer, FeedKind.PERSONAL)
    review = by_uid(reviewer)[uid(f"review-{w.post.id}-1-2")]
    post = db.session.get(Post, w.post.id)
    deadline = post.step_started_at + timedelta(hours=8)  # the SOP's time allowed
    assert review.start == deadline.replace(second=0, microsecond=0)
    assert review.summary == "Review: Liputan rapat koordinasi; banjir, Bukit Bestari"
    assert "Step: Memeriksa" in review.description and review.sequence == post.version - 1
    approver = subscribe(w.approver, FeedKind.PERSONAL)
    assert by_uid(approver) == {}
    go(w.reviewer, post_service.approve, post, ticked=factories.checklist(post))
    assert by_uid(reviewer) == {}
    approval = by_uid(approver)[uid(f"review-{w.post.id}-1-3")]
    assert approval.summary.startswith("Approve: ")


def test_coverage_duties_at_the_events_time(w):
    events = by_uid(subscribe(w.author, FeedKind.PERSONAL))
    coverage = events[uid(f"coverage-{w.coverage.id}")]
    assert coverage.summary == "Writer: Kunjungan kerja Wali Kota"
    assert (coverage.start, coverage.end) == (at(2, 9), at(2, 11))
    assert coverage.location == "Gedung Daerah" and not coverage.transparent
    assert list(groups_of(subscribe(w.author, FeedKind.PERSONAL), only={"event": {w.event.id}})) == [
        ("event", w.event.id)]
    set_column(AgendaEvent, w.event.id, status=EventStatus.CANCELLED)
    cancelled = by_uid(subscribe(w.author, FeedKind.PERSONAL))[uid(f"coverage-{w.coverage.id}")]
    assert cancelled.status == "CANCELLED" and cancelled.summary.startswith("Cancelled: Writer: ")


# -- only some objects, meta, units, statements ------------------------------------------------

def test_only_gives_just_the_groups_asked_for(w):
    sub = subscribe(w.author, FeedKind.UNIT, w.division)
    assert list(groups_of(sub, only={"post": {w.post.id}})) == [("post", w.post.id)]
    assert groups_of(sub, only={"post": {w.health_post.id, 999999}}) == {}
    assert groups_of(sub, only={"event": {w.event.id}}) == {}
    assert groups_of(sub, only={}) == {}
    slots = subscribe(w.author, FeedKind.SLOTS, w.division)
    assert list(groups_of(slots, only={"slot": {w.slot.id, w.health_slot.id}})) == [("slot", w.slot.id)]


def test_feed_meta_names_the_calendar_and_its_zone(w):
    sub = subscribe(w.author, FeedKind.AGENDA, w.division, name="Agenda Wali Kota")
    meta = feed_meta(sub, Access.load(w.author), language="en")
    assert (meta.name, meta.zone, meta.refresh_hours) == ("Agenda Wali Kota", "Asia/Jakarta", 1)
    assert meta.description == "Leader's agenda of Bagian Prokompim, from Pranata"
    personal = feed_meta(subscribe(w.author, FeedKind.PERSONAL), Access.load(w.author), language="id")
    assert personal.zone == "Asia/Jakarta" and "Admin Akun" in personal.description


def test_feed_units_are_the_subtree_and_the_units_above(w):
    def ids(sub, person):
        return set(db.session.scalars(select(Unit.id).where(feed_units(sub, Access.load(person)))))

    sub = subscribe(w.author, FeedKind.UNIT, w.subdivision)
    assert ids(sub, w.author) == {w.city.id, w.setda.id, w.division.id, w.subdivision.id}
    assert feed_unit_paths(sub, Access.load(w.author)) == [w.subdivision.path]
    personal = subscribe(w.health_author, FeedKind.PERSONAL)
    assert ids(personal, w.health_author) == {w.city.id, w.health.id}
    outsider = subscribe(w.outside_author, FeedKind.PERSONAL)
    assert ids(outsider, w.outside_author) == {w.province.id, w.agency.id}


def test_the_object_types_that_change_each_feed():
    assert INCREMENTAL_TYPES == {"Post": "post", "AgendaEvent": "event", "UploadSlot": "slot"}
    assert FEED_OBJECT_TYPES[FeedKind.UNIT] >= {"Post", "Channel", "Category", "Unit"}
    assert FEED_OBJECT_TYPES[FeedKind.SLOTS] >= {"UploadSlot", "Channel", "Unit"}
    assert FEED_OBJECT_TYPES[FeedKind.AGENDA] >= {"AgendaEvent", "AgendaImport", "Unit"}
    assert FEED_OBJECT_TYPES[FeedKind.PERSONAL] >= {"Post", "AgendaEvent", "AgendaImport"}


def _more(w, n: int) -> None:
    """n more of everything each feed shows."""
    for i in range(n):
        post = ch.post(w.subdivision, w.author, f"Tambahan {i}", at(20 + i, 9), code="edukasi")
        ch.variant(post, w.instagram, at(20 + i, 10))
        ch.variant(post, w.facebook, None)
        ch.post(w.division, w.author, f"Tanpa kanal {i}", at(20 + i, 13))
        ch.slot(w.facebook, f"FREQ=WEEKLY;INTERVAL={i + 1}", starts_on=date.today())
        event = ch.event(w.division, f"Acara {i}", at(20 + i, 8))
        ch.cover(event, w.author, w.approver)
    for post in list(db.session.scalars(select(Post).where(Post.title.like("Tanpa kanal %"),
                                                         Post.state == PostState.DRAFT))):
        go(w.author, post_service.submit, post, ticked=factories.checklist(post))


@pytest.mark.parametrize("kind, person", [(FeedKind.UNIT, "author"), (FeedKind.SLOTS, "author"),
                                          (FeedKind.AGENDA, "author"), (FeedKind.PERSONAL, "author"),
                                          (FeedKind.PERSONAL, "reviewer")])
def test_a_feed_takes_the_same_number_of_statements_for_few_or_many_objects(w, kind, person):
    owner = getattr(w, person)
    sub = subscribe(owner, kind, None if kind == FeedKind.PERSONAL else w.division)
    def statements() -> tuple[int, int]:
        db.session.expire_all()
        access = Access.load(db.session.get(type(owner), owner.id))
        span = window(w.division.zone, datetime.now(timezone.utc))
        with force_locale("en"):
            count, groups = count_statements(lambda: feed_groups(
                sub, access, span, base_url=BASE_URL, uid_domain="pranata"))
        return count, sum(len(g) for g in groups.values())

    _more(w, 1)
    few, few_events = statements()
    _more(w, 6)
    many, many_events = statements()
    assert many_events > few_events
    assert many == few
