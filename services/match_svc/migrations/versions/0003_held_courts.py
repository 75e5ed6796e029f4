"""Matches on a held court (issue 15): a match opened on a free slot holds the court until its
deadline (`held_until`) and is `court_booked` once enough players joined; every match so far was
opened on its organiser's booking, so it is booked.

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
    op.add_column("matches", sa.Column("held_until", UtcDateTime(), nullable=True))
    op.add_column("matches", sa.Column("court_booked", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_index("ix_matches_held", "matches", ["court_booked", "held_until"])


def downgrade() -> None:
    op.drop_index("ix_matches_held", table_name="matches")
    with op.batch_alter_table("matches") as batch:
        batch.drop_column("court_booked")
        batch.drop_column("held_until")
