"""Recurring series (the rule, the clashes, the booked games) and each venue's terms for series and
its waitlist. Games are ordinary bookings: the no-double-booking invariant covers them unchanged.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "venue_terms",
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), primary_key=True),
        sa.Column("series_horizon_days", sa.Integer(), nullable=False),
        sa.Column("max_series_per_player", sa.Integer(), nullable=False),
        sa.Column("waitlist_offer_minutes", sa.Integer(), nullable=False),
    )
    op.create_table(
        "booking_series",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id"), nullable=False),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("rule", sa.String(2000), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("clashes", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("player_id", "idempotency_key", name="uq_booking_series_player_idempotency_key"),
    )
    op.create_table(
        "series_games",
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), primary_key=True),
        sa.Column("series_id", sa.String(36), sa.ForeignKey("booking_series.id"), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("series_games")
    op.drop_table("booking_series")
    op.drop_table("venue_terms")
