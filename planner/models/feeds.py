"""Calendar subscriptions (a hashed token per feed, its owner, kind, unit and filters, and
what the last fetch built) and the record of agenda files imported."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import PostState
from planner.domain.feeds import FeedKind
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.channels import Channel
from planner.models.content import Category
from planner.models.org import Person, Unit, _enum


class FeedSubscription(Base):
    """One calendar address a person subscribed to.  Only the SHA-256 of its token is kept;
    what the feed shows is decided at every fetch by the owner's permissions then."""

    __tablename__ = "feed_subscription"
    __table_args__ = (
        CheckConstraint("kind = 'personal' OR unit_id IS NOT NULL", name="unit_kinds_have_unit"),
        Index("ix_feed_subscription_person", "person_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[FeedKind] = mapped_column(_enum(FeedKind, "feed_kind"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Filters chosen at creation (publication calendar only).
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    state: Mapped[PostState | None] = mapped_column(_enum(PostState, "feed_post_state"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    regenerated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetch_count: Mapped[int] = mapped_column(Integer, default=0)
    # What the last build was made from and what it gave, so that a fetch with nothing
    # changed answers 304 (or the cached body) without building the feed again.
    cache_fingerprint: Mapped[str | None] = mapped_column(String(64))
    cache_etag: Mapped[str | None] = mapped_column(String(80))
    cache_last_modified: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    revoked_by: Mapped[Person | None] = relationship(foreign_keys=[revoked_by_id])
    unit: Mapped[Unit | None] = relationship()
    channel: Mapped[Channel | None] = relationship()
    category: Mapped[Category | None] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.unit if self.unit is not None else self.person.home_unit

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AgendaImport(Base):
    """One .ics file imported into a unit's agenda, and what it did."""

    __tablename__ = "agenda_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    filename: Mapped[str] = mapped_column(String(255))
    # The calendar the file came from (its X-WR-CALNAME, else its PRODID): events removed
    # from a later file of the same calendar are marked removed.
    source_calendar: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship()
    person: Mapped[Person] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.unit
