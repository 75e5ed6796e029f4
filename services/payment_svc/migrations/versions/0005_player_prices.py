"""Each player's share price of a booking as booking_svc announces it (a member's own share at their
member price, issue 14): the bill is split, and re-balanced after money moved, by them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("player_prices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("player_prices")
