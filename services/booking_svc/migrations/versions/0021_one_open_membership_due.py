"""A player has one payment of a plan due at a time: the database refuses a second, so two joins at
once answer with the same due (the loser reads the winner's) instead of two bills for one period.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OPEN = sa.text("state = 'due'")


def upgrade() -> None:
    # Two dues a race already opened: the older stands; a payment of the other is refunded when its
    # capture arrives (booking_svc withdraws a capture of a due that is not due any more).
    op.execute("""
        UPDATE membership_dues SET state = 'withdrawn', settled_at = created_at
        WHERE state = 'due' AND EXISTS (
            SELECT 1 FROM membership_dues AS older
            WHERE older.plan_id = membership_dues.plan_id AND older.player_id = membership_dues.player_id
              AND older.state = 'due'
              AND (older.created_at < membership_dues.created_at
                   OR (older.created_at = membership_dues.created_at AND older.id < membership_dues.id)))
    """)
    op.create_index("ux_membership_dues_open", "membership_dues", ["plan_id", "player_id"], unique=True,
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index("ux_membership_dues_open", table_name="membership_dues")
