"""Calendar feeds: subscriptions with hashed tokens, the record of agenda files imported, where an
imported agenda event came from, and the audit index a feed asks for its last change.

Revision ID: d4e8b2c6f713
Revises: c3d9a1f0e512
Create Date: 2026-11-22 12:09:20.982306

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8b2c6f713'
down_revision = 'c3d9a1f0e512'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('source_calendar', sa.String(length=255), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_agenda_import_person_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_agenda_import_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_import'))
    )
    with op.batch_alter_table('agenda_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_import_unit_id'), ['unit_id'], unique=False)

    op.create_table('feed_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('personal', 'unit', 'slots', 'agenda', name='feed_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'in_review', 'approved', 'scheduled', 'published', 'returned', 'withdrawn', 'cancelled', name='feed_post_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('regenerated_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('last_fetched_at', sa.DateTime(), nullable=True),
    sa.Column('fetch_count', sa.Integer(), nullable=False),
    sa.Column('cache_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('cache_etag', sa.String(length=80), nullable=True),
    sa.Column('cache_last_modified', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind = 'personal' OR unit_id IS NOT NULL", name=op.f('ck_feed_subscription_unit_kinds_have_unit')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_feed_subscription_category_id_category')),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_feed_subscription_channel_id_channel')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_feed_subscription_person_id_person')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['person.id'], name=op.f('fk_feed_subscription_revoked_by_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_feed_subscription_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_subscription')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feed_subscription_token_hash'))
    )
    with op.batch_alter_table('feed_subscription', schema=None) as batch_op:
        batch_op.create_index('ix_feed_subscription_person', ['person_id', 'revoked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_subscription_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('agenda_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_calendar', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('imported_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('removed_upstream_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_unit_type_seq', ['unit_id', 'object_type', 'seq'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_unit_type_seq')

    with op.batch_alter_table('agenda_event', schema=None) as batch_op:
        batch_op.drop_column('removed_upstream_at')
        batch_op.drop_column('imported_at')
        batch_op.drop_column('source_calendar')

    with op.batch_alter_table('feed_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_subscription_unit_id'))
        batch_op.drop_index('ix_feed_subscription_person')

    op.drop_table('feed_subscription')
    with op.batch_alter_table('agenda_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_import_unit_id'))

    op.drop_table('agenda_import')
