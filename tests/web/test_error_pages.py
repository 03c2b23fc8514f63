"""Refusals and failures are translated pages with the right status, never a stack trace."""


def test_an_unexpected_error_is_a_translated_500_page(app, client, demo):
    def explode():
        raise RuntimeError("kaboom")

    app.add_url_rule("/_explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client.login("author@demo.pranata.test")
    response = client.get("/_explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "kaboom" not in page and "Traceback" not in page
    assert "Terjadi kesalahan" in page


def test_wrong_method_is_405(client, demo):
    client.login("author@demo.pranata.test")
    assert client.get("/logout").status_code == 405


def test_health_endpoint_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
