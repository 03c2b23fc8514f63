"""The subscriptions page through the test client: every demo role lists, creates,
regenerates and revokes its own subscriptions; nobody reaches another person's (404); CSRF
is required; an address is shown once, in both forms, in an answer nobody caches, and a
reload neither shows it again nor creates a second subscription; bad input is refused
beside its field with nothing saved; a person without a role is told so."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from planner.domain.content import Platform
from planner.domain.feeds import FeedKind, token_hash
from planner.extensions import db
from planner.models import AuditEvent, Category, Channel, FeedSubscription, Person, Unit
from tests import factories as f
from tests.web.post_helpers import DPPPA, PROKOMPIM, ROLES, email, sign_in, statements

ONCE = re.compile(r'name="once"[^>]*value="([^"]+)"')
WEB = re.compile(r'id="feed-web-address" value="([^"]+)"')
WEBCAL = re.compile(r'id="feed-webcal-address" value="([^"]+)"')
TOKEN = re.compile(r"/feeds/([A-Za-z0-9_-]{43,})\.ics")


def text(response) -> str:
    return response.get_data(as_text=True)


def unit_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


def options(page: str, name: str) -> set[str]:
    """The values offered by the form's select named `name`."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return set(re.findall(r'<option[^>]*value="([^"]*)"', select_html))


def once(client) -> str:
    page = client.get("/feeds")
    assert page.status_code == 200
    return ONCE.search(text(page)).group(1)


def create(client, **values):
    data = {"name": "Kalender Prokompim", "kind": "unit", "unit": "0", "channel": "0",
            "category": "0", "state": ""}
    data.update({k: str(v) for k, v in values.items()})
    data.setdefault("once", once(client))
    return client.post("/feeds", data)


def addresses(response) -> tuple[str, str]:
    page = text(response)
    return html.unescape(WEB.search(page).group(1)), html.unescape(WEBCAL.search(page).group(1))


def subscriptions(app, mail: str | None = None) -> list[FeedSubscription]:
    with app.app_context():
        query = select(FeedSubscription).order_by(FeedSubscription.id)
        if mail:
            query = query.join(Person, FeedSubscription.person_id == Person.id).where(Person.email == mail)
        subs = list(db.session.scalars(query))
        db.session.expunge_all()
        return subs


def expect_address_page(response, token_seen: set | None = None) -> str:
    """The one answer that shows an address: both forms, uncacheable, no referrer."""
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    web, webcal = addresses(response)
    token = TOKEN.search(web).group(1)
    assert web.startswith("http://localhost/feeds/") and web.endswith(".ics")
    assert webcal == "webcal://" + web.split("://", 1)[1]
    page = text(response)
    assert f'href="{webcal}"' in page  # the "Add to calendar" link
    for client_name in ("Google Calendar", "Outlook", "Apple Calendar", "Thunderbird"):
        assert client_name in page
    assert "shown only now" in page and "Anyone who has this address" in page
    assert 'src="/static/js/copy.js' in page
    return token


@pytest.fixture
def prokompim(demo) -> int:
    return unit_id(demo, PROKOMPIM)


# -- each role -----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_each_demo_role_subscribes_to_a_publication_calendar_and_sees_the_address_once(
        client, prokompim, role):
    sign_in(client, email(role))
    listing = client.get("/feeds")
    assert listing.status_code == 200
    assert 'data-testid="feed-create"' in text(listing) and "feeds-no-role" not in text(listing)
    assert str(prokompim) in options(text(listing), "unit")

    response = create(client, name=f"Prokompim ({role})", unit=prokompim, state="scheduled")
    token = expect_address_page(response)
    [sub] = subscriptions(client.app, email(role))
    assert (sub.kind, sub.unit_id, sub.state, sub.name) == (FeedKind.UNIT, prokompim, "scheduled",
                                                            f"Prokompim ({role})")
    assert sub.token_hash == token_hash(token)

    again = client.get("/feeds")
    assert token not in text(again)  # never shown again
    assert f'data-subscription="{sub.id}"' in text(again) and f"Prokompim ({role})" in text(again)
    assert token not in str(client.http.get_cookie("session"))


