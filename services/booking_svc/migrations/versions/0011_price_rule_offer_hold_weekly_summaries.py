"""The owner's side of issue 16: each booking remembers the price rule that priced it (revenue by price
rule) and, while it is a waitlist offer's hold, the offer; each venue's weekly summaries sent (one per
venue and week, so a restart never sends a week twice).

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite, which would drop the no-double-booking triggers).
    # No foreign key: an owner's new prices replace the rules, the bookings keep the id they had.
    op.add_column("bookings", sa.Column("price_rule_id", sa.String(36), nullable=True))
    op.add_column("bookings", sa.Column("waitlist_offer_id", sa.String(36), nullable=True))
    op.create_table(
        "weekly_summaries",
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), primary_key=True),
        sa.Column("week_start", sa.Date(), primary_key=True),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("weekly_summaries")
    op.drop_column("bookings", "waitlist_offer_id")
    op.drop_column("bookings", "price_rule_id")
