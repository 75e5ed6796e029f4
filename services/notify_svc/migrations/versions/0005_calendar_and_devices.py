"""Calendar entries and feeds, several push devices per user, and a calendar attached to an email.

- `calendar_entries`: one per booking and player told about it, with the SEQUENCE its .ics carries.
- `calendar_feeds`: a player's private feed, kept as the SHA-256 of its secret token.
- `devices`: a user's FCM tokens (several phones); the single `recipients.device_token` moves there.
- `deliveries.calendar`: the iCalendar text attached to an email delivery.

Revision ID: 0005
Revises: 0004
"""

import uuid

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_entries",
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("venue_name", sa.String(200), nullable=False),
        sa.Column("court_name", sa.String(200), nullable=False),
        sa.Column("venue_address", sa.String(300), nullable=False),
        sa.Column("venue_phone", sa.String(32), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("end_time", UtcDateTime(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("booking_id", "user_id"),
    )
    op.create_index("ix_calendar_entries_user", "calendar_entries", ["user_id", "start_time"])
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("token", sa.String(4096), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_devices_user", "devices", ["user_id", "created_at"])
    connection = op.get_bind()
    moved = connection.execute(sa.text(
        "SELECT user_id, device_token, updated_at FROM recipients WHERE device_token <> ''")).all()
    for user_id, token, updated_at in moved:
        connection.execute(sa.text("INSERT INTO devices (id, user_id, token, created_at) VALUES (:id, :u, :t, :c)"),
                           {"id": str(uuid.uuid4()), "u": user_id, "t": token, "c": updated_at})
    with op.batch_alter_table("recipients") as table:
        table.drop_column("device_token")
    with op.batch_alter_table("deliveries") as table:
        table.add_column(sa.Column("calendar", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as table:
        table.drop_column("calendar")
    with op.batch_alter_table("recipients") as table:
        table.add_column(sa.Column("device_token", sa.String(4096), nullable=False, server_default=""))
    op.drop_index("ix_devices_user", "devices")
    op.drop_table("devices")
    op.drop_table("calendar_feeds")
    op.drop_index("ix_calendar_entries_user", "calendar_entries")
    op.drop_table("calendar_entries")
