"""A plan paid online through payment_svc, as booking_svc's use cases see it (issue 16), on a real
database (SQLite and PostgreSQL) with a clock the test moves: joining opens a payment due
(MembershipPaymentDue), payment_svc's capture (PaymentCaptured) starts or extends the membership once,
the desk settles a due too, and a due that no longer stands is withdrawn (payment_svc voids or refunds it)."""

import datetime as dt
import threading
from typing import Callable
from concurrent import futures

import pytest
from booking_svc import consumers, membership, store
from booking_svc.service.memberships import Memberships
from booking_testkit import Clock, Desk, outbox_messages, someone, waits_for_a_lock
from mesh.errors import FailedPrecondition, NotFound
from padel.payment.v1 import events_pb2 as payment_events
from padel.payment.v1 import payment_pb2

PRICE = 500_000  # PKR 5,000 a month


class Club:
    """A venue with a monthly plan (PKR 5,000, 7 grace days), the platform taking 10 %."""

    def __init__(self, database):
        self.db = database
        self.clock = Clock()
        self.desk = Desk(database, self.clock)
        self.memberships = Memberships(self.clock, notice=dt.timedelta(days=7), commission_percent=10)
        self.venue = self.desk.venue(name="Members Club")
        self.venue_id = self.venue.venue.id
        self.owner = someone("venue_owner", user_id=self.venue.venue.owner_id)
        self.plan = self.memberships.create_plan(database, self.owner, self.venue_id, "Gold", PRICE, "monthly", 7, 10)
        self.player = someone("player")

    def join(self, who=None):
        return self.memberships.join(self.db, who or self.player, self.venue_id, self.plan.id)

    def mine(self, who=None):
        return self.memberships.list_mine(self.db, who or self.player, 20, "").items

    def events(self, name: str) -> list:
        return [message for found, message in outbox_messages(self.db, name) if found == name]


