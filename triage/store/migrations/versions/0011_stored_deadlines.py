"""SOP deadlines stored for the period recap: routing (from receipt) and the agency's response (from routing)

Existing complaints get them from their stored times under the SOP settings in force when this runs. The
dashboard's covering index grows to cover the recap too (a recap over most of the table read the rows through
the old index on SQLite: twice the time of a covering scan). The queue's index gains the id, so the page's ids are
read from it alone, and the agency index the status, due date and id, so an agency's queue is read from it alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 02:00:00
"""

import sqlalchemy as sa
from alembic import op

from triage import deadlines

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BATCH = 5000
DASHBOARD = ['received_at', 'status', 'category', 'suggested_category', 'agency', 'suggested_agency', 'due_at']
REPORTS = DASHBOARD + ['routed_at', 'routing_due_at', 'responded_at', 'response_due_at', 'resolved_at', 'reopened_at']
complaints = sa.table('complaints', sa.column('id', sa.Integer()), sa.column('received_at', sa.DateTime()),
                      sa.column('routed_at', sa.DateTime()), sa.column('routing_due_at', sa.DateTime()),
                      sa.column('response_due_at', sa.DateTime()))


def upgrade() -> None:
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('routing_due_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('response_due_at', sa.DateTime(), nullable=True))
    connection, sop, last = op.get_bind(), deadlines.Sop.from_settings(), 0
    update = (complaints.update().where(complaints.c.id == sa.bindparam('key'))
              .values(routing_due_at=sa.bindparam('routing'), response_due_at=sa.bindparam('response')))
    while True:
        rows = connection.execute(sa.select(complaints.c.id, complaints.c.received_at, complaints.c.routed_at)
                                  .where(complaints.c.id > last).order_by(complaints.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(update, [{'key': key, 'routing': sop.routing_due(received),
                                     'response': sop.response_due(routed, received) if routed else None}
                                    for key, received, routed in rows])
        last = rows[-1][0]
    op.drop_index('ix_complaints_dashboard', 'complaints')
    op.create_index('ix_complaints_reports', 'complaints', REPORTS)
    op.drop_index('ix_complaints_status_due', 'complaints')
    op.create_index('ix_complaints_status_due', 'complaints', ['status', 'due_at', 'id'])
    op.drop_index('ix_complaints_agency', 'complaints')
    op.create_index('ix_complaints_agency', 'complaints', ['agency', 'status', 'due_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_complaints_agency', 'complaints')
    op.create_index('ix_complaints_agency', 'complaints', ['agency'])
    op.drop_index('ix_complaints_status_due', 'complaints')
    op.create_index('ix_complaints_status_due', 'complaints', ['status', 'due_at'])
    op.drop_index('ix_complaints_reports', 'complaints')
    op.create_index('ix_complaints_dashboard', 'complaints', DASHBOARD)
    with op.batch_alter_table('complaints') as batch:
        batch.drop_column('response_due_at')
        batch.drop_column('routing_due_at')
