"""All models, imported here so that Alembic and the application see every table."""
from planner.models.accounts import SignInSession
from planner.models.audit import AuditEvent
from planner.models.content import Category
from planner.models.org import Delegation, Person, RoleAssignment, Unit
from planner.models.posts import Post, PostComment, PostPublication, PostStep
from planner.models.sop import Sop, SopRoute, SopStandard, SopStep, SopVersion

__all__ = ["AuditEvent", "Category", "Delegation", "Person", "Post", "PostComment",
           "PostPublication", "PostStep", "RoleAssignment", "SignInSession", "Sop", "SopRoute",
           "SopStandard", "SopStep", "SopVersion", "Unit"]
