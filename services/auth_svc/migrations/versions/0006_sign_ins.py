"""Each account's sign-in history: when, from which client address, how, and how it ended.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("client_address", sa.String(64), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    op.create_index("ix_sign_ins_at", "sign_ins", ["at"])
    op.create_index("ix_sign_ins_user_at", "sign_ins", ["user_id", "at"])


def downgrade() -> None:
    op.drop_table("sign_ins")
