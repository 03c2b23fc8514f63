"""Read-side queries of the SOP pages: the SOPs a person can see, and one version laid out as
the official SOP document (Permen PANRB 35/2012), each a fixed number of SQL statements."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from planner.domain.access import Action
from planner.domain.content import SopStatus, StepKind
from planner.domain.organisation import Role
from planner.domain.sop_rules import PERFORMER_ROLES
from planner.extensions import db
from planner.models import Category, Sop, SopRoute, SopStandard, SopStep, SopVersion, Unit
from planner.permissions import Access
from planner.services.sops import government_of


@dataclass
class UnitSop:
    """One line of the SOP list: a unit, the version in force (if any) and its drafts."""

    unit: Unit
    in_force: SopVersion | None = None
    drafts: list[SopVersion] = field(default_factory=list)
    has_sop: bool = False
    can_manage: bool = False


def sops_for(access: Access) -> list[UnitSop]:
    """Every unit where the person may read the SOP, in tree order (two statements)."""
    units = list(db.session.scalars(access.units(Action.VIEW_SOP)))
    rows = {u.id: UnitSop(u, can_manage=access.can(Action.MANAGE_SOP, u)) for u in units}
    if not rows:
        return []
    versions = db.session.execute(
        select(SopVersion, Sop.unit_id).join(Sop, SopVersion.sop_id == Sop.id)
        .join(Unit, Sop.unit_id == Unit.id)
        .where(access.unit_condition(Action.VIEW_SOP))
        .order_by(SopVersion.number)).all()
    for version, unit_id in versions:
        row = rows.get(unit_id)
        if row is None:
            continue
        row.has_sop = True
        if version.status == SopStatus.IN_FORCE:
            row.in_force = version
        elif version.status == SopStatus.DRAFT:
            row.drafts.append(version)
    return list(rows.values())


@dataclass
class DocumentStep:
    step: SopStep
    standards: list[str]  # the content standards that a step of this kind ticks


@dataclass
class DocumentRoute:
    route: SopRoute
    category_name: str | None  # None for the default route
    category_known: bool
    steps: list[DocumentStep]


@dataclass
class SopDocument:
    """A version ready to be shown as the official SOP document."""

    version: SopVersion
    unit: Unit
    routes: list[DocumentRoute]
    performers: list[Role]  # the columns "Pelaksana", in the order of the team
    standards: list[SopStandard]
    versions: list[SopVersion]  # every version of the unit's SOP, newest first
    issuers: list[Unit]  # the units above, top first: the heading of the document

    def local_date(self, instant: datetime | None) -> date | None:
        return instant.astimezone(self.unit.zone).date() if instant else None

    @property
    def made_on(self) -> date | None:
        """Tanggal pembuatan: when the unit's SOP was first made."""
        return self.local_date(self.version.sop.created_at)

    @property
    def revised_on(self) -> date | None:
        """Tanggal revisi: when this revision was drafted (none for the first version)."""
        return self.local_date(self.version.created_at) if self.version.number > 1 else None

    @property
    def previous(self) -> SopVersion | None:
        return next((v for v in self.versions if v.id == self.version.based_on_id), None)


def _load_version(version_id: int) -> SopVersion:
    return db.session.scalars(
        select(SopVersion).where(SopVersion.id == version_id)
        .options(joinedload(SopVersion.sop).joinedload(Sop.unit), joinedload(SopVersion.activated_by),
                 selectinload(SopVersion.routes).selectinload(SopRoute.steps),
                 selectinload(SopVersion.standards))
        .execution_options(populate_existing=True)).unique().one()


def versions_of(sop_id: int) -> list[SopVersion]:
    return list(db.session.scalars(
        select(SopVersion).where(SopVersion.sop_id == sop_id)
        .options(joinedload(SopVersion.activated_by)).order_by(SopVersion.number.desc())))


def category_names(unit: Unit) -> tuple[dict[str, str], set[str]]:
    """The names of the categories of the unit's government by code (including ones no longer
    in use, so that an old version still reads well), and the codes in use."""
    rows = db.session.execute(select(Category.code, Category.name, Category.active).where(
        Category.government_id == government_of(unit))).all()
    return {code: name for code, name, _ in rows}, {code for code, _, active in rows if active}


def sop_document(version: SopVersion) -> SopDocument:
    """The version with its routes, steps and standards, the category names and the list of
    versions: seven statements whatever the number of routes, steps or versions."""
    version = _load_version(version.id)
    unit = version.sop.unit
    names, in_use = category_names(unit)
    by_kind: dict[StepKind, list[str]] = defaultdict(list)
    for standard in version.standards:
        by_kind[standard.step_kind].append(standard.text)
    routes = [DocumentRoute(
        route=route,
        category_name=names.get(route.category_code, route.category_code) if route.category_code else None,
        category_known=route.category_code is None or route.category_code in in_use,
        steps=[DocumentStep(step, by_kind.get(step.kind, [])) for step in route.steps])
        for route in sorted(version.routes, key=lambda r: (r.category_code is not None, r.position))]
    used = {step.performer_role for route in version.routes for step in route.steps}
    return SopDocument(version=version, unit=unit, routes=routes,
                       performers=[role for role in PERFORMER_ROLES if role in used],
                       standards=list(version.standards), versions=versions_of(version.sop_id),
                       issuers=_units_above(unit))


def _units_above(unit: Unit) -> list[Unit]:
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def sop_of(unit: Unit) -> Sop | None:
    return db.session.scalar(select(Sop).where(Sop.unit_id == unit.id))
