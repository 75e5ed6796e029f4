"""What the audit of issue 14 found, through payment_svc's use cases on SQLite with a wallet that
behaves as a real provider does: it keeps what it did (captures, refunds) whatever happens to its
answers, answers an inquiry about a reference it never received with "no such transaction", and
refuses a refund it cannot make."""

import datetime as dt
import uuid

import pytest
from padel.payment.v1 import events_pb2
from sqlalchemy import select

from mesh.db import Database, Joined
from mesh.errors import DomainError
from mesh.outbox import OutboxEvent
from payment_svc import metrics, store
from payment_svc.domain import BookingFacts, EntryKind, PaymentMode, PaymentState, ShareState, VenueFacts, Wallet
from payment_svc.providers import NoSuchTransaction, Outcome, ProviderDown, RefundRefused
from payment_svc.server import MIGRATIONS
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments
from payment_svc.service.payouts import Payouts
from payment_svc.service.refunds import Refunds
from payment_svc.service.venue_payments import VenuePayments
from test_payment_ledger import START, Clock, caller


class ProviderLike:
    """A wallet as the provider keeps it: what it did stays done, even when its answer is lost."""

    wallet = Wallet.JAZZCASH

    def __init__(self):
        self.received: dict[str, int] = {}  # reference → amount it took
        self.given_back: dict[str, int] = {}
        self.refunds_made = 0
        self.charge_answer = "captured"  # or "lost" (taken, answer lost), "never" (never reached it)
        self.refund_answer = "ok"  # or "lost" (made, answer lost), "refused"

    def charge(self, charge):
        if self.charge_answer == "never":
            raise ProviderDown("unreachable")
        self.received[charge.reference] = charge.amount
        if self.charge_answer == "lost":
            raise ProviderDown("timeout")
        return Outcome(charge.reference, PaymentState.CAPTURED, charge.amount, "RRN")

    def inquire(self, reference, mobile_number):
        if reference not in self.received:
            raise NoSuchTransaction(reference)
        return Outcome(reference, PaymentState.CAPTURED, self.received[reference], "RRN")

    def refunded(self, reference, mobile_number):
        if reference not in self.received:
            raise NoSuchTransaction(reference)
        return self.given_back.get(reference, 0)

    def refund(self, reference, refund_reference, amount):
        if self.refund_answer == "refused":
            raise RefundRefused("Refund not possible")
        self.given_back[reference] = self.given_back.get(reference, 0) + amount
        self.refunds_made += 1
        if self.refund_answer == "lost":
            raise ProviderDown("timeout")
        return "JC-REFUND-" + refund_reference


@pytest.fixture
def world(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'payment.db'}")
    database.migrate(MIGRATIONS)
    wallet, clock = ProviderLike(), Clock()
    bills = Bills(dt.timedelta(minutes=15), dt.timedelta(hours=2), clock)
    payments = Payments({Wallet.JAZZCASH: wallet}, clock, dt.timedelta(0), bills=bills)
    refunds = Refunds({Wallet.JAZZCASH: wallet}, clock, lambda _venue: VenueFacts("owner-1", True))
    yield database, wallet, clock, bills, payments, refunds
    database.dispose()


def a_booking(world, booker: str, price: int = 300000) -> str:
    database, _wallet, clock, bills, _payments, _refunds = world
    booking_id, venue_id = str(uuid.uuid4()), str(uuid.uuid4())
    VenuePayments(lambda _venue: VenueFacts("owner-1", True), clock).set(
        database, caller("owner-1"), venue_id, PaymentMode.FULL, 0)
    bills.record_booking(database, BookingFacts(booking_id, venue_id, booker, [booker], START, START.date(),
                                                price, price // 10, "pending"))
    return booking_id


def ledger(database, booking_id: str) -> list[tuple[str, int]]:
    with database.session(read_only=True) as session:
        return [(entry.kind, entry.amount_paisa) for entry in store.entries_of(session, booking_id)]


def published(database, kind) -> list:
    with database.session(read_only=True) as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type.like(f"%{kind.__name__}")))
        return [kind.FromString(row.payload) for row in rows]


def an_attempt(world, charge_answer: str) -> tuple[str, str, store.Payment]:
    """The booker's attempt at a new booking, the wallet answering as `charge_answer` says."""
    database, wallet, _clock, _bills, payments, _refunds = world
    booker = str(uuid.uuid4())
    booking_id = a_booking(world, booker)
    wallet.charge_answer = charge_answer
    payment = payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    return booker, booking_id, payment


