"""auth's AccountDeleted as booking_svc handles it: booking_svc on port 0 with its real consumer,
the event published into auth's stream (the in-process stand-in with SQLite, real Redis with
PostgreSQL), and what the players, the venue and the stream see afterwards."""

import uuid

import pytest
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc, events_pb2
from sqlalchemy import select

from booking_svc import store
from booking_svc.jobs import BookingJob
from booking_testkit import BookingClient, local_day, local_dt, stamp
from mesh.redis import make_redis
from padel_testkit import eventually, publish_event, real_server

CLOSED = "the player's account was closed"


class Closing(BookingClient):
    """The client, plus the server's database and the Redis its events go through."""

    database: object = None
    redis: object = None

    def get(self, booking_id: str, user_id: str, roles=("player",)) -> pb.Booking:
        return self.stub.GetBooking(api.GetBookingRequest(booking_id=booking_id),
                                    metadata=self.issuer.metadata(user_id, roles)).booking

    def close_account(self, user_id: str) -> None:
        """AccountDeleted as auth publishes it, delivered twice (two event ids), both handled."""
        message = auth_events.AccountDeleted(user_id=user_id)
        message.deleted_at.GetCurrentTime()
        for _ in range(2):
            publish_event(self.redis, "padel.auth.events", message, handled_by="booking")

    def announced(self) -> list[tuple[str, object]]:
        """(type name, message) of every event on booking's stream, oldest first."""
        found = []
        for _id, fields in self.redis.xrange("padel.booking.events"):
            name = fields[b"type"].decode().rsplit(".", 1)[1]
            found.append((name, getattr(events_pb2, name).FromString(fields[b"data"])))
        return found


@pytest.fixture(params=["embedded", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.redis])])
def closing(request, start_service, token_issuer, players):
    env, redis_url = {}, ""
    if request.param == "postgres":
        redis_url = real_server("PADEL_TEST_REDIS_URL")
        env = {"PADEL_BOOKING_DATABASE_URL": request.getfixturevalue("make_postgres_db")(),
               "PADEL_REDIS_URL": redis_url}
    client = make_redis(redis_url)
    client.flushdb()
    host, channel = start_service("booking", PADEL_USER_ADDR=players.address, **env)
    bookings = next(worker.bookings for worker in host.workers if isinstance(worker, BookingJob))
    closing = Closing(booking_service_pb2_grpc.BookingServiceStub(channel), token_issuer, bookings)
    closing.database, closing.redis = host.database, client
    yield closing
    client.close()


