"""A match hold runs out minutes after it was made unless match_svc says its match opened: the term
asked for (the match's deadline) waits in `match_hold_until` until MatchOpened gives it to the hold.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("match_hold_until", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("match_hold_until")
