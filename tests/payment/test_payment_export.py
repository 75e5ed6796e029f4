"""ExportPaymentData's use case on a real database: the caller's bills, payment attempts and refunds,
and nothing of another person's booking or money."""

import datetime as dt
import uuid

from test_payment_ledger import START, caller, world_on

from mesh.db import Database, Joined
from payment_svc import convert
from payment_svc.domain import BookingFacts, PaymentMode, VenueFacts, Wallet
from payment_svc.service import exports
from payment_svc.service.venue_payments import VenuePayments


def test_the_export_holds_the_callers_bills_payments_and_refunds_only(database_url):
    database, _wallet, clock, bills, payments, refunds = world_on(Database(database_url))
    sara, bilal, stranger = (str(uuid.uuid4()) for _ in range(3))
    venue_id, ours, theirs = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    VenuePayments(lambda _venue: VenueFacts("owner", holds_bookings=True), clock).set(
        database, caller("owner"), venue_id, PaymentMode.FULL, 0)
    for booking_id, players in ((ours, [sara, bilal]), (theirs, [stranger])):
        bills.record_booking(database, BookingFacts(booking_id, venue_id, players[0], players, START, START.date(),
                                                    400_000, 40_000, "confirmed"))
        payments.pay(database, caller(players[0]), booking_id, Wallet.JAZZCASH, "03001234567", "123456", False)
    with database.session() as session:
        refunds.booking_cancelled(Joined(session), ours, 0)
    refunds.send_due(database)

    mine = convert.payment_export(exports.export_data(database, caller(sara), lambda: clock.now))
    assert [b.booking_id for b in mine.bills] == [ours]
    assert sorted(s.player_id for s in mine.bills[0].shares) == sorted([sara, bilal])
    assert [(p.booking_id, p.amount.amount_paisa) for p in mine.payments] == [(ours, 200_000)]
    assert [(r.payment_id, r.amount.amount_paisa) for r in mine.refunds] == [(mine.payments[0].payment_id, 200_000)]
    assert mine.refunds[0].provider_reference == "REFUND-" + mine.refunds[0].transaction_reference
    assert mine.refunds[0].HasField("sent_at") and mine.exported_at.ToDatetime(dt.timezone.utc) == clock.now

    shared = convert.payment_export(exports.export_data(database, caller(bilal)))  # a share, no payment of his
    assert [b.booking_id for b in shared.bills] == [ours] and not shared.payments and not shared.refunds

    other = convert.payment_export(exports.export_data(database, caller(stranger)))
    assert [b.booking_id for b in other.bills] == [theirs] and [p.booking_id for p in other.payments] == [theirs]
    assert not other.refunds
    database.dispose()
