"""A bill after money moved, through payment_svc's use cases on SQLite (the wallet scripted): players
added or taken off and a move to another price re-balance it without rewriting a paid share — a
removed player who paid gets their share back, added players are asked for theirs, the booker's
owed amount follows — and a booking paid at the venue owes its no-show fee there."""

import dataclasses
import uuid

import pytest
from padel.booking.v1 import events_pb2 as booking_events
from padel.payment.v1 import events_pb2
from sqlalchemy import select

from mesh.convert import timestamp
from mesh.db import Database, Joined
from mesh.outbox import OutboxEvent
from payment_svc import consumers, convert, store
from payment_svc.domain import BookingFacts, PaymentMode, VenueFacts, VenueFeeReason, Wallet
from payment_svc.service.payouts import Payouts
from payment_svc.service.venue_fees import VenueFees
from payment_svc.service.venue_payments import VenuePayments
from padel_testkit import executed, statements
from test_payment_ledger import START, caller, world_on


@pytest.fixture
def world(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'payment.db'}")
    yield world_on(database)
    database.dispose()


def booking_in(world, players: list[str], price: int, mode=PaymentMode.FULL) -> tuple[str, str]:
    database, _wallet, clock, bills, _payments, _refunds = world
    booking_id, venue_id = str(uuid.uuid4()), str(uuid.uuid4())
    VenuePayments(lambda _venue: VenueFacts("owner", holds_bookings=True), clock).set(
        database, caller("owner"), venue_id, mode, 0)
    bills.record_booking(database, BookingFacts(booking_id, venue_id, players[0], players, START, START.date(),
                                                price, price // 10, "confirmed"))
    return booking_id, venue_id


def change(world, booking_id: str, venue_id: str, players: list[str], price: int) -> None:
    database, bills = world[0], world[3]
    with database.session() as session:
        bills.booking_changed(Joined(session), BookingFacts(booking_id, venue_id, players[0], players, START,
                                                            START.date(), price, price // 10, "confirmed"))


def requests_for(database, booking_id: str) -> list[events_pb2.SharePaymentRequested]:
    with database.session(read_only=True) as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type.like("%SharePaymentRequested")))
        found = [events_pb2.SharePaymentRequested.FromString(row.payload) for row in rows]
    return [r for r in found if r.booking_id == booking_id]


def bill(world, booking_id: str, player: str):
    return world[3].get_bill(world[0], caller(player), booking_id)


def by_player(view) -> dict[str, list]:
    found: dict[str, list] = {}
    for share in view.shares:
        found.setdefault(share.player_id, []).append((share.state, share.amount_paisa))
    return found


def test_a_player_who_paid_and_is_taken_off_gets_their_share_back_and_the_rest_is_asked_anew(world):
    database, wallet, _clock, _bills, payments, refunds = world
    booker, paid_friend, other = (str(uuid.uuid4()) for _ in range(3))
    booking_id, venue_id = booking_in(world, [booker, paid_friend, other], 9000)
    payments.pay(database, caller(paid_friend), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)

    change(world, booking_id, venue_id, [booker, other], 9000)
    refunds.send_due(database)
    view = bill(world, booking_id, paid_friend)  # a removed player still sees their share and its refund
    shares = by_player(view)
    assert shares[paid_friend] == [("refunded", 3000)]
    assert view.returned[next(s.id for s in view.shares if s.player_id == paid_friend)] == (3000, 0)
    assert sorted(a for state, a in shares[booker] + shares[other] if state == "due") == [4500, 4500]
    assert view.due == 9000 and view.balance.paid == 0 and view.owed_by_booker == 4500


def test_added_players_are_asked_for_their_share_and_paid_shares_stay_as_they_were(world):
    database, _wallet, _clock, _bills, payments, _refunds = world
    booker, friend, newcomer = (str(uuid.uuid4()) for _ in range(3))
    booking_id, venue_id = booking_in(world, [booker, friend], 8000)
    payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)

    change(world, booking_id, venue_id, [booker, friend, newcomer], 8000)
    shares = by_player(bill(world, booking_id, booker))
    assert shares[booker] == [("paid", 4000)]  # not rewritten: the booker paid more than a third
    # The rest (4,000) between the two who have not paid, as close to equal as the payment allows.
    assert shares[friend] == [("void", 4000), ("due", 2000)] and shares[newcomer] == [("due", 2000)]
    # Each invited player asked anew is sent the request (notify reads SharePaymentRequested).
    assert sorted(r.share.amount.amount_paisa for r in requests_for(database, booking_id) if r.share.player_id
                  in (friend, newcomer) and r.share.status == 1) == [2000, 2000, 4000]


def test_a_move_to_a_dearer_slot_leaves_the_difference_to_the_booker_and_a_cheaper_one_gives_back(world):
    database, _wallet, _clock, _bills, payments, refunds = world
    booker, friend = str(uuid.uuid4()), str(uuid.uuid4())
    booking_id, venue_id = booking_in(world, [booker, friend], 6000)
    payments.pay(database, caller(booker), booking_id, Wallet.JAZZCASH, "03000000001", "123456", True)  # all of it

    change(world, booking_id, venue_id, [booker, friend], 8000)
    dearer = bill(world, booking_id, booker)
    assert by_player(dearer)[friend] == [("paid", 3000), ("due", 1000)]
    assert by_player(dearer)[booker] == [("paid", 3000), ("due", 1000)]
    assert dearer.due == 2000 and dearer.balance.paid == 6000

    change(world, booking_id, venue_id, [booker, friend], 3000)
    refunds.send_due(database)
    cheaper = bill(world, booking_id, booker)
    # What stays paid may not exceed the price: the booker's share goes back whole, and the booker
    # owes nothing more (the friend's 3,000 covers the court).
    assert by_player(cheaper)[booker] == [("refunded", 3000), ("void", 1000)]
    assert by_player(cheaper)[friend] == [("paid", 3000), ("void", 1000)]
    assert cheaper.due == 0 and cheaper.balance.paid == 3000 and cheaper.balance.refunded == 3000
    # Paid in full at the new price: the platform's commission follows it (10%), by a further entry.
    assert dearer.balance.commission == 600 and cheaper.balance.commission == 300


def test_a_change_while_a_payment_is_pending_waits_for_it_to_settle(world):
    database, wallet, _clock, _bills, payments, refunds = world
    booker, friend = str(uuid.uuid4()), str(uuid.uuid4())
    booking_id, venue_id = booking_in(world, [booker, friend], 6000)
    wallet.answer = "down"
    payments.pay(database, caller(friend), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    change(world, booking_id, venue_id, [booker], 6000)  # the friend is taken off while paying
    assert by_player(bill(world, booking_id, booker))[friend] == [("due", 3000)]

    payments.inquire_pending(database)  # the money moved after all: captured, then given back
    refunds.send_due(database)
    view = bill(world, booking_id, booker)
    assert by_player(view)[friend] == [("refunded", 3000)]
    assert by_player(view)[booker] == [("void", 3000), ("due", 6000)] and view.owed_by_booker == 6000


def test_a_booking_event_that_leaves_the_bill_as_it_is_reads_the_booking_row_only(world):
    """Every booking confirmed at once is followed by its BookingConfirmed: the same price and players.
    Its booking row is read (locked) and its shares are not even read."""
    players = [str(uuid.uuid4()), str(uuid.uuid4())]
    booking_id, venue_id = booking_in(world, players, 8000)
    before = by_player(bill(world, booking_id, players[0]))
    sent = statements(world[0], lambda: change(world, booking_id, venue_id, players, 8000))
    assert len(sent) == 1 and "FROM bookings" in sent[0]  # nothing changed at the test clock's time: no UPDATE
    assert by_player(bill(world, booking_id, players[0])) == before


def test_a_confirmation_handled_with_its_booking_in_one_transaction_reads_the_booking_no_more(world):
    """BookingCreated and BookingConfirmed usually share the consumer's transaction: the bill's booking
    it just added is locked already, so the confirmation reads nothing (it read the row, locked, before)."""
    database, bills = world[0], world[3]
    players = [str(uuid.uuid4())]
    venue_id = str(uuid.uuid4())
    VenuePayments(lambda _venue: VenueFacts("owner", holds_bookings=True), world[2]).set(
        database, caller("owner"), venue_id, PaymentMode.FULL, 0)
    facts = BookingFacts(str(uuid.uuid4()), venue_id, players[0], players, START, START.date(), 8000, 800, "pending")
    confirmed = dataclasses.replace(facts, status="confirmed")
    sent: list[str] = []

    def both():
        with database.session() as session:
            bills.record_booking(Joined(session), facts)
            sent.extend(executed(database, lambda: bills.booking_changed(Joined(session), confirmed)))

    both()
    assert sent == []  # the new status is written with the commit
    assert bill(world, facts.booking_id, players[0]).booking.status == "confirmed"


def test_a_booking_and_its_confirmation_paid_at_the_venue_cost_one_look_and_one_insert(world):
    """Every booking confirmed at once at a venue paid there: BookingCreated and BookingConfirmed in
    one consumer transaction, of a trace not kept (the consumer then flushes at the commit only). One
    look (the venue's mode and whether the bill exists), then the bill written once, confirmed, at the
    commit (it was four: the venue, the bill, its INSERT, an UPDATE; in a kept trace, whose events the
    consumer flushes one by one, it is three: the look, the INSERT, the UPDATE)."""
    database, bills = world[0], world[3]
    players = [str(uuid.uuid4())]
    facts = BookingFacts(str(uuid.uuid4()), str(uuid.uuid4()), players[0], players, START, START.date(), 8000, 800,
                         "pending")

    def both():
        with database.session() as session:
            bills.record_booking(Joined(session), facts)
            bills.booking_changed(Joined(session), dataclasses.replace(facts, status="confirmed"))

    sent = executed(database, both)
    assert len(sent) == 2 and "venue_payments" in sent[0] and sent[1].startswith("INSERT INTO bookings"), sent
    view = bill(world, facts.booking_id, players[0])
    assert (view.booking.status, view.booking.online_paisa, view.shares) == ("confirmed", 0, [])
    # The same BookingCreated again (another read of it) opens nothing and changes nothing.
    assert len(executed(database, lambda: bills.record_booking(database, facts))) == 1
    assert bill(world, facts.booking_id, players[0]).booking.status == "confirmed"


def test_a_no_show_of_a_booking_paid_at_the_venue_owes_the_court_there_once(world):
    database, clock = world[0], world[2]
    booker = str(uuid.uuid4())
    booking_id, _venue_id = booking_in(world, [booker], 6000, mode=PaymentMode.AT_VENUE)
    fees = VenueFees(lambda _venue: VenueFacts("owner", holds_bookings=True), clock)
    fees.no_show(database, booking_id)
    fees.no_show(database, booking_id)  # the event again
    fee = bill(world, booking_id, booker).venue_fee
    assert (fee.reason, fee.amount_paisa, fee.state) == (VenueFeeReason.NO_SHOW, 6000, "due")
    collected = fees.collect(database, caller("owner"), booking_id)
    assert collected.state == "collected" and bill(world, booking_id, booker).balance.fees == 6000


def test_a_no_show_paid_at_the_venue_is_counted_once_in_the_payout_report_less_the_commission_owed(world):
    database, clock = world[0], world[2]
    booker = str(uuid.uuid4())
    booking_id, venue_id = booking_in(world, [booker], 6000, mode=PaymentMode.AT_VENUE)
    VenueFees(lambda _venue: VenueFacts("owner", holds_bookings=True), clock).no_show(database, booking_id)
    # What was to be paid at the venue is now the fee due there: once, not also as at_venue.
    assert bill(world, booking_id, booker).at_venue == 0
    totals = Payouts(lambda _venue: VenueFacts("owner", holds_bookings=True)).report(
        database, caller("owner"), venue_id, START.date(), 10, "").totals
    assert (totals.at_venue, totals.venue_fees_due) == (0, 6000)
    # The booking's commission (600) is owed on it, as booking_svc's report nets it.
    assert (totals.commission_at_venue, totals.net) == (600, 6000 - 600)


def test_a_player_who_leaves_late_keeps_their_place_paid_until_a_newcomer_takes_it_and_pays(world):
    database, _wallet, _clock, _bills, payments, refunds = world
    booker, early, late, friend, newcomer = (str(uuid.uuid4()) for _ in range(5))
    booking_id, venue_id = booking_in(world, [booker, early, late, friend], 8000)
    for player in (early, late):
        payments.pay(database, caller(player), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)

    # One leaves in time (refunded whole), the other inside the venue's late-cancellation window.
    with database.session() as session:
        world[3].booking_changed(Joined(session), BookingFacts(
            booking_id, venue_id, booker, [booker, friend], START, START.date(), 8000, 800, "confirmed",
            left_late=(late,)))
    refunds.send_due(database)
    view = bill(world, booking_id, late)
    shares = by_player(view)
    assert shares[early] == [("refunded", 2000)]
    assert shares[late] == [("paid", 2000)]  # not refunded: the others do not pay for the late leaver
    assert sorted(a for state, a in shares[booker] + shares[friend] if state == "due") == [3000, 3000]
    assert view.due == 6000 and view.balance.paid == 2000

    change(world, booking_id, venue_id, [booker, friend, newcomer], 8000)  # someone takes the place
    assert [a for state, a in by_player(bill(world, booking_id, late))[newcomer] if state == "due"] == [2666]
    payments.pay(database, caller(newcomer), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    refunds.send_due(database)
    view = bill(world, booking_id, late)
    assert by_player(view)[late] == [("refunded", 2000)]  # the newcomer's share pays them back
    assert view.due == 8000 - 2666 and view.balance.paid == 2666


def test_a_late_cancellations_fee_is_kept_from_the_bookers_money_first_and_only_the_rest_from_the_others(world):
    database, _wallet, _clock, _bills, payments, refunds = world
    for fee, booker_kept, friend_kept in ((3000, 3000, 0), (4500, 3000, 1500)):
        booker, friend = str(uuid.uuid4()), str(uuid.uuid4())
        booking_id, _venue_id = booking_in(world, [booker, friend], 6000)
        for player in (booker, friend):
            payments.pay(database, caller(player), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
        with database.session() as session:  # the booker cancelled late: booking_svc's fee by the policy
            refunds.booking_cancelled(Joined(session), booking_id, fee)
        refunds.send_due(database)
        view = bill(world, booking_id, friend)
        returned = {s.player_id: view.returned.get(s.id, (0, 0)) for s in view.shares}
        assert returned[booker] == (3000 - booker_kept, booker_kept)
        assert returned[friend] == (3000 - friend_kept, friend_kept)  # the friend did not cancel
        assert view.balance.fees == fee


def declines(world, booking_id: str, venue_id: str, players: list[str], decliner: str, price: int,
             left_late: tuple[str, ...] = ()) -> None:
    """booking_svc's InvitationDeclined (the booking left to `players`) through payment_svc's consumer."""
    database, _wallet, clock, bills, payments, refunds = world
    declined = booking_events.InvitationDeclined(player_id=decliner, left_late_ids=left_late,
                                                 booking=booking_events.BookingSnapshot(
        booking_id=booking_id, venue_id=venue_id, player_id=players[0], participant_ids=players[1:],
        start_time=timestamp(START), time_zone="Asia/Karachi", price=convert.money(price),
        commission=convert.money(price // 10), status=convert.BOOKING_STATUS_OF["confirmed"]))
    venue = lambda _venue_id: VenueFacts("owner", holds_bookings=True)  # noqa: E731
    assert consumers.consumer(database, None, bills, payments, refunds, VenueFees(venue, clock))._handle(
        "padel.booking.events", b"1-0", {b"id": uuid.uuid4().hex.encode(),
                                         b"type": declined.DESCRIPTOR.full_name.encode(),
                                         b"data": declined.SerializeToString()})


def test_an_invited_player_who_declines_is_off_the_bill_and_the_booker_owes_their_share(world):
    """booking_svc takes a declining player off the booking (InvitationDeclined carries it without
    them); payments did not listen, so the decliner was still asked for their share and the booker's
    stayed half the price, until some later event of the booking."""
    booker, friend = str(uuid.uuid4()), str(uuid.uuid4())
    booking_id, venue_id = booking_in(world, [booker, friend], 6000)
    declines(world, booking_id, venue_id, [booker], friend, 6000)
    shares = by_player(bill(world, booking_id, booker))
    assert [a for state, a in shares.get(friend, []) if state == "due"] == []
    assert [a for state, a in shares[booker] if state == "due"] == [6000]


def test_a_deleted_account_that_left_late_keeps_its_place_paid_and_is_refunded_with_no_wallet_number_kept(world):
    """An account deleted inside the free-cancellation time leaves its match late (booking_svc says
    so, whichever event it hears first): its paid share holds the place like any late leaver's, and
    once a newcomer takes it the share goes back to the payment it came from, its number erased."""
    database, _wallet, _clock, bills, payments, refunds = world
    booker, gone, friend, newcomer = (str(uuid.uuid4()) for _ in range(4))
    booking_id, venue_id = booking_in(world, [booker, gone, friend], 9000)
    payments.pay(database, caller(gone), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)

    payments.close_account(database, gone)
    with database.session() as session:
        bills.booking_changed(Joined(session), BookingFacts(
            booking_id, venue_id, booker, [booker, friend], START, START.date(), 9000, 900, "confirmed",
            left_late=(gone,)))
    refunds.send_due(database)
    shares = by_player(bill(world, booking_id, booker))
    assert shares[gone] == [("paid", 3000)]  # the others do not pay more than for a late leave
    assert sorted(a for state, a in shares[booker] + shares[friend] if state == "due") == [3000, 3000]

    change(world, booking_id, venue_id, [booker, friend, newcomer], 9000)
    payments.pay(database, caller(newcomer), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    refunds.send_due(database)
    assert by_player(bill(world, booking_id, booker))[gone] == [("refunded", 3000)]
    with database.session(read_only=True) as session:
        assert {p.mobile_number for p in store.payments_of(session, booking_id) if p.payer_id == gone} == {""}


def test_an_invited_player_who_paid_and_declines_late_keeps_their_place_paid_until_a_newcomer_takes_it(world):
    """booking_svc names a decliner who had accepted and declines inside the venue's free-cancellation
    time as leaving late (InvitationDeclined's left_late_ids): their paid share holds the place as a
    late leaver's does, so the others do not pay more; payments refunded it whole at once."""
    database, _wallet, _clock, _bills, payments, refunds = world
    booker, early, late, friend, newcomer = (str(uuid.uuid4()) for _ in range(5))
    booking_id, venue_id = booking_in(world, [booker, early, late, friend], 8000)
    for player in (early, late):
        payments.pay(database, caller(player), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)

    declines(world, booking_id, venue_id, [booker, late, friend], early, 8000)  # in time: refunded whole
    declines(world, booking_id, venue_id, [booker, friend], late, 8000, left_late=(late,))
    refunds.send_due(database)
    view = bill(world, booking_id, late)
    shares = by_player(view)
    assert shares[early] == [("refunded", 2000)]
    # Not refunded: the others do not pay for the late decliner (the 666 more asked of them when the
    # early one left is void).
    assert shares[late] == [("paid", 2000), ("void", 666)]
    assert sorted(a for state, a in shares[booker] + shares[friend] if state == "due") == [3000, 3000]
    assert view.due == 6000 and view.balance.paid == 2000

    change(world, booking_id, venue_id, [booker, friend, newcomer], 8000)  # someone takes the place and pays
    payments.pay(database, caller(newcomer), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    refunds.send_due(database)
    assert by_player(bill(world, booking_id, late))[late] == [("refunded", 2000), ("void", 666)]


def leaves_late(world, booking_id: str, venue_id: str, players: list[str], late: str, price: int) -> None:
    with world[0].session() as session:
        world[3].booking_changed(Joined(session), BookingFacts(
            booking_id, venue_id, players[0], players, START, START.date(), price, price // 10, "confirmed",
            left_late=(late,)))


def test_a_late_leaver_is_refunded_once_the_newcomer_pays_and_a_newcomer_who_leaves_unpaid_leaves_the_hold(world):
    """The late leaver's paid share went back as soon as a newcomer joined: a newcomer who then never
    paid (or left again) left the others paying for the place. It goes back when the newcomer pays."""
    database, _wallet, _clock, _bills, payments, refunds = world
    booker, late, friend, newcomer, second = (str(uuid.uuid4()) for _ in range(5))
    booking_id, venue_id = booking_in(world, [booker, late, friend], 9000)
    payments.pay(database, caller(late), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    leaves_late(world, booking_id, venue_id, [booker, friend], late, 9000)

    change(world, booking_id, venue_id, [booker, friend, newcomer], 9000)  # joins, does not pay yet
    refunds.send_due(database)
    view = bill(world, booking_id, late)
    assert by_player(view)[late] == [("paid", 3000)]  # still holding the place: nobody paid for it yet
    assert [a for state, a in by_player(view)[newcomer] if state == "due"] == [3000]

    change(world, booking_id, venue_id, [booker, friend], 9000)  # the newcomer leaves again, unpaid
    refunds.send_due(database)
    view = bill(world, booking_id, late)
    assert by_player(view)[late] == [("paid", 3000)]
    assert sorted(a for state, a in by_player(view)[booker] + by_player(view)[friend] if state == "due") == [3000, 3000]
    assert view.due == 6000

    change(world, booking_id, venue_id, [booker, friend, second], 9000)
    payments.pay(database, caller(second), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    refunds.send_due(database)
    view = bill(world, booking_id, late)
    assert by_player(view)[late] == [("refunded", 3000)]  # the newcomer's money pays them back
    assert by_player(view)[second] == [("paid", 3000)]
    assert view.due == 6000 and view.balance.paid == 3000 and view.owed_by_booker == 3000


def test_a_late_leave_while_a_payment_is_pending_holds_the_leavers_share_once_the_payment_settles(world):
    """A change of players while a payment is pending waits for it; once it settles the late leaver
    is applied as at once: their paid share not refunded, and the others share only the rest."""
    database, wallet, _clock, _bills, payments, refunds = world
    booker, late, friend = (str(uuid.uuid4()) for _ in range(3))
    booking_id, venue_id = booking_in(world, [booker, late, friend, str(uuid.uuid4())], 8000)
    payments.pay(database, caller(late), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    wallet.answer = "down"
    payments.pay(database, caller(friend), booking_id, Wallet.JAZZCASH, "03000000002", "123456", False)
    leaves_late(world, booking_id, venue_id, [booker, friend], late, 8000)  # and the fourth leaves in time
    assert by_player(bill(world, booking_id, booker))[booker] == [("due", 2000)]  # waits for the payment

    payments.inquire_pending(database)  # the friend's money came in
    refunds.send_due(database)
    view = bill(world, booking_id, booker)
    assert by_player(view)[late] == [("paid", 2000)]
    # The other two share 8,000 less the late leaver's 2,000, as equally as the friend's payment allows.
    assert by_player(view)[friend] == [("paid", 2000), ("due", 1000)]
    assert [a for state, a in by_player(view)[booker] if state == "due"] == [3000]
    assert view.due == 4000 and view.balance.paid == 4000



def test_a_booker_whose_whole_share_goes_to_the_late_fee_is_told_nothing_comes_back_and_what_was_kept(world):
    """A share the fee keeps whole has nothing to send, so no refund was made, and no PaymentRefunded
    told its payer what became of their money: it is published, with nothing refunded."""
    database, _wallet, _clock, _bills, payments, refunds = world
    booker, friend = str(uuid.uuid4()), str(uuid.uuid4())
    booking_id, _venue_id = booking_in(world, [booker, friend], 6000)
    for player in (booker, friend):
        payments.pay(database, caller(player), booking_id, Wallet.JAZZCASH, "03000000001", "123456", False)
    with database.session() as session:  # the booker cancelled late: the fee is their whole share
        refunds.booking_cancelled(Joined(session), booking_id, 3000)
    refunds.send_due(database)
    with database.session(read_only=True) as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type.like("%PaymentRefunded")))
        told = [events_pb2.PaymentRefunded.FromString(row.payload) for row in rows]
    told = {m.payment.payer_id: (m.refund.amount_paisa, m.fee.amount_paisa) for m in told
            if m.payment.booking_id == booking_id}
    assert told == {booker: (0, 3000), friend: (3000, 0)}
