"""What is kept of deleted accounts: the user id, a keyed hash of the email and the time.

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
    op.create_table(
        "deleted_accounts",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("email_hash", sa.String(64), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_deleted_accounts_email_hash", "deleted_accounts", ["email_hash"])


def downgrade() -> None:
    op.drop_table("deleted_accounts")
