"""Match seats on an organiser's own booking: an invitation a match's seat made names the match, so a
player leaving the match takes off only the players the match added, never the booker's own invitees.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invitations", sa.Column("match_id", sa.String(36), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE invitations DROP COLUMN match_id")  # SQLite 3.35+ and PostgreSQL alike