@pytest.mark.parametrize("role", ["author", "auditor"])
def test_a_personal_subscription_takes_no_unit(client, demo, role):
    sign_in(client, email(role))
    token = expect_address_page(create(client, name="Pekerjaan saya", kind="personal"))
    [sub] = subscriptions(client.app, email(role))
    assert (sub.kind, sub.unit_id, sub.token_hash) == (FeedKind.PERSONAL, None, token_hash(token))


@pytest.mark.parametrize("kind", ["slots", "agenda"])
def test_upload_slots_and_agenda_subscriptions(client, prokompim, kind):
    sign_in(client, email("contributor"))
    expect_address_page(create(client, name=kind, kind=kind, unit=prokompim))
    assert [s.kind for s in subscriptions(client.app)] == [FeedKind(kind)]


def test_the_address_is_built_on_the_public_base_url_when_it_is_set(client, prokompim):
    client.app.config["PUBLIC_BASE_URL"] = "https://pranata.example.go.id"
    sign_in(client, email("author"))
    web, webcal = addresses(create(client, unit=prokompim))
    assert re.fullmatch(r"https://pranata\.example\.go\.id/feeds/[A-Za-z0-9_-]{43}\.ics", web)
    assert webcal == "webcal://pranata.example.go.id" + web[len("https://pranata.example.go.id"):]


def test_the_filters_are_listed_with_the_subscription(client, prokompim):
    with client.app.app_context():
        channel = db.session.scalar(select(Channel).where(Channel.unit_id == prokompim,
                                                          Channel.platform == Platform.INSTAGRAM))
        category = db.session.scalar(select(Category).where(Category.code == "interaktif"))
        channel_id, channel_name, category_id, category_name = channel.id, channel.name, category.id, category.name
    sign_in(client, email("author"))
    listing = text(client.get("/feeds"))
    assert str(channel_id) in options(listing, "channel")
    assert str(category_id) in options(listing, "category")
    expect_address_page(create(client, unit=prokompim, channel=channel_id, category=category_id,
                               state="published"))
    page = text(client.get("/feeds"))
    assert channel_name in page and category_name in page and "Published" in page
    assert "never" in page  # not fetched yet


def test_last_fetched_is_shown_in_the_units_zone_with_the_fetch_count(client, prokompim):
    sign_in(client, email("author"))
    create(client, unit=prokompim)
    with client.app.app_context():
        sub = db.session.scalar(select(FeedSubscription))
        sub.last_fetched_at = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
        sub.fetch_count = 17
        db.session.commit()
    page = text(client.get("/feeds"))
    assert re.search(r'data-testid="last-fetched">[^<]*8:30[^<]*WIB<', page)  # 01:30 UTC in WIB
    assert 'data-testid="fetch-count">17<' in page


# -- reload, regenerate, revoke ------------------------------------------------------------

def test_reloading_the_address_page_neither_shows_it_again_nor_creates_another(client, prokompim):
    sign_in(client, email("author"))
    value = once(client)
    first = create(client, unit=prokompim, once=value)
    token = expect_address_page(first)
    reload = create(client, unit=prokompim, once=value)  # the browser sends the same form again
    assert reload.status_code == 303 and reload.headers["Location"].endswith("/feeds")
    assert len(subscriptions(client.app)) == 1
    followed = text(client.get("/feeds"))
    assert "already been sent" in followed and token not in followed
    assert create(client, unit=prokompim, once="made-up").status_code == 303
    assert len(subscriptions(client.app)) == 1


def test_regenerating_shows_a_new_address_once_and_the_old_hash_is_gone(client, prokompim):
    sign_in(client, email("reviewer"))
    old = expect_address_page(create(client, unit=prokompim))
    [sub] = subscriptions(client.app)
    value = once(client)
    response = client.post(f"/feeds/{sub.id}/regenerate", {"once": value})
    new = expect_address_page(response)
    assert new != old and "previous address no longer works" in text(response)
    [after] = subscriptions(client.app)
    assert after.token_hash == token_hash(new) and after.regenerated_at is not None
    again = client.post(f"/feeds/{sub.id}/regenerate", {"once": value})  # a reload
    assert again.status_code == 303
    assert subscriptions(client.app)[0].token_hash == token_hash(new)
    assert new not in text(client.get("/feeds"))


