"""Newcomers who took a late leaver's place and have not paid yet: the leaver's paid share still holds
the place until the newcomer's share is paid (it was refunded when the newcomer joined).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("taker_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("taker_ids")
