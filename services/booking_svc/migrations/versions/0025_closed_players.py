"""Closed players: an account deleted (auth's AccountDeleted) is remembered by its id alone, so a match
event sent before match_svc heard of the deletion (a newcomer's PlayerJoined still listing them) does not
seat the person on the booking again.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("closed_players",
                    sa.Column("player_id", sa.String(36), primary_key=True),
                    sa.Column("closed_at", UtcDateTime(), nullable=False))


def downgrade() -> None:
    op.drop_table("closed_players")
