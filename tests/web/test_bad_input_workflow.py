"""Input crafted to break the new pages gets a message or is ignored: never a 500."""
from sqlalchemy import select

from planner.domain.content import PostState, SopStatus
from planner.extensions import db
from planner.models import Post, SopVersion


def _ids(app):
    with app.app_context():
        return {"approved_or_review": db.session.scalar(select(Post.id).where(Post.state == PostState.IN_REVIEW)),
                "draft_post": db.session.scalar(select(Post.id).where(Post.state == PostState.DRAFT)),
                "in_force": db.session.scalar(select(SopVersion.id).where(SopVersion.status == SopStatus.IN_FORCE))}


def test_huge_and_odd_numbers_in_filters(client, demo):
    client.login("auditor@demo.pranata.test")
    for query in ("unit=99999999999999999999999", "category=123456789012", "author=-5", "unit=%C2%B2",
                  "author=" + "9" * 5000):
        assert client.get(f"/posts?{query}").status_code == 200, query
    for query in ("actor=%C2%B2", "actor=99999999999", "unit=99999999999999", "object_id=" + "9" * 40):
        assert client.get(f"/audit?{query}").status_code == 200, query
        assert client.get(f"/audit/export.csv?{query}").status_code == 200, query


def test_dates_out_of_range_are_refused_beside_the_field(client, demo):
    ids = _ids(demo)
    client.login("author@demo.pranata.test")
    page = client.get(f"/posts/{ids['draft_post']}/edit").get_data(as_text=True)
    import re
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = client.post(f"/posts/{ids['draft_post']}/edit", {
        "version": version, "title": "Judul", "body": "", "category_id": "1",
        "planned_date": "0001-01-01", "planned_time": "09:00"})
    assert response.status_code in (200, 422)
    assert "between the years 2000 and 2100" in response.get_data(as_text=True) or \
        "antara tahun 2000 dan 2100" in response.get_data(as_text=True)


def test_editor_rows_with_absurd_indices_are_ignored(client, demo):
    ids = _ids(demo)
    client.login("approver@demo.pranata.test")
    draft = client.post(f"/sop/versions/{ids['in_force']}/copy")
    assert draft.status_code == 302
    edit_url = draft.headers["Location"]
    huge = "9" * 5000
    assert client.post(edit_url, {"action": "save", f"routes-{huge}-category": "x"}).status_code < 500
    assert client.post(edit_url, {"action": f"add-step:{huge}"}).status_code < 500
