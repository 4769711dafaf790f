"""covering indexes for the dashboard's aggregate queries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:20:00
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_complaints_dashboard', 'complaints', ['received_at', 'status', 'category', 'suggested_category',
                                                              'agency', 'suggested_agency', 'due_at'])
    op.create_index('ix_suggestions_week', 'suggestions', ['created_at', 'model_version', 'needs_review'])
    op.create_index('ix_decisions_week', 'decisions', ['decided_at', 'suggestion_id', 'matched_top1'])


def downgrade() -> None:
    op.drop_index('ix_decisions_week', 'decisions')
    op.drop_index('ix_suggestions_week', 'suggestions')
    op.drop_index('ix_complaints_dashboard', 'complaints')
