"""Sign-in, sessions that die on the server, password changes, rate limits, headers, CSRF."""
from datetime import date

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, Person, SignInSession
from tests import factories as f

AUTHOR = "author@demo.pranata.test"


def session_cookie(client) -> str:
    return client.http.get_cookie("session").value


def replay(make_client, cookie: str):
    other = make_client()
    other.http.set_cookie("session", cookie, domain="localhost")
    return other.get("/")


def test_sign_in_with_a_good_password_opens_the_home_page(client, demo):
    response = client.login(AUTHOR)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Andi Pratama" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, demo):
    wrong = client.login(AUTHOR, "salah-sekali-123")
    unknown = client.login("nobody@demo.pranata.test", "salah-sekali-123")
    assert wrong.status_code == unknown.status_code == 401
    message = "Alamat e-mail atau kata sandi tidak benar."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_pages_need_a_signed_in_person(client, demo):
    for url in ["/", "/units", "/people", "/units/1", "/units/1/structure", "/account/password"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_old_cookie_stops_working_at_sign_out(client, make_client, demo):
    client.login(AUTHOR)
    cookie = session_cookie(client)
    assert replay(make_client, cookie).status_code == 200
    client.logout()
    response = replay(make_client, cookie)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivation_ends_the_session_at_once(client, make_client, demo):
    client.login(AUTHOR)
    cookie = session_cookie(client)
    admin = make_client()
    admin.login("sysadmin@demo.pranata.test")
    with client.app.app_context():
        author_id = db.session.scalar(select(Person.id).where(Person.email == AUTHOR))
    assert admin.post(f"/people/{author_id}/deactivate").status_code == 302
    assert client.get("/").status_code == 302
    assert replay(make_client, cookie).status_code == 302
    assert client.login(AUTHOR).status_code == 401


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(client, make_client, demo):
    other_browser = make_client()
    other_browser.login(AUTHOR)
    client.login(AUTHOR)
    old_cookie = session_cookie(client)
    response = client.post("/account/password", {
        "current_password": "pranata-demo", "new_password": "kata-sandi-baru-2026",
        "confirm": "kata-sandi-baru-2026"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302
    assert replay(make_client, old_cookie).status_code == 302
    assert make_client().login(AUTHOR, "kata-sandi-baru-2026").status_code == 302


def test_password_change_errors_sit_next_to_their_fields(client, demo):
    client.login(AUTHOR)
    page = client.post("/account/password", {
        "current_password": "salah-salah-salah", "new_password": "baru-baru-baru",
        "confirm": "baru-baru-baru"}).get_data(as_text=True)
    assert 'id="current_password-error"' in page and "Kata sandi saat ini tidak benar." in page
    page = client.post("/account/password", {
        "current_password": "pranata-demo", "new_password": "pendek",
        "confirm": "pendek"}).get_data(as_text=True)
    assert 'id="new_password-error"' in page


def test_sessions_are_stored_hashed(client, demo):
    client.login(AUTHOR)
    with client.app.app_context():
        stored = db.session.scalars(select(SignInSession.token_hash)).all()
    cookie = session_cookie(client)
    assert stored and all(len(h) == 64 for h in stored)
    assert not any(h in cookie for h in stored)


def test_failed_attempts_on_one_account_are_limited(client, demo):
    for _ in range(5):
        assert client.login(AUTHOR, "tebakan-salah-000").status_code == 401
    assert client.login(AUTHOR, "tebakan-salah-000").status_code == 429
    # Even the right password waits now: the account is being guessed.
    assert client.login(AUTHOR).status_code == 429
    # Another account from the same address is not affected.
    assert client.login("reviewer@demo.pranata.test").status_code == 302


def test_many_good_sign_ins_from_one_office_address_are_never_limited(app, make_client, demo):
    emails = [f"{r}@demo.pranata.test" for r in
              ("author", "contributor", "reviewer", "approver", "auditor", "sysadmin")]
    for _ in range(12):
        for email in emails:
            browser = make_client()
            assert browser.login(email).status_code == 302
            browser.logout()


def test_failed_attempts_from_one_address_are_limited(app, make_client, demo):
    app.config["LOGIN_LIMIT_FAILED_PER_ADDRESS"] = "8 per 15 minutes"
    browser = make_client()
    for n in range(8):
        assert browser.login(f"orang{n}@demo.pranata.test", "tebakan-salah-000").status_code == 401
    assert browser.login("orang99@demo.pranata.test", "tebakan-salah-000").status_code == 429


def test_failed_sign_in_is_audited(client, demo):
    client.login(AUTHOR, "tebakan-salah-000")
    with client.app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "auth.sign_in_failed" in actions


def test_security_headers(client, demo):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HttpOnly" in client.login(AUTHOR).headers["Set-Cookie"]


def test_pages_have_no_inline_scripts_or_styles(client, demo):
    client.login("sysadmin@demo.pranata.test")
    for url in ["/", "/units", "/people", "/units/1/structure", "/login"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "style=" not in page and " onclick=" not in page, url


def test_post_without_csrf_token_is_refused(client, demo):
    response = client.post("/login", {"email": AUTHOR, "password": "pranata-demo"}, csrf=False)
    assert response.status_code == 400
    assert "Formulir" in response.get_data(as_text=True)
    client.login(AUTHOR)
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/").status_code == 200


def test_next_parameter_only_follows_local_paths(client, demo):
    response = client.post("/login?next=https://evil.example/", {"email": AUTHOR, "password": "pranata-demo"})
    assert response.headers["Location"] == "/"
    fresh_browser = type(client)(client.app)
    response = fresh_browser.post("/login?next=/units", {"email": AUTHOR, "password": "pranata-demo"})
    assert response.headers["Location"] == "/units"
    # An address urlsplit cannot read (an unbalanced "[" in the host) is ignored, not a 500.
    third = type(client)(client.app)
    response = third.post("/login?next=//[evil.example", {"email": AUTHOR, "password": "pranata-demo"})
    assert response.headers["Location"] == "/"


def test_language_switch_to_english_and_back(client, demo):
    client.login(AUTHOR)
    assert "Beranda" in client.get("/").get_data(as_text=True)
    client.post("/language", {"lang": "en", "next": "/"})
    assert "Your roles today" in client.get("/").get_data(as_text=True)
    with client.app.app_context():
        assert db.session.scalar(select(Person.preferred_language).where(Person.email == AUTHOR)) == "en"
    client.post("/language", {"lang": "id"})
    assert "Peran Anda hari ini" in client.get("/").get_data(as_text=True)


def test_wrong_current_passwords_on_the_change_form_are_limited(client, demo):
    client.login(AUTHOR)
    wrong = {"current_password": "bukan-sandi-ini", "new_password": "sandi-baru-2026",
             "confirm": "sandi-baru-2026"}
    for _ in range(5):
        assert client.post("/account/password", wrong).status_code == 200
    assert client.post("/account/password", wrong).status_code == 429
    assert client.get("/").status_code == 200  # the session itself is not touched


def test_json_bodies_are_refused_so_no_attempt_escapes_the_form_and_its_limits(client, demo):
    headers = {"X-CSRFToken": client.token()}
    for body in ({"email": AUTHOR, "password": "pranata-demo"}, {"email": [AUTHOR], "password": "x"},
                 {"email": "a\u0000@x.test", "password": "x"}, 5, [1, 2], "ab"):
        response = client.http.post("/login", json=body, headers=headers)
        assert response.status_code == 415, body
    assert client.get("/").status_code == 302  # nobody signed in


def test_an_office_with_a_few_typos_still_signs_in(app, make_client, demo):
    """Failed attempts from the office's one address count, good ones never do: a handful of
    typos among many good sign-ins does not lock the office out."""
    emails = [f"{r}@demo.pranata.test" for r in
              ("author", "contributor", "reviewer", "approver", "auditor", "sysadmin")]
    for round_ in range(2):
        for email in emails:
            browser = make_client()
            assert browser.login(email, "salah-ketik-000").status_code == 401
            assert browser.login(email).status_code == 302


def test_signing_in_does_not_make_an_administrators_open_form_stale(client, make_client, demo):
    client.login("sysadmin@demo.pranata.test")
    with client.app.app_context():
        author = db.session.scalar(select(Person).where(Person.email == AUTHOR))
    make_client().login(AUTHOR)  # the author signs in while the form is open
    response = client.post(f"/people/{author.id}/edit", {
        "name": "Andi Pratama", "email": AUTHOR, "nip": author.nip, "position_title": "Admin",
        "home_unit_id": author.home_unit_id, "preferred_language": "id", "version": author.version})
    assert response.status_code == 302


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    from config import ProductionConfig
    from planner import create_app
    from tests.conftest import _build

    _build(f"sqlite:///{tmp_path / 'p.db'}", with_demo=False)
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    response = app.test_client().get("/login", base_url="https://pranata.example.go.id")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers
