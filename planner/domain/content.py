"""Vocabulary of content: post states, SOP step kinds, platforms, the category ladder."""
from __future__ import annotations

from enum import StrEnum

from planner.domain.errors import N_


class PostState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


POST_STATE_LABELS = {
    PostState.DRAFT: N_("Draft"),
    PostState.IN_REVIEW: N_("In review"),
    PostState.APPROVED: N_("Approved"),
    PostState.SCHEDULED: N_("Scheduled"),
    PostState.PUBLISHED: N_("Published"),
    PostState.RETURNED: N_("Returned"),
    PostState.WITHDRAWN: N_("Withdrawn"),
    PostState.CANCELLED: N_("Cancelled"),
}

EDITABLE_STATES = frozenset({PostState.DRAFT, PostState.RETURNED, PostState.WITHDRAWN})


class StepKind(StrEnum):
    """What a step of an SOP route does; the workflow engine acts on the kind."""

    DRAFT = "draft"
    REVIEW = "review"
    APPROVE = "approve"
    PUBLISH = "publish"
    DISTRIBUTE = "distribute"
    EVALUATE = "evaluate"


STEP_KIND_LABELS = {
    StepKind.DRAFT: N_("Draft"),
    StepKind.REVIEW: N_("Review"),
    StepKind.APPROVE: N_("Approval"),
    StepKind.PUBLISH: N_("Publication"),
    StepKind.DISTRIBUTE: N_("Distribution"),
    StepKind.EVALUATE: N_("Evaluation"),
}

APPROVAL_KINDS = frozenset({StepKind.REVIEW, StepKind.APPROVE})
AFTER_PUBLICATION_KINDS = frozenset({StepKind.DISTRIBUTE, StepKind.EVALUATE})


class SopStatus(StrEnum):
    DRAFT = "draft"
    IN_FORCE = "in_force"
    RETIRED = "retired"


SOP_STATUS_LABELS = {
    SopStatus.DRAFT: N_("Draft"),
    SopStatus.IN_FORCE: N_("In force"),
    SopStatus.RETIRED: N_("Retired"),
}


class Platform(StrEnum):
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    X = "x"
    WHATSAPP = "whatsapp"
    WEBSITE = "website"
    OFFLINE = "offline"


PLATFORM_LABELS = {
    Platform.INSTAGRAM: "Instagram",
    Platform.FACEBOOK: "Facebook",
    Platform.YOUTUBE: "YouTube",
    Platform.TIKTOK: "TikTok",
    Platform.X: "X (Twitter)",
    Platform.WHATSAPP: N_("WhatsApp cascade"),
    Platform.WEBSITE: N_("Official website"),
    Platform.OFFLINE: N_("Offline forum"),
}


class ParticipationLevel(StrEnum):
    INFORMATION = "information"
    CONSULTATION = "consultation"
    COLLABORATION = "collaboration"


PARTICIPATION_LABELS = {
    ParticipationLevel.INFORMATION: N_("Information"),
    ParticipationLevel.CONSULTATION: N_("Consultation"),
    ParticipationLevel.COLLABORATION: N_("Collaboration"),
}

# The ladder from ceremonial to interactive (see docs/domain), seeded per government:
# (code, name, participation level, may take a fast-track route).
DEFAULT_CATEGORIES = (
    ("seremonial", "Seremonial", ParticipationLevel.INFORMATION, False),
    ("informasi-publik", "Informasi publik", ParticipationLevel.INFORMATION, False),
    ("edukasi", "Edukasi / sosialisasi kebijakan", ParticipationLevel.INFORMATION, False),
    ("layanan-publik", "Layanan publik", ParticipationLevel.INFORMATION, False),
    ("interaktif", "Interaktif", ParticipationLevel.CONSULTATION, False),
    ("kolaboratif", "Kolaboratif", ParticipationLevel.COLLABORATION, False),
    ("krisis", "Krisis / darurat", ParticipationLevel.INFORMATION, True),
)


class CommunicationFunction(StrEnum):
    """What a post does for the relation with the public (the studies' four functions)."""

    INFORM = "inform"
    SEEK_FEEDBACK = "seek_feedback"
    DIALOGUE = "dialogue"
    SELF_PRESENTATION = "self_presentation"


FUNCTION_LABELS = {
    CommunicationFunction.INFORM: N_("Inform"),
    CommunicationFunction.SEEK_FEEDBACK: N_("Seek feedback"),
    CommunicationFunction.DIALOGUE: N_("Dialogue"),
    CommunicationFunction.SELF_PRESENTATION: N_("Self-presentation"),
}


class CoverageRole(StrEnum):
    """What a person does when covering an event of the leader's agenda."""

    PHOTOGRAPHER = "photographer"
    VIDEOGRAPHER = "videographer"
    WRITER = "writer"


COVERAGE_ROLE_LABELS = {
    CoverageRole.PHOTOGRAPHER: N_("Photographer"),
    CoverageRole.VIDEOGRAPHER: N_("Videographer"),
    CoverageRole.WRITER: N_("Writer"),
}


class EventStatus(StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


EVENT_STATUS_LABELS = {
    EventStatus.CONFIRMED: N_("Confirmed"),
    EventStatus.TENTATIVE: N_("Tentative"),
    EventStatus.CANCELLED: N_("Cancelled"),
}


class GroupLevel(StrEnum):
    """Levels of a distribution network: the WhatsApp cascade of the studies."""

    CITY = "city"
    DISTRICT = "district"          # kecamatan
    SUBDISTRICT = "subdistrict"    # kelurahan
    NEIGHBOURHOOD = "neighbourhood"  # RT/RW
    COMMUNITY = "community"        # any other group (a forum, an association)


GROUP_LEVEL_LABELS = {
    GroupLevel.CITY: N_("City / regency"),
    GroupLevel.DISTRICT: N_("District (kecamatan)"),
    GroupLevel.SUBDISTRICT: N_("Sub-district (kelurahan)"),
    GroupLevel.NEIGHBOURHOOD: N_("Neighbourhood (RT/RW)"),
    GroupLevel.COMMUNITY: N_("Community group"),
}


class AmplificationKind(StrEnum):
    """How another unit reused a post ("institutional amplification")."""

    RESHARE = "reshare"
    QUOTE = "quote"
    ADAPTED = "adapted"
    PROGRAMME = "programme"
    OTHER = "other"


AMPLIFICATION_KIND_LABELS = {
    AmplificationKind.RESHARE: N_("Reshared as is"),
    AmplificationKind.QUOTE: N_("Quoted with its own text"),
    AmplificationKind.ADAPTED: N_("Adapted into its own content"),
    AmplificationKind.PROGRAMME: N_("Used to back one of its programmes"),
    AmplificationKind.OTHER: N_("Other reuse"),
}


class MixBound(StrEnum):
    """A line of a target mix: a group of categories at most / at least a share of posts."""

    AT_MOST = "at_most"
    AT_LEAST = "at_least"


MIX_BOUND_LABELS = {
    MixBound.AT_MOST: N_("at most"),
    MixBound.AT_LEAST: N_("at least"),
}
