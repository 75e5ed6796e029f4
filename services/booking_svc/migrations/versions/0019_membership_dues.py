"""Membership plans paid online through payment_svc: each payment due (payment_svc's bill of the
same id), paid once online or at the desk, or withdrawn.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "membership_dues",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("membership_id", sa.String(36), nullable=False, index=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("membership_plans.id"), nullable=False),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("player_id", sa.String(36), nullable=False, index=True),
        sa.Column("amount_paisa", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("payment_id", sa.String(36), nullable=True),
        sa.Column("period_start", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("membership_dues")
