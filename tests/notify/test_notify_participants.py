"""Invited players (a booking's participant_ids) through the real server: invitations, moves,
withdrawals, cancellations and reminders, each by the invited player's own preferences."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from notify_standins import eventually, prefer, publish, register, snapshot
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb
from padel.user.v1 import events_pb2 as user_events
from padel.user.v1 import user_pb2

from notify_svc.jobs import DeliveryJob

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))
INVITES = [user_pb2.NOTIFICATION_KIND_MATCH_INVITES, user_pb2.NOTIFICATION_KIND_REMINDERS]


def placed_at_once(notify, booked) -> None:
    """What booking_svc publishes for a venue confirming at once: BookingCreated and BookingConfirmed."""
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=booked))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=booked))


def inbox_kinds(notify, token_issuer, user_id: str) -> list[str]:
    """The user's in-app messages, oldest first, as kinds."""
    listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
    return [m.kind for m in reversed(listed.messages)]


def test_invited_players_are_invited_once_confirmed_by_their_own_preferences(notify, smtp, provider, token_issuer):
    player, urdu, no_invites, unknown, sleeping = (str(uuid.uuid4()) for _ in range(5))
    register(notify.redis, player, "organiser@example.pk")
    register(notify.redis, urdu, "amna@example.pk", phone="+923001230001")
    prefer(notify.redis, urdu, [user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS], language=user_pb2.LANGUAGE_UR,
           kinds=INVITES)
    register(notify.redis, no_invites, "bina@example.pk")
    prefer(notify.redis, no_invites, [user_pb2.CHANNEL_EMAIL])  # confirmations and reminders, no invitations
    register(notify.redis, sleeping, "dani@example.pk")
    local_now = dt.datetime.now(KARACHI)
    quiet = ((local_now - dt.timedelta(hours=1)).strftime("%H:%M"), (local_now + dt.timedelta(hours=1)).strftime("%H:%M"))
    prefer(notify.redis, sleeping, [user_pb2.CHANNEL_EMAIL], quiet=quiet, kinds=INVITES)
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    invited = [urdu, no_invites, unknown, sleeping]
    pending = snapshot(player, start, status=booking_pb2.BOOKING_STATUS_PENDING, participants=invited)

    # A pending booking (a hold that may run out) invites nobody yet.
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=pending), wait=True)
    eventually(lambda: smtp.to("organiser@example.pk"))
    assert all(notify.logs(user_id=user_id) == [] for user_id in invited)

    confirmed = snapshot(player, start, booking_id=pending.booking_id, participants=invited)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=confirmed), wait=True)

    mail = eventually(lambda: smtp.to("amna@example.pk"))[0]
    assert mail["Subject"].startswith("پیڈل کھیلنے کی دعوت: Padel Arena DHA")  # in the language Amna chose
    sms = eventually(lambda: provider.to("+923001230001"))[0]
    sms_body = provider.form(provider.requests.index(sms))["Body"]
    assert "دعوت" in sms_body and "Court 1" in sms_body
    assert {(d.kind, d.channel) for d in notify.settled(urdu, 3)} == {
        ("booking_invitation", notify_pb2.NOTIFICATION_CHANNEL_EMAIL),
        ("booking_invitation", notify_pb2.NOTIFICATION_CHANNEL_SMS),
        ("booking_invitation", notify_pb2.NOTIFICATION_CHANNEL_IN_APP)}

    # Never registered with auth (no contact details known): the in-app inbox still gets it.
    assert eventually(lambda: inbox_kinds(notify, token_issuer, unknown)) == ["booking_invitation"]
    assert [d.channel for d in notify.logs(user_id=unknown)] == [notify_pb2.NOTIFICATION_CHANNEL_IN_APP]

    # Quiet hours: the invitation email waits for them to end; the silent inbox message does not.
    held = {d.channel: d for d in notify.logs(user_id=sleeping)}
    assert held[notify_pb2.NOTIFICATION_CHANNEL_EMAIL].status == notify_pb2.DELIVERY_STATUS_QUEUED
    quiet_end = dt.datetime.combine(local_now.date(), dt.time.fromisoformat(quiet[1]), tzinfo=KARACHI)
    quiet_end += dt.timedelta(days=1) if quiet_end < local_now else dt.timedelta()
    assert held[notify_pb2.NOTIFICATION_CHANNEL_EMAIL].next_attempt_at.ToDatetime(tzinfo=dt.timezone.utc) == quiet_end
    assert held[notify_pb2.NOTIFICATION_CHANNEL_IN_APP].status == notify_pb2.DELIVERY_STATUS_DELIVERED

    # Bina switched invitations off: nothing at all (the confirmation was handled above).
    assert notify.logs(user_id=no_invites) == [] and smtp.to("bina@example.pk") == []
    # The player who booked heard "received" then "confirmed", never an invitation.
    notify.settled(player, 2)
    assert [m["Subject"].split(":")[0] for m in smtp.to("organiser@example.pk")] == ["Booking received",
                                                                                     "Booking confirmed"]


