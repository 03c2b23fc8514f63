"""SOPs as data: an SOP per unit, its versions, each version's routes, steps and standards."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.content import SopStatus, StepKind
from planner.domain.organisation import Role
from planner.domain import workflow
from planner.models.base import Base, UTCDateTime, utcnow
from planner.models.org import LegalBasis, Person, Unit, _enum


class Sop(Base):
    """The unit's SOP for managing its social media (one per unit)."""

    __tablename__ = "sop"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    versions: Mapped[list["SopVersion"]] = relationship(back_populates="sop",
                                                       order_by="SopVersion.number")

    @property
    def scope_unit(self) -> Unit:
        return self.unit


class SopVersion(LegalBasis, Base):
    """A version: draft (editable), in force (immutable; one per SOP), or retired.
    The identity block follows Permen PANRB 35/2012."""

    __tablename__ = "sop_version"
    __table_args__ = (
        UniqueConstraint("sop_id", "number"),
        Index("uq_sop_version_one_in_force", "sop_id", unique=True,
              sqlite_where=text("status = 'in_force'"),
              postgresql_where=text("status = 'in_force'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sop_id: Mapped[int] = mapped_column(ForeignKey("sop.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[SopStatus] = mapped_column(_enum(SopStatus, "sop_status"), default=SopStatus.DRAFT)
    document_number: Mapped[str | None] = mapped_column(String(120))  # Nomor SOP
    name: Mapped[str] = mapped_column(String(200))  # Nama SOP
    effective_date: Mapped[date | None] = mapped_column(Date)
    approved_by_name: Mapped[str | None] = mapped_column(String(200))  # Disahkan oleh
    qualification: Mapped[str | None] = mapped_column(Text)  # Kualifikasi pelaksana
    equipment: Mapped[str | None] = mapped_column(Text)  # Peralatan / perlengkapan
    warning: Mapped[str | None] = mapped_column(Text)  # Peringatan
    recording: Mapped[str | None] = mapped_column(Text)  # Pencatatan dan pendataan
    related: Mapped[str | None] = mapped_column(Text)  # Keterkaitan
    change_note: Mapped[str | None] = mapped_column(Text)
    allow_repeat_approver: Mapped[bool] = mapped_column(Boolean, default=False)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("sop_version.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    sop: Mapped[Sop] = relationship(back_populates="versions")
    routes: Mapped[list["SopRoute"]] = relationship(
        back_populates="version", order_by="SopRoute.position", cascade="all, delete-orphan")
    standards: Mapped[list["SopStandard"]] = relationship(
        back_populates="version", order_by="SopStandard.position", cascade="all, delete-orphan")
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    activated_by: Mapped[Person | None] = relationship(foreign_keys=[activated_by_id])
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": LegalBasis.version}

    @property
    def scope_unit(self) -> Unit:
        return self.sop.unit

    @property
    def editable(self) -> bool:
        return self.status == SopStatus.DRAFT

    def checklist_for(self, kind: StepKind, inputs: list[str]) -> tuple[str, ...]:
        standards = [s.text for s in self.standards if s.step_kind == kind]
        return tuple(inputs) + tuple(standards)

    def as_workflow(self) -> workflow.SopVersion:
        """The plain form the workflow engine reads."""
        return workflow.SopVersion(
            id=self.id, allow_repeat_approver=self.allow_repeat_approver,
            routes=tuple(route.as_workflow(self) for route in self.routes))


class SopRoute(Base):
    """The steps for one category (or, with no category, for all the others)."""

    __tablename__ = "sop_route"
    __table_args__ = (UniqueConstraint("version_id", "category_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_version.id"), index=True)
    category_code: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    fast_track: Mapped[bool] = mapped_column(Boolean, default=False)
    ratify_hours: Mapped[int | None] = mapped_column(Integer)

    version: Mapped[SopVersion] = relationship(back_populates="routes")
    steps: Mapped[list["SopStep"]] = relationship(
        back_populates="route", order_by="SopStep.position", cascade="all, delete-orphan")

    def as_workflow(self, version: SopVersion) -> workflow.Route:
        return workflow.Route(
            category=self.category_code, fast_track=self.fast_track,
            ratify_hours=self.ratify_hours,
            steps=tuple(workflow.Step(position=s.position, kind=s.kind, activity=s.activity,
                                      role=s.performer_role, hours=s.hours_allowed,
                                      checklist=version.checklist_for(s.kind, s.inputs or []))
                        for s in self.steps))


class SopStep(Base):
    """One row of the SOP's flowchart table: activity, performer, inputs, time, output."""

    __tablename__ = "sop_step"
    __table_args__ = (UniqueConstraint("route_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("sop_route.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StepKind] = mapped_column(_enum(StepKind, "step_kind"))
    activity: Mapped[str] = mapped_column(String(300))
    performer_role: Mapped[Role] = mapped_column(_enum(Role, "performer_role"))
    hours_allowed: Mapped[int] = mapped_column(Integer)
    inputs: Mapped[list] = mapped_column(JSON, default=list)  # Kelengkapan, as a checklist
    output: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(String(300))  # Keterangan

    route: Mapped[SopRoute] = relationship(back_populates="steps")


class SopStandard(Base):
    """A content standard (e.g. no identifiable child victims) that steps of a kind tick."""

    __tablename__ = "sop_standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sop_version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    step_kind: Mapped[StepKind] = mapped_column(_enum(StepKind, "standard_step_kind"))

    version: Mapped[SopVersion] = relationship(back_populates="standards")
