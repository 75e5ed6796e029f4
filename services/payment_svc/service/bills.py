"""Bills: a booking's shares, made when booking_svc announces the booking, what each player still
owes, and the deadline after which an invited player's unpaid share falls to the booker. A membership
plan paid online is a bill too (one share, the player's): paid, refunded, reported as a booking's."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Callable, Sequence

from mesh.caller import Caller
from mesh.commission import commission_on
from mesh.db import UnitOfWork
from mesh.errors import NotFound
from payment_svc import domain, events, store
from payment_svc.domain import (BOOKING_CANCELLED, UNPAID, Balance, BookingFacts, EntryKind, PaymentMode, ShareState,
                                ShareView)


def share_view(row: store.Share) -> ShareView:
    return ShareView(row.id, row.player_id, row.amount_paisa, row.share_state)


def owed_by_booker(booking: store.Booking, shares: list[store.Share]) -> int:
    if booking.status == BOOKING_CANCELLED:
        return 0
    return sum(s.amount_paisa for s in shares if s.share_state in UNPAID and (
        s.player_id == booking.booker_id or s.share_state == ShareState.OWED_BY_BOOKER))


def live_shares(session, booking: store.Booking) -> list[store.Share]:
    """The shares that make up the bill now: paid or owed, and not on their way back."""
    going_back = store.refunding(session, booking.id)
    return [s for s in store.shares_of(session, booking.id)
            if s.share_state in (ShareState.PAID, *UNPAID) and s.id not in going_back]


def fully_paid(session, booking: store.Booking) -> bool:
    live = live_shares(session, booking)
    return bool(live) and all(s.share_state == ShareState.PAID for s in live) and booking.status != BOOKING_CANCELLED


def keep_commission(session, booking: store.Booking, now: dt.datetime) -> None:
    """Once the online part is paid, the platform's commission on it (all of it, or the deposit) is
    in the ledger; a bill re-balanced to another price corrects it by a further entry, never an edit."""
    if not fully_paid(session, booking):
        return
    balance = domain.balance(store.as_entries(store.entries_of(session, booking.id)))
    commission = commission_on(booking.commission_paisa, booking.price_paisa, booking.online_paisa)
    if commission != balance.commission:
        store.record(session, booking.id, EntryKind.COMMISSION, commission - balance.commission, now)


@dataclass(frozen=True)
class BillView:
    booking: store.Booking
    shares: list[store.Share]
    balance: Balance
    # share id → (refunded, fee kept), from the ledger.
    returned: dict[str, tuple[int, int]]
    # A fee due (or collected) at the venue: late cancellation or no-show of a booking paid there.
    venue_fee: store.VenueFee | None = None

    @property
    def due(self) -> int:
        if self.booking.status == BOOKING_CANCELLED:
            return 0
        return sum(s.amount_paisa for s in self.shares if s.share_state in UNPAID)

    @property
    def owed_by_booker(self) -> int:
        return owed_by_booker(self.booking, self.shares)

    @property
    def at_venue(self) -> int:
        """The part of the price paid at the venue: none once cancelled, nor once a fee due there
        stands for it (a no-show's is that part), so the same money is never counted twice."""
        if self.booking.status == BOOKING_CANCELLED or self.venue_fee is not None:
            return 0
        return self.booking.price_paisa - self.booking.online_paisa


def bill_of(session, booking: store.Booking) -> BillView:
    rows = store.entries_of(session, booking.id)
    returned: dict[str, tuple[int, int]] = {}
    for row in (r for r in rows if r.share_id):
        refunded, fee = returned.get(row.share_id, (0, 0))
        if row.kind == EntryKind.REFUNDED:
            returned[row.share_id] = (refunded + row.amount_paisa, fee)
        elif row.kind == EntryKind.FEE:
            returned[row.share_id] = (refunded, fee + row.amount_paisa)
    return BillView(booking, store.shares_of(session, booking.id), domain.balance(store.as_entries(rows)), returned,
                    session.get(store.VenueFee, booking.id))


def bill_players(booking: store.Booking, shares: Sequence[store.Share]) -> set[str]:
    """Whose the bill is: the booking's players, and a player taken off it, who still sees their share
    (and its refund)."""
    return {*booking.player_ids, *(s.player_id for s in shares)}


class Bills:
    def __init__(self, window: dt.timedelta, lead: dt.timedelta, clock: Callable[[], dt.datetime]):
        self.window = window
        self.lead = lead
        self.clock = clock

    def record_booking(self, uow: UnitOfWork, facts: BookingFacts) -> None:
        """A new booking (BookingCreated): its price split between its players. Again: nothing."""
        with uow.session() as session:
            # The venue's mode and whether the bill exists, in one look (a booking costs one statement fewer).
            mode, deposit_percent, billed = store.bill_opening(session, facts.venue_id, facts.booking_id)
            if billed:
                return
            online = domain.online_part(PaymentMode(mode), deposit_percent, facts.price) if mode else 0
            self._open(session, facts, online)

    def record_membership_due(self, uow: UnitOfWork, facts: BookingFacts, membership_id: str) -> None:
        """A membership plan to pay online (booking's MembershipPaymentDue): a bill whose one share is
        the player's, all of it online whatever the venue's mode for bookings. Again: nothing."""
        with uow.session() as session:
            if session.get(store.Booking, facts.booking_id) is None:
                self._open(session, facts, facts.price, membership_id)

    def _open(self, session, facts: BookingFacts, online: int, membership_id: str | None = None) -> None:
        """The bill, added; not flushed when nothing is paid online: a BookingConfirmed handled in the
        same transaction before a flush (a consumer's, of a trace not kept) then changes the added row,
        and one INSERT goes at the commit (no UPDATE)."""
        now = self.clock()
        store.add_booking(session, store.Booking(
            id=facts.booking_id, venue_id=facts.venue_id, booker_id=facts.booker_id, player_ids=facts.player_ids,
            start_time=facts.start, local_date=facts.local_date, price_paisa=facts.price, online_paisa=online,
            commission_paisa=facts.commission, status=facts.status, created_at=now, updated_at=now,
            player_prices=list(facts.player_prices) or None, membership_id=membership_id))
        self._split(session, facts, online, now)

    def _split(self, session, facts: BookingFacts, online: int, now: dt.datetime) -> None:
        """Shares of what is paid online: by each player's share price (a member pays less), else equal
        between the players, the odd paisa on the booker."""
        if not online:
            return
        session.flush()  # the bill's booking before its shares (no relationship orders the two)
        due_by = domain.share_deadline(now, facts.start, self.window, self.lead)
        for position, (player, amount) in enumerate(
                zip(facts.player_ids, domain.player_shares(online, len(facts.player_ids), facts.player_prices))):
            if not amount:
                continue  # a price of fewer paisa than players: those left over owe nothing
            share = store.Share(id=store.new_id(), booking_id=facts.booking_id, player_id=player, position=position,
                                amount_paisa=amount, state=ShareState.DUE.value, due_by=due_by)
            session.add(share)
            if player != facts.booker_id:
                events.share_requested(session, facts.booking_id, facts.booker_id, share)
        session.flush()

    def booking_changed(self, uow: UnitOfWork, facts: BookingFacts) -> None:
        """A later booking event: its status, and for a changed price or list of players, the bill
        follows: split anew while nothing is paid or being paid, else re-balanced (`rebalance`), at
        once or, while a payment is pending, as soon as it settles."""
        now = self.clock()
        with uow.session() as session:
            booking = store.booking_to_change(session, facts.booking_id)
            if booking is None or booking.status == BOOKING_CANCELLED:
                return
            if facts.status != BOOKING_CANCELLED:  # a cancellation is the refunds' to record
                booking.status = facts.status
            booking.updated_at = now
            # A move keeps the payout report's day right, whatever else changes.
            booking.start_time, booking.local_date = facts.start, facts.local_date
            prices = list(facts.player_prices) or None
            if (facts.price, facts.player_ids, prices) == (booking.price_paisa, booking.player_ids,
                                                           booking.player_prices):
                return  # the bill stands as it is (a confirmation, a move): its shares not even read
            shares = store.shares_of(session, booking.id)
            was_held = booking.held_ids or ()
            held = [p for p in [*was_held, *facts.left_late] if p not in facts.player_ids and any(
                s.player_id == p and s.share_state == ShareState.PAID for s in shares)]  # only a paid share holds
            # Each newcomer takes the place of the one who left late first; a newcomer who leaves again
            # before paying leaves that place held as it was.
            takers = {leaver: taker for leaver, taker in (booking.taker_ids or {}).items() if taker in facts.player_ids}
            newcomers = [p for p in facts.player_ids if p not in (*booking.player_ids, *was_held)]
            takers.update(zip([p for p in held if p not in takers], newcomers))
            booking.held_ids = held or None
            booking.taker_ids = {leaver: taker for leaver, taker in takers.items() if leaver in held} or None
            untouched = all(s.share_state == ShareState.DUE for s in shares) and not store.payments_of(session, booking.id)
            # The same part online as when booked (a deposit stays the same percentage).
            online = booking.online_paisa * facts.price // booking.price_paisa if booking.price_paisa else 0
            booking.price_paisa, booking.commission_paisa, booking.online_paisa = facts.price, facts.commission, online
            booking.player_ids, booking.player_prices = facts.player_ids, prices
            if untouched:
                for share in shares:
                    session.delete(share)
                self._split(session, facts, online, now)  # flushes the deletes before the new shares
            elif store.has_pending_payment(session, booking.id):
                booking.rebalance_due = True  # the pending payment may yet take its shares
            else:
                self.rebalance(session, booking, now)

    def rebalance(self, session, booking: store.Booking, now: dt.datetime) -> None:
        """The bill follows its players and price without losing money (domain.rebalance): paid
        shares stay as they are, a removed player's paid share is refunded to their wallet (one who
        left late once the newcomer who took their place paid: `release_taken_places`), unpaid
        shares are replaced by ones that add up to the price, and each invited player asked anew is
        sent the request. A share that had fallen to the booker stays the booker's."""
        shares = store.shares_of(session, booking.id)
        going_back = store.refunding(session, booking.id)
        plan = domain.rebalance([share_view(s) for s in shares if s.id not in going_back], booking.player_ids,
                                booking.booker_id, booking.online_paisa, booking.player_prices or (),
                                booking.held_ids or (), list(booking.taker_ids or ()))
        by_id = {s.id: s for s in shares}
        for share_id in plan.refund:
            store.plan_refund(session, booking.id, by_id[share_id], by_id[share_id].amount_paisa, 0, now)
        replaced = [by_id[share_id] for share_id in plan.void]
        fallen = {s.player_id for s in replaced if s.share_state == ShareState.OWED_BY_BOOKER}
        due_by = {s.player_id: s.due_by for s in replaced}
        for share in replaced:
            share.state = ShareState.VOID.value
        position = max((s.position for s in shares), default=-1) + 1
        deadline = domain.share_deadline(now, booking.start_time, self.window, self.lead)
        for offset, (player, amount) in enumerate(plan.new):
            owed = player in fallen and player != booking.booker_id
            share = store.Share(id=store.new_id(), booking_id=booking.id, player_id=player, position=position + offset,
                                amount_paisa=amount, due_by=due_by.get(player, deadline),
                                state=(ShareState.OWED_BY_BOOKER if owed else ShareState.DUE).value)
            session.add(share)
            if player != booking.booker_id and not owed:
                events.share_requested(session, booking.id, booking.booker_id, share)
        booking.rebalance_due = False
        session.flush()
        self.release_taken_places(session, booking, now)
        keep_commission(session, booking, now)

    @staticmethod
    def release_taken_places(session, booking: store.Booking, now: dt.datetime) -> None:
        """A late leaver's paid share goes back once the newcomer who took their place owes nothing
        more (their share paid, by them or by the booker it fell to), so nobody carries the risk that
        the newcomer never pays. Not while the bill waits to be re-balanced: the newcomer's share may
        not be there yet."""
        if not booking.taker_ids or booking.rebalance_due:
            return
        live = live_shares(session, booking)
        owing = {s.player_id for s in live if s.share_state in UNPAID}
        released = {leaver for leaver, taker in booking.taker_ids.items() if taker not in owing}
        for share in (s for s in live if s.player_id in released and s.share_state == ShareState.PAID):
            store.plan_refund(session, booking.id, share, share.amount_paisa, 0, now)
        booking.held_ids = [p for p in booking.held_ids if p not in released] or None
        booking.taker_ids = {leaver: taker for leaver, taker in booking.taker_ids.items()
                             if leaver not in released} or None

    def get_bill(self, uow: UnitOfWork, caller: Caller, booking_id: str) -> BillView:
        with uow.session(read_only=True) as session:
            booking = session.get(store.Booking, booking_id)
            if booking is None or not domain.may_see_bill(caller, bill_players(booking, store.shares_of(
                    session, booking_id))):
                raise NotFound(f"no bill of yours for booking {booking_id} (yet: a new booking's bill takes a moment)")
            return bill_of(session, booking)

    def fall_due(self, uow: UnitOfWork) -> int:
        """Invited players' shares unpaid at their deadline fall to the booker, who is told what is owed."""
        now = self.clock()
        with uow.session() as session:
            late = store.shares_past_due(session, now)
            for booking_id, shares in itertools.groupby(late, key=lambda s: s.booking_id):
                shares = list(shares)
                for share in shares:
                    share.state = ShareState.OWED_BY_BOOKER.value
                booking = session.get(store.Booking, booking_id)
                session.flush()
                events.owed_by_booker(session, booking, shares, owed_by_booker(booking, store.shares_of(session, booking_id)))
            return len(late)
