"""The waitlist: players in line for a taken slot, and the offers of freed slots, one player at a
time (each held by a pending booking, so the no-double-booking invariant decides every race).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id")),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("window_start", UtcDateTime(), nullable=False),
        sa.Column("window_end", UtcDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("joined_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_waitlist_entries_venue_state", "waitlist_entries", ["venue_id", "state", "joined_at"])
    op.create_index("ix_waitlist_entries_player_state", "waitlist_entries", ["player_id", "state"])
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("entry_id", sa.String(36), sa.ForeignKey("waitlist_entries.id"), nullable=False),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id"), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("end_time", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("entry_id", "court_id", "start_time", name="uq_waitlist_offers_entry_slot"),
    )
    op.create_index("ix_waitlist_offers_state_expires", "waitlist_offers", ["state", "expires_at"])


def downgrade() -> None:
    op.drop_table("waitlist_offers")
    op.drop_table("waitlist_entries")
