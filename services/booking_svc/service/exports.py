"""The person's own data, whole, for the platform's data export: what booking keeps about them and
what they see of other players (ids and answers on their own bookings), never more."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from booking_svc import membership, store
from booking_svc.service.series import Series
from booking_svc.store import BookingExport, EntryView, LotteryEntryView, MembershipView
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, rows_of


def export_data(uow: UnitOfWork, caller: Caller, clock: Callable[[], dt.datetime] = utcnow) -> BookingExport:
    """Everything about the caller, read in one transaction."""
    now, me = clock(), caller.user_id
    with uow.session(read_only=True) as session:
        owned = store.venues_owned_by(session, me)
        courts = store.courts_of_venues(session, [v.id for v in owned])
        return BookingExport(
            user_id=me, player=session.get(store.Player, me),
            bookings=[store.booking_view(session, b) for b in store.bookings_involving(session, me)],
            series=[Series.view_of(session, s) for s in rows_of(
                session, store.BookingSeries.player_id, me, store.BookingSeries.created_at, store.BookingSeries.id)],
            waitlist=[EntryView(e, store.open_offer_of(session, e.id)) for e in rows_of(
                session, store.WaitlistEntry.player_id, me, store.WaitlistEntry.joined_at, store.WaitlistEntry.id)],
            lottery_entries=[LotteryEntryView(entry, draw, store.lottery_entries(session, draw.id))
                             for entry, draw in store.lottery_entries_of(session, me)],
            reviews=rows_of(session, store.Review.player_id, me, store.Review.created_at, store.Review.id),
            memberships=[MembershipView(m, plan, membership.state(m.paid_until, plan.grace_days, now))
                         for m, plan in store.memberships_of(session, me)],
            venues=[store.VenueView(v, courts[v.id]) for v in sorted(owned, key=lambda v: (v.name, v.id))],
            exported_at=now)
