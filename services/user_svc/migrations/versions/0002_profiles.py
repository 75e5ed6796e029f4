"""user_svc's tables: profiles, preferences, connections, avatars and venue visits.

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
        "profiles",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("display_name_chosen", sa.Boolean, nullable=False),
        sa.Column("bio", sa.Text, nullable=False),
        sa.Column("city", sa.Integer, nullable=False),
        sa.Column("city_other", sa.String(100), nullable=False),
        sa.Column("skill_level", sa.Float, nullable=False),
        sa.Column("skill_source", sa.Integer, nullable=False),
        sa.Column("play_frequency", sa.Integer, nullable=False),
        sa.Column("preferred_play_times", sa.JSON, nullable=False),
        sa.Column("preferred_hand", sa.Integer, nullable=False),
        sa.Column("court_side", sa.Integer, nullable=False),
        sa.Column("matches_played", sa.Integer, nullable=False),
        sa.Column("minutes_on_court", sa.BigInteger, nullable=False),
        sa.Column("venues_visited", sa.Integer, nullable=False),
        sa.Column("no_shows", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "preferences",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("profiles.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.Integer, nullable=False),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("kinds", sa.JSON, nullable=False),
        sa.Column("quiet_hours_start", sa.String(5), nullable=False),
        sa.Column("quiet_hours_end", sa.String(5), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "connections",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("profiles.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("other_id", sa.String(36), sa.ForeignKey("profiles.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    # Listing pages through one player's rows in (created_at, other_id) order.
    op.create_index("ix_connections_listing", "connections", ["user_id", "status", "created_at", "other_id"])
    # "Did anyone block this player?" looks rows up from the other side.
    op.create_index("ix_connections_other", "connections", ["other_id", "user_id"])
    op.create_table(
        "avatars",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("profiles.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "venue_visits",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("profiles.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("venue_id", sa.String(36), primary_key=True),
        sa.Column("first_visit_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("venue_visits", "avatars", "connections", "preferences", "profiles"):
        op.drop_table(table)
