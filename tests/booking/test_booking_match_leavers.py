"""A match player who leaves the booking's match (match_svc's PlayerLeft, through `MatchHolds.seated`)
is announced in BookingParticipantsChanged as having left late when it is after the venue's
free-cancellation time by its policy (the one cancelling the booking follows), so payments keeps
their paid share; leaving in time, or being removed by the organiser, is not late. Service layer on
SQLite and PostgreSQL, the clock moved."""

import datetime as dt
import uuid

from booking_svc.service.match_holds import MatchHolds
from booking_testkit import Clock, Desk, local_day, local_dt, outbox_messages, someone


def test_a_match_player_leaving_after_the_free_cancellation_time_is_announced_as_leaving_late(database):
    clock = Clock()
    desk = Desk(database, clock)
    holds = MatchHolds(desk.bookings)
    venue = desk.venue(name="Leavers", free_until_hours=24)
    organiser = someone("player")
    start = local_dt(local_day(3), "19:00")
    booking = desk.book(organiser, venue.courts[0].id, start)
    match_id, early, late, removed = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    everyone = [organiser.user_id, early, late, removed]
    holds.seated(database, match_id, booking.id, organiser.user_id, everyone, "")

    holds.seated(database, match_id, booking.id, organiser.user_id, [organiser.user_id, late, removed], early)
    clock.now = start - dt.timedelta(hours=12)  # inside the venue's 24 hours
    holds.seated(database, match_id, booking.id, organiser.user_id, [organiser.user_id, removed], late)
    holds.seated(database, match_id, booking.id, organiser.user_id, [organiser.user_id], "")  # removed by them

    changes = [m for _name, m in outbox_messages(database, "BookingParticipantsChanged")]
    assert [(list(m.removed_ids), list(m.left_late_ids)) for m in changes[1:]] == [
        ([early], []), ([late], [late]), ([removed], [])]
