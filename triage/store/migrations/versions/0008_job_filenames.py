"""background jobs keep the uploaded file's name, so people can tell their uploads apart, and how many rows
could not be scored

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('filename', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('rows_rejected', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('rows_rejected')
        batch.drop_column('filename')
