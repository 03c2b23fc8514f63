"""The exceptions domain rules and services raise, and the `N_` message marker."""
from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message for translation without translating it here."""
    return message


@dataclass(frozen=True)
class Violation:
    """One broken rule: the form field it belongs to, an untranslated message, parameters."""

    field: str | None
    message: str
    params: dict = field(default_factory=dict)


class RuleViolated(Exception):
    """Raised when input breaks one or more rules; nothing has been written."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message % v.params if v.params else v.message for v in violations))
        self.violations = violations

    @classmethod
    def one(cls, field: str | None, message: str, **params) -> "RuleViolated":
        return cls([Violation(field, message, params)])


class StaleEdit(Exception):
    """Someone else saved the record after the editor loaded it."""

    def __init__(self, changed_by: str | None, changed_at, what: str | None = None):
        super().__init__("stale edit")
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.what = what  # the action that was taken meanwhile, e.g. "approve"


class NotPermitted(Exception):
    """The person may see the object but may not do this to it."""


class TransitionRefused(NotPermitted):
    """The workflow rules forbid this step now; `violations` say why (shown with the 403)."""

    def __init__(self, transition: str, violations: list[Violation]):
        super().__init__(transition)
        self.transition = transition
        self.violations = violations
        self.audited = False  # set once the refusal is in the audit trail


class NotVisible(Exception):
    """The object does not exist or lies outside the person's units."""
