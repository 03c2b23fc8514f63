"""Hash-chained, append-only audit trail: seq, before/after, request id, hashes;
on PostgreSQL, triggers that refuse UPDATE, DELETE and TRUNCATE.

Revision ID: a1c4e2b9d301
Revises: bbc4dce52e16
Create Date: 2026-11-22 07:04:28.747369

"""
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa

from planner.domain.audit_chain import GENESIS, chain_hash


# revision identifiers, used by Alembic.
revision = 'a1c4e2b9d301'
down_revision = 'bbc4dce52e16'
branch_labels = None
depends_on = None

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def _backfill(connection) -> None:
    """Chain the events recorded before this revision, in id order."""
    rows = connection.execute(sa.text(
        "SELECT id, occurred_at, actor_id, on_behalf_of_id, unit_id, action, object_type, "
        "object_id, details FROM audit_event ORDER BY id")).mappings().all()
    previous = GENESIS
    for seq, row in enumerate(rows, start=1):
        fields = dict(row)
        details = fields["details"]
        fields["details"] = json.loads(details) if isinstance(details, str) else details
        occurred = fields["occurred_at"]
        if isinstance(occurred, str):
            occurred = sa.DateTime().dialect_impl(connection.dialect).result_processor(
                connection.dialect, None)(occurred)
        fields["occurred_at"] = occurred.replace(tzinfo=timezone.utc)
        fields.update(seq=seq, before=None, after=None, request_id=None)
        digest = chain_hash(previous, fields)
        connection.execute(sa.text(
            "UPDATE audit_event SET seq = :seq, prev_hash = :prev, hash = :hash WHERE id = :id"),
            {"seq": seq, "prev": previous, "hash": digest, "id": row["id"]})
        previous = digest


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('before', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('after', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    _backfill(op.get_bind())

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_seq'), ['seq'])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute("CREATE TRIGGER audit_event_no_update_or_delete BEFORE UPDATE OR DELETE "
                   "ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")
        op.execute("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update_or_delete ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_seq'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('request_id')
        batch_op.drop_column('after')
        batch_op.drop_column('before')
        batch_op.drop_column('seq')
