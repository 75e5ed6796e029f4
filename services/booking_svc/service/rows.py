"""The rows every use case starts from: found by id (NotFound when missing, or not at the venue
given), and a venue row read as the domain's rules and price windows."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy.orm import Session

from booking_svc import domain, store
from mesh.caller import Caller
from mesh.errors import InvalidArgument, NotFound


def venue(session: Session, venue_id: str) -> store.Venue:
    found = session.get(store.Venue, venue_id)
    if found is None:
        raise NotFound(f"no venue {venue_id}")
    return found


def court_at(session: Session, venue_row: store.Venue, court_id: str) -> store.Court:
    found = session.get(store.Court, court_id)
    if found is None or found.venue_id != venue_row.id:
        raise NotFound(f"no court {court_id} at this venue")
    return found


def booking(session: Session, booking_id: str) -> store.BookingView:
    found = session.get(store.Booking, booking_id)
    if found is None:
        raise NotFound(f"no booking {booking_id}")
    return store.booking_view(session, found)


def player_booked_for(session: Session, caller: Caller, venue_row: store.Venue, player_id: str,
                      player_phone: str) -> str:
    """Whom a booking is for: the caller, or a customer the venue's owner (or an admin) names by id or
    by the mobile number they registered with; either way a player booking_svc heard of from auth."""
    if player_id and player_phone:
        raise InvalidArgument.field("player_phone", "name the player by player_id or by player_phone, not both")
    if not (player_id or player_phone) or player_id == caller.user_id:
        return caller.user_id
    domain.check_may_book_for_others(caller, venue_row.owner_id)
    if player_id:
        if session.get(store.Player, player_id) is None:
            raise InvalidArgument.field("player_id", "is no registered player")
        return player_id
    found = store.players_with_phone(session, player_phone)
    if not found:
        raise InvalidArgument.field("player_phone", "no registered player has this number")
    if len(found) > 1:
        raise InvalidArgument.field("player_phone",
                                    "more than one player registered this number: name them by player_id")
    return found[0].id


def rules_of(row: store.Venue) -> domain.VenueRules:
    """The domain's view of a venue row; opening hours are checked again (field names for errors)."""
    openings = tuple(
        domain.Opening(o["weekday"], domain.parse_hhmm(o["open"], f"venue.opening_hours[{i}].open"),
                       domain.parse_hhmm(o["close"], f"venue.opening_hours[{i}].close"))
        for i, o in enumerate(row.opening_hours))
    return domain.VenueRules(
        time_zone=row.time_zone, openings=openings, slot_minutes=row.slot_minutes,
        durations=tuple(row.durations_minutes), horizon_days=row.horizon_days,
        free_until_hours=row.free_until_hours, late_fee_percent=row.late_fee_percent,
        instant=row.instant_confirmation, hold_minutes=row.hold_minutes,
        max_live_bookings_per_day=row.max_live_bookings_per_day,
        base_hourly_paisa=row.base_hourly_price_paisa, grace_minutes=row.cancellation_grace_minutes)


def price_windows(rules: Sequence[store.PriceRule]) -> list[domain.PriceWindow]:
    return [domain.PriceWindow(r.court_id, frozenset(r.weekdays), domain.parse_hhmm(r.start, "rules.start"),
                               domain.parse_hhmm(r.end, "rules.end"), r.hourly_price_paisa, r.id) for r in rules]


def one(session: Session, model: type, row_id: str, what: str):
    """The `model` row with that id; NotFound naming `what` when missing."""
    found = session.get(model, row_id)
    if found is None:
        raise NotFound(f"no {what} {row_id}")
    return found


def member_hours(row: store.Venue) -> list[domain.MemberHours]:
    """The venue's members-only hours as the domain reads them."""
    return [domain.MemberHours(h["court_id"], frozenset(h["weekdays"]),
                               domain.parse_hhmm(h["start"], "venue.member_hours.start"),
                               domain.parse_hhmm(h["end"], "venue.member_hours.end"),
                               dt.timedelta(minutes=h["opens_to_all_minutes"])) for h in row.member_hours or []]


def check_window_courts(court_ids: Sequence[str], windows: Sequence[dict], field: str) -> None:
    """Each window (members-only hours, a member price rule) names a court of the venue, or none."""
    for i, window in enumerate(windows):
        if window["court_id"] and window["court_id"] not in court_ids:
            raise InvalidArgument.field(f"{field}[{i}].court_id", "is not a court of this venue")
