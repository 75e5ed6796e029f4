"""Venues, courts, closures, price rules and bookings, with the no-double-booking invariant.

Two live bookings (pending, confirmed, in progress) of one court never overlap: on PostgreSQL an
exclusion constraint over tstzrange (SQLSTATE 23P01 on a clash), on SQLite triggers that abort
with "court slot taken" (writers are serialized there: every transaction starts BEGIN IMMEDIATE).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from mesh.sqltypes import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LIVE = "('pending', 'confirmed', 'in_progress')"


def upgrade() -> None:
    op.create_table(
        "venues",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(36), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("city_key", sa.String(60), nullable=False, index=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("durations_minutes", sa.JSON(), nullable=False),
        sa.Column("free_until_hours", sa.Integer(), nullable=False),
        sa.Column("late_fee_percent", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("instant_confirmation", sa.Boolean(), nullable=False),
        sa.Column("hold_minutes", sa.Integer(), nullable=False),
        sa.Column("max_live_bookings_per_day", sa.Integer(), nullable=False),
        sa.Column("base_hourly_price_paisa", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "courts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False, index=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("environment", sa.Integer(), nullable=False),
        sa.Column("surface", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "closures",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id"), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("end_time", UtcDateTime(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Index("ix_closures_court_time", "court_id", "start_time"),
    )
    op.create_table(
        "price_rules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False, index=True),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id")),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("hourly_price_paisa", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("court_id", sa.String(36), sa.ForeignKey("courts.id"), nullable=False),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("participant_ids", sa.JSON(), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("end_time", UtcDateTime(), nullable=False),
        sa.Column("opening_date", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("price_paisa", sa.BigInteger(), nullable=False),
        sa.Column("commission_percent", sa.Integer(), nullable=False),
        sa.Column("commission_paisa", sa.BigInteger(), nullable=False),
        sa.Column("special_requests", sa.String(500), nullable=False),
        sa.Column("hold_expires_at", UtcDateTime()),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_fingerprint", sa.String(64), nullable=False),
        sa.Column("cancel_reason", sa.String(200)),
        sa.Column("cancelled_by", sa.String(36)),
        sa.Column("cancelled_at", UtcDateTime()),
        sa.Column("cancellation_fee_paisa", sa.BigInteger()),
        sa.Column("refund_paisa", sa.BigInteger()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("end_time > start_time", name="ck_bookings_time_order"),
        sa.UniqueConstraint("player_id", "idempotency_key", name="uq_bookings_player_idempotency_key"),
        sa.Index("ix_bookings_court_start", "court_id", "start_time"),
        sa.Index("ix_bookings_player_start", "player_id", "start_time"),
        sa.Index("ix_bookings_venue_opening_date", "venue_id", "opening_date"),
        sa.Index("ix_bookings_status_end", "status", "end_time"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_court_no_overlap EXCLUDE USING gist "
            "(court_id WITH =, tstzrange(start_time, end_time, '[)') WITH &&) "
            f"WHERE (status IN {LIVE})")
    else:
        # SQLite stores these timestamps as fixed-width UTC text, so text order is time order.
        clash = (f"SELECT RAISE(ABORT, 'court slot taken') WHERE EXISTS (SELECT 1 FROM bookings b "
                 f"WHERE b.court_id = NEW.court_id AND b.id != NEW.id AND b.status IN {LIVE} "
                 f"AND b.start_time < NEW.end_time AND NEW.start_time < b.end_time)")
        op.execute(f"CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings "
                   f"WHEN NEW.status IN {LIVE} BEGIN {clash}; END")
        op.execute(f"CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF court_id, start_time, end_time, status "
                   f"ON bookings WHEN NEW.status IN {LIVE} BEGIN {clash}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_update")
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_insert")
    for table in ("bookings", "price_rules", "closures", "courts", "venues"):
        op.drop_table(table)
