"""Two people acting on the same post at the same moment, on PostgreSQL with real
connections, many times over: exactly one wins, the other is told who did what and when,
nothing is overwritten or doubled, and the audit chain stays whole."""
from sqlalchemy import func, select

from planner.domain.audit_chain import verify
from planner.domain.content import PostState
from planner.domain.errors import StaleEdit
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import AuditEvent, Person, Post, PostStep, Unit
from planner.permissions import Access
from planner.services import posts as s
from tests import factories as f
from tests.services.test_concurrency import race

ROUNDS = 25


def _setup(pg_app):
    with pg_app.app_context():
        w = f.world()
        second_reviewer = f.person(w.division, "Verifikator Kedua")
        f.role(second_reviewer, w.division, Role.REVIEWER)
        f.sop(w.division)
        return {"author": w.author.id, "reviewers": [w.reviewer.id, second_reviewer.id],
                "approver": w.approver.id, "division": w.division.id}


def _submitted(pg_app, ids) -> tuple[int, int]:
    with pg_app.app_context():
        author = db.session.get(Person, ids["author"])
        post = f.post(author, db.session.get(Unit, ids["division"]))
        s.submit(author, Access.load(author), post, post.version, ticked=f.checklist(post))
        return post.id, post.version


def _outcome(pg_app, post_id):
    with pg_app.app_context():
        post = db.session.get(Post, post_id)
        steps = db.session.scalar(select(func.count(PostStep.id)).where(PostStep.post_id == post_id))
        events = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.object_type == "Post", AuditEvent.object_id == post_id))
        return post.state, post.step_position, steps, events


def _contest(pg_app, post_id, version, contenders):
    """Each contender, a (person id, action) pair, acts on the post at the same moment with
    the version its form was opened on; returns what each returned or raised."""
    def work(i, barrier):
        person_id, action = contenders[i]
        person = db.session.get(Person, person_id)
        access = Access.load(person)
        post = db.session.get(Post, post_id)
        ticked = f.checklist(post)
        barrier.wait()
        return action(person, access, post, version, ticked)

    return race(pg_app, work, count=len(contenders))


def approve(person, access, post, version, ticked):
    return s.approve(person, access, post, version, ticked=ticked)


def return_it(person, access, post, version, ticked):
    return s.return_to_author(person, access, post, version, reason="Perlu revisi")


def withdraw(person, access, post, version, ticked):
    return s.withdraw(person, access, post, version)


def test_approve_and_return_at_the_same_moment_one_wins_the_other_is_told(pg_app):
    ids = _setup(pg_app)
    for _ in range(ROUNDS):
        post_id, version = _submitted(pg_app, ids)

        outcomes = _contest(pg_app, post_id, version, [(ids["reviewers"][0], approve),
                                                        (ids["reviewers"][1], return_it)])
        won = [o for o in outcomes if isinstance(o, Post)]
        stale = [o for o in outcomes if isinstance(o, StaleEdit)]
        assert len(won) == 1 and len(stale) == 1, outcomes
        winner = outcomes.index(won[0])
        state, position, steps, events = _outcome(pg_app, post_id)
        # created + submit + exactly one of approve/return; one step record each.
        assert steps == 2 and events == 3
        if winner == 0:
            assert (state, position) == (PostState.IN_REVIEW, 3) and stale[0].what == "approve"
        else:
            assert state == PostState.RETURNED and stale[0].what == "return"
        with pg_app.app_context():
            winner_name = db.session.get(Person, ids["reviewers"][winner]).name
        assert stale[0].changed_by == winner_name and stale[0].changed_at is not None


def test_two_reviewers_approving_the_same_step_only_one_step_is_recorded(pg_app):
    ids = _setup(pg_app)
    for _ in range(ROUNDS):
        post_id, version = _submitted(pg_app, ids)

        outcomes = _contest(pg_app, post_id, version, [(reviewer, approve) for reviewer in ids["reviewers"]])
        assert sum(isinstance(o, Post) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, StaleEdit) for o in outcomes) == 1, outcomes
        assert _outcome(pg_app, post_id) == (PostState.IN_REVIEW, 3, 2, 3)


def test_author_withdrawing_while_the_reviewer_approves(pg_app):
    ids = _setup(pg_app)
    for _ in range(ROUNDS):
        post_id, version = _submitted(pg_app, ids)

        outcomes = _contest(pg_app, post_id, version, [(ids["author"], withdraw),
                                                        (ids["reviewers"][0], approve)])
        assert sum(isinstance(o, Post) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, StaleEdit) for o in outcomes) == 1, outcomes
        state, _position, steps, events = _outcome(pg_app, post_id)
        assert state in (PostState.WITHDRAWN, PostState.IN_REVIEW) and steps == 2 and events == 3


def test_the_audit_chain_is_whole_after_the_races(pg_app):
    ids = _setup(pg_app)
    for _ in range(5):
        post_id, version = _submitted(pg_app, ids)

        _contest(pg_app, post_id, version, [(reviewer, approve) for reviewer in ids["reviewers"]])
    with pg_app.app_context():
        rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
        verdict = verify({"id": e.id, "prev_hash": e.prev_hash, "hash": e.hash, **e.chain_fields()}
                         for e in rows)
        assert verdict.ok and verdict.checked == db.session.scalar(select(func.count(AuditEvent.id)))
