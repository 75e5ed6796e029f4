"""Reminders per booking and player: invited players are reminded too, each once.

The table is rebuilt (SQLite cannot change a primary key in place); existing rows keep their
booking's player as `user_id`, so pending reminders survive the upgrade.

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

COLUMNS = ("booking_id", "user_id", "venue_name", "court_name", "time_zone", "start_time", "end_time",
           "remind_at", "status", "updated_at")


def _create(name: str, key: list[str]) -> None:
    op.create_table(
        name,
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("venue_name", sa.String(200), nullable=False),
        sa.Column("court_name", sa.String(200), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("end_time", UtcDateTime(), nullable=False),
        sa.Column("remind_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(*key),
    )


def _rebuild(key: list[str], scratch: str) -> None:
    """Copies reminders into a table with the new key; `scratch` differs per direction because
    PostgreSQL keeps the primary key's index name across the rename."""
    columns = ", ".join(COLUMNS)
    _create(scratch, key)
    op.execute(f"INSERT INTO {scratch} ({columns}) SELECT {columns} FROM reminders")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_table("reminders")
    op.rename_table(scratch, "reminders")
    op.create_index("ix_reminders_due", "reminders", ["status", "remind_at"])


def upgrade() -> None:
    _rebuild(["booking_id", "user_id"], "reminders_per_player")


def downgrade() -> None:
    # One row per booking again; which player keeps it is arbitrary (the old schema had no room for more).
    op.execute("DELETE FROM reminders WHERE EXISTS (SELECT 1 FROM reminders AS other WHERE "
               "other.booking_id = reminders.booking_id AND other.user_id < reminders.user_id)")
    _rebuild(["booking_id"], "reminders_per_booking")