def test_joining_opens_one_due_with_what_payment_svc_needs_and_asking_again_answers_the_same(database):
    club = Club(database)
    due = club.join()
    assert club.join().id == due.id
    other = club.join(someone("player"))
    assert other.id != due.id and other.membership_id != due.membership_id

    published = [m for m in club.events("MembershipPaymentDue") if m.bill_id == due.id]
    assert len(published) == 1
    event = published[0]
    assert (event.membership_id, event.player_id, event.venue_id, event.plan_id) == (
        due.membership_id, club.player.user_id, club.venue_id, club.plan.id)
    assert (event.amount.amount_paisa, event.commission.amount_paisa) == (PRICE, PRICE // 10)
    assert event.period == 1 and event.local_date  # monthly, on the venue's day
    assert club.mine() == []  # a member only once paid


def test_a_join_that_checked_before_anothers_due_was_written_gets_that_due_not_a_second_bill(database,
                                                                                             monkeypatch):
    club = Club(database)
    first = club.join()
    looked = store.open_due
    missed = [True]

    def open_due_written_just_after_this_look(session, plan_id, player_id, **lock):
        if missed:  # the other join's due was not committed yet when this one looked
            missed.clear()
            return None
        return looked(session, plan_id, player_id, **lock)

    monkeypatch.setattr(store, "open_due", open_due_written_just_after_this_look)
    assert club.join().id == first.id
    assert [m.bill_id for m in club.events("MembershipPaymentDue")] == [first.id]


def test_two_joins_at_once_open_one_due_and_both_answer_it(database, monkeypatch):
    club = Club(database)
    if database.is_postgres:  # both look before either writes (SQLite's one writer at a time never races)
        looked, both_looked = store.open_due, threading.Barrier(2, timeout=10)

        def open_due_looked_at_once(session, plan_id, player_id, **lock):
            found = looked(session, plan_id, player_id, **lock)
            if found is None and not both_looked.broken:
                both_looked.wait()
            return found

        monkeypatch.setattr(store, "open_due", open_due_looked_at_once)
    with futures.ThreadPoolExecutor(2) as pool:
        dues = list(pool.map(lambda _: club.join().id, range(2)))
    assert dues[0] == dues[1]
    assert [m.bill_id for m in club.events("MembershipPaymentDue")] == [dues[0]]


def test_the_capture_starts_the_membership_once_however_often_it_comes(database):
    club = Club(database)
    due = club.join()
    for _ in range(3):  # redelivered (a consumer that lost its mark): the same payment counts once
        club.memberships.paid_online(database, due.id, "payment-1")
    [mine] = club.mine()
    assert mine.membership.id == due.membership_id and mine.state == membership.ACTIVE
    assert mine.membership.paid_until == membership.add_months(club.clock.now, 1)
    assert mine.bill_id == ""
    [paid] = club.events("MembershipPaid")
    assert not paid.renewed
    assert club.events("MembershipPaymentWithdrawn") == []

    # Renewed online a week later: one period more from the end of this one.
    club.clock.now += dt.timedelta(days=7)
    renewal = club.join()
    assert renewal.membership_id == due.membership_id and renewal.id != due.id
    assert club.mine()[0].bill_id == renewal.id
    club.memberships.paid_online(database, renewal.id, "payment-2")
    club.memberships.paid_online(database, renewal.id, "payment-2")
    assert club.mine()[0].membership.paid_until == membership.add_months(mine.membership.paid_until, 1)
    assert [m.renewed for m in club.events("MembershipPaid")] == [False, True]


def test_payment_svcs_capture_event_through_booking_svcs_consumer_counts_once_when_redelivered(database):
    club = Club(database)
    due = club.join()
    captured = payment_events.PaymentCaptured(booking_paid=True, payment=payment_pb2.Payment(
        payment_id="payment-1", booking_id=due.id, payer_id=club.player.user_id, membership_id=due.membership_id))
    consumer = consumers.consumer(database, None, club.desk.bookings, None, None, club.memberships)
    for event_id in (b"captured-1", b"captured-1", b"captured-1-again"):  # the same, and re-published
        assert consumer._handle("padel.payment.events", b"1-0", {
            b"id": event_id, b"type": captured.DESCRIPTOR.full_name.encode(), b"data": captured.SerializeToString()})
    [mine] = club.mine()
    assert mine.state == membership.ACTIVE
    assert mine.membership.paid_until == membership.add_months(club.clock.now, 1)
    assert len(club.events("MembershipPaid")) == 1 and club.events("MembershipPaymentWithdrawn") == []


def test_paid_at_the_desk_while_due_online_the_bill_is_withdrawn_and_a_late_capture_goes_back(database):
    club = Club(database)
    due = club.join()
    at_desk = club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id,
                                              club.player.user_id)
    assert at_desk.membership.id == due.membership_id  # the same membership either way
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [due.id]

    club.memberships.paid_online(database, due.id, "payment-1")  # paid online all the same
    [mine] = club.mine()
    assert mine.membership.paid_until == at_desk.membership.paid_until  # not extended twice
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [due.id, due.id]  # refunded
    assert len(club.events("MembershipPaid")) == 1


def test_the_owner_ending_a_membership_refunds_a_period_paid_ahead_and_withdraws_what_is_due(database):
    club = Club(database)
    first = club.join()
    club.memberships.paid_online(database, first.id, "payment-1")
    ahead = club.join()  # renewed ahead: its period starts when the first ends
    club.memberships.paid_online(database, ahead.id, "payment-2")
    ended = club.memberships.end_membership(database, club.owner, club.venue_id, first.membership_id)
    assert ended.state == membership.EXPIRED
    # The period under way stays paid (the owner settles it); the one not started goes back whole.
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [ahead.id]

    again = club.join()
    club.memberships.end_membership(database, club.owner, club.venue_id, first.membership_id)
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [ahead.id]  # expired: nothing to do
    club.memberships.close_account(database, club.player.user_id)
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [ahead.id, again.id]
    club.memberships.paid_online(database, again.id, "payment-3")  # money after the account closed goes back
    assert club.mine()[0].state == membership.EXPIRED


