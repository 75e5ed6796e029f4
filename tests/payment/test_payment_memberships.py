"""A membership plan paid online, as payment_svc handles it (issue 16): booking's MembershipPaymentDue
through payment's real consumer opens a bill of one share, the player's; only they see and pay it; its
capture is in the ledger with the platform's commission, in the venue's payout report and announced
(PaymentCaptured naming the membership); MembershipPaymentWithdrawn voids it or refunds it whole. On a
real database (SQLite and PostgreSQL) with a scripted wallet in place of the provider."""

import datetime as dt
import uuid

import pytest
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.payment.v1 import events_pb2 as payment_events
from sqlalchemy import select
from test_payment_ledger import START, caller, world_on

from mesh.convert import timestamp
from mesh.db import Database
from mesh.errors import FailedPrecondition, NotFound
from mesh.outbox import OutboxEvent
from payment_svc import consumers, store
from payment_svc.domain import PaymentState, ShareState, VenueFacts, Wallet
from payment_svc.service.payouts import Payouts
from payment_svc.service.venue_fees import VenueFees

PRICE, COMMISSION = 500_000, 50_000  # PKR 5,000, the platform's 10 %


class Desk:
    """payment_svc's use cases and its consumer on one database, a venue, its owner and one player
    who joined a plan (the due booking_svc announced)."""

    def __init__(self, database: Database):
        self.db, self.wallet, self.clock, self.bills, self.payments, self.refunds = world_on(database)
        self.clock.now = START
        self.owner, self.venue_id = str(uuid.uuid4()), str(uuid.uuid4())
        venue = lambda _venue_id: VenueFacts(self.owner, holds_bookings=True)  # noqa: E731
        self.payouts = Payouts(venue)
        self.consumer = consumers.consumer(database, None, self.bills, self.payments, self.refunds,
                                           VenueFees(venue, self.clock))
        self.player, self.bill_id, self.membership_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())

    def deliver(self, message, event_id: str | None = None) -> None:
        assert self.consumer._handle("padel.booking.events", b"1-0", {
            b"id": (event_id or uuid.uuid4().hex).encode(), b"type": message.DESCRIPTOR.full_name.encode(),
            b"data": message.SerializeToString()})

    def due(self) -> booking_events.MembershipPaymentDue:
        return booking_events.MembershipPaymentDue(
            bill_id=self.bill_id, membership_id=self.membership_id, player_id=self.player, venue_id=self.venue_id,
            plan_id=str(uuid.uuid4()), amount=booking_pb2.Money(amount_paisa=PRICE, currency="PKR"),
            period=booking_pb2.MEMBERSHIP_PERIOD_MONTHLY,
            commission=booking_pb2.Money(amount_paisa=COMMISSION, currency="PKR"),
            local_date=START.date().isoformat(), opened_at=timestamp(START))

    def withdraw(self) -> None:
        self.deliver(booking_events.MembershipPaymentWithdrawn(bill_id=self.bill_id, membership_id=self.membership_id,
                                                               player_id=self.player))

    def pay(self, who: str | None = None):
        return self.payments.pay(self.db, caller(who or self.player), self.bill_id, Wallet.JAZZCASH, "03000000001",
                                 "123456", False)

    def published(self, kind) -> list:
        with self.db.session(read_only=True) as session:
            rows = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type.like(f"%.{kind.__name__}"))
                                   .order_by(OutboxEvent.created_at, OutboxEvent.id))
            return [kind.FromString(row.payload) for row in rows]

    def report_line(self):
        report = self.payouts.report(self.db, caller(self.owner), self.venue_id, START.date(), 20, "")
        return [line for line in report.lines if line.booking_id == self.bill_id]


@pytest.fixture
def desk(database_url) -> Desk:
    database = Database(database_url)
    yield Desk(database)
    database.dispose()


def test_the_players_bill_is_theirs_alone_paid_once_in_the_ledger_and_the_payout_report(desk):
    desk.deliver(desk.due())
    desk.deliver(desk.due())  # announced again (another event id): still one bill
    bill = desk.bills.get_bill(desk.db, caller(desk.player), desk.bill_id)
    assert bill.booking.membership_id == desk.membership_id
    assert [(s.player_id, s.amount_paisa, s.share_state) for s in bill.shares] == [
        (desk.player, PRICE, ShareState.DUE)]
    stranger = str(uuid.uuid4())
    with pytest.raises(NotFound):  # as for no bill: a stranger does not learn that someone joined
        desk.bills.get_bill(desk.db, caller(stranger), desk.bill_id)
    with pytest.raises(FailedPrecondition, match="has not heard of this booking"):
        desk.pay(stranger)

    payment = desk.pay()
    assert payment.payment_state == PaymentState.CAPTURED and payment.membership_id == desk.membership_id
    with pytest.raises(FailedPrecondition, match="nothing is left for you to pay"):
        desk.pay()
    [captured] = desk.published(payment_events.PaymentCaptured)
    assert (captured.payment.membership_id, captured.payment.booking_id, captured.booking_paid) == (
        desk.membership_id, desk.bill_id, True)
    [line] = desk.report_line()
    assert line.membership_id == desk.membership_id
    assert (line.balance.captured, line.balance.commission, line.balance.payout, line.due) == (
        PRICE, COMMISSION, PRICE - COMMISSION, 0)


def test_withdrawn_after_payment_the_whole_of_it_goes_back_and_the_commission_with_it(desk):
    desk.deliver(desk.due())
    desk.pay()
    desk.withdraw()
    desk.withdraw()  # again (booking withdraws once more when a capture reaches a due settled otherwise)
    assert desk.refunds.send_due(desk.db) == 1
    [refunded] = desk.published(payment_events.PaymentRefunded)
    assert (refunded.refund.amount_paisa, refunded.fee.amount_paisa) == (PRICE, 0)
    [line] = desk.report_line()
    assert (line.balance.captured, line.balance.refunded, line.balance.commission, line.balance.payout) == (
        PRICE, PRICE, 0, 0)


def test_withdrawn_before_payment_the_bill_is_void_and_money_that_comes_late_goes_back(desk):
    desk.deliver(desk.due())
    desk.wallet.answer = "pending"
    pending = desk.pay()  # the player is approving it on their phone…
    desk.withdraw()  # …when the owner takes the plan's price at the desk
    with pytest.raises(FailedPrecondition, match="^this membership payment was withdrawn .*nothing can be paid"):
        desk.pay()
    desk.wallet.finally_paid[pending.reference] = True
    desk.clock.now += dt.timedelta(minutes=1)
    desk.payments.inquire_pending(desk.db)  # the wallet took it after all
    assert desk.refunds.send_due(desk.db) == 1
    with desk.db.session(read_only=True) as session:
        assert store.payments_of(session, desk.bill_id)[0].payment_state == PaymentState.CAPTURED
    [line] = desk.report_line()
    assert (line.balance.captured, line.balance.refunded, line.balance.payout, line.due) == (PRICE, PRICE, 0, 0)
