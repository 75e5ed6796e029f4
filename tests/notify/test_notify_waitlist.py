"""Waiting players (issue 16) through the real server, from booking_svc's real event messages: the
offer of a freed slot with its deadline, the offer passing on, and a hold given up told to nobody."""

from __future__ import annotations

import datetime as dt
import uuid

from notify_standins import eventually, prefer, publish, register, snapshot, stamp
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_service_pb2 as pb
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))


def inbox(notify, token_issuer, user_id: str):
    listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
    return list(reversed(listed.messages))


def test_a_waiting_player_is_offered_the_slot_until_its_deadline_then_told_it_passed_on(notify, smtp, token_issuer):
    waiting, owner = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, waiting, "waiting@example.pk")
    prefer(notify.redis, waiting, [user_pb2.CHANNEL_EMAIL], kinds=[])  # every kind off: an offer still goes out
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    expires = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(minutes=30)
    hold = snapshot(waiting, start, status=booking_pb2.BOOKING_STATUS_PENDING, venue_owner_id=owner)
    offered = booking_events.WaitlistOffered(offer_id=str(uuid.uuid4()), entry_id=str(uuid.uuid4()), booking=hold,
                                             expires_at=stamp(expires))
    event_id = publish(notify.redis, "booking", offered, wait=True)
    publish(notify.redis, "booking", offered, event_id, wait=True)  # redelivered: told once

    mail = eventually(lambda: smtp.to("waiting@example.pk"))[0]
    assert mail["Subject"] == f"A slot is yours to accept: Padel Arena DHA, {start.astimezone(KARACHI):%a %d %b %Y %H:%M}"
    assert f"until {expires.astimezone(KARACHI):%d %b %Y %H:%M}" in mail.get_body(("plain",)).get_content()

    publish(notify.redis, "booking", booking_events.WaitlistOfferExpired(offer_id=offered.offer_id, booking=hold),
            wait=True)
    told = inbox(notify, token_issuer, waiting)
    assert [m.kind for m in told] == ["waitlist_offered", "waitlist_offer_expired"]
    assert "went to the next player in line" in told[1].body


def test_a_hold_given_up_by_the_waiting_player_is_told_to_nobody(notify, token_issuer):
    waiting, owner = str(uuid.uuid4()), str(uuid.uuid4())
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    hold = snapshot(waiting, start, status=booking_pb2.BOOKING_STATUS_CANCELLED, venue_owner_id=owner,
                    waitlist_offer_id=str(uuid.uuid4()))
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=hold, cancellation=booking_pb2.Cancellation(reason="waitlist offer given up", cancelled_by=waiting)))
    # A real cancellation of the same player's other booking is still told (the rule is the marker).
    other = snapshot(waiting, start, status=booking_pb2.BOOKING_STATUS_CANCELLED, venue_owner_id=owner)
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=other, cancellation=booking_pb2.Cancellation(reason="plans changed", cancelled_by=waiting)), wait=True)
    assert [m.kind for m in inbox(notify, token_issuer, waiting)] == ["booking_cancelled"]
    assert [m.kind for m in inbox(notify, token_issuer, owner)] == ["venue_booking_cancelled"]
    assert "plans changed" in inbox(notify, token_issuer, waiting)[0].body


def test_a_waitlist_offers_hold_is_told_only_as_the_offer_to_the_player_and_not_at_all_to_the_owner(
        notify, token_issuer):
    """booking_svc holds an offered slot with a pending booking (BookingCreated) and cancels it when the
    window runs out (BookingCancelled, "expired"); both carry the offer's id, and neither is news to
    anyone: the player hears "a slot is yours" and "offer passed on", the owner nothing."""
    waiting, owner = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, waiting, "held@example.pk")
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    offer_id = str(uuid.uuid4())
    hold = snapshot(waiting, start, status=booking_pb2.BOOKING_STATUS_PENDING, venue_owner_id=owner,
                    waitlist_offer_id=offer_id)
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=hold))
    publish(notify.redis, "booking", booking_events.WaitlistOffered(
        offer_id=offer_id, entry_id=str(uuid.uuid4()), booking=hold,
        expires_at=stamp(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10))))
    released = booking_events.BookingCancelled(booking=hold, cancellation=booking_pb2.Cancellation(reason="expired"))
    released.booking.status = booking_pb2.BOOKING_STATUS_CANCELLED
    publish(notify.redis, "booking", released)
    publish(notify.redis, "booking", booking_events.WaitlistOfferExpired(offer_id=offer_id, booking=hold), wait=True)

    assert [m.kind for m in inbox(notify, token_issuer, waiting)] == ["waitlist_offered", "waitlist_offer_expired"]
    assert inbox(notify, token_issuer, owner) == []


def test_a_slot_taken_from_the_waitlist_is_announced_as_a_new_booking(notify, token_issuer):
    """Accepting an offer makes the hold the player's booking (its offer marker cleared): at a venue
    that confirms by hand the player hears it was received and the owner is asked to confirm it; at
    an instant venue the owner hears of a new booking (the player hears BookingConfirmed's message)."""
    waiting, owner = str(uuid.uuid4()), str(uuid.uuid4())
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    pending = snapshot(waiting, start, status=booking_pb2.BOOKING_STATUS_PENDING, venue_owner_id=owner)
    publish(notify.redis, "booking", booking_events.WaitlistOfferAccepted(offer_id=str(uuid.uuid4()), booking=pending),
            wait=True)
    assert [m.kind for m in inbox(notify, token_issuer, waiting)] == ["booking_created"]
    assert [m.kind for m in inbox(notify, token_issuer, owner)] == ["venue_booking_pending"]

    confirmed = snapshot(waiting, start, status=booking_pb2.BOOKING_STATUS_CONFIRMED, venue_owner_id=owner)
    accepted = booking_events.WaitlistOfferAccepted(offer_id=str(uuid.uuid4()), booking=confirmed)
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=confirmed))
    event_id = publish(notify.redis, "booking", accepted, wait=True)
    publish(notify.redis, "booking", accepted, event_id, wait=True)  # redelivered: told once
    assert [m.kind for m in inbox(notify, token_issuer, waiting)] == ["booking_created", "booking_confirmed"]
    assert [m.kind for m in inbox(notify, token_issuer, owner)] == ["venue_booking_pending", "venue_booking_new"]
