"""The venue's business beyond single bookings (issue 16) through the real server, from booking_svc's
real event messages: a series told once with its dates (its games' own events tell nobody), reviews,
a prime slot's draw and the owner's weekly summary."""

from __future__ import annotations

import datetime as dt
import uuid

from notify_standins import publish, snapshot, stamp
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.notify.v1 import notify_service_pb2 as pb

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))


def inbox(notify, token_issuer, user_id: str):
    listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
    return list(reversed(listed.messages))


def test_a_series_is_told_once_with_its_dates_when_booked_and_when_cancelled(notify, token_issuer):
    player, owner, series_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    first = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    starts = [first, first + dt.timedelta(days=7)]
    games = [snapshot(player, start, venue_owner_id=owner, player_name="Sara Khan") for start in starts]
    for game in games:
        publish(notify.redis, "booking", booking_events.BookingCreated(booking=game, series_id=series_id))
        publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=game, series_id=series_id))
    series = booking_events.SeriesSnapshot(series_id=series_id, venue_name="Padel Arena DHA", court_name="Court 1",
                                           player_id=player, venue_owner_id=owner, time_zone="Asia/Karachi",
                                           duration_minutes=90, player_name="Sara Khan")
    publish(notify.redis, "booking", booking_events.SeriesBooked(
        series=series, start_times=[stamp(s) for s in starts], clash_count=1,
        price=booking_pb2.Money(amount_paisa=900000, currency="PKR"),
        status=booking_pb2.BOOKING_STATUS_CONFIRMED), wait=True)

    [told] = inbox(notify, token_issuer, player)
    assert told.kind == "series_booked" and "2 games (Rs 9,000 in all)" in told.body
    assert all(f"{s.astimezone(KARACHI):%a %d %b %Y %H:%M}" in told.body for s in starts)
    assert "1 date(s) could not be booked" in told.body
    [owner_told] = inbox(notify, token_issuer, owner)
    assert owner_told.kind == "venue_series_booked" and "Sara Khan booked a series" in owner_told.body

    for game in games:
        game.status = booking_pb2.BOOKING_STATUS_CANCELLED
        publish(notify.redis, "booking", booking_events.BookingCancelled(
            booking=game, series_id=series_id, cancellation=booking_pb2.Cancellation(reason="moving away")))
    publish(notify.redis, "booking", booking_events.SeriesCancelled(
        series=series, start_times=[stamp(s) for s in starts], reason="moving away",
        refund=booking_pb2.Money(amount_paisa=900000, currency="PKR")), wait=True)
    assert [m.kind for m in inbox(notify, token_issuer, player)] == ["series_booked", "series_cancelled"]
    # Free, and no "refund" of money paid at the venue (issue 12).
    assert inbox(notify, token_issuer, player)[1].body.endswith(
        f"(moving away): {', '.join(f'{s.astimezone(KARACHI):%a %d %b %Y %H:%M}' for s in starts)}. No cancellation fee.")
    assert [m.kind for m in inbox(notify, token_issuer, owner)] == ["venue_series_booked", "venue_series_cancelled"]


def test_reviews_draws_and_the_weekly_summary_reach_whom_they_concern(notify, token_issuer):
    player, owner, winner, second, third = (str(uuid.uuid4()) for _ in range(5))
    review = booking_events.ReviewSnapshot(review_id=str(uuid.uuid4()), venue_name="Padel Arena DHA",
                                           venue_owner_id=owner, player_id=player, player_name="Sara Khan", rating=4,
                                           text="great lights")
    publish(notify.redis, "booking", booking_events.ReviewWritten(review=review))
    review.answer = "thank you, see you soon"
    publish(notify.redis, "booking", booking_events.ReviewAnswered(review=review))

    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    # The draw books the slot for its winner: the booking's own events tell the owner, the winner hears
    # only of the win.
    lottery_id, won = str(uuid.uuid4()), snapshot(winner, start, venue_owner_id=owner)
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=won, lottery_id=lottery_id))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(booking=won, lottery_id=lottery_id))
    publish(notify.redis, "booking", booking_events.LotteryDrawn(
        lottery_id=lottery_id, booking=won, winner_id=winner, waiting_ids=[second, third], seed="abc"))
    publish(notify.redis, "booking", booking_events.VenueWeeklySummary(
        venue_id=str(uuid.uuid4()), venue_name="Padel Arena DHA", venue_owner_id=owner, time_zone="Asia/Karachi",
        week_start="2026-11-30", week_end="2026-12-06", bookings=42, occupancy=0.614,
        revenue=booking_pb2.Money(amount_paisa=31050000, currency="PKR"), no_show_rate=0.05, new_players=7,
        rating_average=4.0, rating_count=1), wait=True)

    owner_told = inbox(notify, token_issuer, owner)
    assert [m.kind for m in owner_told] == ["venue_review_written", "venue_booking_new", "venue_weekly_summary"]
    assert "Sara Khan rated Padel Arena DHA 4 of 5" in owner_told[0].body and "great lights" in owner_told[0].body
    assert owner_told[2].title == "Your week at Padel Arena DHA: 42 bookings, Rs 310,500"
    assert ("from Mon 30 Nov 2026 to Sun 06 Dec 2026: 42 bookings, 61% of court time booked, Rs 310,500 net revenue, "
            "no-shows 5%, 7 new players. Rating: 4.0 of 5 (1).") in owner_told[2].body
    [answered] = inbox(notify, token_issuer, player)
    assert answered.kind == "review_answered" and "thank you, see you soon" in answered.body
    assert [m.kind for m in inbox(notify, token_issuer, winner)] == ["lottery_won"]
    assert ["number 1 on the slot's waitlist" in m.body for m in inbox(notify, token_issuer, second)] == [True]
    assert ["number 2 on the slot's waitlist" in m.body for m in inbox(notify, token_issuer, third)] == [True]
