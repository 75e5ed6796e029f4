"""BookingService over real gRPC (server on port 0, SQLite, the full interceptor chain)."""

import base64
import datetime as dt
import json
import threading
import uuid
from concurrent import futures

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc.service.bookings import Bookings
from booking_testkit import BookingClient, local_day, rpc_error, stamp, venue_message


def new_user() -> str:
    return str(uuid.uuid4())


def set_peak(booking, owner, venue_id):
    """Rs 6,000/h base, Rs 8,000/h from 18:00 to 23:00 every day."""
    return booking.stub.SetPriceRules(api.SetPriceRulesRequest(
        venue_id=venue_id, base_hourly_price=pb.Money(amount_paisa=600_000, currency="PKR"),
        rules=[pb.PriceRule(start="18:00", end="23:00", hourly_price=pb.Money(amount_paisa=800_000, currency="PKR"))]),
        metadata=booking.owner(owner))


def test_owner_sets_up_a_venue_and_a_player_books_reschedules_and_cancels(booking):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner, free_until_hours=720, late_fee_percent=50)  # every cancel here is late
    assert venue.owner_id == owner and len(venue.courts) == 2
    set_peak(booking, owner, venue.venue_id)
    prices = booking.stub.ListPriceRules(api.ListPriceRulesRequest(venue_id=venue.venue_id))  # public
    assert prices.rules[0].hourly_price.amount_paisa == 800_000
    court = venue.courts[0].court_id
    day = local_day(3)

    answer = booking.stub.GetAvailability(api.GetAvailabilityRequest(venue_id=venue.venue_id, date=day.isoformat(),
                                                                     duration_minutes=90))
    slots = {s.local_start: s for s in answer.courts[0].slots}
    assert slots["17:30"].price.amount_paisa == 1_100_000  # 30 min at 6,000/h + 60 min at 8,000/h
    assert slots["10:00"].price.amount_paisa == 900_000 and slots["10:00"].local_end == "11:30"

    made = booking.book(player, court, day, "17:30", duration=90)
    assert made.status == pb.BOOKING_STATUS_CONFIRMED
    assert made.price.amount_paisa == 1_100_000 and made.commission.amount_paisa == 110_000
    assert made.local_start == "17:30" and made.venue_name == venue.name and made.court_name == "Court 1"
    free = booking.starts(venue.venue_id, day)
    assert "17:30" not in free[court] and "18:00" not in free[court] and "16:30" in free[court]
    assert "17:30" in free[venue.courts[1].court_id]  # the other court is untouched

    moved = booking.stub.UpdateBooking(api.UpdateBookingRequest(
        booking_id=made.booking_id, start_time=stamp(day, "10:00"), update_mask=FieldMask(paths=["start_time"])),
        metadata=booking.player(player)).booking
    assert moved.local_start == "10:00" and moved.price.amount_paisa == 900_000  # repriced off-peak
    free = booking.starts(venue.venue_id, day)
    assert "17:30" in free[court] and "10:00" not in free[court]

    # Past the free grace period after booking.
    with booking.at(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=11)):
        cancelled = booking.stub.CancelBooking(api.CancelBookingRequest(booking_id=made.booking_id, reason="rain"),
                                               metadata=booking.player(player)).booking
    assert cancelled.status == pb.BOOKING_STATUS_CANCELLED
    assert cancelled.cancellation.fee.amount_paisa == 450_000 and cancelled.cancellation.refund.amount_paisa == 450_000
    assert cancelled.cancellation.reason == "rain" and cancelled.cancellation.cancelled_by == player
    assert "10:00" in booking.starts(venue.venue_id, day)[court]


def test_cancelling_early_enough_is_free(booking):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner, free_until_hours=1)
    made = booking.book(player, venue.courts[0].court_id, local_day(2), "12:00")
    cancelled = booking.stub.CancelBooking(api.CancelBookingRequest(booking_id=made.booking_id),
                                           metadata=booking.player(player)).booking
    assert cancelled.cancellation.fee.amount_paisa == 0
    assert cancelled.cancellation.refund.amount_paisa == made.price.amount_paisa


