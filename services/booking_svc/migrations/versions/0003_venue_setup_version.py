"""A venue's setup version: raised by every change to its settings, courts or prices (in that
change's transaction), so each replica knows whether the setup it keeps for availability is current.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("venues", sa.Column("setup_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("venues") as batch:
        batch.drop_column("setup_version")