def test_a_move_tells_invited_players_invites_new_ones_and_withdraws_removed_ones(notify, token_issuer):
    player, stays, leaves, joins = (str(uuid.uuid4()) for _ in range(4))
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    booked = snapshot(player, start, participants=[stays, leaves])
    placed_at_once(notify, booked)
    moved = snapshot(player, start + dt.timedelta(hours=3), booking_id=booked.booking_id, participants=[stays, joins])
    publish(notify.redis, "booking", booking_events.BookingRescheduled(booking=moved, previous_start_time=booked.start_time))
    cancelled = booking_events.BookingCancelled(booking=snapshot(
        player, start + dt.timedelta(hours=3), booking_id=booked.booking_id, participants=[stays, joins],
        status=booking_pb2.BOOKING_STATUS_CANCELLED), cancellation=booking_pb2.Cancellation(reason="rain"))
    publish(notify.redis, "booking", cancelled, wait=True)

    assert inbox_kinds(notify, token_issuer, player) == ["booking_confirmed", "booking_rescheduled", "booking_cancelled"]
    assert inbox_kinds(notify, token_issuer, stays) == ["booking_invitation", "invitation_rescheduled",
                                                        "invitation_cancelled"]
    assert inbox_kinds(notify, token_issuer, leaves) == ["booking_invitation", "invitation_withdrawn"]
    assert inbox_kinds(notify, token_issuer, joins) == ["booking_invitation", "invitation_cancelled"]
    last = notify.stub.ListInbox(pb.ListInboxRequest(page_size=1), metadata=token_issuer.metadata(joins)).messages[0]
    assert "(rain)" in last.body and "Refund" not in last.body  # invited players paid nothing
    moved_text = notify.stub.ListInbox(pb.ListInboxRequest(page_size=2), metadata=token_issuer.metadata(stays)).messages[1]
    assert (start + dt.timedelta(hours=3)).astimezone(KARACHI).strftime("%H:%M") in moved_text.body


def changed(player: str, start: dt.datetime, booking_id: str, participants: list[str], added: list[str],
            removed: list[str], status=booking_pb2.BOOKING_STATUS_CONFIRMED) -> booking_events.BookingParticipantsChanged:
    """The event booking_svc publishes when only the invited players change."""
    return booking_events.BookingParticipantsChanged(
        booking=snapshot(player, start, booking_id=booking_id, participants=participants, status=status),
        added_ids=added, removed_ids=removed)