def test_the_same_idempotency_key_returns_the_same_booking_and_another_body_conflicts(booking):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner)
    court, day, key = venue.courts[0].court_id, local_day(2), uuid.uuid4().hex
    first = booking.book(player, court, day, "09:00", key=key)
    again = booking.book(player, court, day, "09:00", key=key)
    assert again.booking_id == first.booking_id
    error = rpc_error(booking.book, player, court, day, "11:00", key=key)
    assert error.code() == grpc.StatusCode.ABORTED and "idempotency key" in error.details()
    other = booking.book(new_user(), court, day, "11:00", key=key)  # keys are per player
    assert other.booking_id != first.booking_id
    listed = booking.stub.ListBookings(api.ListBookingsRequest(), metadata=booking.player(player)).bookings
    assert [b.booking_id for b in listed] == [first.booking_id]


def test_concurrent_clients_for_one_slot_get_one_booking_and_409s(booking):
    owner = new_user()
    venue = booking.create_venue(owner)
    court, day = venue.courts[0].court_id, local_day(4)
    barrier = threading.Barrier(20)

    def attempt(_):
        barrier.wait()
        try:
            return booking.book(new_user(), court, day, "20:00", duration=90).booking_id
        except grpc.RpcError as error:
            return error.code(), error.details()

    with futures.ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1
    assert all(o == (grpc.StatusCode.ABORTED, "this slot was just taken; choose another time")
               for o in outcomes if not isinstance(o, str))


def test_past_midnight_hours_belong_to_the_day_they_open(booking):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner, open_="18:00", close="03:00")
    day = local_day(2)
    starts = booking.starts(venue.venue_id, day)[venue.courts[0].court_id]
    assert starts[0] == "18:00" and starts[-1] == "02:00" and "01:00" in starts
    late = booking.book(player, venue.courts[0].court_id, day + dt.timedelta(days=1), "01:00")
    assert late.local_date == (day + dt.timedelta(days=1)).isoformat() and late.local_start == "01:00"
    assert "01:00" not in booking.starts(venue.venue_id, day)[venue.courts[0].court_id]
    schedule = booking.stub.GetVenueSchedule(api.GetVenueScheduleRequest(venue_id=venue.venue_id, date=day.isoformat()),
                                             metadata=booking.owner(owner)).bookings
    assert [b.booking_id for b in schedule] == [late.booking_id]
    error = rpc_error(booking.book, player, venue.courts[0].court_id, day, "04:00")
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "opening hours" in error.details()


def to_state(booking, owner, player, venue, state, hour) -> pb.Booking:
    """A fresh booking at `hour` driven to `state` through the owner's RPCs."""
    made = booking.book(player, venue.courts[0].court_id, local_day(2), f"{hour:02d}:00")
    steps = {"pending": [], "confirmed": ["ConfirmBooking"], "in_progress": ["ConfirmBooking", "CheckInBooking"],
             "completed": ["ConfirmBooking", "CheckInBooking", "CompleteBooking"],
             "no_show": ["ConfirmBooking", "MarkNoShow"], "cancelled": ["CancelBooking"]}[state]
    for step in steps:
        request = getattr(api, f"{step}Request")(booking_id=made.booking_id)
        if step in ("CheckInBooking", "CompleteBooking", "MarkNoShow"):
            with booking.at(made.start_time.ToDatetime(tzinfo=dt.timezone.utc) + dt.timedelta(minutes=1)):
                getattr(booking.stub, step)(request, metadata=booking.owner(owner))
        else:
            getattr(booking.stub, step)(request, metadata=booking.owner(owner))
    return made

ACTIONS = {"confirmed": "ConfirmBooking", "in_progress": "CheckInBooking", "completed": "CompleteBooking",
           "no_show": "MarkNoShow", "cancelled": "CancelBooking"}
ALLOWED = {("pending", "confirmed"), ("pending", "cancelled"), ("confirmed", "in_progress"),
           ("confirmed", "cancelled"), ("confirmed", "no_show"), ("in_progress", "completed")}