def paid_then_cancelled(world, booker: str) -> str:
    database, _wallet, _clock, _bills, payments, refunds = world
    booking_id = a_booking(world, booker)
    payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    with database.session() as session:
        refunds.booking_cancelled(Joined(session), booking_id, 0)
    return booking_id


def test_a_refund_whose_answer_was_lost_is_looked_up_and_never_sent_twice(world):
    database, wallet, clock, _bills, _payments, refunds = world
    booker = str(uuid.uuid4())
    booking_id = paid_then_cancelled(world, booker)

    wallet.refund_answer = "lost"  # the provider gives the money back; its answer never arrives
    assert refunds.send_due(database) == 0
    wallet.refund_answer = "ok"
    clock.now += dt.timedelta(minutes=1)
    assert refunds.send_due(database) == 1
    clock.now += dt.timedelta(minutes=1)
    refunds.send_due(database)

    assert wallet.refunds_made == 1 and sum(wallet.given_back.values()) == 300000
    assert ledger(database, booking_id).count((EntryKind.REFUNDED.value, 300000)) == 1
    receipts = published(database, events_pb2.PaymentRefunded)
    assert len(receipts) == 1 and receipts[0].refund.amount_paisa == 300000


def test_a_refund_receipt_carries_the_refunds_own_reference_not_the_captures(world):
    database, _wallet, _clock, _bills, _payments, refunds = world
    paid_then_cancelled(world, str(uuid.uuid4()))
    refunds.send_due(database)
    receipt = published(database, events_pb2.PaymentRefunded)[0]
    assert receipt.refund_provider_reference == "JC-REFUND-" + receipt.refund_reference
    assert receipt.refund_provider_reference != receipt.payment.provider_reference
    with database.session(read_only=True) as session:
        assert session.scalar(select(store.Refund.provider_reference)) == receipt.refund_provider_reference


def test_a_refund_the_provider_refuses_is_recorded_failed_counted_and_told_not_retried(world):
    database, wallet, clock, _bills, _payments, refunds = world
    booker = str(uuid.uuid4())
    booking_id = paid_then_cancelled(world, booker)
    wallet.refund_answer = "refused"
    failed_before = metrics.REFUNDS_FAILED.labels("jazzcash")._value.get()

    refunds.send_due(database)
    for _ in range(3):
        clock.now += dt.timedelta(hours=2)
        refunds.send_due(database)

    assert metrics.REFUNDS_FAILED.labels("jazzcash")._value.get() == failed_before + 1
    with database.session(read_only=True) as session:
        refund = session.scalar(select(store.Refund))
        assert refund.failed_at is not None and refund.failure == "Refund not possible" and refund.tries == 1
    told = published(database, events_pb2.RefundFailed)
    assert len(told) == 1
    assert (told[0].payment.payer_id, told[0].venue_owner_id, told[0].refund.amount_paisa) == (booker, "owner-1", 300000)
    assert (EntryKind.REFUNDED.value, 300000) not in ledger(database, booking_id)
    with database.session(read_only=True) as session:
        venue_id = session.get(store.Booking, booking_id).venue_id
    report = Payouts(lambda _venue: VenueFacts("owner-1", True)).report(
        database, caller("owner-1"), venue_id, START.date(), 10, "")
    assert report.lines[0].refunds_failed == 300000 and report.totals.refunds_failed == 300000


def test_a_capture_that_names_no_amount_is_refused(world):
    database, payments = world[0], world[4]
    _booker, booking_id, payment = an_attempt(world, "never")
    with pytest.raises(DomainError) as refused:
        payments.settle(database, Outcome(payment.reference, PaymentState.CAPTURED, None, "X", callback_key="k"),
                        Wallet.JAZZCASH)
    assert refused.value.reason == "AMOUNT_MISMATCH"
    assert ledger(database, booking_id) == []


