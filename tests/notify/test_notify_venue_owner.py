"""The venue's owner hears of bookings at their venue (issue 12), and the player who booked hears
invited players' answers, through the real server from booking_svc's real event messages."""

from __future__ import annotations

import datetime as dt
import uuid

from notify_standins import eventually, prefer, publish, register, snapshot
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_pb2, notify_service_pb2 as pb
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))
PENDING, CONFIRMED, CANCELLED = (booking_pb2.BOOKING_STATUS_PENDING, booking_pb2.BOOKING_STATUS_CONFIRMED,
                                 booking_pb2.BOOKING_STATUS_CANCELLED)


def inbox(notify, token_issuer, user_id: str) -> list[notify_pb2.InboxMessage]:
    """The user's in-app messages, oldest first."""
    listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
    return list(reversed(listed.messages))


def kinds(notify, token_issuer, user_id: str) -> list[str]:
    return [message.kind for message in inbox(notify, token_issuer, user_id)]


def at_venue(player: str, owner: str, start: dt.datetime, **fields) -> booking_events.BookingSnapshot:
    return snapshot(player, start, venue_owner_id=owner, player_name="Bilal Ahmed", player_phone="+923001112233",
                    **fields)


def test_the_owner_hears_of_each_step_of_a_booking_with_the_players_name_and_phone(notify, smtp, provider,
                                                                                   token_issuer):
    player, owner = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, owner, "owner@example.pk", phone="+923009998877")
    prefer(notify.redis, owner, [user_pb2.CHANNEL_EMAIL, user_pb2.CHANNEL_SMS])
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    pending = at_venue(player, owner, start, status=PENDING, special_requests="Two rackets, please")
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=pending), wait=True)

    mail = eventually(lambda: smtp.to("owner@example.pk"))[0]
    assert mail["Subject"].startswith("Booking pending your confirmation: Court 1")
    text = mail.get_body(("plain",)).get_content()
    assert "Bilal Ahmed (+923001112233)" in text and "Two rackets, please" in text
    assert "4,500" in text and start.astimezone(KARACHI).strftime("%H:%M") in text
    sms = eventually(lambda: provider.to("+923009998877"))[0]
    assert "pending your confirmation" in provider.form(provider.requests.index(sms))["Body"]

    # The owner confirms it: they did it themselves, nothing new for them.
    confirmed = at_venue(player, owner, start, booking_id=pending.booking_id)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=confirmed))
    moved = at_venue(player, owner, start + dt.timedelta(hours=2), booking_id=pending.booking_id)
    publish(notify.redis, "booking", booking_events.BookingRescheduled(booking=moved,
                                                                       previous_start_time=pending.start_time))
    publish(notify.redis, "booking", booking_events.BookingNoShow(booking=moved))
    later = at_venue(player, owner, start + dt.timedelta(days=1), status=CANCELLED)
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=at_venue(
        player, owner, start + dt.timedelta(days=1), booking_id=later.booking_id)))
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=later, cancellation=booking_pb2.Cancellation(reason="rain", cancelled_by=player)), wait=True)

    assert kinds(notify, token_issuer, owner) == ["venue_booking_pending", "venue_booking_rescheduled",
                                                  "venue_booking_no_show", "venue_booking_new",
                                                  "venue_booking_cancelled"]
    told = inbox(notify, token_issuer, owner)
    assert "Bilal Ahmed (+923001112233)" in told[1].body
    assert (start + dt.timedelta(hours=2)).astimezone(KARACHI).strftime("%H:%M") in told[1].body
    assert told[2].body.startswith("Hi Ayesha, Bilal Ahmed (+923001112233) did not come")
    assert told[3].title.startswith("New booking: Court 1")
    assert "(rain)" in told[4].body
    # The player hears their own messages, never the owner's.
    assert kinds(notify, token_issuer, player) == ["booking_created", "booking_confirmed", "booking_rescheduled",
                                                   "booking_no_show", "booking_cancelled"]
    # Each on the owner's own channels: email, SMS and the inbox.
    assert {(d.kind, d.channel) for d in notify.settled(owner, 15)} >= {
        ("venue_booking_new", notify_pb2.NOTIFICATION_CHANNEL_EMAIL),
        ("venue_booking_new", notify_pb2.NOTIFICATION_CHANNEL_SMS)}


