"""All models, imported here so that Alembic and the application see every table."""
from planner.models.accounts import SignInSession
from planner.models.agenda import AgendaEvent, CoverageAssignment
from planner.models.audit import AuditEvent
from planner.models.channels import Channel, FollowerCount, PlannerSettings, UploadSlot
from planner.models.content import Category, MixTarget, MixTargetLine
from planner.models.feeds import AgendaImport, FeedSubscription
from planner.models.distribution import Amplification, Distribution, DistributionGroup
from planner.models.org import Delegation, Person, RoleAssignment, Unit
from planner.models.posts import Post, PostComment, PostPublication, PostStep, PostVariant
from planner.models.sop import Sop, SopRoute, SopStandard, SopStep, SopVersion

__all__ = ["AgendaEvent", "AgendaImport", "FeedSubscription", "Amplification", "AuditEvent", "Category", "Channel",
           "CoverageAssignment", "Delegation", "Distribution", "DistributionGroup",
           "FollowerCount", "MixTarget", "MixTargetLine", "Person", "PlannerSettings", "Post",
           "PostComment", "PostPublication", "PostStep", "PostVariant", "RoleAssignment",
           "SignInSession", "Sop", "SopRoute", "SopStandard", "SopStep", "SopVersion", "Unit",
           "UploadSlot"]