def test_a_new_list_of_players_invites_the_added_and_withdraws_the_removed_with_their_reminders(notify, smtp,
                                                                                                token_issuer):
    player, stays, leaves, joins = (str(uuid.uuid4()) for _ in range(4))
    register(notify.redis, player, "captain@example.pk")
    register(notify.redis, joins, "newcomer@example.pk")
    prefer(notify.redis, joins, [user_pb2.CHANNEL_EMAIL], kinds=INVITES)
    # Reminders are due 3 s from now (lead time 120 min).
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=120, seconds=3)
    booked = snapshot(player, start, participants=[stays, leaves])
    placed_at_once(notify, booked)
    publish(notify.redis, "booking", changed(player, start, booked.booking_id, [stays, joins], [joins], [leaves]),
            wait=True)

    def told(user_id: str) -> list[str]:
        """Inbox kinds apart from the reminders (due any moment)."""
        return [kind for kind in inbox_kinds(notify, token_issuer, user_id) if kind != "booking_reminder"]

    def reminded(user_id: str) -> bool:
        return "booking_reminder" in inbox_kinds(notify, token_issuer, user_id)

    assert told(joins) == ["booking_invitation"]
    invitation = eventually(lambda: smtp.to("newcomer@example.pk"))[0]
    assert invitation["Subject"].startswith("You are invited to play padel: Padel Arena DHA")
    assert told(leaves) == ["booking_invitation", "invitation_withdrawn"]
    assert told(stays) == ["booking_invitation"]  # nothing new for them
    assert told(player) == ["booking_confirmed"]  # their own change: no message

    eventually(lambda: all(reminded(user_id) for user_id in (player, stays, joins)))
    assert [m["Subject"].startswith("Reminder") for m in eventually(lambda: smtp.to("newcomer@example.pk")[1:])] == [True]
    time.sleep(0.3)
    assert not reminded(leaves)  # their reminder was cancelled with the invitation


def test_a_pending_booking_invites_its_new_players_only_once_confirmed(notify, token_issuer):
    player, first, second = (str(uuid.uuid4()) for _ in range(3))
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    pending = snapshot(player, start, status=booking_pb2.BOOKING_STATUS_PENDING, participants=[first])
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=pending))
    publish(notify.redis, "booking", changed(player, start, pending.booking_id, [first, second], [second], [],
                                             status=booking_pb2.BOOKING_STATUS_PENDING), wait=True)
    assert notify.logs(user_id=first) == [] and notify.logs(user_id=second) == []

    confirmed = snapshot(player, start, booking_id=pending.booking_id, participants=[first, second])
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=confirmed))
    # Taken off and put back after the confirmation: withdrawn, then invited again.
    publish(notify.redis, "booking", changed(player, start, pending.booking_id, [second], [], [first]))
    publish(notify.redis, "booking", changed(player, start, pending.booking_id, [second, first], [first], []),
            wait=True)
    assert inbox_kinds(notify, token_issuer, second) == ["booking_invitation"]
    assert inbox_kinds(notify, token_issuer, first) == ["booking_invitation", "invitation_withdrawn",
                                                        "booking_invitation"]


def test_each_invited_players_reminder_is_sent_once_across_restarts(notify, smtp, token_issuer):
    player, known, unknown = (str(uuid.uuid4()) for _ in range(3))
    register(notify.redis, player, "host@example.pk")
    register(notify.redis, known, "guest@example.pk")
    # Lead time 120 min: a booking starting in 120 min + 1.5 s is due for its reminders in 1.5 s.
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=120, seconds=1.5)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(
        booking=snapshot(player, start, participants=[known, unknown])))
    eventually(lambda: smtp.to("guest@example.pk"))  # the invitation
    notify.stop()
    notify.start()

    def reminders(user_id: str) -> list[notify_pb2.Delivery]:
        return [d for d in notify.logs(user_id=user_id) if d.kind == "booking_reminder"]

    eventually(lambda: all(reminders(user_id) for user_id in (player, known, unknown)))
    notify.stop()
    notify.start()
    time.sleep(0.5)
    assert [len(reminders(user_id)) for user_id in (player, known, unknown)] == [2, 2, 1]  # email + inbox; inbox
    assert [m["Subject"].startswith("Reminder") for m in smtp.to("guest@example.pk")] == [False, True]
    assert inbox_kinds(notify, token_issuer, unknown) == ["booking_invitation", "booking_reminder"]


