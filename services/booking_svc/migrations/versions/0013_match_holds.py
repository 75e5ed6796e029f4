"""Match holds: a booking that holds a free court for an open match (match_svc's HoldCourtForMatch)
names the match; only that match's events book or release it. One hold per match.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column and an index, not a batch: SQLite's no-double-booking triggers stay on the table.
    op.add_column("bookings", sa.Column("match_id", sa.String(36), nullable=True))
    op.create_index("uq_bookings_match_id", "bookings", ["match_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_bookings_match_id", table_name="bookings")
    op.execute("ALTER TABLE bookings DROP COLUMN match_id")  # SQLite 3.35+ and PostgreSQL alike
