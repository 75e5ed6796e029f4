"""Players who left a booking late (after the venue's free-cancellation time), whose paid share keeps
paying for their place until a newcomer takes it: not refunded before.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("held_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("held_ids")
