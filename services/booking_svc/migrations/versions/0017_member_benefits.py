"""Memberships' benefits and members-only hours (issue 16), and each player's share price (issue 14):
a plan's member price rules, further horizon, more bookings a day and later free cancellation; the
venue's members-only hours; which reminders a membership's period has had; a booking's price per
player.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("membership_plans", sa.Column("price_rules", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("membership_plans", sa.Column("extra_horizon_days", sa.Integer(), nullable=False,
                                                server_default="0"))
    op.add_column("membership_plans", sa.Column("extra_bookings_per_day", sa.Integer(), nullable=False,
                                                server_default="0"))
    op.add_column("membership_plans", sa.Column("free_until_hours", sa.Integer(), nullable=True))
    for column in ("due_reminded_for", "grace_reminded_for", "expiry_told_for"):
        op.add_column("memberships", sa.Column(column, UtcDateTime(), nullable=True))
    op.create_index("ix_memberships_venue_created", "memberships", ["venue_id", "created_at"])
    op.create_index("ix_memberships_paid_until", "memberships", ["paid_until"])
    op.add_column("venues", sa.Column("member_hours", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("bookings", sa.Column("court_price_paisa", sa.BigInteger(), nullable=True))
    op.add_column("bookings", sa.Column("player_prices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("player_prices")
        bookings.drop_column("court_price_paisa")
    with op.batch_alter_table("venues") as venues:
        venues.drop_column("member_hours")
    op.drop_index("ix_memberships_paid_until", "memberships")
    op.drop_index("ix_memberships_venue_created", "memberships")
    with op.batch_alter_table("memberships") as memberships:
        for column in ("expiry_told_for", "grace_reminded_for", "due_reminded_for"):
            memberships.drop_column(column)
    with op.batch_alter_table("membership_plans") as plans:
        for column in ("free_until_hours", "extra_bookings_per_day", "extra_horizon_days", "price_rules"):
            plans.drop_column(column)
