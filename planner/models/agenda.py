"""The leader's agenda: events the head attends, and who covers each of them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import CoverageRole, EventStatus
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.org import Person, Unit, _enum


class AgendaEvent(Base):
    """An event on the agenda of a unit's leader (agenda pimpinan)."""

    __tablename__ = "agenda_event"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        Index("ix_agenda_event_unit_starts", "unit_id", "starts_at"),
        # Imported events are matched by the UID of their source calendar.
        UniqueConstraint("unit_id", "source_uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leader: Mapped[str] = mapped_column(String(200))
    # Where the event came from: an invitation letter, the aide, an imported calendar.
    source: Mapped[str] = mapped_column(String(200), default="")
    source_uid: Mapped[str | None] = mapped_column(String(255))
    # For imported events: the calendar they came from, when last imported, and when a
    # later file of that calendar no longer had them (they are then marked cancelled).
    source_calendar: Mapped[str | None] = mapped_column(String(255))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_upstream_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus, "event_status"),
                                                default=EventStatus.CONFIRMED)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])
    coverage: Mapped[list["CoverageAssignment"]] = relationship(
        back_populates="event", order_by="CoverageAssignment.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.unit


class CoverageAssignment(Base):
    """One person covering one event in one capacity (photographer, videographer, writer)."""

    __tablename__ = "coverage_assignment"
    __table_args__ = (UniqueConstraint("event_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("agenda_event.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[CoverageRole] = mapped_column(_enum(CoverageRole, "coverage_role"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[AgendaEvent] = relationship(back_populates="coverage")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    assigned_by: Mapped[Person] = relationship(foreign_keys=[assigned_by_id])

    @property
    def scope_unit(self) -> Unit:
        return self.event.unit
