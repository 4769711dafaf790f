"""agency liaisons hand a misrouted complaint back to the coordinators

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'returns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('returned_at', sa.DateTime(), nullable=False),
        sa.Column('agency', sa.String(length=80), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_returns_complaint_id', 'returns', ['complaint_id'])
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('returned_by', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaints') as batch:
        batch.drop_column('returned_by')
    op.drop_index('ix_returns_complaint_id', 'returns')
    op.drop_table('returns')
