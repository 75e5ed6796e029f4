"""Playing statistics: read by the player, counted from booking's events (BookingCompleted,
BookingNoShow) in the consumer's transaction, once per event."""

from __future__ import annotations

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from user_svc import domain, store
from user_svc.domain import PlayedBooking
from user_svc.service.players import ensure_profile, known_profile


def get_stats(uow: UnitOfWork, caller: Caller) -> store.Profile:
    with uow.session() as session:
        return ensure_profile(session, caller.user_id)


def record_completed_booking(uow: UnitOfWork, booking: PlayedBooking) -> None:
    """A played booking counts once for each of its players (the event id guards redelivery)."""
    moment = utcnow()
    with uow.session() as session:
        for user_id in domain.players_of_booking(booking.player_id, booking.participant_ids):
            profile = known_profile(session, user_id)
            if profile.closed_at is not None:
                continue  # a game they played before closing their account counts for nobody
            # SQL-side increments: replicas consuming at once never lose a count.
            profile.matches_played = store.Profile.matches_played + 1
            profile.minutes_on_court = store.Profile.minutes_on_court + max(booking.minutes, 0)
            if booking.venue_id and store.record_venue_visit(session, user_id, booking.venue_id, moment):
                profile.venues_visited = store.Profile.venues_visited + 1
            session.flush()


def record_no_show(uow: UnitOfWork, booking: PlayedBooking) -> None:
    """Nobody came: the booking counts as missed for each of its players."""
    with uow.session() as session:
        for user_id in domain.players_of_booking(booking.player_id, booking.participant_ids):
            profile = known_profile(session, user_id)
            if profile.closed_at is not None:
                continue
            profile.no_shows = store.Profile.no_shows + 1
            session.flush()
