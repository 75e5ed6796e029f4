"""Revocations in the database, the source of truth of the Redis revocation cache: revoked access
tokens and per-user cut-offs.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_access_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_revoked_access_tokens_expires_at", "revoked_access_tokens", ["expires_at"])
    op.create_table(
        "access_cut_offs",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("cut_off_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_access_cut_offs_expires_at", "access_cut_offs", ["expires_at"])


def downgrade() -> None:
    op.drop_table("access_cut_offs")
    op.drop_table("revoked_access_tokens")
