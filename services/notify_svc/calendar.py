"""iCalendar texts (RFC 5545, with the `icalendar` library): a booking's entry attached to its emails,
and a player's calendar feed.

One booking is one VEVENT whose UID never changes, so a calendar program updates the entry it has
instead of adding a second one: each change sends the entry again with a higher SEQUENCE, and a
cancellation sends METHOD:CANCEL with STATUS:CANCELLED. Times are UTC; calendar programs show them in
the reader's zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Padel Platform//notify_svc//EN"
PUBLISH, CANCEL = "PUBLISH", "CANCEL"


class Entry(Protocol):
    """What a calendar entry shows of a booking (a `store.CalendarEntry`)."""

    booking_id: str
    venue_name: str
    court_name: str
    venue_address: str
    venue_phone: str
    start_time: dt.datetime
    end_time: dt.datetime
    sequence: int
    cancelled: bool
    updated_at: dt.datetime


def uid(booking_id: str) -> str:
    """The entry's UID: the same for every message about the booking and in the feed."""
    return f"{booking_id}@padel-platform"


def _event(entry: Entry, organizer: str) -> Event:
    event = Event()
    event.add("uid", uid(entry.booking_id))
    event.add("dtstamp", entry.updated_at.astimezone(dt.timezone.utc))
    event.add("dtstart", entry.start_time.astimezone(dt.timezone.utc))
    event.add("dtend", entry.end_time.astimezone(dt.timezone.utc))
    event.add("sequence", entry.sequence)
    event.add("summary", f"Padel: {entry.court_name} at {entry.venue_name}")
    event.add("location", ", ".join(part for part in (entry.venue_name, entry.venue_address) if part))
    details = [f"{entry.court_name} at {entry.venue_name}"]
    if entry.venue_phone:
        details.append(f"Venue phone: {entry.venue_phone}")
    details.append(f"Booking {entry.booking_id}")
    event.add("description", "\n".join(details))
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if organizer:  # RFC 5546 wants an organizer on PUBLISH and CANCEL: the platform's sender
        address = vCalAddress(f"mailto:{organizer}")
        address.params["cn"] = vText("Padel Platform")
        event.add("organizer", address)
    return event


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def booking_entry(entry: Entry, organizer: str) -> str:
    """The .ics attached to a booking's email: the entry to add or update, or (cancelled) to remove."""
    calendar = _calendar(CANCEL if entry.cancelled else PUBLISH)
    calendar.add_component(_event(entry, organizer))
    return calendar.to_ical().decode()


def feed(entries: Iterable[Entry], organizer: str) -> str:
    """A player's calendar feed: every entry given, as a calendar program subscribes to it."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", "Padel bookings")
    for entry in entries:
        calendar.add_component(_event(entry, organizer))
    return calendar.to_ical().decode()