def test_nobody_joins_a_retired_or_free_plan_or_one_of_another_venue(database):
    club = Club(database)
    free = club.memberships.create_plan(database, club.owner, club.venue_id, "Friends", 0, "monthly", 0, 5)
    with pytest.raises(FailedPrecondition, match="is free"):
        club.memberships.join(database, club.player, club.venue_id, free.id)
    club.memberships.retire_plan(database, club.owner, club.venue_id, club.plan.id)
    with pytest.raises(FailedPrecondition, match="retired"):
        club.join()
    elsewhere = club.desk.venue(name="Other Club")
    with pytest.raises(NotFound):
        club.memberships.join(database, club.player, elsewhere.venue.id, club.plan.id)
    assert club.events("MembershipPaymentDue") == []


def test_the_renewal_reminder_opens_the_renewals_payment_which_extends_from_the_periods_end(database):
    club = Club(database)
    paid = club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id, club.player.user_id)
    until = paid.membership.paid_until
    club.clock.now = until - dt.timedelta(days=6)
    assert club.memberships.remind_renewals(database) == 1
    [reminder] = club.events("MembershipRenewalDue")
    [due] = club.events("MembershipPaymentDue")
    assert reminder.membership.bill_id == due.bill_id and due.membership_id == paid.membership.id
    club.memberships.paid_online(database, due.bill_id, "payment-1")
    assert club.mine()[0].membership.paid_until == membership.add_months(until, 1)


def test_retiring_a_paid_plan_withdraws_its_open_payments_and_its_members_get_no_renewal_reminder(database):
    """Nobody renews a retired plan, so (as for a free plan) its members get no renewal reminder they
    could not act on, and the payments still open are withdrawn: a late capture goes back."""
    club = Club(database)
    paid = club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id, club.player.user_id)
    until = paid.membership.paid_until
    club.clock.now = until - dt.timedelta(days=6)
    assert club.memberships.remind_renewals(database) == 1
    [renewal] = club.events("MembershipPaymentDue")
    newcomer = someone("player")
    joining = club.join(newcomer)

    club.memberships.retire_plan(database, club.owner, club.venue_id, club.plan.id)
    assert sorted(m.bill_id for m in club.events("MembershipPaymentWithdrawn")) == sorted([renewal.bill_id, joining.id])
    club.memberships.paid_online(database, renewal.bill_id, "payment-late")
    assert club.mine()[0].membership.paid_until == until and club.mine()[0].bill_id == ""
    assert club.mine(newcomer) == []
    for moment in (until - dt.timedelta(days=1), until + dt.timedelta(days=1), until + dt.timedelta(days=7, hours=1)):
        club.clock.now = moment
        club.memberships.remind_renewals(database)
    assert [m.membership.state for m in club.events("MembershipRenewalDue")] == ["active"]  # the one before
    assert [m.membership.state for m in club.events("MembershipExpired")] == ["expired"]
    assert len(club.events("MembershipPaymentDue")) == 2


def test_retiring_a_plan_tells_each_current_member_until_when_it_lasts_and_that_their_renewal_is_withdrawn(
        database):
    """Members of a retired plan keep it to the end of their paid period and grace days, and cannot
    renew it: each member still holding it (active or in grace) is told so, once; a renewal they had
    open is said to be withdrawn. A lapsed member, and a newcomer who had not paid yet, are no members."""
    club = Club(database)
    start = club.clock.now
    lapsed, in_grace, active, newcomer = (someone("player") for _ in range(4))
    club.clock.now = start - dt.timedelta(days=62)
    club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id, lapsed.user_id)
    club.clock.now = start
    club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id, in_grace.user_id)
    club.clock.now = start + dt.timedelta(days=33)  # in_grace's month ended: 2 of 7 grace days gone
    club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id, active.user_id)
    renewal = club.join(active)
    club.join(newcomer)

    club.memberships.retire_plan(database, club.owner, club.venue_id, club.plan.id)
    club.memberships.retire_plan(database, club.owner, club.venue_id, club.plan.id)  # again: nobody told twice
    told = {m.membership.player_id: m for m in club.events("MembershipPlanRetired")}
    assert len(club.events("MembershipPlanRetired")) == 2
    assert set(told) == {in_grace.user_id, active.user_id}
    [active_view] = club.mine(active)
    assert (told[active.user_id].membership.state, told[active.user_id].renewal_withdrawn) == ("active", True)
    assert told[active.user_id].membership.paid_until.ToDatetime(dt.timezone.utc) == active_view.membership.paid_until
    assert told[active.user_id].membership.bill_id == "" and told[active.user_id].membership.plan.retired_at.seconds
    assert (told[in_grace.user_id].membership.state, told[in_grace.user_id].renewal_withdrawn) == ("grace", False)
    assert (told[active.user_id].venue_name, told[active.user_id].time_zone) == ("Members Club",
                                                                                 club.venue.venue.time_zone)
    assert renewal.id in [m.bill_id for m in club.events("MembershipPaymentWithdrawn")]