def test_revoking_lists_the_subscription_as_revoked_without_buttons(client, prokompim):
    sign_in(client, email("approver"))
    create(client, unit=prokompim)
    [sub] = subscriptions(client.app)
    response = client.post(f"/feeds/{sub.id}/revoke")
    assert response.status_code == 303
    page = text(client.get("/feeds"))
    assert "has been revoked" in page
    assert f'data-subscription="{sub.id}" data-state="revoked"' in page
    assert f"/feeds/{sub.id}/regenerate" not in page and f"/feeds/{sub.id}/revoke" not in page
    assert client.post(f"/feeds/{sub.id}/revoke").status_code == 303  # twice: nothing more
    assert "had already been revoked" in text(client.get("/feeds"))
    refused = client.post(f"/feeds/{sub.id}/regenerate", {"once": once(client)})
    assert refused.status_code == 303 and "has been revoked" in text(client.get("/feeds"))
    with client.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "feed.revoked")) == 1
        assert db.session.get(FeedSubscription, sub.id).revoked_at is not None


def test_the_address_shown_is_the_feed_until_it_is_regenerated_or_revoked(client, prokompim):
    sign_in(client, email("author"))
    first = expect_address_page(create(client, unit=prokompim))
    fetcher = client.app.test_client()  # a calendar application: no session
    feed = fetcher.get(f"/feeds/{first}.ics")
    assert feed.status_code == 200 and feed.content_type.startswith("text/calendar")
    assert feed.get_data().startswith(b"BEGIN:VCALENDAR\r\n")
    [sub] = subscriptions(client.app)
    second = expect_address_page(client.post(f"/feeds/{sub.id}/regenerate", {"once": once(client)}))
    assert fetcher.get(f"/feeds/{first}.ics").status_code == 404
    assert fetcher.get(f"/feeds/{second}.ics").status_code == 200
    client.post(f"/feeds/{sub.id}/revoke")
    assert fetcher.get(f"/feeds/{second}.ics").status_code == 404


# -- others' subscriptions, CSRF, signed out -----------------------------------------------

@pytest.mark.parametrize("role", ["sysadmin", "auditor", "approver"])
def test_nobody_regenerates_or_revokes_someone_elses_subscription(make_client, prokompim, role):
    owner = make_client()
    sign_in(owner, email("author"))
    create(owner, unit=prokompim)
    [sub] = subscriptions(owner.app)
    other = make_client()
    sign_in(other, email(role))
    assert other.post(f"/feeds/{sub.id}/regenerate", {"once": once(other)}).status_code == 404
    assert other.post(f"/feeds/{sub.id}/revoke").status_code == 404
    assert f'data-subscription="{sub.id}"' not in text(other.get("/feeds"))
    [after] = subscriptions(owner.app)
    assert after.active and after.token_hash == sub.token_hash and after.regenerated_at is None


@pytest.mark.parametrize("url", ["/feeds/987654/revoke", "/feeds/987654/regenerate",
                                 "/feeds/0/revoke", f"/feeds/{2**40}/regenerate", "/feeds/x/revoke"])
def test_unknown_subscriptions_are_not_found(client, demo, url):
    sign_in(client, email("author"))
    assert client.post(url, {"once": once(client)}).status_code == 404


def test_every_form_needs_its_csrf_token(client, prokompim):
    sign_in(client, email("author"))
    create(client, unit=prokompim)
    [sub] = subscriptions(client.app)
    value = once(client)
    for url, data in (("/feeds", {"name": "x", "kind": "personal", "unit": "0", "once": value}),
                      (f"/feeds/{sub.id}/regenerate", {"once": value}),
                      (f"/feeds/{sub.id}/revoke", {})):
        assert client.post(url, data, csrf=False).status_code == 400, url
    [after] = subscriptions(client.app)
    assert len(subscriptions(client.app)) == 1 and after.active and after.token_hash == sub.token_hash


