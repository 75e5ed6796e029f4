"""Reviews: a player's rating of a venue after a game there (one per player and game, the database
refuses a second), the venue's answer, and an admin's hiding of abuse.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("answer", sa.String(500), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("booking_id", "player_id", name="uq_reviews_booking_player"),
    )
    op.create_index("ix_reviews_venue_created", "reviews", ["venue_id", "hidden", "created_at"])


def downgrade() -> None:
    op.drop_table("reviews")
