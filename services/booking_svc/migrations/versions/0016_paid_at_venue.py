"""Whether a venue (and each booking, as it was when booked) is paid at the venue, from payment_svc's
VenuePaymentChanged: a cancellation fee is then due at the venue.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("venues", "bookings"):
        op.add_column(table, sa.Column("paid_at_venue", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    for table in ("venues", "bookings"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("paid_at_venue")
