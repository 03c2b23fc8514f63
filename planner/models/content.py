"""Content categories: the ladder from ceremonial to interactive, configured per government."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import ParticipationLevel
from planner.models.base import Base
from planner.models.org import Unit, _enum


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
