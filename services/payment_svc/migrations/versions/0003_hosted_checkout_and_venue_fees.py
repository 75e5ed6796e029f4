"""Hosted checkouts and fees due at the venue: a payment attempt says whether the player pays on the
provider's own page (its first inquiry waits for the page to expire), and a booking paid at the
venue may owe a late-cancellation or no-show fee there, due until the owner records it collected;
a booking whose players or price changed while a payment was pending re-balances its bill once it settles.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as payments:
        payments.add_column(sa.Column("hosted", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("bookings") as bookings:
        bookings.add_column(sa.Column("rebalance_due", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "venue_fees",
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), primary_key=True),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("amount_paisa", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("collected_at", UtcDateTime()),
        sa.Column("collected_by", sa.String(36)),
        sa.CheckConstraint("amount_paisa > 0", name="ck_venue_fees_amount"),
        sa.CheckConstraint("state IN ('due', 'collected')", name="ck_venue_fees_state"),
    )


def downgrade() -> None:
    op.drop_table("venue_fees")
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("rebalance_due")
    with op.batch_alter_table("payments") as payments:
        payments.drop_column("hosted")
