"""follow-ups of the routed agency: the first one meets the response deadline

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 16:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'follow_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('agency', sa.String(length=80), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_follow_ups_complaint_id', 'follow_ups', ['complaint_id'])
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('responded_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaints') as batch:
        batch.drop_column('responded_at')
    op.drop_index('ix_follow_ups_complaint_id', 'follow_ups')
    op.drop_table('follow_ups')
