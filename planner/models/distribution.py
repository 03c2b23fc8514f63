"""Distribution networks (the WhatsApp cascade as a tree of groups), the log of which
groups each published post was sent to, and other units reusing a post."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import AmplificationKind, GroupLevel
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.org import Person, Unit, _enum


class DistributionGroup(Base):
    """A group in a unit's distribution network, e.g. a kelurahan's WhatsApp group;
    `members` counts the group's own members (not those of the groups below it)."""

    __tablename__ = "distribution_group"
    __table_args__ = (CheckConstraint("members >= 0", name="members_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_group.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[GroupLevel] = mapped_column(_enum(GroupLevel, "group_level"))
    members: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    parent: Mapped["DistributionGroup | None"] = relationship(remote_side=[id],
                                                              back_populates="children")
    children: Mapped[list["DistributionGroup"]] = relationship(back_populates="parent",
                                                               order_by="DistributionGroup.name")
    updated_by: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.unit


class Distribution(Base):
    """A published post sent to one group: when, by whom, and the group's size then."""

    __tablename__ = "distribution"
    __table_args__ = (UniqueConstraint("post_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("distribution_group.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    members_reached: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped["Post"] = relationship()  # noqa: F821
    group: Mapped[DistributionGroup] = relationship()
    sent_by: Mapped[Person] = relationship(foreign_keys=[sent_by_id])
    recorded_by: Mapped[Person] = relationship(foreign_keys=[recorded_by_id])

    @property
    def scope_unit(self) -> Unit:
        return self.post.unit


class Amplification(Base):
    """Another unit reused a post ("institutional amplification"), and how."""

    __tablename__ = "amplification"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[AmplificationKind] = mapped_column(_enum(AmplificationKind, "amplification_kind"))
    reused_on: Mapped[date] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped["Post"] = relationship()  # noqa: F821
    unit: Mapped[Unit] = relationship()
    recorded_by: Mapped[Person] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.post.unit
