"""The booking job and the events it and the use cases write, on a real database with a controlled clock."""

import datetime as dt

import pytest
from padel.booking.v1 import events_pb2
from prometheus_client import REGISTRY
from sqlalchemy import select

from booking_svc.jobs import BookingJob
from booking_svc.service.summaries import WeeklySummaries
from booking_testkit import Anyone, Clock, Desk, free_starts, local_day, local_dt, outbox_messages, someone
from mesh.db import Database
from mesh.errors import FailedPrecondition
from mesh.outbox import OutboxEvent


def events_of(db: Database, booking_id: str) -> list[str]:
    """Event type names in the outbox for one booking, oldest first."""
    names = []
    with db.session() as session:
        for row in session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)):
            message = getattr(events_pb2, row.event_type.rsplit(".", 1)[1])()
            message.ParseFromString(row.payload)
            if message.booking.booking_id == booking_id:
                names.append(row.event_type.rsplit(".", 1)[1])
    return names


def test_expired_holds_are_cancelled_and_finished_games_completed(database):
    clock = Clock()
    desk = Desk(database, clock)
    job = BookingJob(desk.bookings, database, interval_seconds=60)
    manual = desk.venue(name="Manual", instant_confirmation=False, hold_minutes=15)
    instant = desk.venue(name="Instant", base_hourly_price_paisa=600_000)
    player = someone("player")
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    held = desk.book(player, manual.courts[0].id, start)
    played = desk.book(player, instant.courts[0].id, start)
    assert played.price_paisa == 600_000 and played.commission_paisa == 60_000

    clock.now += dt.timedelta(minutes=14)
    assert job.run_once() == (0, 0)
    clock.now += dt.timedelta(minutes=2)
    assert job.run_once() == (1, 0)
    clock.now = played.end_time + dt.timedelta(seconds=1)
    assert job.run_once() == (0, 1)
    assert job.run_once() == (0, 0)

    admin = someone("admin")
    expired = desk.bookings.get(database, admin, held.id).booking
    completed = desk.bookings.get(database, admin, played.id).booking
    assert (expired.status, expired.cancel_reason, expired.cancellation_fee_paisa) == ("cancelled", "expired", 0)
    assert completed.status == "completed"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]
    # Confirmed at once: created and confirmed in one transaction, so notify can send a confirmation.
    assert events_of(database, played.id) == ["BookingCreated", "BookingConfirmed", "BookingCompleted"]


def test_a_moved_then_cancelled_booking_announces_each_step(database):
    clock = Clock()
    desk = Desk(database, clock)
    venue = desk.venue(name="Events", city="Lahore", base_hourly_price_paisa=600_000, free_until_hours=720,
                       late_fee_percent=20)
    player = someone("player")
    day = local_day(2)
    made = desk.book(player, venue.courts[0].id, local_dt(day, "10:00").astimezone(dt.timezone.utc))
    desk.bookings.update(database, player, made.id, {"start_time": local_dt(day, "14:00").astimezone(dt.timezone.utc)})
    clock.now += dt.timedelta(minutes=11)  # past the free grace period after booking
    desk.bookings.cancel(database, player, made.id, "")
    assert events_of(database, made.id) == ["BookingCreated", "BookingConfirmed", "BookingRescheduled",
                                            "BookingCancelled"]
    with database.session() as session:
        row = session.scalars(select(OutboxEvent).where(
            OutboxEvent.event_type == "padel.booking.v1.BookingCancelled").order_by(OutboxEvent.created_at.desc())).first()
    cancelled = events_pb2.BookingCancelled.FromString(row.payload)
    assert cancelled.booking.booking_id == made.id and cancelled.booking.venue_name == "Events"
    assert (cancelled.cancellation.fee.amount_paisa, cancelled.cancellation.refund.amount_paisa) == (120_000, 480_000)
    assert cancelled.cancellation.reason == "cancelled by the player"