def test_a_deleted_profile_takes_the_invited_players_pending_messages_and_reminder_along(notify, smtp, token_issuer):
    player, gone = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, player, "stays@example.pk")
    register(notify.redis, gone, "dani@example.pk")
    local_now = dt.datetime.now(KARACHI)
    quiet = ((local_now - dt.timedelta(hours=1)).strftime("%H:%M"), (local_now + dt.timedelta(hours=1)).strftime("%H:%M"))
    prefer(notify.redis, gone, [user_pb2.CHANNEL_EMAIL], quiet=quiet, kinds=INVITES)
    # The reminders are due at once; the delivery worker that releases them is held until the profile
    # is deleted, however long the events take to be handled. The invitation email waits for Dani's
    # quiet hours.
    job = next(worker for worker in notify.host.workers if isinstance(worker, DeliveryJob))
    job.stop()
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=119)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(player, start, participants=[gone])),
            wait=True)
    assert {d.status for d in notify.logs(user_id=gone)} == {notify_pb2.DELIVERY_STATUS_QUEUED,
                                                            notify_pb2.DELIVERY_STATUS_DELIVERED}
    publish(notify.redis, "user", user_events.ProfileDeleted(user_id=gone), wait=True)
    job.start()

    # The player who booked is still reminded; the deleted invited player is not.
    # (A reminder of Dani's not cancelled would have been released in the same transaction.)
    eventually(lambda: [d for d in notify.logs(user_id=player) if d.kind == "booking_reminder"])
    rows = {d.channel: d for d in notify.logs(user_id=gone)}
    assert [d.kind for d in rows.values()] == ["booking_invitation", "booking_invitation"]
    email = rows[notify_pb2.NOTIFICATION_CHANNEL_EMAIL]
    assert email.status == notify_pb2.DELIVERY_STATUS_FAILED and email.last_error == "recipient deleted their profile"
    assert email.recipient == "***"  # not even masked: the address is gone
    assert rows[notify_pb2.NOTIFICATION_CHANNEL_IN_APP].status == notify_pb2.DELIVERY_STATUS_DELIVERED
    assert inbox_kinds(notify, token_issuer, gone) == []
    assert smtp.to("dani@example.pk") == []


def test_a_player_who_leaves_or_declines_late_is_told_their_share_is_kept_until_someone_takes_their_place(
        notify, token_issuer):
    """booking_svc names who left late (a match seat, or an accepted invitation declined, after the
    venue's free-cancellation time): payment_svc keeps their paid share until a newcomer takes the
    place and pays, and nobody told them so. One who leaves or declines in time hears nothing of it."""
    player, late, in_time, late_decliner, decliner = (str(uuid.uuid4()) for _ in range(5))
    register(notify.redis, player, "organiser-late@example.pk")
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    booked = snapshot(player, start, participants=[late, in_time, late_decliner, decliner])
    placed_at_once(notify, booked)
    left = changed(player, start, booked.booking_id, [late_decliner, decliner], [], [late, in_time])
    left.left_late_ids.append(late)
    publish(notify.redis, "booking", left)
    after = snapshot(player, start, booking_id=booked.booking_id, participants=[decliner])
    publish(notify.redis, "booking", booking_events.InvitationDeclined(booking=after, player_id=late_decliner,
                                                                       left_late_ids=[late_decliner]))
    publish(notify.redis, "booking", booking_events.InvitationDeclined(
        booking=snapshot(player, start, booking_id=booked.booking_id), player_id=decliner), wait=True)

    for user_id in (late, late_decliner):
        kinds = inbox_kinds(notify, token_issuer, user_id)
        assert kinds.count("left_late") == 1, kinds
        listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
        told = next(m for m in listed.messages if m.kind == "left_late")
        assert told.title == "Your share is kept until someone takes your place: Padel Arena DHA"
        assert "after the venue's free-cancellation time" in told.body and "pays for it" in told.body
    for user_id in (in_time, decliner):
        assert "left_late" not in inbox_kinds(notify, token_issuer, user_id)