def test_a_hold_that_ran_out_tells_the_owner_it_expired_unconfirmed_once(notify, token_issuer):
    player, owner = str(uuid.uuid4()), str(uuid.uuid4())
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    expired = booking_events.BookingCancelled(booking=at_venue(player, owner, start, status=CANCELLED),
                                              cancellation=booking_pb2.Cancellation(reason="expired"))
    event_id = publish(notify.redis, "booking", expired, wait=True)
    publish(notify.redis, "booking", expired, event_id, wait=True)  # redelivered: handled once

    [message] = inbox(notify, token_issuer, owner)
    assert message.kind == "venue_booking_expired"
    assert message.title.startswith("Hold ran out: Court 1")
    assert "Bilal Ahmed (+923001112233)" in message.body and "not confirmed in time" in message.body


def test_an_owner_who_books_their_own_court_hears_it_once_as_the_player(notify, token_issuer):
    owner = str(uuid.uuid4())
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    pending = at_venue(owner, owner, start, status=PENDING)
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=pending))
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=at_venue(owner, owner, start, booking_id=pending.booking_id, status=CANCELLED),
        cancellation=booking_pb2.Cancellation(reason="expired")), wait=True)
    assert kinds(notify, token_issuer, owner) == ["booking_created", "booking_cancelled"]


def test_the_owner_in_urdu_by_their_own_language(notify, smtp):
    player, owner = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, owner, "malik@example.pk")
    prefer(notify.redis, owner, [user_pb2.CHANNEL_EMAIL], language=user_pb2.LANGUAGE_UR)
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=at_venue(player, owner, start)), wait=True)
    mail = eventually(lambda: smtp.to("malik@example.pk"))[0]
    assert mail["Subject"].startswith("نئی بکنگ: Court 1")
    assert "Bilal Ahmed (+923001112233)" in mail.get_body(("plain",)).get_content()


def test_an_owner_who_switched_booking_confirmations_off_still_hears_of_bookings_at_their_venue(notify, smtp,
                                                                                                 token_issuer):
    """Confirmations off is about the owner's own games: their venue's schedule still reaches them."""
    player, owner = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, owner, "busy-owner@example.pk")
    prefer(notify.redis, owner, [user_pb2.CHANNEL_EMAIL], kinds=(user_pb2.NOTIFICATION_KIND_REMINDERS,))
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=snapshot(owner, start)))
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=at_venue(player, owner, start)), wait=True)
    assert kinds(notify, token_issuer, owner) == ["venue_booking_new"]  # not their own game's confirmation
    [mail] = eventually(lambda: smtp.to("busy-owner@example.pk"))
    assert mail["Subject"].startswith("New booking: Court 1")


def test_invitations_are_sent_once_and_answers_reach_the_player_who_booked(notify, token_issuer):
    player, first, second = (str(uuid.uuid4()) for _ in range(3))
    register(notify.redis, second, "sana@example.pk")  # named Ayesha Khan by the stand-in registration
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    booked = snapshot(player, start, participants=[first])
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=booked))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=booked))
    # booking_svc also publishes InvitationSent for the player already invited with the confirmation,
    # and for one added later: each is invited exactly once.
    publish(notify.redis, "booking", booking_events.InvitationSent(booking=booked, player_id=first))
    both = snapshot(player, start, booking_id=booked.booking_id, participants=[first, second])
    publish(notify.redis, "booking", booking_events.InvitationSent(booking=both, player_id=second))
    publish(notify.redis, "booking", booking_events.InvitationAccepted(booking=both, player_id=second))
    without_first = snapshot(player, start, booking_id=booked.booking_id, participants=[second])
    publish(notify.redis, "booking", booking_events.InvitationDeclined(booking=without_first, player_id=first),
            wait=True)

    assert kinds(notify, token_issuer, first) == ["booking_invitation"]
    assert kinds(notify, token_issuer, second) == ["booking_invitation"]
    told = inbox(notify, token_issuer, player)
    assert [m.kind for m in told] == ["booking_confirmed", "invitation_accepted", "invitation_declined"]
    assert told[1].title.startswith("Ayesha Khan will play: Padel Arena DHA")
    assert told[2].title.startswith("A player cannot play: Padel Arena DHA")  # notify never heard their name
    # A later move tells the player still invited; the one who said no is not "taken off" the game.
    moved = snapshot(player, start + dt.timedelta(hours=1), booking_id=booked.booking_id, participants=[second])
    publish(notify.redis, "booking", booking_events.BookingRescheduled(booking=moved, previous_start_time=booked.start_time),
            wait=True)
    assert kinds(notify, token_issuer, second) == ["booking_invitation", "invitation_rescheduled"]
    assert kinds(notify, token_issuer, first) == ["booking_invitation"]