@pytest.mark.parametrize("state", ["pending", "confirmed", "in_progress", "completed", "cancelled", "no_show"])
def test_every_forbidden_transition_fails_naming_both_states(booking, state):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner, instant=False, max_per_day=10)
    forbidden = [target for target in ACTIONS if (state, target) not in ALLOWED]
    for hour, target in enumerate(forbidden, start=8):
        made = to_state(booking, owner, player, venue, state, hour)
        action = ACTIONS[target]
        error = rpc_error(getattr(booking.stub, action), getattr(api, f"{action}Request")(booking_id=made.booking_id),
                          metadata=booking.owner(owner))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, (state, target)
        assert error.details() == f"cannot go from {state} to {target}"


@pytest.mark.parametrize("action, minutes_before, message", [
    ("CheckInBooking", 31, "check-in opens 30 minutes before the start"),
    ("CompleteBooking", 1, "cannot mark completed before the game starts"),
    ("MarkNoShow", 1, "cannot mark no_show before the game starts"),
])
def test_the_venue_acts_on_a_game_only_when_it_happens(booking, action, minutes_before, message):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner, max_per_day=10)
    made = booking.book(player, venue.courts[0].court_id, local_day(2), "10:00")
    if action == "CompleteBooking":  # completing needs a checked-in game
        to_start = made.start_time.ToDatetime(tzinfo=dt.timezone.utc)
        with booking.at(to_start - dt.timedelta(minutes=10)):
            booking.stub.CheckInBooking(api.CheckInBookingRequest(booking_id=made.booking_id), metadata=booking.owner(owner))
    start = made.start_time.ToDatetime(tzinfo=dt.timezone.utc)
    request = getattr(api, f"{action}Request")(booking_id=made.booking_id)
    with booking.at(start - dt.timedelta(minutes=minutes_before)):
        error = rpc_error(getattr(booking.stub, action), request, metadata=booking.owner(owner))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and error.details() == message
    # The court stays sold: nobody else can take that time.
    taken = rpc_error(booking.book, new_user(), venue.courts[0].court_id, local_day(2), "10:00")
    assert taken.code() == grpc.StatusCode.ABORTED


def test_a_closure_cannot_cover_a_sold_game(booking):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner)
    court = venue.courts[0].court_id
    made = booking.book(player, court, local_day(3), "12:00")
    closure = api.AddClosureRequest(venue_id=venue.venue_id, court_id=court, start_time=stamp(local_day(3), "11:00"),
                                    end_time=stamp(local_day(3), "14:00"), reason="resurfacing")
    error = rpc_error(booking.stub.AddClosure, closure, metadata=booking.owner(owner))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "cancel them first" in error.details()
    booking.stub.CancelBooking(api.CancelBookingRequest(booking_id=made.booking_id, reason="court work"),
                               metadata=booking.owner(owner))
    booking.stub.AddClosure(closure, metadata=booking.owner(owner))
    assert "12:00" not in booking.starts(venue.venue_id, local_day(3))[court]


