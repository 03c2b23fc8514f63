"""Helpers for the mix tests: posts placed straight in a month (planned or published, without
walking the workflow) and target mixes written directly or through the service."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from planner.domain.content import MixBound, PostState
from planner.extensions import db
from planner.models import Category, MixTarget, MixTargetLine, Post
from tests import factories as f


def categories(unit) -> dict[str, Category]:
    """The unit's government's categories by code."""
    from planner.services.sops import government_of

    return {c.code: c for c in db.session.scalars(
        select(Category).where(Category.government_id == government_of(unit)))}


def placed_post(author, unit, code: str, planned_at: datetime | None = None, *,
                published_at: datetime | None = None, state: PostState | None = None) -> Post:
    """A post made by the real service, then moved straight to `planned_at` / `published_at`
    and `state` (published when `published_at` is given)."""
    post = f.post(author, unit, code=code)
    post.planned_at = planned_at
    post.published_at = published_at
    if state is not None:
        post.state = state
    elif published_at is not None:
        post.state = PostState.PUBLISHED
    db.session.commit()
    return post


def many_posts(author, unit, category: Category, planned_at: datetime, count: int,
               published_at: datetime | None = None) -> None:
    """`count` posts inserted in bulk (for the statement-count tests)."""
    state = PostState.PUBLISHED if published_at else PostState.DRAFT
    db.session.add_all(Post(unit_id=unit.id, title=f"Posting {i}", body="", category_id=category.id,
                            planned_at=planned_at, published_at=published_at, author_id=author.id,
                            state=state) for i in range(count))
    db.session.commit()


def direct_target(unit, starts_on: date, ends_on: date | None,
                  *lines: tuple[MixBound, int, list[Category]]) -> MixTarget:
    """A target written straight to the database (for tests of what reads targets)."""
    target = MixTarget(unit=unit, starts_on=starts_on, ends_on=ends_on)
    target.lines = [MixTargetLine(position=i, bound=bound, percent=percent, categories=list(cats))
                    for i, (bound, percent, cats) in enumerate(lines)]
    db.session.add(target)
    db.session.commit()
    return target


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


# -- a world for the page tests ------------------------------------------------------------

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]


def mix_world():
    """factories.world() plus a contributor in the division; its sign-in e-mails by role and
    the ids the page tests use.  Call inside an app context."""
    from types import SimpleNamespace

    from planner.domain.organisation import Role

    w = f.world()
    w.contributor = f.person(w.subdivision, "Kontributor", "contributor@uji.pranata.test")
    f.role(w.contributor, w.division, Role.CONTRIBUTOR)
    w.cats = categories(w.division)
    w.outside_cats = categories(w.province)
    w.ids = SimpleNamespace(city=w.city.id, division=w.division.id, subdivision=w.subdivision.id,
                            health=w.health.id, province=w.province.id, agency=w.agency.id,
                            seremonial=w.cats["seremonial"].id, interaktif=w.cats["interaktif"].id,
                            kolaboratif=w.cats["kolaboratif"].id, edukasi=w.cats["edukasi"].id,
                            outside_category=w.outside_cats["seremonial"].id)
    return w


def email(role: str) -> str:
    return f"{role}@uji.pranata.test"


def sign_in(client, role: str):
    """Sign in as the world's person of `role` (or "outsider") and read the pages in English."""
    assert client.login(email(role), f.PASSWORD).status_code == 302
    client.post("/language", {"lang": "en"})
    return client