def desk_payment_raced_by(club: Club, monkeypatch, race: Callable[[], None], raced: Callable[[], bool], *,
                          after_reading_the_due: bool) -> None:
    """The owner records a desk payment while `race` runs: on PostgreSQL in another thread started as
    the desk's transaction reads the player's open due (before or after that read), the desk going on
    once `race` returned or waits for a row lock; SQLite's one writer at a time runs them one after
    the other. The desk may be refused (a plan retired first)."""
    if club.db.is_postgres:
        looked, racer = store.open_due, threading.Thread(target=race)

        def open_due_raced(session, plan_id, player_id, **lock):
            found = looked(session, plan_id, player_id, **lock) if after_reading_the_due else None
            if not racer.is_alive() and not raced():
                racer.start()
                waits_for_a_lock(club.db, raced)
            return found if after_reading_the_due else looked(session, plan_id, player_id, **lock)

        monkeypatch.setattr(store, "open_due", open_due_raced)
    with futures.ThreadPoolExecutor(1) as pool:
        paying = pool.submit(club.memberships.record_payment, club.db, club.owner, club.venue_id, club.plan.id,
                             club.player.user_id)
        if not club.db.is_postgres:
            race()
        try:
            paying.result(30)
        except FailedPrecondition:
            pass
    if club.db.is_postgres:
        racer.join(30)


def test_a_desk_payment_racing_the_plans_retirement_is_refused_or_its_member_told(database, monkeypatch):
    """The owner records a desk payment while (another tab) retiring the plan: either the payment
    comes first and its member is among those told the plan retired, or it is refused as retired;
    never a member who holds a retired plan without being told."""
    club = Club(database)
    retired: list[object] = []

    def retire():
        retired.append(club.memberships.retire_plan(database, club.owner, club.venue_id, club.plan.id))

    # The desk has found the plan on offer, uncommitted, when the retirement comes.
    desk_payment_raced_by(club, monkeypatch, retire, lambda: bool(retired), after_reading_the_due=False)
    assert retired and retired[0].retired_at is not None
    members = [view.membership.player_id for view in club.mine()]
    assert members == [m.membership.player_id for m in club.events("MembershipPlanRetired")]


def test_a_desk_payment_racing_the_online_payment_of_the_same_due_never_counts_a_refunded_payment(database,
                                                                                                 monkeypatch):
    """The owner records a desk payment while payment_svc's capture of the player's online payment of
    the same due comes in. The desk read the due open without a lock; the capture paid it and extended
    the membership; the desk then overwrote the paid due with "withdrawn" (payment_svc refunds it)
    and extended again: two periods for one payment. The database now orders them on the due's row:
    each payment counted is one period, and a payment given back counts none."""
    club = Club(database)
    due = club.join()
    start = club.clock.now
    captured: list[bool] = []

    def capture():
        club.memberships.paid_online(database, due.id, "payment-online")
        captured.append(True)

    # The desk has read the due open, uncommitted, when the capture comes.
    desk_payment_raced_by(club, monkeypatch, capture, lambda: bool(captured), after_reading_the_due=True)
    assert captured
    given_back = due.id in [m.bill_id for m in club.events("MembershipPaymentWithdrawn")]
    with database.session(read_only=True) as session:
        counted_online = session.get(store.MembershipDue, due.id).payment_id == "payment-online"
    assert counted_online != given_back  # the online payment either counts or goes back
    [mine] = club.mine()
    counted = 1 + (0 if given_back else 1)  # the desk's, and the online one unless it goes back
    assert mine.membership.paid_until == membership.add_months(start, counted)
    assert len(club.events("MembershipPaid")) == counted