def test_a_closed_account_cancels_its_future_bookings_by_policy_and_leaves_invitations(closing, players):
    owner, gone, friend, host = str(uuid.uuid4()), players.new(), players.new(), str(uuid.uuid4())
    venue = closing.create_venue(owner, free_until_hours=24, late_fee_percent=50)
    court = venue.courts[0].court_id
    played_day, soon, later = local_day(1), local_day(3), local_day(6)
    played = closing.book(gone, court, played_day, "10:00", special_requests="call me on 0300 1234567",
                          key="zara-khan-first-game")
    with closing.at(local_dt(played_day, "10:05")):
        for step in ("CheckInBooking", "CompleteBooking"):
            getattr(closing.stub, step)(getattr(api, step + "Request")(booking_id=played.booking_id),
                                        metadata=closing.owner(owner))
    late = closing.book(gone, court, soon, "10:00", participant_ids=[friend], special_requests="my sister joins")
    free = closing.book(gone, court, later, "10:00")
    called_off = closing.book(gone, court, later, "14:00")
    closing.stub.CancelBooking(api.CancelBookingRequest(booking_id=called_off.booking_id, reason="knee, Dr Aslam says rest"),
                               metadata=closing.player(gone))
    invited = closing.book(host, venue.courts[1].court_id, soon, "12:00", participant_ids=[gone, friend])
    assert "10:00" not in closing.starts(venue.venue_id, soon)[court]

    # Two hours before the first game: inside the venue's 24 hours, so that one costs the late fee.
    with closing.at(local_dt(soon, "08:00")):
        closing.close_account(gone)

    late_now, free_now = (closing.get(b.booking_id, owner, ("venue_owner",)) for b in (late, free))
    assert late_now.status == free_now.status == pb.BOOKING_STATUS_CANCELLED
    assert late_now.cancellation.reason == free_now.cancellation.reason == CLOSED
    price = late.price.amount_paisa
    assert (late_now.cancellation.fee.amount_paisa, late_now.cancellation.refund.amount_paisa) == (price // 2, price // 2)
    assert (free_now.cancellation.fee.amount_paisa, free_now.cancellation.refund.amount_paisa) == \
        (0, free.price.amount_paisa)
    assert "10:00" in closing.starts(venue.venue_id, soon)[court]  # the slot is for sale again
    assert list(closing.get(invited.booking_id, host).participant_ids) == [friend]
    # No answer of theirs is kept either.
    assert [i.player_id for i in closing.get(invited.booking_id, host).invitations] == [friend]
    history = closing.get(played.booking_id, owner, ("venue_owner",))
    assert history.status == pb.BOOKING_STATUS_COMPLETED and history.player_id == gone
    assert late_now.special_requests == history.special_requests == ""
    assert closing.get(called_off.booking_id, owner, ("venue_owner",)).cancellation.reason == "cancelled by the player"

    events = closing.announced()
    cancelled = [m for name, m in events if name == "BookingCancelled"]
    assert sorted(m.booking.booking_id for m in cancelled if m.cancellation.reason == CLOSED) == \
        sorted([late.booking_id, free.booking_id])
    assert len(cancelled) == 3  # and the one the player called off themselves, before
    assert [list(m.booking.participant_ids) for m in cancelled if m.booking.booking_id == late.booking_id] == [[friend]]
    changed = [m for name, m in events if name == "BookingParticipantsChanged"]
    assert [(m.booking.booking_id, list(m.added_ids), list(m.removed_ids), list(m.booking.participant_ids))
            for m in changed] == [(invited.booking_id, [], [gone], [friend])]

    # Nothing the person wrote is kept with their bookings: only ids, times and money.
    with closing.database.session() as session:
        rows = session.scalars(select(store.Booking).where(store.Booking.player_id == gone)).all()
        written = [str(getattr(row, column.key)) for row in rows for column in store.Booking.__table__.columns]
    assert len(rows) == 4 and not any(word in text for text in written
                                      for word in ("1234567", "sister", "zara", "Aslam"))


def test_a_closed_venue_owners_venues_stay_open_with_their_bookings(closing):
    owner, player = str(uuid.uuid4()), str(uuid.uuid4())
    venue = closing.create_venue(owner)
    made = closing.book(player, venue.courts[0].court_id, local_day(3), "10:00")
    closing.close_account(owner)
    assert closing.get(made.booking_id, player).status == pb.BOOKING_STATUS_CONFIRMED
    assert closing.stub.GetVenue(api.GetVenueRequest(venue_id=venue.venue_id)).venue.name == venue.name
    assert closing.book(player, venue.courts[0].court_id, local_day(3), "12:00").status == pb.BOOKING_STATUS_CONFIRMED
    assert not [name for name, _ in closing.announced() if name == "BookingCancelled"]


def test_the_bookers_name_and_phone_travel_with_booking_events_until_the_account_closes(closing):
    """auth's UserRegistered tells booking_svc who the player is; BookingCreated then carries the name,
    the phone and the venue's owner (what notify needs to tell the owner); AccountDeleted forgets them."""
    owner, player = str(uuid.uuid4()), str(uuid.uuid4())
    publish_event(closing.redis, "padel.auth.events", auth_events.UserRegistered(
        user_id=player, first_name="Zara", last_name="Khan", phone="+923001234567"), handled_by="booking")
    venue = closing.create_venue(owner)
    made = closing.book(player, venue.courts[0].court_id, local_day(3), "10:00")
    closing.close_account(player)
    created = [m.booking for name, m in closing.announced()
               if name == "BookingCreated" and m.booking.booking_id == made.booking_id]
    assert [(b.player_name, b.player_phone, b.venue_owner_id) for b in created] == [("Zara Khan", "+923001234567", owner)]
    with closing.database.session() as session:
        assert session.get(store.Player, player) is None


def test_a_closed_account_leaves_every_line_and_its_open_offer_passes_on_at_once(closing):
    """A deleted player neither holds a freed slot from the players behind them nor wins a lottery:
    their waitlist entries and their entries to lotteries not drawn yet are gone, and the slot
    offered to them is offered to the next in line straight away, not when the offer runs out."""
    owner, holder, gone, next_ = (str(uuid.uuid4()) for _ in range(4))
    venue = closing.create_venue(owner)
    court, day = venue.courts[0].court_id, local_day(3)
    taken = closing.book(holder, court, day, "19:00")
    for player in (gone, next_):
        closing.stub.JoinWaitlist(api.JoinWaitlistRequest(
            venue_id=venue.venue_id, court_id=court, window_start=stamp(day, "18:00"),
            window_end=stamp(day, "21:00"), duration_minutes=60), metadata=closing.player(player))
    prime = closing.stub.CreateLottery(api.CreateLotteryRequest(
        venue_id=venue.venue_id, court_id=venue.courts[1].court_id, start_time=stamp(local_day(5), "19:00"),
        duration_minutes=60, entries_close_at=stamp(local_day(4), "12:00")), metadata=closing.owner(owner)).lottery
    for player in (gone, next_):
        closing.stub.EnterLottery(api.EnterLotteryRequest(lottery_id=prime.lottery_id), metadata=closing.player(player))

    def line_of(player: str) -> list[pb.WaitlistEntry]:
        return list(closing.stub.ListWaitlist(api.ListWaitlistRequest(), metadata=closing.player(player)).entries)

    closing.stub.CancelBooking(api.CancelBookingRequest(booking_id=taken.booking_id), metadata=closing.player(holder))
    eventually(lambda: [e.state for e in line_of(gone)] == ["offered"], "the freed slot offered to the first")
    closing.close_account(gone)

    assert line_of(gone) == []
    [offered] = line_of(next_)
    assert (offered.state, offered.offer.start_time) == ("offered", stamp(day, "19:00"))
    assert "19:00" not in closing.starts(venue.venue_id, day)[court]  # held for the next in line
    assert closing.stub.GetLottery(api.GetLotteryRequest(lottery_id=prime.lottery_id),
                                   metadata=closing.player(next_)).lottery.entry_count == 1
    with closing.database.session() as session:
        assert session.scalars(select(store.WaitlistEntry).where(store.WaitlistEntry.player_id == gone)).all() == []
        assert session.scalars(select(store.LotteryEntry).where(store.LotteryEntry.player_id == gone)).all() == []


def test_a_closed_accounts_reviews_are_gone_and_no_longer_count_in_the_venues_rating(closing):
    owner, gone, other = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    venue = closing.create_venue(owner)
    day = local_day(1)
    games = [closing.book(player, venue.courts[0].court_id, day, start) for player, start in ((gone, "10:00"),
                                                                                             (other, "12:00"))]
    with closing.at(local_dt(day, "13:30")):
        for game in games:
            for step in ("CheckInBooking", "CompleteBooking"):
                getattr(closing.stub, step)(getattr(api, step + "Request")(booking_id=game.booking_id),
                                            metadata=closing.owner(owner))
        for (player, rating, text), game in zip(((gone, 1, "rude staff, ask for Bilal"), (other, 5, "lovely")),
                                                games):
            closing.stub.ReviewVenue(api.ReviewVenueRequest(booking_id=game.booking_id, rating=rating, text=text),
                                     metadata=closing.player(player))
        closing.close_account(gone)
        shown = closing.stub.ListReviews(api.ListReviewsRequest(venue_id=venue.venue_id))
    assert [(r.player_id, r.text) for r in shown.reviews] == [(other, "lovely")]
    assert (shown.average_rating, shown.review_count) == (5, 1)
    with closing.database.session() as session:
        assert not session.scalars(select(store.Review).where(store.Review.player_id == gone)).all()


def test_a_closed_accounts_series_keeps_no_key_its_app_chose(closing):
    """As with single bookings: the idempotency key may be made of anything (here the player's name)."""
    owner, gone = str(uuid.uuid4()), str(uuid.uuid4())
    venue = closing.create_venue(owner)
    made = closing.stub.BookSeries(api.BookSeriesRequest(
        court_id=venue.courts[0].court_id, first_start=stamp(local_day(2), "12:00"), duration_minutes=60,
        recurrence=pb.SeriesRecurrence(count=2), idempotency_key="zara-khan-tuesdays"),
        metadata=closing.player(gone)).series
    closing.close_account(gone)
    with closing.database.session() as session:
        row = session.get(store.BookingSeries, made.series_id)
        assert (row.player_id, row.idempotency_key, row.request_fingerprint) == (gone, row.id, "")