def test_an_attempt_the_provider_never_received_expires_and_frees_the_share(world):
    database, wallet, clock, _bills, payments, _refunds = world
    booker, booking_id, payment = an_attempt(world, "never")
    clock.now += dt.timedelta(minutes=5)  # before its expiry the provider may still record it: asked again
    payments.inquire_pending(database)
    assert payments.get_payment(database, caller(booker), payment.id).payment_state == PaymentState.PENDING

    for _ in range(10):
        clock.now += dt.timedelta(minutes=10)
        payments.inquire_pending(database)
    expired = payments.get_payment(database, caller(booker), payment.id)
    assert expired.payment_state == PaymentState.DECLINED and "expired" in expired.provider_message

    wallet.charge_answer = "captured"  # the share is free: the player pays again
    again = payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    assert again.payment_state == PaymentState.CAPTURED


def declined_then(world, booker: str) -> tuple[str, store.Payment]:
    """An attempt settled declined (the provider said so), whose money the provider then took."""
    database, wallet, _clock, _bills, payments, _refunds = world
    booking_id = a_booking(world, booker)
    wallet.charge_answer = "never"
    late = payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    payments.settle(database, Outcome(late.reference, PaymentState.DECLINED, None), Wallet.JAZZCASH)
    wallet.received[late.reference] = late.amount_paisa
    wallet.charge_answer = "captured"
    return booking_id, late


def late_success(world, payment: store.Payment) -> store.Payment:
    return world[4].settle(world[0], Outcome(payment.reference, PaymentState.CAPTURED, payment.amount_paisa, "LATE",
                                             callback_key="late-" + payment.reference), Wallet.JAZZCASH)


def test_a_success_after_a_decline_pays_the_share_when_nothing_else_did(world):
    database = world[0]
    booker = str(uuid.uuid4())
    booking_id, late = declined_then(world, booker)
    assert late_success(world, late).payment_state == PaymentState.CAPTURED
    assert (EntryKind.CAPTURED.value, 300000) in ledger(database, booking_id)
    assert world[3].get_bill(database, caller(booker), booking_id).shares[0].state == ShareState.PAID


def test_a_success_after_a_decline_for_a_share_paid_otherwise_is_recorded_and_given_back_whole(world):
    database, wallet, _clock, _bills, payments, refunds = world
    booker = str(uuid.uuid4())
    booking_id, late = declined_then(world, booker)
    payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    late_success(world, late)
    refunds.send_due(database)
    entries = ledger(database, booking_id)
    assert entries.count((EntryKind.CAPTURED.value, 300000)) == 2
    assert entries.count((EntryKind.REFUNDED.value, 300000)) == 1
    assert wallet.given_back == {late.reference: 300000}
    assert world[3].get_bill(database, caller(booker), booking_id).shares[0].state == ShareState.PAID


def test_a_success_after_a_decline_for_a_cancelled_booking_goes_back_whole(world):
    database, wallet, _clock, _bills, _payments, refunds = world
    booking_id, late = declined_then(world, str(uuid.uuid4()))
    with database.session() as session:
        refunds.booking_cancelled(Joined(session), booking_id, 50000)
    late_success(world, late)
    refunds.send_due(database)
    assert wallet.given_back == {late.reference: 300000}
    assert (EntryKind.REFUNDED.value, 300000) in ledger(database, booking_id)


def test_a_payer_cancels_an_abandoned_attempt_and_the_share_is_free_at_once(world):
    database, wallet, _clock, _bills, payments, _refunds = world
    booker, booking_id, payment = an_attempt(world, "never")
    with pytest.raises(DomainError):
        payments.cancel(database, caller(str(uuid.uuid4())), payment.id)  # nobody else's to cancel
    assert payments.cancel(database, caller(booker), payment.id).payment_state == PaymentState.DECLINED
    with pytest.raises(DomainError) as settled:
        payments.cancel(database, caller(booker), payment.id)
    assert settled.value.reason == "PAYMENT_SETTLED"
    wallet.charge_answer = "captured"
    again = payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    assert again.payment_state == PaymentState.CAPTURED


def test_cancelling_an_attempt_the_wallet_already_took_counts_the_payment(world):
    database, wallet, _clock, _bills, payments, _refunds = world
    booker = str(uuid.uuid4())
    booking_id = a_booking(world, booker)
    wallet.charge_answer = "lost"  # the wallet took it; its answer was lost
    payment = payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    assert payments.cancel(database, caller(booker), payment.id).payment_state == PaymentState.CAPTURED
    assert (EntryKind.CAPTURED.value, 300000) in ledger(database, booking_id)
