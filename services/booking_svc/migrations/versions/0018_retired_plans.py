"""Retired membership plans (issue 16): when the owner stopped offering a plan.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("membership_plans", sa.Column("retired_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("membership_plans") as plans:
        plans.drop_column("retired_at")