def test_the_page_needs_a_signed_in_person(client, demo):
    assert client.get("/feeds").status_code == 302
    assert "/login" in client.get("/feeds").headers["Location"]
    assert client.post("/feeds/1/revoke").status_code == 302


def test_get_is_not_accepted_on_the_buttons(client, prokompim):
    sign_in(client, email("author"))
    assert client.get("/feeds/1/revoke").status_code == 405
    assert client.get("/feeds/1/regenerate").status_code == 405


# -- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("values, message", [
    ({"name": ""}, "This field is required."),
    ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
    ({"kind": "everything"}, "Choose one of the kinds of feed."),
    ({"unit": "0"}, "Choose the unit whose calendar this is."),
    ({"unit": "abc"}, "Invalid Choice: could not coerce."),
    ({"unit": str(2**40)}, "Invalid Choice: could not coerce."),
    ({"unit": "987654"}, "Choose one of the units you may see."),
    ({"kind": "personal"}, "leave the unit empty"),
    ({"kind": "slots", "state": "draft"}, "Only a publication calendar takes this filter."),
    ({"state": "lost"}, "Choose one of the states of a post."),
    ({"channel": "987654"}, "Choose one of the channels of the chosen unit"),
    ({"category": "987654"}, "Choose one of the categories of the chosen unit"),
])
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(client, prokompim, values, message):
    sign_in(client, email("author"))
    response = create(client, **{"unit": prokompim, **values})
    assert response.status_code == 422
    assert html.escape(message, quote=False) in text(response) or message in html.unescape(text(response))
    assert 'class="error"' in text(response) or "alert-error" in text(response)
    assert subscriptions(client.app) == []
    assert "feed-web-address" not in text(response)


def test_a_unit_of_another_government_is_refused_like_a_missing_one_and_audited(client, prokompim):
    dpppa = unit_id(client.app, DPPPA)
    sign_in(client, email("sysadmin"))  # the city's administrator: South Sumatra is not theirs
    offered = options(text(client.get("/feeds")), "unit")
    assert str(prokompim) in offered and str(dpppa) not in offered
    hidden = create(client, unit=dpppa)
    missing = create(client, unit=987654)
    assert hidden.status_code == missing.status_code == 422
    assert "Choose one of the units you may see." in text(hidden)
    assert "Choose one of the units you may see." in text(missing)
    assert subscriptions(client.app) == []
    with client.app.app_context():
        refusals = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "feed.create_refused").order_by(AuditEvent.seq)))
        assert [e.details["requested_id"] for e in refusals] == [dpppa, 987654]


def test_a_channel_of_another_unit_of_the_city_is_refused_beside_the_channel(client, prokompim):
    with client.app.app_context():
        dinkes = db.session.scalar(select(Channel.id).join(Unit, Channel.unit_id == Unit.id)
                                   .where(Unit.name == "Dinas Kesehatan"))
    sign_in(client, email("sysadmin"))
    response = create(client, unit=prokompim, channel=dinkes)
    assert response.status_code == 422 and "Choose one of the channels" in text(response)


