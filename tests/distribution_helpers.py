"""Test data for distribution: factories.world() with a contributor, WhatsApp channels, a
network of groups for the division and one for the health agency, and published posts
(state and publication time set directly on the row: the workflow is tested elsewhere)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from planner.domain.content import GroupLevel, Platform, PostState
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import Channel
from planner.models.base import utcnow
from planner.services.distribution import create_group
from tests import factories

ROLES = ["author", "contributor", "reviewer", "approver", "auditor", "sysadmin"]
RECORDERS = {"author", "contributor"}
MANAGERS = {"author", "approver", "sysadmin"}


def channel(unit, name: str, platform: Platform = Platform.WHATSAPP, active: bool = True) -> Channel:
    found = Channel(unit_id=unit.id, platform=platform, name=name, handle=name.lower().replace(" ", "-"),
                    active=active)
    db.session.add(found)
    db.session.commit()
    return found


def published(post, days_ago: float = 2, at=None):
    """Mark a post as published `days_ago` days ago (or at `at`)."""
    post.state = PostState.PUBLISHED
    post.published_at = at or utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return post


def group(unit, name: str, level: GroupLevel, members: int, parent=None, channel_=None):
    return create_group(None, None, unit, name=name, level=level, members=members, parent=parent,
                        channel=channel_)


def distribution_world() -> SimpleNamespace:
    """The factory world, a contributor in the division, the division's WhatsApp cascade
    (city 100 → two districts 60 and 40 → a kelurahan 30 under the first; 230 in all) and the
    health agency's own network, a published and a draft post of the division, and a
    published post of the health agency.  Call inside an application context."""
    w = factories.world()
    w.contributor = factories.person(w.division, "Kontributor Bidang", "contributor@uji.pranata.test")
    factories.role(w.contributor, w.division, Role.CONTRIBUTOR)
    w.whatsapp = channel(w.division, "WA Prokompim")
    w.instagram = channel(w.division, "IG Prokompim", Platform.INSTAGRAM)
    w.health_whatsapp = channel(w.health, "WA Dinkes")
    w.city_group = group(w.division, "Grup Kota Uji", GroupLevel.CITY, 100, channel_=w.whatsapp)
    w.district_a = group(w.division, "Kecamatan Bukit Bestari", GroupLevel.DISTRICT, 60, w.city_group,
                         w.whatsapp)
    w.district_b = group(w.division, "Kecamatan Tanjungpinang Timur", GroupLevel.DISTRICT, 40,
                         w.city_group, w.whatsapp)
    w.kelurahan = group(w.division, "Kelurahan Tanjung Ayun Sakti", GroupLevel.SUBDISTRICT, 30,
                        w.district_a)
    w.health_group = group(w.health, "Grup Kader Posyandu", GroupLevel.COMMUNITY, 80,
                           channel_=w.health_whatsapp)
    w.post = published(factories.post(w.author, w.division, "Wali Kota membuka Musrenbang"))
    w.draft = factories.post(w.author, w.division, "Masih draf")
    w.health_post = published(factories.post(w.health_author, w.health, "Jadwal imunisasi"))
    return w


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

