"""Lotteries of prime slots: the slot (closed to booking until the draw), the seed and drawn order
kept for audit, and the entries (one per player, the database refuses a second).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lotteries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False, index=True),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id"), nullable=False),
        sa.Column("closure_id", sa.String(36), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("entries_close_at", UtcDateTime(), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("drawn_order", sa.JSON(), nullable=False),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id")),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "lottery_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("lottery_id", sa.String(36), sa.ForeignKey("lotteries.id"), nullable=False),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("lottery_id", "player_id", name="uq_lottery_entries_player"),
    )


def downgrade() -> None:
    op.drop_table("lottery_entries")
    op.drop_table("lotteries")
