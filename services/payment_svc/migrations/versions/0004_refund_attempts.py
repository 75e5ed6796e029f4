"""Refunds that send once: a refund remembers that it was sent (so a lost answer is looked up at
the provider before it is sent again), the provider's own reference of it (the receipt shows it),
and a refusal by the provider (failed, for the venue or support to settle).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refunds") as refunds:
        refunds.add_column(sa.Column("tries", sa.Integer(), nullable=False, server_default="0"))
        refunds.add_column(sa.Column("provider_reference", sa.String(64), nullable=False, server_default=""))
        refunds.add_column(sa.Column("failed_at", UtcDateTime(), nullable=True))
        refunds.add_column(sa.Column("failure", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("refunds") as refunds:
        for column in ("failure", "failed_at", "provider_reference", "tries"):
            refunds.drop_column(column)