def test_a_renewal_left_unpaid_is_withdrawn_when_the_membership_expires_and_joining_again_is_a_new_payment(
        database):
    club = Club(database)
    paid = club.memberships.record_payment(database, club.owner, club.venue_id, club.plan.id, club.player.user_id)
    until = paid.membership.paid_until
    club.clock.now = until - dt.timedelta(days=6)
    club.memberships.remind_renewals(database)  # opens the renewal's payment
    [renewal] = club.events("MembershipPaymentDue")
    club.clock.now = until + dt.timedelta(days=7, hours=1)  # the 7 grace days ran out
    club.memberships.remind_renewals(database)
    [expired] = club.events("MembershipExpired")
    assert expired.membership.bill_id == "" and club.mine()[0].bill_id == ""
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [renewal.bill_id]  # its bill voided

    club.memberships.paid_online(database, renewal.bill_id, "payment-late")  # money that came anyway goes back
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [renewal.bill_id] * 2
    assert club.mine()[0].state == membership.EXPIRED

    again = club.join()  # coming back: a new payment, a new period from the day it is paid
    assert again.id != renewal.bill_id and again.membership_id == paid.membership.id
    club.memberships.paid_online(database, again.id, "payment-2")
    [mine] = club.mine()
    assert mine.state == membership.ACTIVE
    assert mine.membership.paid_until == membership.add_months(club.clock.now, 1)


def test_a_renewal_paid_after_the_expiry_the_job_did_not_see_goes_back_and_joining_opens_a_new_payment(database):
    club = Club(database)
    first = club.join()
    club.memberships.paid_online(database, first.id, "payment-1")
    renewal = club.join()  # renewed ahead, then left unpaid
    until = club.mine()[0].membership.paid_until
    club.clock.now = until + dt.timedelta(days=30)  # long expired; the job never ran
    club.memberships.paid_online(database, renewal.id, "payment-2")
    assert club.mine()[0].state == membership.EXPIRED
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [renewal.id]  # refunded whole

    fresh = club.join()
    assert fresh.id != renewal.id and club.join().id == fresh.id


def test_joining_again_after_the_expiry_the_job_did_not_see_withdraws_the_stale_renewal(database):
    club = Club(database)
    club.memberships.paid_online(database, club.join().id, "payment-1")
    renewal = club.join()
    club.clock.now = club.mine()[0].membership.paid_until + dt.timedelta(days=30)
    fresh = club.join()
    assert fresh.id != renewal.id
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [renewal.id]
    assert [m.bill_id for m in club.events("MembershipPaymentDue")][-1] == fresh.id


def test_joining_again_after_the_owner_changed_the_price_opens_a_payment_at_the_new_price(database):
    """Asked again while unpaid, joining answered the payment opened before: after the owner lowered the
    plan's price the player was still asked the old one, whatever the plan showed."""
    club = Club(database)
    before = club.join()
    club.memberships.update_plan(database, club.owner, club.venue_id, club.plan.id, {"price_paisa": PRICE - 100_000})
    after = club.join()
    assert after.id != before.id and after.amount_paisa == PRICE - 100_000
    assert club.join().id == after.id
    assert [m.bill_id for m in club.events("MembershipPaymentWithdrawn")] == [before.id]
    assert [(m.bill_id, m.amount.amount_paisa) for m in club.events("MembershipPaymentDue")] == [
        (before.id, PRICE), (after.id, PRICE - 100_000)]
