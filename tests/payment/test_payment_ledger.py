"""The ledger balances whatever happens: 300 random sequences of payments (captured, declined,
pending, provider down), repeated provider words, inquiries, deadlines, players joining and leaving
and the price moving after money moved (the bill re-balanced), cancellations with random fees and refunds, run through payment_svc's use cases on a real SQLite database, with a scripted
wallet in place of the provider (the only part not real here: its answers are drawn by hypothesis)."""

import datetime as dt
import os
import pathlib
import shutil
import tempfile
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mesh.caller import Caller
from mesh.db import Database, Joined
from mesh.errors import DomainError
from payment_svc import domain, store
from payment_svc.domain import BookingFacts, EntryKind, PaymentMode, PaymentState, ShareState, VenueFacts, Wallet
from payment_svc.providers import Outcome, ProviderDown
from payment_svc.server import MIGRATIONS
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments
from payment_svc.service.refunds import Refunds
from payment_svc.service.venue_payments import VenuePayments

START = dt.datetime(2030, 1, 1, 12, tzinfo=dt.timezone.utc)


class ScriptedWallet:
    """Answers as the script says: the next charge's answer, and what an inquiry later finds."""

    wallet = Wallet.JAZZCASH

    def __init__(self):
        self.answer = "captured"
        self.finally_paid: dict[str, bool] = {}
        self.said: list[Outcome] = []
        self.amounts: dict[str, int] = {}

    def charge(self, charge):
        self.finally_paid[charge.reference] = self.answer != "declined"
        self.amounts[charge.reference] = charge.amount
        if self.answer == "down":
            raise ProviderDown("scripted outage")
        state = {"captured": PaymentState.CAPTURED, "declined": PaymentState.DECLINED}.get(self.answer)
        outcome = Outcome(charge.reference, state, charge.amount, "RRN" + charge.reference, callback_key="")
        self.said.append(outcome)
        return outcome

    def inquire(self, reference, mobile_number):
        paid = self.finally_paid[reference]  # a capture names its amount, as the providers' inquiries do
        return Outcome(reference, PaymentState.CAPTURED if paid else PaymentState.DECLINED,
                       self.amounts[reference] if paid else None)

    def refund(self, reference, refund_reference, amount):
        return "REFUND-" + refund_reference


class Clock:
    def __init__(self):
        self.now = START - dt.timedelta(days=2)

    def __call__(self):
        return self.now


def world_on(database: Database):
    database.migrate(MIGRATIONS)
    wallet, clock = ScriptedWallet(), Clock()
    wallets = {Wallet.JAZZCASH: wallet}
    bills = Bills(dt.timedelta(minutes=15), dt.timedelta(hours=2), clock)
    return (database, wallet, clock, bills, Payments(wallets, clock, dt.timedelta(seconds=0), bills=bills),
            Refunds(wallets, clock))


@pytest.fixture(scope="module")
def ledger_world(tmp_path_factory):
    # On a memory-backed file system where there is one: the thousands of commits need no disk flush.
    shm = pathlib.Path("/dev/shm")
    folder = pathlib.Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("ledger")
    database = Database(f"sqlite:///{folder / 'payment.db'}")
    yield world_on(database)
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_ledger_world(make_postgres_db):
    database = Database(make_postgres_db())
    yield world_on(database)
    database.dispose()


def caller(user_id: str) -> Caller:
    return Caller(user_id, frozenset({"player"}), "t", START, "token")


step = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 3), st.booleans(),
              st.sampled_from(["captured", "declined", "pending", "down"])),
    st.tuples(st.just("repeat")),  # the provider says again what it said last
    st.tuples(st.just("settle")),  # the inquiry job asks about pending payments
    st.tuples(st.just("deadline")),  # time passes the share deadline
    st.tuples(st.just("cancel"), st.integers(0, 100)),
    st.tuples(st.just("refunds")),
    st.tuples(st.just("join")),  # the booker invites one more player
    st.tuples(st.just("leave"), st.integers(1, 4)),  # an invited player is taken off
    st.tuples(st.just("move"), st.integers(1, 2_000_000)),  # a move to a slot of another price
)


