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
    from booking_svc.store import (BookingView, Lottery, LotteryEntry, MembershipDue, MembershipPlan, MembershipView,
                                   Player, Report, Review, Venue, WaitlistOffer)

STREAM = plumbing.stream("booking")


def created(session: Session, view: BookingView, series_id: str = "", booked_by: str = "",
            lottery_id: str = "") -> None:
    """`booked_by` travels with it: an owner who booked it for a customer is not told of it;
    `lottery_id`: the game its winner won in that lottery's draw (notify tells them of the win only)."""
    outbox.publish(session, STREAM, convert.booking_created(view, series_id, booked_by, lottery_id))


def confirmed(session: Session, view: BookingView, series_id: str = "", lottery_id: str = "") -> None:
    outbox.publish(session, STREAM, convert.booking_confirmed(view, series_id, lottery_id))


def cancelled(session: Session, view: BookingView, series_id: str = "") -> None:
    """The booking's cancellation (reason, fee, refund) travels with it: notify tells the players
    (of a game cancelled with its series, SeriesCancelled tells)."""
    outbox.publish(session, STREAM, convert.booking_cancelled(view, series_id))


def rescheduled(session: Session, view: BookingView, left: tuple[str, dt.datetime, dt.datetime],
                moved_by: str) -> None:
    """`left` is the slot it left (court, start, end), offered to the waitlist; `moved_by` travels
    with it: notify tells nobody of their own move."""
    outbox.publish(session, STREAM, convert.booking_rescheduled(view, left, moved_by))


def participants_changed(session: Session, view: BookingView, added: Sequence[str], removed: Sequence[str],
                         left_late: Sequence[str] = ()) -> None:
    """Only the invited players changed (a move announces the new list in BookingRescheduled);
    `left_late`: the removed who left of their own accord after the venue's free-cancellation time."""
    outbox.publish(session, STREAM, convert.booking_participants_changed(view, added, removed, left_late))


def completed(session: Session, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.booking_completed(view))


def no_show(session: Session, view: BookingView, marked_by: str) -> None:
    """`marked_by` travels with it: notify tells nobody of their own mark."""
    outbox.publish(session, STREAM, convert.booking_no_show(view, marked_by))


def invitation_sent(session: Session, view: BookingView, player_id: str) -> None:
    outbox.publish(session, STREAM, convert.invitation_sent(view, player_id))


def invitation_accepted(session: Session, view: BookingView, player_id: str) -> None:
    outbox.publish(session, STREAM, convert.invitation_accepted(view, player_id))


def invitation_declined(session: Session, view: BookingView, player_id: str, left_late: Sequence[str] = ()) -> None:
    """`left_late`: the decliner, when they had accepted and declined after the venue's free-cancellation time."""
    outbox.publish(session, STREAM, convert.invitation_declined(view, player_id, left_late))


def waitlist_offered(session: Session, offer: WaitlistOffer, view: BookingView) -> None:
    """A freed slot held for one waiting player: notify tells them, with the window to accept."""
    outbox.publish(session, STREAM, convert.waitlist_offered(offer, view))


def waitlist_accepted(session: Session, offer: WaitlistOffer, view: BookingView) -> None:
    outbox.publish(session, STREAM, convert.waitlist_accepted(offer, view))


def waitlist_expired(session: Session, offer: WaitlistOffer, view: BookingView) -> None:
    """The player let the window pass (or gave the offer up); the slot goes to the next in line."""
    outbox.publish(session, STREAM, convert.waitlist_expired(offer, view))


def series_booked(session: Session, series_id: str, games: Sequence[BookingView], clashes: int,
                  booked_by: str) -> None:
    """A series' booked games, told of together (its games' BookingCreated/BookingConfirmed name the
    series); `booked_by` travels with it: an owner who booked it for a customer is not told of it."""
    outbox.publish(session, STREAM, convert.series_booked(series_id, games, clashes, booked_by))


def series_cancelled(session: Session, series_id: str, games: Sequence[BookingView]) -> None:
    """Games of a series cancelled together (each game's BookingCancelled names the series)."""
    outbox.publish(session, STREAM, convert.series_cancelled(series_id, games))


def review_written(session: Session, review: Review, venue: Venue, player: Player | None) -> None:
    """A new review: notify tells the venue's owner."""
    outbox.publish(session, STREAM, convert.review_written(review, venue, player))


def review_answered(session: Session, review: Review, venue: Venue, player: Player | None) -> None:
    """The venue answered a review: notify tells its writer."""
    outbox.publish(session, STREAM, convert.review_answered(review, venue, player))


def lottery_drawn(session: Session, draw: Lottery, entries: Sequence[LotteryEntry], won: BookingView) -> None:
    """A prime slot's draw: notify tells the winner and the others (now on the slot's waitlist)."""
    outbox.publish(session, STREAM, convert.lottery_drawn(draw, entries, won))


def weekly_summary(session: Session, numbers: Report, rating: tuple[float, int]) -> None:
    """A venue's week in headline numbers: notify sends them to its owner."""
    outbox.publish(session, STREAM, convert.weekly_summary(numbers, rating))


def membership_paid(session: Session, view: MembershipView, venue: Venue, renewed: bool) -> None:
    """A new member or a renewal: notify tells the member until when."""
    outbox.publish(session, STREAM, convert.membership_paid(view, venue, renewed))


def membership_payment_due(session: Session, due: MembershipDue, plan: MembershipPlan, venue: Venue,
                           commission: int) -> None:
    """A plan to pay online: payment_svc opens its bill."""
    outbox.publish(session, STREAM, convert.membership_payment_due(due, plan, venue, commission))


def membership_payment_withdrawn(session: Session, due: MembershipDue) -> None:
    """A plan's payment no longer due: payment_svc voids its bill and refunds what it took."""
    outbox.publish(session, STREAM, convert.membership_payment_withdrawn(due))


def membership_plan_retired(session: Session, view: MembershipView, venue: Venue, renewal_withdrawn: bool) -> None:
    """A member of a plan its owner retired: notify tells them it lasts to its end and is not renewed."""
    outbox.publish(session, STREAM, convert.membership_plan_retired(view, venue, renewal_withdrawn))


def membership_renewal_due(session: Session, view: MembershipView, venue: Venue) -> None:
    """The member's period ends soon (or ended: grace days): notify reminds them to renew."""
    outbox.publish(session, STREAM, convert.membership_renewal_due(view, venue))


def membership_expired(session: Session, view: MembershipView, venue: Venue) -> None:
    outbox.publish(session, STREAM, convert.membership_expired(view, venue))
