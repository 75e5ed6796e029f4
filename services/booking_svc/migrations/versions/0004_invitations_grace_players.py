"""Invitations with consent (one row per invited player of a booking: pending, accepted or declined)
, the venue's cancellation grace period (minutes after booking in which cancelling is free), and the
players booking_svc has heard of from auth's UserRegistered (name and phone, for the venue's staff).

Existing bookings' invited players become pending invitations.

Revision ID: 0004
Revises: 0003
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("venues", sa.Column("cancellation_grace_minutes", sa.Integer(), nullable=False,
                                      server_default="10"))
    invitations = op.create_table(
        "invitations",
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), primary_key=True),
        sa.Column("player_id", sa.String(36), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("invited_at", UtcDateTime(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_invitations_player", "invitations", ["player_id", "state"])
    op.create_table(
        "players",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
    )
    bookings = op.get_bind().execute(sa.text("SELECT id, participant_ids FROM bookings")).fetchall()
    now = dt.datetime.now(dt.timezone.utc)
    rows = [{"booking_id": booking_id, "player_id": player_id, "state": "pending", "invited_at": now,
             "answered_at": None}
            for booking_id, listed in bookings
            for player_id in (json.loads(listed) if isinstance(listed, str) else listed or [])]
    if rows:
        op.bulk_insert(invitations, rows)


def downgrade() -> None:
    op.drop_table("players")
    op.drop_index("ix_invitations_player", table_name="invitations")
    op.drop_table("invitations")
    with op.batch_alter_table("venues") as batch:
        batch.drop_column("cancellation_grace_minutes")
