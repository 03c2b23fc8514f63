"""All models, imported here so that Alembic and the application see every table."""
from planner.models.accounts import SignInSession
from planner.models.audit import AuditEvent
from planner.models.org import Delegation, Person, RoleAssignment, Unit

__all__ = ["AuditEvent", "Delegation", "Person", "RoleAssignment", "SignInSession", "Unit"]
