"""The platform's commission on a cancellation's fee, kept on the booking so the owner's report nets
the fee as payments' payout report does; cancellations made before get theirs by the rule as it stood
at this revision (`mesh.commission.commission_on` on 2026-12-07), written out here so a later change to
that rule never changes what this revision did.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _commission_on(commission: int, price: int, part: int) -> int:
    """The share of a booking's `commission` that falls on `part` of its `price` (rounded down)."""
    return commission * part // price if price else 0


def upgrade() -> None:
    op.add_column("bookings", sa.Column("cancellation_commission_paisa", sa.BigInteger(), nullable=True))
    bookings = sa.table("bookings", sa.column("id", sa.String), sa.column("price_paisa", sa.BigInteger),
                        sa.column("commission_paisa", sa.BigInteger), sa.column("cancellation_fee_paisa", sa.BigInteger),
                        sa.column("cancellation_commission_paisa", sa.BigInteger))
    connection = op.get_bind()
    cancelled = connection.execute(sa.select(bookings.c.id, bookings.c.commission_paisa, bookings.c.price_paisa,
                                             bookings.c.cancellation_fee_paisa)
                                   .where(bookings.c.cancellation_fee_paisa.is_not(None))).all()
    for booking_id, commission, price, fee in cancelled:
        connection.execute(bookings.update().where(bookings.c.id == booking_id).values(
            cancellation_commission_paisa=_commission_on(commission, price, fee)))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("cancellation_commission_paisa")
