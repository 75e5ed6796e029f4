"""match_tries: how many times a player joined or asked to join a match (at most domain.MAX_TRIES).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_tries",
        sa.Column("match_id", sa.String(36), sa.ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("player_id", sa.String(36), primary_key=True),
        sa.Column("times", sa.Integer(), nullable=False),
    )
    op.create_index("ix_match_tries_player_id", "match_tries", ["player_id"])


def downgrade() -> None:
    op.drop_index("ix_match_tries_player_id", "match_tries")
    op.drop_table("match_tries")