def test_a_run_out_hold_cannot_be_confirmed_even_before_the_job_runs(database):
    clock = Clock()
    desk = Desk(database, clock)
    venue = desk.venue(name="Held", instant_confirmation=False, hold_minutes=10)
    owner = someone("venue_owner", user_id=venue.venue.owner_id)
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    held = desk.book(someone("player"), venue.courts[0].id, start)
    court = venue.courts[0].id
    assert "12:00" not in free_starts(desk, venue.venue.id, start)
    clock.now += dt.timedelta(minutes=11)
    assert "12:00" in free_starts(desk, venue.venue.id, start)  # before the job has run
    with pytest.raises(FailedPrecondition, match="cannot go from cancelled to confirmed"):
        desk.bookings.confirm(database, owner, held.id)
    # Someone else may take the court at once: booking releases run-out holds on that court.
    taken = desk.book(someone("player"), court, start)
    assert taken.status == "pending"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]


def test_the_owner_gets_the_weeks_summary_once_on_monday_morning_in_the_venues_time(database):
    clock = Clock()
    desk = Desk(database, clock)
    job = BookingJob(desk.bookings, database, interval_seconds=60, summaries=WeeklySummaries(clock))
    made = desk.venue(name="Weekly Padel", base_hourly_price_paisa=600_000)
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    today = local_day(0)
    monday = today + dt.timedelta(days=8 - today.isoweekday())  # next week's, in Karachi
    played = desk.book(someone("player"), made.courts[0].id, local_dt(monday + dt.timedelta(days=1), "18:00"))
    missed = desk.book(someone("player"), made.courts[0].id, local_dt(monday + dt.timedelta(days=2), "18:00"))
    clock.now = played.start_time + dt.timedelta(minutes=5)
    desk.bookings.check_in(database, owner, played.id)
    desk.bookings.complete(database, owner, played.id)
    clock.now = missed.start_time + dt.timedelta(minutes=20)
    desk.bookings.no_show(database, owner, missed.id)

    def summaries():
        return [m for _, m in outbox_messages(database, "VenueWeeklySummary") if m.venue_id == made.venue.id]

    clock.now = local_dt(monday + dt.timedelta(days=7), "07:59").astimezone(dt.timezone.utc)
    job.run_once()  # the week the venue opened is due (since last Monday 08:00); the played week not yet
    assert [(s.week_start, s.bookings) for s in summaries()] == [((monday - dt.timedelta(days=7)).isoformat(), 0)]
    clock.now += dt.timedelta(minutes=1)  # Monday 08:00 in Karachi
    job.run_once()
    [_, summary] = summaries()
    assert (summary.week_start, summary.week_end) == (monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())
    assert (summary.venue_owner_id, summary.bookings, summary.new_players, summary.no_show_rate) == (
        owner.user_id, 2, 2, 0.5)
    assert summary.revenue.amount_paisa == 2 * (600_000 - 60_000)  # both took the court; less the commission
    assert summary.occupancy == pytest.approx(120 / (7 * 15 * 60))  # 2 hours of 08:00–23:00 every day
    clock.now += dt.timedelta(hours=3)
    job.run_once()
    WeeklySummaries(clock).send_due(database)  # a restarted server: the week was sent
    assert len(summaries()) == 2


def test_revenue_is_counted_at_confirmation_and_given_back_less_the_fee_kept(database):
    def counted(name: str, venue_id: str) -> float:
        return REGISTRY.get_sample_value(f"padel_booking_{name}_paisa_total", {"venue_id": venue_id}) or 0

    clock = Clock()
    desk = Desk(database, clock)
    manual = desk.venue(name="Manual", instant_confirmation=False, base_hourly_price_paisa=600_000)
    instant = desk.venue(name="Instant", base_hourly_price_paisa=600_000, free_until_hours=720, late_fee_percent=25,
                         cancellation_grace_minutes=0)
    player = someone("player")
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    held, played = desk.book(player, manual.courts[0].id, start), desk.book(player, instant.courts[0].id, start)
    clock.now += dt.timedelta(minutes=1)  # past the moment of booking: the late fee applies
    desk.bookings.cancel(database, player, held.id, "")
    desk.bookings.cancel(database, player, played.id, "")
    # Never confirmed: no revenue, nothing given back.
    assert (counted("revenue", manual.venue.id), counted("refunded", manual.venue.id)) == (0, 0)
    # Confirmed at once, cancelled late: Rs 4,500 back, the Rs 1,500 fee stays in the net.
    assert (counted("revenue", instant.venue.id), counted("refunded", instant.venue.id)) == (600_000, 450_000)


