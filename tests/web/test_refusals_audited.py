"""Refused attempts are audit events: a page a role may not open, a failed sign-in."""
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, Person


def last_event(app, action):
    with app.app_context():
        return db.session.scalar(select(AuditEvent).where(AuditEvent.action == action)
                                 .order_by(AuditEvent.seq.desc()).limit(1))


def test_a_refused_page_is_audited_with_the_actor_and_request_id(client, demo):
    client.login("author@demo.pranata.test")
    response = client.get("/people/new")
    assert response.status_code == 403
    event = last_event(demo, "access.refused")
    with demo.app_context():
        author = db.session.scalar(select(Person).where(Person.email == "author@demo.pranata.test"))
        assert event.actor_id == author.id and event.unit_id == author.home_unit_id
    assert event.details["path"] == "/people/new" and event.details["method"] == "GET"
    assert event.request_id == response.headers["X-Request-ID"]


def test_failed_sign_in_of_an_unknown_account_is_audited_without_what_looks_like_a_password(client, demo):
    client.post("/login", {"email": "nobody@demo.pranata.test", "password": "salah-sekali"})
    event = last_event(demo, "auth.sign_in_failed")
    assert event.details == {"reason": "unknown_account", "email_domain": "demo.pranata.test"}
    assert event.unit_id is None
    client.post("/login", {"email": "MyS3cretPass!", "password": "x"})
    event = last_event(demo, "auth.sign_in_failed")
    assert event.details["email_domain"] is None and "MyS3cret" not in str(event.details)


def test_a_request_id_from_a_client_is_not_trusted(client, demo):
    chosen = client.get("/login", headers={"X-Request-ID": "req-0123456789abcdef"})
    assert chosen.headers["X-Request-ID"] != "req-0123456789abcdef"


def test_a_request_id_from_the_trusted_proxy_is_kept_and_a_bad_one_replaced(client, demo):
    demo.config["TRUSTED_PROXIES"] = True
    kept = client.get("/login", headers={"X-Request-ID": "req-0123456789abcdef"})
    assert kept.headers["X-Request-ID"] == "req-0123456789abcdef"
    replaced = client.get("/login", headers={"X-Request-ID": "bad id with spaces"})
    assert replaced.headers["X-Request-ID"] != "bad id with spaces"
    assert len(replaced.headers["X-Request-ID"]) == 32


def test_saving_or_activating_a_version_in_force_is_an_audited_refusal(client, demo):
    from planner.domain.content import SopStatus
    from planner.models import SopVersion

    with demo.app_context():
        in_force = db.session.scalar(select(SopVersion.id).where(SopVersion.status == SopStatus.IN_FORCE))
    client.login("approver@demo.pranata.test")
    assert client.post(f"/sop/versions/{in_force}/edit", {"action": "save"}).status_code == 409
    assert client.post(f"/sop/versions/{in_force}/activate", {}).status_code == 409
    with demo.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sop.change_refused")).all()
        assert [e.details["version_id"] for e in events] == [in_force, in_force]


def test_opening_the_edit_form_of_a_post_in_review_is_an_audited_refusal(client, demo):
    from planner.domain.content import PostState
    from planner.models import Post

    with demo.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.state == PostState.IN_REVIEW))
    client.login("author@demo.pranata.test")
    assert client.get(f"/posts/{post_id}/edit").status_code == 403
    event = last_event(demo, "post.transition_refused")
    assert event.details["transition"] == "edit" and event.details["path"] == f"/posts/{post_id}/edit"


def test_exports_are_rate_limited_per_person(client, demo):
    demo.config["EXPORT_LIMIT"] = "2 per minute"
    client.login("auditor@demo.pranata.test")
    assert [client.get("/audit/export.csv").status_code for _ in range(3)] == [200, 200, 429]
    other = client.__class__(demo)
    other.login("sysadmin@demo.pranata.test")  # the same address, another person: not limited
    assert other.get("/audit/export.csv").status_code == 200
