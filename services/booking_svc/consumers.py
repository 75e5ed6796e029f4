"""The events booking_svc consumes (group "booking"): from auth, UserRegistered (the player's name
and phone, for the venue's schedule and the events notify turns into messages to the owner) and
AccountDeleted, which ends what the person holds here; from payments, PaymentCaptured, which confirms a
pending booking once its whole price is paid (or, for a membership plan's bill, starts or extends the
membership), and VenuePaymentChanged, whether a venue is paid at
the venue (where a cancellation fee is then due); its own BookingCancelled and BookingRescheduled, whose
freed slot (a move's old one) goes to the first in the waitlist; and match_svc's events about a match's
court (a hold's match opened, its seated players, on a hold or on the organiser's own booking; a hold filled
or released:
`service.match_holds`). Each handler runs the use case in the consumer's transaction (`Joined`), which
also records the event as handled, so an event is handled once however often it comes."""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from padel.payment.v1 import events_pb2 as payment_events
from padel.payment.v1 import payment_pb2
from sqlalchemy.orm import Session

from booking_svc.service import Bookings
from booking_svc.service.match_holds import MatchHolds
from booking_svc.service.memberships import Memberships
from booking_svc.service.waitlist import Waitlist
from mesh import plumbing
from mesh.consumer import EventConsumer
from mesh.convert import to_datetime
from mesh.db import Database, Joined

GROUP = "booking"


def consumer(database: Database, redis_client: redis.Redis, bookings: Bookings, waitlist: Waitlist,
             match_holds: MatchHolds, memberships: Memberships) -> EventConsumer:
    """The consumer of auth's and payments' events and of freed slots, as a server worker."""

    def user_registered(session: Session, _event_id: str, message: auth_events.UserRegistered) -> None:
        name = f"{message.first_name} {message.last_name}".strip()
        bookings.remember_player(Joined(session), message.user_id, name, message.phone)

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        waitlist.close_account(Joined(session), message.user_id)  # first: its offer's hold passes on
        bookings.close_account(Joined(session), message.user_id)
        memberships.close_account(Joined(session), message.user_id)

    def payment_captured(session: Session, _event_id: str, message: payment_events.PaymentCaptured) -> None:
        if message.payment.membership_id:
            memberships.paid_online(Joined(session), message.payment.booking_id, message.payment.payment_id)
        elif message.booking_paid:
            bookings.confirm_paid(Joined(session), message.payment.booking_id)

    def venue_payment_changed(session: Session, _event_id: str, message: payment_events.VenuePaymentChanged) -> None:
        paid = message.venue_payment
        bookings.venue_paid(Joined(session), paid.venue_id,
                            paid.mode in (payment_pb2.PAYMENT_MODE_UNSPECIFIED, payment_pb2.PAYMENT_MODE_AT_VENUE))

    def booking_cancelled(session: Session, _event_id: str, message: booking_events.BookingCancelled) -> None:
        freed = message.booking
        waitlist.offer_freed(Joined(session), freed.court_id, to_datetime(freed.start_time),
                             to_datetime(freed.end_time))

    def booking_rescheduled(session: Session, _event_id: str, message: booking_events.BookingRescheduled) -> None:
        if not message.previous_court_id:
            return  # published before moves named the slot they left
        waitlist.offer_freed(Joined(session), message.previous_court_id, to_datetime(message.previous_start_time),
                             to_datetime(message.previous_end_time))

    def match_opened(session: Session, _event_id: str, message: match_events.MatchOpened) -> None:
        match = message.match
        match_holds.opened(Joined(session), match.match_id, match.booking_id, match.organiser_id)

    def match_seated(session: Session, _event_id: str, message) -> None:
        match = message.match
        left = isinstance(message, match_events.PlayerLeft) and not message.removed_by  # left of their own accord
        match_holds.seated(Joined(session), match.match_id, match.booking_id, match.organiser_id,
                           list(match.player_ids), message.player_id if left else "")

    def match_filled(session: Session, _event_id: str, message: match_events.MatchHoldFilled) -> None:
        match = message.match
        match_holds.filled(Joined(session), match.match_id, match.booking_id, match.organiser_id,
                           list(match.player_ids))

    def match_released(session: Session, _event_id: str, message: match_events.MatchReleased) -> None:
        match = message.match
        match_holds.released(Joined(session), match.match_id, match.booking_id, match.organiser_id)

    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("auth"), plumbing.stream("payment"), plumbing.stream("booking"),
                                    plumbing.stream("match")])
    events.on(auth_events.UserRegistered, user_registered)
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(payment_events.PaymentCaptured, payment_captured)
    events.on(payment_events.VenuePaymentChanged, venue_payment_changed)
    events.on(booking_events.BookingCancelled, booking_cancelled)
    events.on(booking_events.BookingRescheduled, booking_rescheduled)
    events.on(match_events.MatchOpened, match_opened)
    for seats_moved in (match_events.PlayerJoined, match_events.PlayerLeft):
        events.on(seats_moved, match_seated)
    events.on(match_events.MatchHoldFilled, match_filled)
    events.on(match_events.MatchReleased, match_released)
    return events