def test_a_players_own_run_out_hold_no_longer_counts_toward_their_day_when_they_book_again(database):
    """Booking releases run-out holds on the court before the player's live bookings that day are
    counted: a hold that ran out does not use up a venue's one booking a day."""
    clock = Clock()
    desk = Desk(database, clock)
    venue = desk.venue(name="One a day", instant_confirmation=False, hold_minutes=10, max_live_bookings_per_day=1)
    court, player, day = venue.courts[0].id, someone("player"), local_day(2)
    held = desk.book(player, court, local_dt(day, "12:00").astimezone(dt.timezone.utc))
    with pytest.raises(FailedPrecondition, match="you already hold 1 bookings"):
        desk.book(player, court, local_dt(day, "15:00").astimezone(dt.timezone.utc))
    clock.now += dt.timedelta(minutes=11)
    again = desk.book(player, court, local_dt(day, "15:00").astimezone(dt.timezone.utc))
    assert again.status == "pending"
    assert events_of(database, held.id) == ["BookingCreated", "BookingCancelled"]


def test_a_player_neither_cancels_nor_moves_a_game_once_it_has_started(database):
    """On court (not checked in by the venue), the player cancelled and got the price back less the late
    fee, or moved the game they were playing to another day and played twice for one price."""
    clock = Clock()
    desk = Desk(database, clock)
    venue = desk.venue(name="Started", base_hourly_price_paisa=600_000, late_fee_percent=25)
    player, admin = someone("player"), someone("admin")
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    playing = desk.book(player, venue.courts[0].id, start)
    clock.now = start + dt.timedelta(minutes=30)
    with pytest.raises(FailedPrecondition, match="started"):
        desk.bookings.cancel(database, player, playing.id, "")
    with pytest.raises(FailedPrecondition, match="started"):
        desk.bookings.update(database, player, playing.id, {"start_time": start + dt.timedelta(days=7)})
    kept = desk.bookings.get(database, admin, playing.id).booking
    assert (kept.status, kept.start_time) == ("confirmed", start)
    # The venue may still call a game off while it is played (rain): free, as any call-off of theirs.
    called_off = desk.bookings.cancel(database, admin, playing.id, "rain").booking
    assert (called_off.status, called_off.cancellation_fee_paisa) == ("cancelled", 0)


def test_once_a_game_has_started_the_booker_no_longer_changes_its_players(database):
    """On court, the booker took a friend who had paid their share off the game (payments gives a
    removed player's paid share back whole and asks the booker for it, after the game nobody pays),
    or added one to it: the players of a game being played are the ones it started with."""
    clock = Clock()
    desk = Desk(database, clock)
    desk.bookings.players = Anyone()
    venue = desk.venue(name="Started With Friends")
    booker, friend, latecomer = someone("player"), someone("player"), someone("player")
    start = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)
    playing = desk.bookings.book(database, booker, venue.courts[0].id, start, 60, [friend.user_id], "",
                                 "with-a-friend").booking
    clock.now = start + dt.timedelta(minutes=30)
    for players in ([], [friend.user_id, latecomer.user_id]):
        with pytest.raises(FailedPrecondition, match="started"):
            desk.bookings.update(database, booker, playing.id, {"participant_ids": players})
    assert list(desk.bookings.get(database, booker, playing.id).booking.participant_ids) == [friend.user_id]
    assert outbox_messages(database, "BookingParticipantsChanged") == []
