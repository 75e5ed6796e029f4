"""Membership plans paid online (issue 16): a bill, and each attempt paying it, names its membership.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("membership_id", sa.String(36), nullable=True))
    op.add_column("payments", sa.Column("membership_id", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments") as payments:
        payments.drop_column("membership_id")
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("membership_id")
