"""Booking emails carry the booking's calendar entry (.ics, read back here with the icalendar library):
one UID per booking, a higher SEQUENCE at each change, METHOD:CANCEL when it is cancelled."""

from __future__ import annotations

import datetime as dt
import uuid

from icalendar import Calendar
from notify_standins import eventually, publish, register, snapshot
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_service_pb2 as notify_pb

from notify_svc import calendar, templates

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

UTC = dt.timezone.utc


def attached(mail) -> tuple[str, Calendar]:
    """The .ics attached to an email: its content type's method and the calendar read back."""
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "booking.ics"
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def test_a_booking_is_added_moved_and_removed_in_the_players_calendars(notify, smtp):
    player, friend = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, player, "host@example.pk")
    register(notify.redis, friend, "friend@example.pk")
    start = (dt.datetime.now(UTC) + dt.timedelta(days=3)).replace(microsecond=0)
    booked = snapshot(player, start, participants=[friend])
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=booked))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=booked))
    later = start + dt.timedelta(hours=2)
    publish(notify.redis, "booking", booking_events.BookingRescheduled(
        booking=snapshot(player, later, booking_id=booked.booking_id, participants=[friend]),
        previous_start_time=booked.start_time))
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=snapshot(player, later, booking_id=booked.booking_id, participants=[friend],
                         status=booking_pb2.BOOKING_STATUS_CANCELLED),
        cancellation=booking_pb2.Cancellation(reason="rain")), wait=True)

    for address in ("host@example.pk", "friend@example.pk"):
        mails = eventually(lambda: len(smtp.to(address)) == 3 and smtp.to(address))
        (added, first), (updated, second), (removed, third) = (attached(mail) for mail in mails)
        events = [next(iter(c.walk("VEVENT"))) for c in (first, second, third)]
        assert {str(e["UID"]) for e in events} == {f"{booked.booking_id}@padel-platform"}  # one entry, kept
        assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
        assert [added, updated, removed] == ["PUBLISH", "PUBLISH", "CANCEL"]
        assert [str(c["METHOD"]) for c in (first, second, third)] == ["PUBLISH", "PUBLISH", "CANCEL"]
        assert [e.decoded("DTSTART") for e in events] == [start, later, later]
        assert events[0].decoded("DTEND") == start + dt.timedelta(minutes=90)
        assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
        assert str(events[0]["SUMMARY"]) == "Padel: Court 1 at Padel Arena DHA"
        assert str(events[0]["LOCATION"]) == "Padel Arena DHA"
        assert "no-reply@padel.local" in str(events[0]["ORGANIZER"])


def test_a_lottery_winner_gets_the_calendar_entry_with_the_win_or_once_the_venue_confirms(notify, smtp,
                                                                                         token_issuer):
    """Won at a venue that confirms at once: the win's email carries the entry. Won at a venue that
    confirms by hand: the win says it awaits the venue (no entry yet); the confirmation adds it, once."""
    at_once, by_hand = str(uuid.uuid4()), str(uuid.uuid4())
    register(notify.redis, at_once, "quick@example.pk")
    register(notify.redis, by_hand, "patient@example.pk")
    start = (dt.datetime.now(UTC) + dt.timedelta(days=3)).replace(microsecond=0)
    confirmed = snapshot(at_once, start)
    pending = snapshot(by_hand, start, status=booking_pb2.BOOKING_STATUS_PENDING)
    for won in (confirmed, pending):
        lottery_id = str(uuid.uuid4())
        publish(notify.redis, "booking", booking_events.BookingCreated(booking=won, lottery_id=lottery_id))
        if won is confirmed:
            publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=won, lottery_id=lottery_id))
        publish(notify.redis, "booking", booking_events.LotteryDrawn(
            lottery_id=lottery_id, booking=won, winner_id=won.player_id, seed="abc"))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(  # the owner confirms it later
        booking=snapshot(by_hand, start, booking_id=pending.booking_id)), wait=True)

    [win] = eventually(lambda: smtp.to("quick@example.pk"))
    method, entry = attached(win)
    [event] = entry.walk("VEVENT")
    assert win["Subject"].startswith("You won the slot") and "is booked for you" in text_of(win)
    assert method == "PUBLISH" and str(event["UID"]) == f"{confirmed.booking_id}@padel-platform"
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"

    mails = eventually(lambda: len(smtp.to("patient@example.pk")) == 2 and smtp.to("patient@example.pk"))
    [win] = [m for m in mails if m["Subject"].startswith("You won the slot")]
    [booked] = [m for m in mails if m["Subject"].startswith("Booking confirmed")]
    assert "awaits the venue's confirmation" in text_of(win) and "booked for you" not in text_of(win)
    assert not [p for p in win.iter_attachments() if p.get_content_type() == "text/calendar"]
    [event] = attached(booked)[1].walk("VEVENT")
    assert str(event["UID"]) == f"{pending.booking_id}@padel-platform" and event["SEQUENCE"] == 0
    told = notify.stub.ListInbox(notify_pb.ListInboxRequest(page_size=10), metadata=token_issuer.metadata(by_hand))
    assert sorted(m.kind for m in told.messages) == ["booking_confirmed", "lottery_won"]  # each once


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()

class _Entry:
    booking_id = "5f0c6c9e-3a57-4a57-9f55-9d0c9d3c1a11"
    venue_name, court_name = "Padel Arena DHA", "Court 2"
    venue_address, venue_phone = "Street 12, DHA Phase 6, Karachi", "+922135550100"
    start_time = dt.datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    end_time = dt.datetime(2026, 12, 10, 14, 30, tzinfo=UTC)
    sequence, cancelled = 3, False
    updated_at = dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_the_entry_and_the_message_carry_the_venues_address_and_phone_when_known():
    [event] = Calendar.from_ical(calendar.booking_entry(_Entry(), "no-reply@padel.local")).walk("VEVENT")
    assert str(event["LOCATION"]) == "Padel Arena DHA, Street 12, DHA Phase 6, Karachi"
    assert "Venue phone: +922135550100" in str(event["DESCRIPTION"])
    assert event["DTSTART"].to_ical() == b"20261210T130000Z"  # UTC
    [text] = [body for kind, channel, language, _subject, body in templates.defaults()
              if (kind, channel, language) == ("booking_confirmed", "sms", "en")]
    values = {**templates.SAMPLES, "venue_address": _Entry.venue_address, "venue_phone": _Entry.venue_phone}
    shown = templates.render(text, values, html=False)
    assert "Address: Street 12, DHA Phase 6, Karachi." in shown and "Venue phone: +922135550100." in shown
    unknown = templates.render(text, {**values, "venue_address": "", "venue_phone": ""}, html=False)
    assert "Address" not in unknown and "phone" not in unknown  # not known yet: nothing half-said
