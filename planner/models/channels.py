"""Where a unit publishes: channels, their follower counts over time, recurring upload
slots, and the unit's planning settings (website link rule, slot tolerance, targets)."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, Time,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import Platform
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.org import Person, Unit, _enum


class Channel(Base):
    """An account or outlet a unit publishes to: an Instagram account, a WhatsApp cascade,
    the official website, a neighbourhood forum.  The owner unit and the units below it
    may plan variants for it."""

    __tablename__ = "channel"
    __table_args__ = (
        UniqueConstraint("unit_id", "platform", "handle"),
        CheckConstraint("weekly_target IS NULL OR weekly_target >= 0", name="weekly_target_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    platform: Mapped[Platform] = mapped_column(_enum(Platform, "channel_platform"))
    name: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    weekly_target: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    updated_by: Mapped[Person | None] = relationship()
    slots: Mapped[list["UploadSlot"]] = relationship(back_populates="channel",
                                                     order_by="UploadSlot.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.unit


class FollowerCount(Base):
    """The number of followers (or members, for a cascade) a channel had on a day."""

    __tablename__ = "follower_count"
    __table_args__ = (
        UniqueConstraint("channel_id", "recorded_on"),
        CheckConstraint("followers >= 0", name="followers_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    recorded_on: Mapped[date] = mapped_column(Date)
    followers: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    channel: Mapped[Channel] = relationship()
    recorded_by: Mapped[Person] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.channel.unit


class UploadSlot(Base):
    """A recurring time to publish on a channel: an RFC 5545 recurrence rule (without
    DTSTART) expanded from `starts_on` at `time_of_day` in the channel unit's time zone."""

    __tablename__ = "upload_slot"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(120))
    rule: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    time_of_day: Mapped[time] = mapped_column(Time)
    ends_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    channel: Mapped[Channel] = relationship(back_populates="slots")
    updated_by: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.channel.unit


class PlannerSettings(Base):
    """A unit's planning rules.  A unit without its own row follows the nearest unit
    above it that has one, and the defaults below when none does."""

    __tablename__ = "planner_settings"
    __table_args__ = (
        CheckConstraint("slot_tolerance_minutes >= 0", name="tolerance_positive"),
        CheckConstraint("distribution_target_percent IS NULL OR "
                        "(distribution_target_percent >= 0 AND distribution_target_percent <= 100)",
                        name="distribution_target_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    # Every post must link to its article on the official website.
    require_website_link: Mapped[bool] = mapped_column(Boolean, default=False)
    # How far from its slot (or planned time) a publication still counts as on time.
    slot_tolerance_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # The share of the distribution network each published post should reach.
    distribution_target_percent: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    updated_by: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.unit
