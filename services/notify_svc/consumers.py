"""The events notify consumes (group "notify") from auth, user_svc, booking_svc, payment_svc and
match_svc, each handed to a use case.

Every handler runs in the consumer's transaction (`Joined(session)`) together with the record of the
event id, so a redelivered event queues nothing twice and a crash before the commit queues nothing.
"""

from __future__ import annotations

import redis
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from padel.match.v1 import match_pb2
from padel.payment.v1 import events_pb2 as payment_events
from padel.user.v1 import events_pb2 as user_events
from sqlalchemy.orm import Session

from mesh import plumbing
from mesh.consumer import EventConsumer
from mesh.db import Database, Joined
from notify_svc import convert
from notify_svc.service import Accounts, Bookings, Connections, Matches, Memberships, Payments, VenueNews

GROUP = "notify"


def consumer(database: Database, redis_client: redis.Redis, accounts: Accounts, bookings: Bookings,
             connections: Connections, payments: Payments, matches: Matches, venues: VenueNews,
             memberships: Memberships,
             **options) -> EventConsumer:
    """The consumer of auth's, user_svc's, booking_svc's, payment_svc's and match_svc's events, as a
    server worker."""
    events = EventConsumer(database, redis_client, group=GROUP,
                           streams=[plumbing.stream("auth"), plumbing.stream("booking"), plumbing.stream("user"),
                                    plumbing.stream("payment"), plumbing.stream("match")],
                           **options)

    def registered(session: Session, _event_id: str, message: auth_events.UserRegistered) -> None:
        accounts.registered(Joined(session), message.user_id, convert.contact(message))

    def verification(session: Session, _event_id: str, message: auth_events.EmailVerificationRequested) -> None:
        accounts.email_verification(Joined(session), message.user_id, message.token,
                                    convert.when(message.expires_at), convert.contact(message))

    def reset(session: Session, _event_id: str, message: auth_events.PasswordResetRequested) -> None:
        accounts.password_reset(Joined(session), message.user_id, message.token, convert.when(message.expires_at),
                                convert.contact(message))

    def password_changed(session: Session, _event_id: str, message: auth_events.PasswordChanged) -> None:
        accounts.password_changed(Joined(session), message.user_id, convert.contact(message),
                                  convert.when(message.changed_at))

    def registration_attempted(session: Session, _event_id: str, message: auth_events.RegistrationAttempted) -> None:
        accounts.registration_attempted(Joined(session), message.user_id, convert.contact(message),
                                        convert.when(message.attempted_at))

    def sign_in_failures(session: Session, _event_id: str, message: auth_events.SignInFailuresDetected) -> None:
        accounts.sign_in_failures(Joined(session), message.user_id, convert.contact(message), message.failures,
                                  convert.when(message.last_failed_at))

    def account_deleted(session: Session, _event_id: str, message: auth_events.AccountDeleted) -> None:
        accounts.account_deleted(Joined(session), message.user_id, convert.when(message.deleted_at))

    def preferences(session: Session, _event_id: str, message: user_events.PreferencesChanged) -> None:
        accounts.preferences_changed(Joined(session), message.user_id, convert.preferences(message.preferences))

    def profile_deleted(session: Session, _event_id: str, message: user_events.ProfileDeleted) -> None:
        accounts.profile_deleted(Joined(session), message.user_id)

    def connection_requested(session: Session, _event_id: str, message: user_events.ConnectionRequested) -> None:
        connections.requested(Joined(session), message.requester_id, message.requester_name, message.addressee_id)

    def connection_accepted(session: Session, _event_id: str, message: user_events.ConnectionAccepted) -> None:
        connections.accepted(Joined(session), message.requester_id, message.addressee_id, message.addressee_name)

    def created(session: Session, _event_id: str, message: booking_events.BookingCreated) -> None:
        bookings.created(Joined(session), convert.booking(message.booking), in_series=bool(message.series_id),
                         booked_by=message.booked_by, lottery_won=bool(message.lottery_id))

    def confirmed(session: Session, _event_id: str, message: booking_events.BookingConfirmed) -> None:
        bookings.confirmed(Joined(session), convert.booking(message.booking), in_series=bool(message.series_id),
                           lottery_won=bool(message.lottery_id))

    def cancelled(session: Session, _event_id: str, message: booking_events.BookingCancelled) -> None:
        cancellation = message.cancellation
        bookings.cancelled(Joined(session), convert.booking(message.booking), cancellation.reason or "cancelled",
                           convert.money(cancellation.fee), convert.money(cancellation.refund),
                           fee_due_at_venue=cancellation.fee_due_at_venue, cancelled_by=cancellation.cancelled_by,
                           in_series=bool(message.series_id))

    def rescheduled(session: Session, _event_id: str, message: booking_events.BookingRescheduled) -> None:
        bookings.moved(Joined(session), convert.booking(message.booking), convert.when(message.previous_start_time),
                       moved_by=message.moved_by)

    def participants_changed(session: Session, _event_id: str,
                             message: booking_events.BookingParticipantsChanged) -> None:
        # The snapshot's list as it is now, against whom notify has told, decides (not added_ids and
        # removed_ids): the same rule as for a move, and a repeated change invites nobody twice.
        booking = convert.booking(message.booking)
        bookings.players_changed(Joined(session), booking)
        bookings.left_late(Joined(session), booking, message.left_late_ids)

    def completed(session: Session, _event_id: str, message: booking_events.BookingCompleted) -> None:
        bookings.completed(Joined(session), message.booking.booking_id)

    def no_show(session: Session, _event_id: str, message: booking_events.BookingNoShow) -> None:
        bookings.no_show(Joined(session), convert.booking(message.booking), marked_by=message.marked_by)

    def invitation_sent(session: Session, _event_id: str, message: booking_events.InvitationSent) -> None:
        # The same rule as a new list of players: a confirmed booking invites whom notify has not
        # told yet, a pending one waits for its confirmation; never a second invitation.
        bookings.players_changed(Joined(session), convert.booking(message.booking))

    def invitation_accepted(session: Session, _event_id: str, message: booking_events.InvitationAccepted) -> None:
        bookings.invitation_answered(Joined(session), convert.booking(message.booking), message.player_id, True)

    def invitation_declined(session: Session, _event_id: str, message: booking_events.InvitationDeclined) -> None:
        booking = convert.booking(message.booking)
        bookings.invitation_answered(Joined(session), booking, message.player_id, False)
        bookings.left_late(Joined(session), booking, message.left_late_ids)

    def waitlist_offered(session: Session, _event_id: str, message: booking_events.WaitlistOffered) -> None:
        bookings.waitlist_offered(Joined(session), convert.booking(message.booking), convert.when(message.expires_at))

    def waitlist_accepted(session: Session, _event_id: str, message: booking_events.WaitlistOfferAccepted) -> None:
        bookings.waitlist_offer_accepted(Joined(session), convert.booking(message.booking))

    def waitlist_expired(session: Session, _event_id: str, message: booking_events.WaitlistOfferExpired) -> None:
        bookings.waitlist_offer_expired(Joined(session), convert.booking(message.booking))

    def series_booked(session: Session, _event_id: str, message: booking_events.SeriesBooked) -> None:
        venues.series_booked(Joined(session), convert.series(message.series, message.start_times),
                             convert.money(message.price), message.clash_count,
                             message.status == booking_pb2.BOOKING_STATUS_CONFIRMED, booked_by=message.booked_by)

    def series_cancelled(session: Session, _event_id: str, message: booking_events.SeriesCancelled) -> None:
        venues.series_cancelled(Joined(session), convert.series(message.series, message.start_times),
                                message.reason or "cancelled", convert.money(message.fee), convert.money(message.refund),
                                cancelled_by=message.cancelled_by)

    def review_written(session: Session, _event_id: str, message: booking_events.ReviewWritten) -> None:
        review = message.review
        venues.review_written(Joined(session), review.venue_owner_id, review.venue_name, review.player_name,
                              review.rating, review.text)

    def review_answered(session: Session, _event_id: str, message: booking_events.ReviewAnswered) -> None:
        review = message.review
        venues.review_answered(Joined(session), review.player_id, review.venue_name, review.rating, review.answer)

    def lottery_drawn(session: Session, _event_id: str, message: booking_events.LotteryDrawn) -> None:
        bookings.lottery_drawn(Joined(session), convert.booking(message.booking), list(message.waiting_ids))

    def weekly_summary(session: Session, _event_id: str, message: booking_events.VenueWeeklySummary) -> None:
        venues.weekly_summary(Joined(session), convert.weekly_summary(message))

    def captured(session: Session, _event_id: str, message: payment_events.PaymentCaptured) -> None:
        paid = message.payment
        payments.captured(Joined(session), paid.payer_id, paid.booking_id, convert.money(paid.amount),
                          convert.wallet_name(paid.wallet), paid.provider_reference, bool(paid.membership_id))

    def refunded(session: Session, _event_id: str, message: payment_events.PaymentRefunded) -> None:
        paid = message.payment
        # The refund's own reference (older events carry only the capture's).
        payments.refunded(Joined(session), paid.payer_id, paid.booking_id, convert.money(message.refund),
                          convert.money(message.fee), convert.wallet_name(paid.wallet),
                          message.refund_provider_reference or message.refund_reference or paid.provider_reference,
                          bool(paid.membership_id))

    def refund_failed(session: Session, _event_id: str, message: payment_events.RefundFailed) -> None:
        paid = message.payment
        payments.refund_failed(Joined(session), paid.payer_id, message.venue_owner_id, paid.booking_id,
                               convert.money(message.refund), convert.wallet_name(paid.wallet),
                               message.refund_reference, bool(paid.membership_id))

    def share_requested(session: Session, _event_id: str, message: payment_events.SharePaymentRequested) -> None:
        share = message.share
        payments.share_requested(Joined(session), share.player_id, message.booking_id, convert.money(share.amount),
                                 convert.when(share.due_by))

    def owed(session: Session, _event_id: str, message: payment_events.SharesOwedByBooker) -> None:
        payments.owed_by_booker(Joined(session), message.booker_id, message.booking_id, convert.money(message.owed),
                                len(message.shares))

    def joined(session: Session, _event_id: str, message: match_events.PlayerJoined) -> None:
        matches.player_joined(Joined(session), convert.match(message.match), message.player_id, message.approved)

    def filled(session: Session, _event_id: str, message: match_events.MatchFilled) -> None:
        matches.filled(Joined(session), convert.match(message.match))

    def join_requested(session: Session, _event_id: str, message: match_events.JoinRequested) -> None:
        matches.join_requested(Joined(session), convert.match(message.match), message.player_id, message.level)

    def left(session: Session, _event_id: str, message: match_events.PlayerLeft) -> None:
        matches.player_left(Joined(session), convert.match(message.match), message.player_id,
                            removed=bool(message.removed_by))

    def match_cancelled(session: Session, _event_id: str, message: match_events.MatchCancelled) -> None:
        matches.cancelled(Joined(session), convert.match(message.match))

    def match_released(session: Session, _event_id: str, message: match_events.MatchReleased) -> None:
        matches.released(Joined(session), convert.match(message.match))

    def result_recorded(session: Session, _event_id: str, message: match_events.ResultRecorded) -> None:
        matches.result_recorded(Joined(session), convert.match(message.match), convert.sets(message.result),
                                message.result.recorded_by, list(message.confirmer_ids))

    def join_request_ended(session: Session, _event_id: str, message: match_events.JoinRequestEnded) -> None:
        matches.join_request_ended(Joined(session), convert.match(message.match), message.player_id,
                                   message.refused_by, message.gender_no_longer_fits, message.place_taken,
                                   message.called_off)

    def result_settled(session: Session, _event_id: str, message: match_events.ResultSettled) -> None:
        result = message.result
        matches.result_settled(Joined(session), convert.match(message.match), convert.sets(result),
                               result.recorded_by, result.answered_by,
                               confirmed=result.status == match_pb2.RESULT_STATUS_CONFIRMED)

    def level_changed(session: Session, _event_id: str, message: match_events.LevelChanged) -> None:
        matches.level_changed(Joined(session), message.player_id, message.match_id, message.level_before,
                              message.level_after)

    def membership_paid(session: Session, _event_id: str, message: booking_events.MembershipPaid) -> None:
        memberships.paid(Joined(session), convert.membership(message), message.renewed)

    def renewal_due(session: Session, _event_id: str, message: booking_events.MembershipRenewalDue) -> None:
        memberships.renewal_due(Joined(session), convert.membership(message))

    def membership_expired(session: Session, _event_id: str, message: booking_events.MembershipExpired) -> None:
        memberships.expired(Joined(session), convert.membership(message))

    def plan_retired(session: Session, _event_id: str, message: booking_events.MembershipPlanRetired) -> None:
        memberships.plan_retired(Joined(session), convert.membership(message), message.renewal_withdrawn)

    events.on(auth_events.UserRegistered, registered)
    events.on(auth_events.EmailVerificationRequested, verification)
    events.on(auth_events.PasswordResetRequested, reset)
    events.on(auth_events.PasswordChanged, password_changed)
    events.on(auth_events.RegistrationAttempted, registration_attempted)
    events.on(auth_events.SignInFailuresDetected, sign_in_failures)
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(user_events.PreferencesChanged, preferences)
    events.on(user_events.ProfileDeleted, profile_deleted)
    events.on(user_events.ConnectionRequested, connection_requested)
    events.on(user_events.ConnectionAccepted, connection_accepted)
    events.on(booking_events.BookingCreated, created)
    events.on(booking_events.BookingConfirmed, confirmed)
    events.on(booking_events.BookingCancelled, cancelled)
    events.on(booking_events.BookingRescheduled, rescheduled)
    events.on(booking_events.BookingParticipantsChanged, participants_changed)
    events.on(booking_events.BookingCompleted, completed)
    events.on(booking_events.BookingNoShow, no_show)
    events.on(booking_events.InvitationSent, invitation_sent)
    events.on(booking_events.InvitationAccepted, invitation_accepted)
    events.on(booking_events.InvitationDeclined, invitation_declined)
    events.on(booking_events.WaitlistOffered, waitlist_offered)
    events.on(booking_events.WaitlistOfferAccepted, waitlist_accepted)
    events.on(booking_events.WaitlistOfferExpired, waitlist_expired)
    events.on(booking_events.SeriesBooked, series_booked)
    events.on(booking_events.SeriesCancelled, series_cancelled)
    events.on(booking_events.ReviewWritten, review_written)
    events.on(booking_events.ReviewAnswered, review_answered)
    events.on(booking_events.LotteryDrawn, lottery_drawn)
    events.on(booking_events.VenueWeeklySummary, weekly_summary)
    events.on(booking_events.MembershipPaid, membership_paid)
    events.on(booking_events.MembershipRenewalDue, renewal_due)
    events.on(booking_events.MembershipExpired, membership_expired)
    events.on(booking_events.MembershipPlanRetired, plan_retired)
    events.on(match_events.PlayerJoined, joined)
    events.on(match_events.MatchFilled, filled)
    events.on(match_events.JoinRequested, join_requested)
    events.on(match_events.PlayerLeft, left)
    events.on(match_events.MatchCancelled, match_cancelled)
    events.on(match_events.MatchReleased, match_released)
    events.on(match_events.ResultRecorded, result_recorded)
    events.on(match_events.LevelChanged, level_changed)
    events.on(match_events.JoinRequestEnded, join_request_ended)
    events.on(match_events.ResultSettled, result_settled)
    events.on(payment_events.PaymentCaptured, captured)
    events.on(payment_events.PaymentRefunded, refunded)
    events.on(payment_events.RefundFailed, refund_failed)
    events.on(payment_events.SharePaymentRequested, share_requested)
    events.on(payment_events.SharesOwedByBooker, owed)
    return events
