"""known-hoax catalogue; suggestions keep their best catalogue match; decisions may name the entry a confirmed
hoax repeats

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 21:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'hoaxes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('claim', sa.Text(), nullable=False),
        sa.Column('verdict', sa.String(length=40), nullable=False),
        sa.Column('url', sa.String(length=1000), nullable=False),
        sa.Column('published', sa.String(length=40), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=True),
        sa.Column('added_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['added_by'], ['users.id']),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fingerprint'),
    )
    op.create_index('ix_hoaxes_verdict', 'hoaxes', ['verdict'])
    with op.batch_alter_table('suggestions') as batch:
        batch.add_column(sa.Column('misinformation_match', sa.JSON(), nullable=True))
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('hoax_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_decisions_hoax_id', 'hoaxes', ['hoax_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.drop_constraint('fk_decisions_hoax_id', type_='foreignkey')
        batch.drop_column('hoax_id')
    with op.batch_alter_table('suggestions') as batch:
        batch.drop_column('misinformation_match')
    op.drop_index('ix_hoaxes_verdict', 'hoaxes')
    op.drop_table('hoaxes')