def test_a_person_without_a_role_today_is_told_so_and_may_not_subscribe(client, demo):
    with client.app.app_context():
        home = db.session.scalar(select(Unit).where(Unit.name == PROKOMPIM))
        someone = f.person(home, "Pegawai Baru", "baru@demo.pranata.test")
        # A subscription made while they still held a role.
        db.session.add(FeedSubscription(person=someone, name="Lama", kind=FeedKind.PERSONAL,
                                        token_hash=token_hash("lama"), fetch_count=0))
        db.session.commit()
    sign_in(client, "baru@demo.pranata.test", f.PASSWORD)
    page = client.get("/feeds")
    assert page.status_code == 200
    assert 'data-testid="feeds-no-role"' in text(page) and 'data-testid="feed-create"' not in text(page)
    response = client.post("/feeds", {"name": "x", "kind": "personal", "unit": "0", "channel": "0",
                                      "category": "0", "once": "any"})
    assert response.status_code == 403
    [old] = subscriptions(client.app)
    assert f'data-subscription="{old.id}"' in text(page) and 'data-action="regenerate"' not in text(page)
    assert client.post(f"/feeds/{old.id}/regenerate", {"once": "any"}).status_code == 403
    assert client.post(f"/feeds/{old.id}/revoke").status_code == 303  # they may still revoke it
    [old] = subscriptions(client.app)
    assert not old.active and old.token_hash == token_hash("lama")


def test_only_the_signed_in_persons_subscriptions_are_listed(make_client, prokompim):
    author, reviewer = make_client(), make_client()
    sign_in(author, email("author"))
    sign_in(reviewer, email("reviewer"))
    create(author, name="Milik penulis", unit=prokompim)
    create(reviewer, name="Milik pemeriksa", kind="personal")
    page = text(author.get("/feeds"))
    assert "Milik penulis" in page and "Milik pemeriksa" not in page


def test_the_list_sends_as_many_sql_statements_for_many_subscriptions_as_for_one(client, prokompim):
    sign_in(client, email("sysadmin"))
    create(client, unit=prokompim)
    one = statements(client.app, client, "/feeds")
    with client.app.app_context():
        channel = db.session.scalar(select(Channel.id).where(Channel.unit_id == prokompim))
        category = db.session.scalar(select(Category.id).where(Category.code == "interaktif"))
    for kind in ("personal", "slots", "agenda"):
        create(client, kind=kind, unit="0" if kind == "personal" else prokompim)
    for _ in range(3):
        create(client, unit=prokompim, channel=channel, category=category, state="draft")
    [first, *_rest] = subscriptions(client.app)
    client.post(f"/feeds/{first.id}/revoke")
    assert statements(client.app, client, "/feeds") == one


def selected(page: str, name: str) -> str | None:
    """The value the form's select named `name` has selected."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                      select_html)
    return (found.group(1) or found.group(2)) if found else None


def test_the_calendars_subscribe_link_prefills_the_kind_and_the_unit(client, prokompim):
    sign_in(client, email("author"))
    calendar = text(client.get(f"/calendar?unit={prokompim}"))
    link = html.unescape(re.search(r'href="([^"]+)" data-testid="subscribe-link"', calendar).group(1))
    assert link == f"/feeds?kind=unit&unit={prokompim}"
    page = text(client.get(link))
    assert (selected(page, "kind"), selected(page, "unit")) == ("unit", str(prokompim))
    agenda = text(client.get(f"/feeds?kind=agenda&unit={prokompim}"))
    assert (selected(agenda, "kind"), selected(agenda, "unit")) == ("agenda", str(prokompim))


@pytest.mark.parametrize("query", ["kind=bogus&unit=abc", "unit=999999999999", "unit=-1"])
def test_a_prefill_link_with_nonsense_is_ignored(client, prokompim, query):
    sign_in(client, email("author"))
    response = client.get(f"/feeds?{query}")
    assert response.status_code == 200
    assert selected(text(response), "unit") in (None, "0")


def test_a_prefilled_unit_the_person_may_not_see_is_not_offered(client, demo):
    sign_in(client, email("author"))
    dpppa = unit_id(client.app, DPPPA)
    page = text(client.get(f"/feeds?kind=unit&unit={dpppa}"))
    assert str(dpppa) not in options(page, "unit")
    assert selected(page, "unit") in (None, "0")


def test_the_agendas_subscribe_link_names_the_chosen_unit(client, prokompim):
    sign_in(client, email("author"))
    agenda = text(client.get(f"/agenda?unit={prokompim}"))
    link = html.unescape(re.search(r'href="([^"]+)" data-testid="subscribe-link"', agenda).group(1))
    assert link == f"/feeds?kind=agenda&unit={prokompim}"
