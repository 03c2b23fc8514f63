"""Imported planner history, written in bulk: rows shaped exactly as the services would
have left them, for the demo's six months and for the benchmark generator.

This is *imported* history, not live actions: the rows are inserted straight into the
tables with backdated times and no audit event per row (the services stamp "now" and
audit every change, which is right for live work and wrong for the past).  Whoever
imports history records one audit event saying so.  Live actions always go through
`planner.services`.

`trail()` lays out the actions a post's SOP route asks for (submit, the approval steps,
publication, ratification of a fast-track post, the steps after publication) with the
step records, deadlines and final post fields the services would have written.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text

from planner.domain import workflow
from planner.domain.content import AFTER_PUBLICATION_KINDS, APPROVAL_KINDS, PostState, StepKind
from planner.domain.organisation import Role
from planner.extensions import db

CHUNK = 5_000

# who(role, when) -> (actor id, on whose behalf or None, acting kind or None)
Who = Callable[[Role, datetime], tuple[int, int | None, str | None]]


def new_ids(table, count: int) -> list[int]:
    """`count` fresh ids for `table`: drawn from its sequence on PostgreSQL (safe beside
    other writers); on SQLite, above the highest id (the caller's transaction writes
    alone: SQLite has one writer at a time)."""
    if count == 0:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        return list(db.session.scalars(text("SELECT nextval(:s) FROM generate_series(1, :n)"),
                                       {"s": sequence, "n": count}))
    first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def insert_rows(model, rows: Sequence[dict], *, returning: bool = False,
                chunk: int = CHUNK) -> list[int]:
    """INSERT `rows` in chunks (one executemany each); with `returning`, each row first
    gets a fresh id (`new_ids`), returned in the order of `rows`.  Ids are assigned
    rather than read back because RETURNING in row order makes SQLite insert one row
    at a time.  Core inserts on the table keep the values given as they are (an ORM
    insert would reset a `version` column to 1)."""
    table = getattr(model, "__table__", model)
    ids: list[int] = []
    if returning:
        ids = new_ids(table, len(rows))
        for row, row_id in zip(rows, ids):
            row["id"] = row_id
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), list(rows[start:start + chunk]))
    return ids


@dataclass(frozen=True)
class Action:
    name: str  # the transition, as PostStep.action
    step: workflow.Step | None
    role: Role
    from_state: PostState
    to_state: PostState
    restart_clock: bool = True


def route_actions(route: workflow.Route, *, scheduled: bool = False) -> list[Action]:
    """Every action a post on `route` goes through, in order, from submission to the
    last step after publication."""
    draft = route.first({StepKind.DRAFT})
    actions = [Action("submit", draft, draft.role if draft else Role.AUTHOR,
                      PostState.DRAFT, PostState.IN_REVIEW)]
    approvals = [s for s in route.steps if s.kind in APPROVAL_KINDS]
    for index, step in enumerate(approvals):
        last = index == len(approvals) - 1
        actions.append(Action("approve", step, step.role, PostState.IN_REVIEW,
                              PostState.APPROVED if last else PostState.IN_REVIEW))
    publish = route.first({StepKind.PUBLISH})
    role = publish.role if publish else Role.AUTHOR
    before = PostState.APPROVED
    if scheduled:
        actions.append(Action("schedule", publish, role, PostState.APPROVED, PostState.SCHEDULED,
                              restart_clock=False))
        before = PostState.SCHEDULED
    actions.append(Action("publish", publish, role, before, PostState.PUBLISHED))
    if route.fast_track:
        actions.append(Action("ratify", None, Role.APPROVER, PostState.PUBLISHED, PostState.PUBLISHED,
                              restart_clock=False))
    actions.extend(Action("complete", s, s.role, PostState.PUBLISHED, PostState.PUBLISHED)
                   for s in route.steps if s.kind in AFTER_PUBLICATION_KINDS)
    return actions


def _position_after(route: workflow.Route, action: Action, current: int | None) -> int | None:
    """The step the post waits on after `action` (as the services set it)."""
    if action.name == "submit":
        return route.first(APPROVAL_KINDS).position
    if action.name == "approve":
        following = route.next_after(action.step.position, APPROVAL_KINDS)
        return following.position if following else None
    if action.name == "publish":
        follow_up = route.first(AFTER_PUBLICATION_KINDS)
        return follow_up.position if follow_up else None
    if action.name == "complete":
        following = route.next_after(action.step.position, AFTER_PUBLICATION_KINDS)
        return following.position if following else None
    if action.name == "ratify":
        return current
    return None  # schedule


def trail(route: workflow.Route, version_id: int, times: Sequence[datetime], who: Who, *,
          scheduled: bool = False, created_at: datetime | None = None,
          reasons: dict[str, str] | None = None) -> tuple[list[dict], dict]:
    """The first `len(times)` actions of `route`, performed at `times` (ascending).

    Returns the PostStep rows (without post_id) and the Post fields they leave behind:
    state, round, step_position, step_started_at, published_at, ratified_at, updated_at,
    updated_by_id, last_action, version, sop_version_id, created_at."""
    actions = route_actions(route, scheduled=scheduled)[:len(times)]
    steps: list[dict] = []
    state, position, started, published, ratified = PostState.DRAFT, None, None, None, None
    updated_by = None
    for action, when in zip(actions, times):
        actor, on_behalf, kind = who(action.role, when)
        if action.name == "submit":
            due = None
        elif action.name == "ratify":
            due = published + timedelta(hours=route.ratify_hours or 24)
        else:
            due = started + timedelta(hours=action.step.hours) if action.step else None
        steps.append({
            "round": 1, "action": action.name, "sop_version_id": version_id,
            "step_position": action.step.position if action.step else None,
            "step_kind": action.step.kind if action.step else None,
            "from_state": action.from_state, "to_state": action.to_state, "actor_id": actor,
            "on_behalf_of_id": on_behalf, "acting_kind": kind,
            "acting_role": action.role.value, "performed_at": when, "due_at": due,
            "checklist": sorted(action.step.checklist) if action.step and action.name not in (
                "schedule",) else [],
            "reason": (reasons or {}).get(action.step.kind.value if action.step else action.name)
            if action.name == "complete" else None,
        })
        position = _position_after(route, action, position)
        state = action.to_state
        if action.restart_clock:
            started = when
        if action.name == "publish":
            published = when
        if action.name == "ratify":
            ratified = when
        updated_by = actor
    last = times[len(actions) - 1] if actions else None
    post = {"state": state, "round": 1 if actions else 0, "step_position": position,
            "step_started_at": started, "published_at": published, "ratified_at": ratified,
            "updated_at": last or created_at, "updated_by_id": updated_by,
            "last_action": actions[-1].name if actions else "create",
            "version": 1 + len(actions), "sop_version_id": version_id if actions else None,
            "created_at": created_at or (times[0] - timedelta(hours=3) if times else None)}
    return steps, post


def add_post_ids(rows: list[dict], post_id: int) -> list[dict]:
    for row in rows:
        row["post_id"] = post_id
    return rows