def test_dates_far_ahead_are_refused_cleanly(booking):
    venue = booking.create_venue(new_user())
    free = booking.stub.GetAvailability(api.GetAvailabilityRequest(venue_id=venue.venue_id, date="9999-12-31",
                                                                   duration_minutes=60))
    assert all(not court.slots for court in free.courts)
    request = api.BookRequest(court_id=venue.courts[0].court_id, duration_minutes=60, idempotency_key="far-ahead-1")
    request.start_time.FromJsonString("9999-12-31T23:30:00Z")
    error = rpc_error(booking.stub.Book, request, metadata=booking.player(new_user()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "start_time" in error.details()


def test_owners_touch_only_their_own_venues(booking):
    owner, intruder, player = new_user(), new_user(), new_user()
    venue = booking.create_venue(owner)
    made = booking.book(player, venue.courts[0].court_id, local_day(2), "12:00")
    them = booking.owner(intruder)
    attempts = [
        (booking.stub.UpdateVenue, api.UpdateVenueRequest(venue_id=venue.venue_id, venue=pb.Venue(name="Mine now"),
                                                          update_mask=FieldMask(paths=["name"]))),
        (booking.stub.AddCourt, api.AddCourtRequest(venue_id=venue.venue_id, court=pb.Court(name="Extra"))),
        (booking.stub.SetPriceRules, api.SetPriceRulesRequest(venue_id=venue.venue_id,
                                                              base_hourly_price=pb.Money(amount_paisa=1))),
        (booking.stub.GetVenueSchedule, api.GetVenueScheduleRequest(venue_id=venue.venue_id, date=local_day(2).isoformat())),
        (booking.stub.CheckInBooking, api.CheckInBookingRequest(booking_id=made.booking_id)),
        (booking.stub.GetBooking, api.GetBookingRequest(booking_id=made.booking_id)),
        (booking.stub.CancelBooking, api.CancelBookingRequest(booking_id=made.booking_id)),
    ]
    for call, request in attempts:
        assert rpc_error(call, request, metadata=them).code() == grpc.StatusCode.PERMISSION_DENIED, call
    error = rpc_error(booking.stub.CreateVenue, api.CreateVenueRequest(venue=venue_message()),
                      metadata=booking.player(player))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # The owner may: their venue's booking is theirs to see and run.
    seen = booking.stub.GetBooking(api.GetBookingRequest(booking_id=made.booking_id), metadata=booking.owner(owner))
    assert seen.booking.player_id == player


@pytest.mark.parametrize("change, field", [
    (dict(clock="12:15"), "start_time"),
    (dict(duration=45), "duration_minutes"),
    (dict(clock="22:30"), "duration_minutes"),  # would end after closing
    (dict(days=30), "start_time"),  # beyond the horizon
])
def test_bad_bookings_are_invalid_naming_the_field(booking, change, field):
    venue = booking.create_venue(new_user())
    error = rpc_error(booking.book, new_user(), venue.courts[0].court_id, local_day(change.get("days", 2)),
                      change.get("clock", "12:00"), duration=change.get("duration", 60))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(f"{field}:")


def test_a_malformed_date_or_unoffered_duration_is_invalid(booking):
    venue = booking.create_venue(new_user())
    for date, duration, field in (("2030-02-30", 60, "date"), ("2030-2-3", 60, "date"), (local_day().isoformat(), 45,
                                                                                         "duration_minutes")):
        error = rpc_error(booking.stub.GetAvailability, api.GetAvailabilityRequest(
            venue_id=venue.venue_id, date=date, duration_minutes=duration))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and field in error.details()


def test_fair_access_limits_live_bookings_per_player_per_day(booking):
    venue = booking.create_venue(new_user(), max_per_day=2)
    player, court, day = new_user(), venue.courts[0].court_id, local_day(2)
    booking.book(player, court, day, "09:00")
    booking.book(player, court, day, "11:00")
    error = rpc_error(booking.book, player, court, day, "13:00")
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "2 per player per day" in error.details()
    booking.book(player, court, local_day(3), "13:00")  # another day is fine


def test_a_manual_venue_holds_then_confirms(booking):
    owner, player = new_user(), new_user()
    venue = booking.create_venue(owner, instant=False)
    made = booking.book(player, venue.courts[0].court_id, local_day(2), "12:00")
    assert made.status == pb.BOOKING_STATUS_PENDING and made.HasField("hold_expires_at")
    assert "12:00" not in booking.starts(venue.venue_id, local_day(2))[venue.courts[0].court_id]  # held
    confirmed = booking.stub.ConfirmBooking(api.ConfirmBookingRequest(booking_id=made.booking_id),
                                            metadata=booking.owner(owner)).booking
    assert confirmed.status == pb.BOOKING_STATUS_CONFIRMED


def test_venues_are_found_by_city_name_and_distance(booking):
    tag = uuid.uuid4().hex[:8]
    owner = new_user()
    near = booking.create_venue(owner, name=f"Sea View {tag}", city="Karachi")
    booking.stub.UpdateVenue(api.UpdateVenueRequest(
        venue_id=near.venue_id, venue=pb.Venue(location=pb.GeoPoint(latitude=24.80, longitude=67.02)),
        update_mask=FieldMask(paths=["location"])), metadata=booking.owner(owner))
    far = booking.create_venue(owner, name=f"Gulberg {tag}", city="Lahore", location=(31.52, 74.35))
    by_city = booking.stub.ListVenues(api.ListVenuesRequest(city="lahore", query=tag)).venues
    assert [v.venue_id for v in by_city] == [far.venue_id]
    by_name = booking.stub.ListVenues(api.ListVenuesRequest(query=f"sea view {tag}")).venues
    assert [v.venue_id for v in by_name] == [near.venue_id] and len(by_name[0].courts) == 2
    around = booking.stub.ListVenues(api.ListVenuesRequest(
        near=pb.GeoPoint(latitude=24.86, longitude=67.00), radius_km=20, query=tag)).venues
    assert [v.venue_id for v in around] == [near.venue_id] and 5 < around[0].distance_km < 10


def test_bookings_are_listed_upcoming_in_pages(booking):
    venue = booking.create_venue(new_user(), max_per_day=5)
    player = new_user()
    made = [booking.book(player, venue.courts[0].court_id, local_day(2), clock).booking_id
            for clock in ("09:00", "12:00", "15:00")]
    first = booking.stub.ListBookings(api.ListBookingsRequest(page_size=2), metadata=booking.player(player))
    second = booking.stub.ListBookings(api.ListBookingsRequest(page_size=2, page_token=first.next_page_token),
                                       metadata=booking.player(player))
    assert [b.booking_id for b in [*first.bookings, *second.bookings]] == made and not second.next_page_token
    past = booking.stub.ListBookings(api.ListBookingsRequest(past=True), metadata=booking.player(player))
    assert list(past.bookings) == []
    naive = base64.urlsafe_b64encode(json.dumps(["2030-01-01T10:00:00", "x"]).encode()).decode()
    for token in ("garbage!", naive):
        error = rpc_error(booking.stub.ListBookings, api.ListBookingsRequest(page_token=token),
                          metadata=booking.player(player))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in error.details()


def test_a_closure_takes_the_court_out_of_availability(booking):
    owner = new_user()
    venue = booking.create_venue(owner)
    court, day = venue.courts[1].court_id, local_day(2)
    booking.stub.AddClosure(api.AddClosureRequest(venue_id=venue.venue_id, court_id=court, start_time=stamp(day, "08:00"),
                                                  end_time=stamp(day, "12:00"), reason="resurfacing"),
                            metadata=booking.owner(owner))
    free = booking.starts(venue.venue_id, day)[court]
    assert free[0] == "12:00"
    error = rpc_error(booking.book, new_user(), court, day, "10:00")
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "closed" in error.details()


def test_a_move_onto_a_taken_slot_is_refused_and_changes_nothing(booking):
    venue = booking.create_venue(new_user())
    court, day = venue.courts[0].court_id, local_day(2)
    booking.book(new_user(), court, day, "10:00")
    theirs_player = new_user()
    theirs = booking.book(theirs_player, court, day, "12:00", duration=90)
    error = rpc_error(booking.stub.UpdateBooking, api.UpdateBookingRequest(
        booking_id=theirs.booking_id, start_time=stamp(day, "09:30"), update_mask=FieldMask(paths=["start_time"])),
        metadata=booking.player(theirs_player))
    assert error.code() == grpc.StatusCode.ABORTED and error.details() == "this slot was just taken; choose another time"
    unchanged = booking.stub.GetBooking(api.GetBookingRequest(booking_id=theirs.booking_id),
                                        metadata=booking.player(theirs_player)).booking
    assert unchanged.local_start == "12:00" and unchanged.price.amount_paisa == theirs.price.amount_paisa
    # Onto the other court at the same time is fine: the court is part of the move.
    moved = booking.stub.UpdateBooking(api.UpdateBookingRequest(
        booking_id=theirs.booking_id, court_id=venue.courts[1].court_id, start_time=stamp(day, "10:00"),
        update_mask=FieldMask(paths=["court_id", "start_time"])), metadata=booking.player(theirs_player)).booking
    assert moved.court_id == venue.courts[1].court_id and moved.local_start == "10:00"


def test_participants_and_requests_change_through_the_field_mask(inviting, players):
    booking = inviting
    venue = booking.create_venue(new_user())
    player, friends = new_user(), [players.new(), players.new()]
    made = booking.book(player, venue.courts[0].court_id, local_day(2), "10:00", participant_ids=friends[:1])
    changed = booking.stub.UpdateBooking(api.UpdateBookingRequest(
        booking_id=made.booking_id, participant_ids=friends, special_requests="need rackets",
        update_mask=FieldMask(paths=["participant_ids", "special_requests"])), metadata=booking.player(player)).booking
    assert list(changed.participant_ids) == friends and changed.special_requests == "need rackets"
    assert changed.local_start == "10:00" and changed.price == made.price
    seen = booking.stub.GetBooking(api.GetBookingRequest(booking_id=made.booking_id), metadata=booking.player(friends[1]))
    assert seen.booking.booking_id == made.booking_id  # an invited player sees it too
    error = rpc_error(booking.stub.UpdateBooking, api.UpdateBookingRequest(
        booking_id=made.booking_id, participant_ids=[player], update_mask=FieldMask(paths=["participant_ids"])),
        metadata=booking.player(player))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith("participant_ids:")
    error = rpc_error(booking.stub.UpdateBooking, api.UpdateBookingRequest(
        booking_id=made.booking_id, update_mask=FieldMask(paths=["price"])), metadata=booking.player(player))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "update_mask" in error.details()


def test_only_known_players_with_no_block_between_them_and_the_booker_can_be_invited(inviting, players):
    """user_svc decides (CheckBlocked, asked with the booker's token): an unknown id, a player who
    blocked the booker and one the booker blocked are all a 400 naming the field; nothing is booked."""
    booking = inviting
    venue = booking.create_venue(new_user())
    booker, friend, blocks_booker, blocked = players.new(), players.new(), players.new(), players.new()
    players.block(blocks_booker, booker)
    players.block(booker, blocked)
    court, day = venue.courts[0].court_id, local_day(2)
    for stranger in (new_user(), blocks_booker, blocked):
        error = rpc_error(booking.book, booker, court, day, "10:00", participant_ids=[friend, stranger])
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error.details() == (f"participant_ids[1]: {stranger} is not a player you can invite "
                                   "(no such player, or a block stands between you)")
    assert "10:00" in booking.starts(venue.venue_id, day)[court]
    made = booking.book(booker, court, day, "10:00", participant_ids=[friend])
    error = rpc_error(booking.stub.UpdateBooking, api.UpdateBookingRequest(
        booking_id=made.booking_id, participant_ids=[friend, blocked], update_mask=FieldMask(paths=["participant_ids"])),
        metadata=booking.player(booker))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith("participant_ids[1]:")


def test_an_owner_books_for_a_customer_alone_and_the_customer_invites_under_their_own_blocks(
        start_service, token_issuer, players):
    """Whom a customer plays with is the customer's matter, and blocks are told only to the two players
    concerned: the owner's booking (single or series) names no other players (a 400 naming the field,
    nothing booked); the customer then invites, refused for a player who blocked them."""
    host, channel = start_service("booking", PADEL_USER_ADDR=players.address)
    booking = BookingClient(booking_service_pb2_grpc.BookingServiceStub(channel), token_issuer)
    owner, customer, friend = players.new("Club Owner"), players.new("Sana Iqbal"), players.new()
    blocks_customer = players.new()
    Bookings.remember_player(host.database, customer, "Sana Iqbal", "+923001112233")
    players.block(blocks_customer, customer)
    venue = booking.create_venue(owner)
    court, day = venue.courts[0].court_id, local_day(2)

    def book(invited: list[str]) -> api.BookResponse:
        return booking.stub.Book(api.BookRequest(
            court_id=court, start_time=stamp(day, "10:00"), duration_minutes=60, participant_ids=invited,
            idempotency_key=uuid.uuid4().hex, player_id=customer), metadata=booking.owner(owner))

    def book_series(invited: list[str]) -> api.BookSeriesResponse:
        return booking.stub.BookSeries(api.BookSeriesRequest(
            court_id=court, first_start=stamp(day, "12:00"), duration_minutes=60, participant_ids=invited,
            recurrence=pb.SeriesRecurrence(count=2), player_id=customer), metadata=booking.owner(owner))

    for attempt in (lambda: book([friend]), lambda: book_series([friend])):
        error = rpc_error(attempt)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error.details().startswith("participant_ids: a booking for a customer is made for them alone")
    assert {"10:00", "12:00"} <= set(booking.starts(venue.venue_id, day)[court])
    made = book([]).booking
    assert made.player_id == customer and not made.participant_ids
    assert all(g.booking_id for g in book_series([]).series.occurrences)

    def invite(invited: list[str]) -> api.UpdateBookingResponse:
        return booking.stub.UpdateBooking(api.UpdateBookingRequest(
            booking_id=made.booking_id, participant_ids=invited, update_mask=FieldMask(paths=["participant_ids"])),
            metadata=booking.player(customer))

    error = rpc_error(lambda: invite([friend, blocks_customer]))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith("participant_ids[1]:")
    assert list(invite([friend]).booking.participant_ids) == [friend]


def test_closures_are_listed_and_deleted_and_inactive_courts_disappear(booking):
    owner = new_user()
    venue = booking.create_venue(owner)
    court, day = venue.courts[0].court_id, local_day(2)
    closure = booking.stub.AddClosure(api.AddClosureRequest(
        venue_id=venue.venue_id, court_id=court, start_time=stamp(day, "08:00"), end_time=stamp(day, "23:00")),
        metadata=booking.owner(owner)).closure
    listed = booking.stub.ListClosures(api.ListClosuresRequest(venue_id=venue.venue_id), metadata=booking.owner(owner))
    assert [c.closure_id for c in listed.closures] == [closure.closure_id]
    assert booking.starts(venue.venue_id, day)[court] == []
    booking.stub.DeleteClosure(api.DeleteClosureRequest(venue_id=venue.venue_id, closure_id=closure.closure_id),
                               metadata=booking.owner(owner))
    assert booking.starts(venue.venue_id, day)[court][0] == "08:00"
    booking.stub.UpdateCourt(api.UpdateCourtRequest(venue_id=venue.venue_id, court_id=court, court=pb.Court(active=False),
                                                    update_mask=FieldMask(paths=["active"])), metadata=booking.owner(owner))
    assert court not in booking.starts(venue.venue_id, day)
    error = rpc_error(booking.book, new_user(), court, day, "10:00")
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


@pytest.mark.parametrize("change, field", [
    (dict(name=""), "venue.name"),
    (dict(opening_hours=[]), "venue.opening_hours"),
    (dict(time_zone="Asia/Lahore"), "venue.time_zone"),
    (dict(durations_minutes=[45]), "venue.durations_minutes"),
])
def test_a_bad_venue_is_invalid_naming_the_field(booking, change, field):
    venue = venue_message()
    venue.ClearField(next(iter(change)))
    for name, value in change.items():
        if isinstance(value, list):
            getattr(venue, name).extend(value)
        else:
            setattr(venue, name, value)
    error = rpc_error(booking.stub.CreateVenue, api.CreateVenueRequest(venue=venue), metadata=booking.owner(new_user()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith(f"{field}:"), error.details()


def test_concurrent_retries_with_one_key_all_get_the_one_booking(booking):
    venue = booking.create_venue(new_user())
    player, court, day, key = new_user(), venue.courts[0].court_id, local_day(3), uuid.uuid4().hex
    barrier = threading.Barrier(10)

    def retry(_):
        barrier.wait()
        return booking.book(player, court, day, "16:00", key=key).booking_id

    with futures.ThreadPoolExecutor(10) as pool:
        ids = set(pool.map(retry, range(10)))
    assert len(ids) == 1
    listed = booking.stub.ListBookings(api.ListBookingsRequest(), metadata=booking.player(player)).bookings
    assert [b.booking_id for b in listed] == list(ids)
