"""The venue's phone number, for players' booking messages.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("venues", sa.Column("phone", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("venues") as batch:
        batch.drop_column("phone")
