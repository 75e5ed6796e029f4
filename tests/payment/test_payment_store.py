"""The database keeps the ledger honest on SQLite and PostgreSQL alike: entries cannot be changed or
deleted, a share's capture, refund and fee count once, and a pending payment is settled once."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import delete, exc, update

from payment_svc import store
from payment_svc.domain import EntryKind, PaymentState

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def a_booking(database, booking_row, payment_row) -> tuple[str, str, str]:
    """A pending booking of PKR 5,000 paid online, its booker's one share, and an attempt paying it:
    their ids."""
    share_id = str(uuid.uuid4())
    with database.session() as session:
        booking_id = booking_row(session, "b", price_paisa=500000, status="pending")
        session.add(store.Share(id=share_id, booking_id=booking_id, player_id="b", position=0, amount_paisa=500000,
                                state="due", due_by=NOW))
        payment_id = payment_row(session, booking_id, "b", "pending", amount_paisa=500000, share_ids=[share_id],
                                 next_inquiry_at=NOW)
    return booking_id, share_id, payment_id


def test_ledger_entries_can_be_neither_changed_nor_deleted(database, a_booking):
    booking_id, share_id, payment_id = a_booking
    with database.session() as session:
        store.record(session, booking_id, EntryKind.CAPTURED, 500000, NOW, share_id, payment_id)
    for change in (update(store.LedgerEntry).values(amount_paisa=1), delete(store.LedgerEntry)):
        with pytest.raises(exc.DatabaseError, match="immutable"):
            with database.session() as session:
                session.execute(change.where(store.LedgerEntry.booking_id == booking_id))
    with database.session(read_only=True) as session:
        assert [(e.kind, e.amount_paisa) for e in store.entries_of(session, booking_id)] == [("captured", 500000)]


@pytest.mark.parametrize("kind", [EntryKind.CAPTURED, EntryKind.REFUNDED, EntryKind.FEE])
def test_a_share_is_captured_refunded_and_charged_a_fee_once(database, a_booking, kind):
    booking_id, share_id, payment_id = a_booking
    with database.session() as session:
        store.record(session, booking_id, kind, 100, NOW, share_id, payment_id)
    with pytest.raises(exc.IntegrityError):
        with database.session() as session:
            store.record(session, booking_id, kind, 100, NOW, share_id, payment_id)
    with database.session() as session:  # a commission entry is per booking, and may be a reversal
        store.record(session, booking_id, EntryKind.COMMISSION, 50000, NOW)
        store.record(session, booking_id, EntryKind.COMMISSION, -25000, NOW)


def test_a_pending_payment_is_settled_once(database, a_booking):
    _, _, payment_id = a_booking
    with database.session() as session:
        payment = session.get(store.Payment, payment_id)
        assert store.settle(session, payment, PaymentState.CAPTURED, NOW)
    with database.session() as session:
        payment = session.get(store.Payment, payment_id)
        assert not store.settle(session, payment, PaymentState.DECLINED, NOW)
        assert payment.state == "captured"


def test_money_is_never_negative_where_it_cannot_be(database, a_booking):
    booking_id, share_id, payment_id = a_booking
    with pytest.raises(exc.IntegrityError):
        with database.session() as session:
            store.record(session, booking_id, EntryKind.REFUNDED, -1, NOW, share_id, payment_id)
