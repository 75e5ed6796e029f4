"""What a stranger hears of someone else's bill, payment or fee due at a venue, from payment_svc's use
cases on a real database: the same as for an id that names nothing (NOT_FOUND, the same words; paying
one, what paying a booking payments never heard of gets), so an answer tells nobody that a booking or a
membership payment exists, that an attempt exists, or that a booking was cancelled late or missed."""

import datetime as dt
import uuid

import pytest

from mesh.caller import Caller
from mesh.errors import DomainError, FailedPrecondition, NotFound, PermissionDenied
from payment_svc import store
from payment_svc.domain import VenueFacts, VenueFeeState, Wallet
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments
from payment_svc.service.venue_fees import VenueFees

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


def caller(user_id: str, role: str = "player") -> Caller:
    return Caller(user_id, frozenset({role}), "t", NOW, "token")


def refusal(call, asked: str) -> tuple[type, str]:
    """The error `call(asked)` raises, its words with the id asked for left out."""
    with pytest.raises(DomainError) as error:
        call(asked)
    return type(error.value), error.value.message.replace(asked, "…")


def test_a_stranger_hears_of_someone_elses_payment_or_venue_fee_what_a_missing_id_gets(database, booking_row,
                                                                                      payment_row):
    payer, owner, stranger = (str(uuid.uuid4()) for _ in range(3))
    with database.session() as session:
        booking_id = booking_row(session, payer, online_paisa=0, status="cancelled")
        payment_id = payment_row(session, booking_id, payer, "declined")
        session.add(store.VenueFee(booking_id=booking_id, reason="late_cancellation", amount_paisa=50,
                                   state=VenueFeeState.DUE.value, created_at=NOW))
    payments = Payments({}, lambda: NOW)
    fees = VenueFees(lambda _venue_id: VenueFacts(owner_id=owner, holds_bookings=False), lambda: NOW)

    def look(who):
        return lambda payment: payments.get_payment(database, who, payment)

    def collect(who):
        return lambda booking: fees.collect(database, who, booking)

    missing = str(uuid.uuid4())
    assert refusal(look(caller(stranger)), payment_id) == refusal(look(caller(stranger)), missing)
    assert refusal(look(caller(stranger)), payment_id)[0] is NotFound
    assert refusal(collect(caller(stranger, "venue_owner")), booking_id) \
        == refusal(collect(caller(stranger, "venue_owner")), missing)
    assert refusal(collect(caller(stranger, "venue_owner")), booking_id)[0] is NotFound
    # The booker sees the fee on their bill: they hear that only the venue records it.
    assert refusal(collect(caller(payer)), booking_id)[0] is PermissionDenied
    assert look(caller(payer))(payment_id).id == payment_id
    assert look(caller(stranger, "admin"))(payment_id).id == payment_id
    assert collect(caller(owner, "venue_owner"))(booking_id).state == VenueFeeState.COLLECTED.value


def test_a_stranger_asking_for_or_paying_someone_elses_bill_hears_what_a_missing_booking_gets(database, booking_row):
    booker, invited, stranger = (str(uuid.uuid4()) for _ in range(3))
    with database.session() as session:
        booking_id = booking_row(session, booker, [booker, invited])
        cancelled = booking_row(session, booker, status="cancelled")
    bills = Bills(dt.timedelta(hours=2), dt.timedelta(hours=1), lambda: NOW)
    payments = Payments({}, lambda: NOW, bills=bills)

    def bill(who):
        return lambda booking: bills.get_bill(database, who, booking)

    def pay(who):
        return lambda booking: payments.pay(database, who, booking, Wallet.EASYPAISA, "03001234567", "", False)

    missing = str(uuid.uuid4())
    for asked in (booking_id, cancelled):
        assert refusal(bill(caller(stranger)), asked) == refusal(bill(caller(stranger)), missing)
        assert refusal(pay(caller(stranger)), asked) == refusal(pay(caller(stranger)), missing)
    assert refusal(bill(caller(stranger)), booking_id)[0] is NotFound
    assert refusal(pay(caller(stranger)), booking_id)[0] is FailedPrecondition
    # The booking's players see the bill; the booker hears that their booking was cancelled.
    assert bill(caller(invited))(booking_id).booking.id == booking_id
    assert bill(caller(stranger, "admin"))(booking_id).booking.id == booking_id
    assert "cancelled" in refusal(pay(caller(booker)), cancelled)[1]
