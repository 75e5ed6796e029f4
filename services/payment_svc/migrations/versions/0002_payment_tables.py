"""How venues are paid, bookings as payments knows them, shares, payment attempts, the append-only ledger, refunds and
counted callbacks.

The ledger refuses UPDATE and DELETE (a trigger on both databases), and a share's capture, refund
and fee are each recorded once (partial unique indexes).

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

ONCE = ("captured", "refunded", "fee")


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("venue_id", sa.String(36), nullable=False, index=True),
        sa.Column("booker_id", sa.String(36), nullable=False),
        sa.Column("player_ids", sa.JSON(), nullable=False),
        sa.Column("start_time", UtcDateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("price_paisa", sa.BigInteger(), nullable=False),
        sa.Column("online_paisa", sa.BigInteger(), nullable=False),
        sa.Column("commission_paisa", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_bookings_venue_day", "bookings", ["venue_id", "local_date", "id"])
    op.create_table(
        "venue_payments",
        sa.Column("venue_id", sa.String(36), primary_key=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("deposit_percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False, index=True),
        sa.Column("player_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount_paisa", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_by", UtcDateTime(), nullable=False, index=True),
        sa.Column("paid_by", sa.String(36)),
        sa.Column("payment_id", sa.String(36)),
        sa.CheckConstraint("amount_paisa >= 0", name="ck_shares_amount"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False, index=True),
        sa.Column("payer_id", sa.String(36), nullable=False, index=True),
        sa.Column("wallet", sa.String(20), nullable=False),
        sa.Column("amount_paisa", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("mobile_number", sa.String(11), nullable=False),
        sa.Column("share_ids", sa.JSON(), nullable=False),
        sa.Column("provider_reference", sa.String(64), nullable=False),
        sa.Column("provider_message", sa.String(200), nullable=False),
        sa.Column("next_inquiry_at", UtcDateTime()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("amount_paisa > 0", name="ck_payments_amount"),
    )
    op.create_index("ix_payments_pending", "payments", ["next_inquiry_at"],
                    postgresql_where=sa.text("state = 'pending'"), sqlite_where=sa.text("state = 'pending'"))
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False, index=True),
        sa.Column("share_id", sa.String(36)),
        sa.Column("payment_id", sa.String(36)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount_paisa", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('captured', 'refunded', 'fee', 'commission')", name="ck_ledger_kind"),
        sa.CheckConstraint("kind = 'commission' OR amount_paisa >= 0", name="ck_ledger_amount"),
    )
    for kind in ONCE:
        op.create_index(f"ux_ledger_{kind}_once", "ledger_entries", ["share_id"], unique=True,
                        postgresql_where=sa.text(f"kind = '{kind}'"), sqlite_where=sa.text(f"kind = '{kind}'"))
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("booking_id", sa.String(36), sa.ForeignKey("bookings.id"), nullable=False),
        sa.Column("share_id", sa.String(36), nullable=False, unique=True),
        sa.Column("payment_id", sa.String(36), sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("amount_paisa", sa.BigInteger(), nullable=False),
        sa.Column("fee_paisa", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("sent_at", UtcDateTime()),
        sa.Column("next_try_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "callbacks",
        sa.Column("wallet", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("payment_id", sa.String(36), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    _ledger_append_only()


def _ledger_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ledger_entries_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'ledger entries are immutable'; END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
                      FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER ledger_entries_no_{action.lower()} BEFORE {action} ON ledger_entries
                           BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END""")


def downgrade() -> None:
    for table in ("callbacks", "refunds", "ledger_entries", "payments", "shares", "venue_payments", "bookings"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_append_only()")
