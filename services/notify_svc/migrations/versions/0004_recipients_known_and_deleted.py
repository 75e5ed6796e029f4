"""Recipients record when auth or user_svc first told notify about the user (`known_since`) and
when the account was deleted (`deleted_at`).

Until `known_since` a row is only an id notify saw in a booking (an invited player); admin sends
reach known users only. Rows with an address came from auth's events, so they count as known. A
deleted account's row keeps only the id, so that events arriving later (a booking cancelled by
policy, an invitation still in flight) queue nothing and remember nothing about the person.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recipients") as table:
        table.add_column(sa.Column("known_since", UtcDateTime(), nullable=True))
        table.add_column(sa.Column("deleted_at", UtcDateTime(), nullable=True))
    op.execute("UPDATE recipients SET known_since = updated_at WHERE email <> '' OR phone <> ''")


def downgrade() -> None:
    with op.batch_alter_table("recipients") as table:
        table.drop_column("deleted_at")
        table.drop_column("known_since")
