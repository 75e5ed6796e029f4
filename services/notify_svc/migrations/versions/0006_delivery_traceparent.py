"""A delivery keeps the W3C traceparent of the work that queued it, so that its sending, later and in
the delivery job, joins that work's trace (e.g. a booking's).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as table:
        table.add_column(sa.Column("traceparent", sa.String(55), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as table:
        table.drop_column("traceparent")
