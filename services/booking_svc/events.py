"""What booking_svc publishes on `padel.booking.events`: one function per event, each writing it to
the outbox with `mesh.outbox.publish` in the session of the change it describes, so the event exists
exactly when the change commits. Payloads are built by `convert`.

A booking confirmed at once (a venue with instant confirmation) publishes BookingCreated *and*
BookingConfirmed in the same transaction: consumers that send confirmations and reminders listen to
BookingConfirmed only, whichever way it came.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Sequence

from sqlalchemy.orm import Session

from booking_svc import convert
from mesh import outbox, plumbing

if TYPE_CHECKING:
    from booking_svc.service.memberships import MembershipView
    from booking_svc.store import BookingView, Venue, WaitlistOffer

STREAM = plumbing.stream("booking")


def created(session: Session, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.booking_created(view))


def confirmed(session: Session, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.booking_confirmed(view))


def cancelled(session: Session, view: BookingView) -> None:
    """The booking's cancellation (reason, fee, refund) travels with it: notify tells the players."""
    outbox.publish(session, STREAM, convert.booking_cancelled(view))


def rescheduled(session: Session, view: BookingView, previous_start: dt.datetime) -> None:
    outbox.publish(session, STREAM, convert.booking_rescheduled(view, previous_start))


def participants_changed(session: Session, view: BookingView, added: Sequence[str], removed: Sequence[str]) -> None:
    """Only the invited players changed (a move announces the new list in BookingRescheduled)."""
    outbox.publish(session, STREAM, convert.booking_participants_changed(view, added, removed))


def completed(session: Session, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.booking_completed(view))


def no_show(session: Session, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.booking_no_show(view))


def invitation_sent(session: Session, view: BookingView, player_id: str) -> None:
    outbox.publish(session, STREAM, convert.invitation_sent(view, player_id))


def invitation_accepted(session: Session, view: BookingView, player_id: str) -> None:
    outbox.publish(session, STREAM, convert.invitation_accepted(view, player_id))


def invitation_declined(session: Session, view: BookingView, player_id: str) -> None:
    outbox.publish(session, STREAM, convert.invitation_declined(view, player_id))


def waitlist_offered(session: Session, offer: WaitlistOffer, view: BookingView) -> None:
    """A freed slot held for one waiting player: notify tells them, with the window to accept."""
    outbox.publish(session, STREAM, convert.waitlist_offered(offer, view))


def waitlist_accepted(session: Session, offer: WaitlistOffer, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.waitlist_accepted(offer, view))


def waitlist_expired(session: Session, offer: WaitlistOffer, view: BookingView) -> None:
    """The player let the window pass (or gave the offer up); the slot goes to the next in line."""
    outbox.publish(session, STREAM, convert.waitlist_expired(offer, view))


def membership_paid(session: Session, view: MembershipView, venue: Venue, renewed: bool) -> None:
    """A new member or a renewal: notify tells the member until when."""
    outbox.publish(session, STREAM, convert.membership_paid(view, venue, renewed))


def membership_renewal_due(session: Session, view: MembershipView, venue: Venue) -> None:
    """The member's period ends soon (or ended: grace days): notify reminds them to renew."""
    outbox.publish(session, STREAM, convert.membership_renewal_due(view, venue))


def membership_expired(session: Session, view: MembershipView, venue: Venue) -> None:
    outbox.publish(session, STREAM, convert.membership_expired(view, venue))
