"""reopening a resolved complaint the reporter objected to: the reason, and when it was reopened last

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 19:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reopenings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('agency', sa.String(length=80), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_reopenings_complaint_id', 'reopenings', ['complaint_id'])
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('reopened_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaints') as batch:
        batch.drop_column('reopened_at')
    op.drop_index('ix_reopenings_complaint_id', 'reopenings')
    op.drop_table('reopenings')
