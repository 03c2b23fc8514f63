"""Content categories (the ladder from ceremonial to interactive, configured per government)
and the target mix a unit sets for a period."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import MixBound, ParticipationLevel
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.org import Person, Unit, _enum


class Category(Base):
    """One rung of a government's category list (its root unit owns it)."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("government_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    government_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    participation: Mapped[ParticipationLevel] = mapped_column(
        _enum(ParticipationLevel, "participation_level"))
    fast_track_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    government: Mapped[Unit] = relationship()

    @property
    def scope_unit(self) -> Unit:
        return self.government


class MixTarget(Base):
    """The mix a unit aims for from `starts_on` (the first of a month) to `ends_on`
    (the last day of a month, or open), e.g. at most 30 % seremonial and at least
    25 % interaktif + kolaboratif.  A unit's periods do not overlap."""

    __tablename__ = "mix_target"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    updated_by: Mapped[Person | None] = relationship()
    lines: Mapped[list["MixTargetLine"]] = relationship(
        back_populates="target", order_by="MixTargetLine.position", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.unit


mix_target_line_category = Table(
    "mix_target_line_category", Base.metadata,
    Column("line_id", ForeignKey("mix_target_line.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id"), primary_key=True),
)


class MixTargetLine(Base):
    """One bound of a target mix: a group of categories at most / at least a percentage."""

    __tablename__ = "mix_target_line"
    __table_args__ = (
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("mix_target.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    bound: Mapped[MixBound] = mapped_column(_enum(MixBound, "mix_bound"))
    percent: Mapped[int] = mapped_column(Integer)

    target: Mapped[MixTarget] = relationship(back_populates="lines")
    categories: Mapped[list[Category]] = relationship(secondary=mix_target_line_category,
                                                      order_by=Category.position)

    @property
    def scope_unit(self) -> Unit:
        return self.target.unit
