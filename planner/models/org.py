"""Units, people, role assignments and delegations to acting officials."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.domain.organisation import (
    ZONES, DelegationKind, Role, TimeZoneCode, UnitType,
)
from planner.domain.periods import Period, local_today
from planner.models.base import Base, UTCDateTime, utcnow


def _enum(cls, name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True,
                values_callable=lambda members: [m.value for m in members], length=20)


class Unit(Base):
    """A government, agency, division or subdivision, in one tree."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    type: Mapped[UnitType] = mapped_column(_enum(UnitType, "unit_type"))
    timezone: Mapped[TimeZoneCode] = mapped_column(_enum(TimeZoneCode, "unit_timezone"),
                                                   default=TimeZoneCode.WIB)
    # Materialised path of ids, e.g. "/1/5/12/": finding a subtree is one LIKE.
    path: Mapped[str] = mapped_column(String(500), index=True, default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", use_alter=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.name")
    updated_by: Mapped["Person | None"] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> "Unit":
        return self

    @property
    def zone(self):
        return ZONES[self.timezone]

    def today(self) -> date:
        return local_today(self.zone)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"


class Person(Base):
    """Someone who signs in, or who is recorded in the structure."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    position_title: Mapped[str | None] = mapped_column(String(200))
    preferred_language: Mapped[str] = mapped_column(String(5), default="id")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    home_unit: Mapped[Unit] = relationship(foreign_keys=[home_unit_id])
    updated_by: Mapped["Person | None"] = relationship(remote_side=[id], foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_unit(self) -> Unit:
        return self.home_unit

    # Flask-Login's user protocol.  The id it keeps in the cookie is the token
    # of the server-side sign-in session, set by the user loader or at sign-in.
    session_token = None  # not a column
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


class LegalBasis:
    """Columns for the decree (SK) that a record rests on, and for correcting it safely:
    who last changed the record, when, and a version that edit forms check."""

    decree_number: Mapped[str | None] = mapped_column(String(120))
    decree_date: Mapped[date | None] = mapped_column(Date)
    decree_signed_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def has_decree(self) -> bool:
        return bool(self.decree_number and self.decree_date)


class RoleAssignment(LegalBasis, Base):
    """A person holds a role in a unit from a date, to a date, on a decree."""

    __tablename__ = "role_assignment"
    __table_args__ = (Index("ix_role_assignment_person_unit_role", "person_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    position_title: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": LegalBasis.version}

    @property
    def period(self) -> Period:
        return Period(self.valid_from, self.valid_to)

    @property
    def scope_unit(self) -> Unit:
        return self.unit


class Delegation(LegalBasis, Base):
    """An acting official (Plt./Plh.) holds another person's role in a unit for a period."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "delegated_role"))
    kind: Mapped[DelegationKind] = mapped_column(_enum(DelegationKind, "delegation_kind"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    end_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    delegator: Mapped[Person] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[Person] = relationship(foreign_keys=[delegate_id])
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[Person | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": LegalBasis.version}

    @property
    def period(self) -> Period:
        return Period(self.valid_from, self.valid_to)

    @property
    def scope_unit(self) -> Unit:
        return self.unit
