"""match_svc's tables: matches, seats, join requests, ratings and level history.

A seat is taken by exactly one player: the primary key (match_id, side, place) and the unique
(match_id, player_id) let the database decide a race for the last place.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("organiser_id", sa.String(36), nullable=False, index=True),
        sa.Column("booking_id", sa.String(36), nullable=False, unique=True),
        sa.Column("venue_id", sa.String(36), nullable=False),
        sa.Column("venue_name", sa.String(120), nullable=False),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("city_key", sa.String(60), nullable=False),
        sa.Column("court_id", sa.String(36), nullable=False),
        sa.Column("court_name", sa.String(120), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("end_time", UtcDateTime(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("local_date", sa.String(10), nullable=False),
        sa.Column("local_start", sa.String(5), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("gender_mode", sa.String(8), nullable=False),
        sa.Column("min_level", sa.Float, nullable=False),
        sa.Column("max_level", sa.Float, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("free_places", sa.Integer, nullable=False),
        sa.Column("result_sets", sa.JSON, nullable=True),
        sa.Column("winner", sa.String(1), nullable=True),
        sa.Column("result_status", sa.String(10), nullable=True),
        sa.Column("recorded_by", sa.String(36), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=True),
        sa.Column("answered_by", sa.String(36), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_matches_browse", "matches", ["status", "start_time", "id"])
    op.create_index("ix_matches_pending_results", "matches", ["result_status", "recorded_at"])
    op.create_table(
        "seats",
        sa.Column("match_id", sa.String(36), sa.ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("side", sa.String(1), primary_key=True),
        sa.Column("place", sa.Integer, primary_key=True),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("gender", sa.String(12), nullable=False),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("joined_at", UtcDateTime(), nullable=False),
        sa.Column("no_show", sa.Boolean, nullable=False),
        sa.UniqueConstraint("match_id", "player_id", name="uq_seats_player"),
    )
    op.create_table(
        "join_requests",
        sa.Column("match_id", sa.String(36), sa.ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("player_id", sa.String(36), primary_key=True),
        sa.Column("side", sa.String(1), nullable=False),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("approved_by", sa.JSON, nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "ratings",
        sa.Column("player_id", sa.String(36), primary_key=True),
        sa.Column("mu", sa.Float, nullable=False),
        sa.Column("sigma", sa.Float, nullable=False),
        sa.Column("gender", sa.String(12), nullable=False),
        sa.Column("matches_counted", sa.Integer, nullable=False),
        sa.Column("matches_played", sa.Integer, nullable=False),
        sa.Column("no_shows", sa.Integer, nullable=False),
        sa.Column("late_drop_outs", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "level_history",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("match_id", sa.String(36), nullable=False),
        sa.Column("level_before", sa.Float, nullable=False),
        sa.Column("level_after", sa.Float, nullable=False),
        sa.Column("reliability_after", sa.Float, nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_level_history_player", "level_history", ["player_id", "changed_at", "id"])


def downgrade() -> None:
    for table in ("level_history", "ratings", "join_requests", "seats", "matches"):
        op.drop_table(table)
