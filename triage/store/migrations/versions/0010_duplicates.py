"""duplicate reports: a complaint closed into the one it repeats, and when

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 21:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('duplicate_of', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('merged_at', sa.DateTime(), nullable=True))
    op.create_index('ix_complaints_duplicate_of', 'complaints', ['duplicate_of'])


def downgrade() -> None:
    op.drop_index('ix_complaints_duplicate_of', 'complaints')
    with op.batch_alter_table('complaints') as batch:
        batch.drop_column('merged_at')
        batch.drop_column('duplicate_of')
