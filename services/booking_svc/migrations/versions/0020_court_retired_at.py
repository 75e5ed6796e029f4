"""When a court was retired, so the owner's report counts its open minutes up to then. Courts retired
before this revision keep no time (their report counts them closed, as it did).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("courts", sa.Column("retired_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("courts") as batch:
        batch.drop_column("retired_at")
