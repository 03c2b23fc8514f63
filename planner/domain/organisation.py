"""Vocabulary of the organisation: roles, unit types, time zones, kinds of acting official."""
from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo

from planner.domain.errors import N_


class Role(StrEnum):
    AUTHOR = "author"
    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    AUDITOR = "auditor"
    SYSADMIN = "sysadmin"


ROLE_LABELS = {
    Role.AUTHOR: N_("Account manager (author)"),
    Role.CONTRIBUTOR: N_("Division contributor"),
    Role.REVIEWER: N_("Reviewer"),
    Role.APPROVER: N_("Approving head"),
    Role.AUDITOR: N_("Auditor"),
    Role.SYSADMIN: N_("System administrator"),
}


class UnitType(StrEnum):
    GOVERNMENT = "government"
    SECRETARIAT = "secretariat"
    AGENCY = "agency"
    DIVISION = "division"
    SUBDIVISION = "subdivision"


UNIT_TYPE_LABELS = {
    UnitType.GOVERNMENT: N_("Regional government"),
    UnitType.SECRETARIAT: N_("Secretariat"),
    UnitType.AGENCY: N_("Agency (OPD)"),
    UnitType.DIVISION: N_("Division (bagian / bidang)"),
    UnitType.SUBDIVISION: N_("Subdivision (subbagian / seksi)"),
}


class TimeZoneCode(StrEnum):
    WIB = "WIB"
    WITA = "WITA"
    WIT = "WIT"


ZONES = {
    TimeZoneCode.WIB: ZoneInfo("Asia/Jakarta"),
    TimeZoneCode.WITA: ZoneInfo("Asia/Makassar"),
    TimeZoneCode.WIT: ZoneInfo("Asia/Jayapura"),
}


class DelegationKind(StrEnum):
    PLT = "plt"
    PLH = "plh"


DELEGATION_KIND_LABELS = {
    DelegationKind.PLT: N_("Plt. (acting official)"),
    DelegationKind.PLH: N_("Plh. (daily acting official)"),
}

DELEGATION_KIND_SHORT = {DelegationKind.PLT: "Plt.", DelegationKind.PLH: "Plh."}

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
