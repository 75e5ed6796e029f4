"""Closed payers: an account deleted while an attempt of its was pending is remembered, so that
attempt's wallet number is erased once it settles (the provider's inquiry needs it until then).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("closed_payers",
                    sa.Column("payer_id", sa.String(36), primary_key=True),
                    sa.Column("closed_at", UtcDateTime(), nullable=False))


def downgrade() -> None:
    op.drop_table("closed_payers")
