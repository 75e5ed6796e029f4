"""The events notify consumes (group "notify") and what each one turns into.

Every handler runs in the consumer's transaction together with the record of the event id, so a
redelivered event queues nothing twice and a crash before the commit queues nothing at all.
"""

from __future__ import annotations

from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.user.v1 import events_pb2 as user_events

from mesh import plumbing
from mesh.consumer import EventConsumer
from notify_svc import convert
from notify_svc.domain import Booking, Contact, Notifications, Preferences, local_text, money_text, now

VERIFY_PATH = "/verify-email"
RESET_PATH = "/reset-password"
FORGOT_PATH = "/forgot-password"  # the app's page that asks auth for a reset link (no token in it)


def booking(snapshot: booking_events.BookingSnapshot) -> Booking:
    return Booking(
        booking_id=snapshot.booking_id, player_id=snapshot.player_id, venue_name=snapshot.venue_name,
        court_name=snapshot.court_name, start_time=convert.when(snapshot.start_time),
        end_time=convert.when(snapshot.end_time), time_zone=snapshot.time_zone,
        price_paisa=snapshot.price.amount_paisa, currency=snapshot.price.currency,
        confirmed=snapshot.status == booking_pb2.BOOKING_STATUS_CONFIRMED,
        participant_ids=tuple(dict.fromkeys(p for p in snapshot.participant_ids if p and p != snapshot.player_id)))


def consumer(database, redis_client, notifications: Notifications, **options) -> EventConsumer:
    events = EventConsumer(database, redis_client, group="notify",
                           streams=[plumbing.stream("auth"), plumbing.stream("booking"), plumbing.stream("user")],
                           **options)

    def registered(session, _event_id, message: auth_events.UserRegistered) -> None:
        notifications.remember_contact(session, message.user_id, Contact(
            email=message.email, phone=message.phone, first_name=message.first_name, last_name=message.last_name))

    def verification(session, _event_id, message: auth_events.EmailVerificationRequested) -> None:
        notifications.security_link(session, message.user_id, "email_verification", VERIFY_PATH, message.token,
                                    convert.when(message.expires_at),
                                    Contact(email=message.email, first_name=message.first_name))

    def reset(session, _event_id, message: auth_events.PasswordResetRequested) -> None:
        notifications.security_link(session, message.user_id, "password_reset", RESET_PATH, message.token,
                                    convert.when(message.expires_at),
                                    Contact(email=message.email, first_name=message.first_name))

    def password_changed(session, _event_id, message: auth_events.PasswordChanged) -> None:
        recipient = notifications.remember_contact(session, message.user_id, Contact(email=message.email))
        changed = convert.when(message.changed_at)

        notifications.notify(session, message.user_id, "password_changed",
                             {"changed_at": local_text(changed or now(), recipient.time_zone)["stamp"]})

    def registration_attempted(session, _event_id, message: auth_events.RegistrationAttempted) -> None:
        recipient = notifications.remember_contact(session, message.user_id, Contact(
            email=message.email, first_name=message.first_name))
        attempted = convert.when(message.attempted_at) or now()
        notifications.notify(session, message.user_id, "registration_attempted", {
            "attempted_at": local_text(attempted, recipient.time_zone)["stamp"],
            "link": notifications.app_base_url + FORGOT_PATH})

    def sign_in_failures(session, _event_id, message: auth_events.SignInFailuresDetected) -> None:
        recipient = notifications.remember_contact(session, message.user_id, Contact(
            email=message.email, first_name=message.first_name))
        last = convert.when(message.last_failed_at) or now()
        notifications.notify(session, message.user_id, "sign_in_failures", {
            "failures": str(message.failures), "last_failed_at": local_text(last, recipient.time_zone)["stamp"],
            "link": notifications.app_base_url + FORGOT_PATH})

    def preferences(session, _event_id, message: user_events.PreferencesChanged) -> None:
        chosen = message.preferences
        notifications.remember_preferences(session, message.user_id, Preferences(
            language=convert.language_name(chosen.language) or "en",
            channels=convert.preferred_channels(chosen.channels), kinds=convert.families(chosen.kinds),
            quiet_hours_start=chosen.quiet_hours_start, quiet_hours_end=chosen.quiet_hours_end,
            time_zone=chosen.time_zone))

    def account_deleted(session, _event_id, message: auth_events.AccountDeleted) -> None:
        notifications.erase(session, message.user_id, "recipient deleted their account",
                            deleted_at=convert.when(message.deleted_at) or now())

    def profile_deleted(session, _event_id, message: user_events.ProfileDeleted) -> None:
        notifications.erase(session, message.user_id, "recipient deleted their profile")

    def created(session, _event_id, message: booking_events.BookingCreated) -> None:
        # Confirmed at once (no BookingConfirmed follows): invitations and reminders go out now.
        notifications.booking_placed(session, "booking_created", booking(message.booking))

    def confirmed(session, _event_id, message: booking_events.BookingConfirmed) -> None:
        notifications.booking_placed(session, "booking_confirmed", booking(message.booking))

    def cancelled(session, _event_id, message: booking_events.BookingCancelled) -> None:
        refund = message.cancellation.refund
        notifications.booking_cancelled(session, booking(message.booking), message.cancellation.reason or "cancelled",
                                        money_text(refund.amount_paisa, refund.currency))

    def rescheduled(session, _event_id, message: booking_events.BookingRescheduled) -> None:
        notifications.booking_moved(session, booking(message.booking), convert.when(message.previous_start_time))

    def participants_changed(session, _event_id, message: booking_events.BookingParticipantsChanged) -> None:
        # The snapshot's list as it is now, against whom notify has told, decides (not added_ids and
        # removed_ids): the same rule as for a move, and a repeated change invites nobody twice.
        notifications.players_changed(session, booking(message.booking))

    def completed(session, _event_id, message: booking_events.BookingCompleted) -> None:
        notifications.booking_over(session, message.booking.booking_id)

    def no_show(session, _event_id, message: booking_events.BookingNoShow) -> None:
        made = booking(message.booking)
        notifications.booking_over(session, made.booking_id)
        notifications.booking_message(session, "booking_no_show", made)

    events.on(auth_events.UserRegistered, registered)
    events.on(auth_events.EmailVerificationRequested, verification)
    events.on(auth_events.PasswordResetRequested, reset)
    events.on(auth_events.PasswordChanged, password_changed)
    events.on(auth_events.RegistrationAttempted, registration_attempted)
    events.on(auth_events.SignInFailuresDetected, sign_in_failures)
    events.on(auth_events.AccountDeleted, account_deleted)
    events.on(user_events.PreferencesChanged, preferences)
    events.on(user_events.ProfileDeleted, profile_deleted)
    events.on(booking_events.BookingCreated, created)
    events.on(booking_events.BookingConfirmed, confirmed)
    events.on(booking_events.BookingCancelled, cancelled)
    events.on(booking_events.BookingRescheduled, rescheduled)
    events.on(booking_events.BookingParticipantsChanged, participants_changed)
    events.on(booking_events.BookingCompleted, completed)
    events.on(booking_events.BookingNoShow, no_show)
    return events