SEQUENCES = dict(players=st.integers(1, 4), price=st.integers(1, 2_000_000), steps=st.lists(step, max_size=8))
# Under CI the same sequences each run (a failure there is one anyone can re-run); elsewhere new ones.
UNHURRIED = dict(deadline=None, derandomize=bool(os.environ.get("CI")),
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# The booker paid both shares, the other player was taken off (their share goes back to the booker's
# wallet) and the booker paid their own larger share: until that refund is sent more is in than the price.
REFUND_ON_ITS_WAY = dict(players=2, price=2, steps=[("pay", 0, True, "captured"), ("leave", 1),
                                                    ("pay", 0, False, "captured")])


@pytest.mark.slow
@settings(max_examples=300, **UNHURRIED)
@given(**SEQUENCES)
@example(**REFUND_ON_ITS_WAY)
def test_the_ledger_balances_after_any_sequence_of_pay_refund_and_cancel(ledger_world, players, price, steps):
    run_sequence(ledger_world, players, price, steps)


@pytest.mark.slow
@pytest.mark.postgres
@settings(max_examples=40, **UNHURRIED)
@given(**SEQUENCES)
@example(**REFUND_ON_ITS_WAY)
def test_the_ledger_balances_on_postgresql_too(postgres_ledger_world, players, price, steps):
    """The same on PostgreSQL (row locks, partial unique indexes, the trigger): fewer sequences."""
    run_sequence(postgres_ledger_world, players, price, steps)


def run_sequence(world, players, price, steps):
    database, wallet, clock, bills, payments, refunds = world
    ids = [str(uuid.uuid4()) for _ in range(players)]
    booking_id, commission = str(uuid.uuid4()), price // 10
    clock.now = START - dt.timedelta(days=2)
    venue_id = str(uuid.uuid4())
    VenuePayments(lambda _venue: VenueFacts("owner", holds_bookings=True), clock).set(
        database, caller("owner"), venue_id, PaymentMode.FULL, 0)
    bills.record_booking(database, BookingFacts(booking_id, venue_id, ids[0], ids, START, START.date(),
                                                price, commission, "pending"))
    cancelled_fee = None
    moved = False  # players or price changed
    prices = [price]

    def changed(new_ids, new_price):
        nonlocal ids, price, commission, moved
        ids, price, commission, moved = new_ids, new_price, new_price // 10, True
        prices.append(new_price)
        with database.session() as session:
            bills.booking_changed(Joined(session), BookingFacts(booking_id, venue_id, ids[0], ids, START, START.date(),
                                                                price, commission, "pending"))

    for action, *args in steps:
        if action == "pay":
            who, cover_all, wallet.answer = args
            try:
                payments.pay(database, caller(ids[who % len(ids)]), booking_id, Wallet.JAZZCASH, "03000000001",
                             "123456", cover_all)
            except DomainError:
                pass  # nothing to pay, in progress, cancelled, not the booker: refused as a whole
        elif action == "repeat" and wallet.said:
            try:
                payments.settle(database, wallet.said[-1], Wallet.JAZZCASH)
            except DomainError:
                pass
        elif action == "settle":
            payments.inquire_pending(database)
        elif action == "deadline":
            clock.now += dt.timedelta(hours=1)
            bills.fall_due(database)
        elif action == "cancel":
            fee = price * args[0] // 100
            with database.session() as session:
                refunds.booking_cancelled(Joined(session), booking_id, fee)
            cancelled_fee = fee if cancelled_fee is None else cancelled_fee
        elif action == "refunds":
            refunds.send_due(database)
        elif cancelled_fee is None and action == "join" and len(ids) < 4:
            changed([*ids, str(uuid.uuid4())], price)
        elif cancelled_fee is None and action == "leave" and len(ids) > 1:
            changed([p for i, p in enumerate(ids) if i != args[0] % len(ids) or i == 0], price)
        elif cancelled_fee is None and action == "move":
            changed(ids, args[0])
    check_balances(database, booking_id, price, commission, cancelled_fee, moved, prices, all_sent=False)
    payments.inquire_pending(database)
    refunds.send_due(database)
    check_balances(database, booking_id, price, commission, cancelled_fee, moved, prices, all_sent=True)


def check_balances(database, booking_id, price, commission, cancelled_fee, moved, prices, all_sent):
    with database.session(read_only=True) as session:
        shares = store.shares_of(session, booking_id)
        entries = store.entries_of(session, booking_id)
        attempts = store.payments_of(session, booking_id)
        unsent = list(session.scalars(select(store.Refund).where(store.Refund.booking_id == booking_id,
                                                                 store.Refund.sent_at.is_(None))))
        going_back = store.refunding(session, booking_id)
        booking = session.get(store.Booking, booking_id)
    live = [s for s in shares if s.share_state in (ShareState.PAID, *domain.UNPAID) and s.id not in going_back]
    if cancelled_fee is None and not booking.rebalance_due:
        assert sum(s.amount_paisa for s in live) == price, "the live shares add up to the price"
        assert {s.player_id for s in live} <= set(booking.player_ids), "only the booking's players owe or hold shares"
    total = domain.balance(store.as_entries(entries))
    by_share = {s.id: [e for e in entries if e.share_id == s.id] for s in shares}
    for share in shares:
        kinds = [e.kind for e in by_share[share.id]]
        amounts = {k: sum(e.amount_paisa for e in by_share[share.id] if e.kind == k) for k in EntryKind}
        assert kinds.count(EntryKind.CAPTURED) <= 1, "a share is captured once"
        state = share.share_state
        if share.id in going_back:
            assert state in (ShareState.PAID, ShareState.REFUNDED), "only a paid share is refunded"
        if state in (ShareState.DUE, ShareState.OWED_BY_BOOKER, ShareState.VOID):
            assert amounts[EntryKind.CAPTURED] == 0 and amounts[EntryKind.REFUNDED] == 0
        else:
            assert amounts[EntryKind.CAPTURED] == share.amount_paisa
        if state == ShareState.REFUNDED:
            assert amounts[EntryKind.REFUNDED] + amounts[EntryKind.FEE] == share.amount_paisa
        assert 0 <= amounts[EntryKind.REFUNDED] + amounts[EntryKind.FEE] <= amounts[EntryKind.CAPTURED]
    captured = [p for p in attempts if p.payment_state == PaymentState.CAPTURED]
    assert total.captured == sum(p.amount_paisa for p in captured), "every capture is in the ledger, once"
    assert total.captured == sum(s.amount_paisa for s in shares if s.paid_by), "what was captured is what shares hold"
    going_back_paisa = sum(r.amount_paisa for r in unsent)  # planned refunds not sent yet
    assert 0 <= total.paid - going_back_paisa <= max(prices) and total.fees <= (cancelled_fee or 0)
    assert 0 <= total.commission <= max(prices) // 10
    if cancelled_fee is None and not moved:
        fully_paid = all(s.share_state == ShareState.PAID for s in shares)
        assert total.commission == (commission if fully_paid else 0)
    if cancelled_fee is None and all_sent and not unsent:
        # No money lost: what the payers have in is exactly what the shares still paid hold.
        assert total.paid == sum(s.amount_paisa for s in live if s.share_state == ShareState.PAID)
        assert total.paid <= price
    elif all_sent and not unsent:
        assert total.paid == total.fees, "after a cancellation the venue keeps only the fee"
        assert all(s.share_state in (ShareState.REFUNDED, ShareState.VOID) for s in shares)
        assert total.commission == commission * total.fees // price
