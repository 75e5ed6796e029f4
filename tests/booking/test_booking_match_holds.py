"""HoldCourtForMatch as booking_svc answers anyone who asks it at its own port (the RPC is internal:
the edge does not route it, but booking_svc does not know who calls): a hold is the first step of opening a match, kept to its term only once
match_svc's MatchOpened for that match follows; booking_svc on port 0 with its real consumer and job,
its clock moved past the minutes a hold waits."""

import datetime as dt
import uuid

import grpc
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.match.v1 import events_pb2 as match_events

from booking_testkit import local_day, local_dt, rpc_error, stamp
from mesh import plumbing
from mesh.convert import timestamp, to_datetime
from mesh.redis import make_redis
from padel_testkit import eventually, publish_event


def hold(booking, organiser: str, court_id: str, day: dt.date, clock: str, until: dt.datetime,
         match_id: str = "") -> pb.Booking:
    request = api.HoldCourtForMatchRequest(match_id=match_id or str(uuid.uuid4()), court_id=court_id,
                                           start_time=stamp(day, clock), duration_minutes=60,
                                           hold_until=timestamp(until))
    return booking.stub.HoldCourtForMatch(request, metadata=booking.player(organiser)).booking


def seen_by(booking, player: str, booking_id: str) -> pb.Booking:
    return booking.stub.GetBooking(api.GetBookingRequest(booking_id=booking_id), metadata=booking.player(player)).booking


def in_minutes(minutes: int) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)


def test_a_match_hold_no_match_opened_for_gives_the_court_back_within_minutes(booking):
    squatter, organiser, other = (str(uuid.uuid4()) for _ in range(3))
    court, day = booking.create_venue(str(uuid.uuid4())).courts[0].court_id, local_day(3)
    # A made-up match, held until play starts: no MatchOpened ever follows.
    squatted = hold(booking, squatter, court, day, "18:00", until=local_dt(day, "18:00"))
    # match_svc's hold, its match written and announced: held to the match's deadline.
    match_id = str(uuid.uuid4())
    held = hold(booking, organiser, court, day, "20:00", until=local_dt(day, "17:00"), match_id=match_id)
    opened = match_events.MatchOpened(match=match_events.MatchSnapshot(
        match_id=match_id, organiser_id=organiser, booking_id=held.booking_id, player_ids=[organiser]))
    publish_event(make_redis(""), plumbing.stream("match"), opened, handled_by="booking")
    assert rpc_error(booking.book, other, court, day, "18:00").code() == grpc.StatusCode.ABORTED
    with booking.at(in_minutes(6)):
        assert booking.book(other, court, day, "18:00").status == pb.BOOKING_STATUS_CONFIRMED
        assert rpc_error(booking.book, other, court, day, "20:00").code() == grpc.StatusCode.ABORTED
    assert seen_by(booking, squatter, squatted.booking_id).status == pb.BOOKING_STATUS_CANCELLED
    kept = seen_by(booking, organiser, held.booking_id)
    assert kept.status == pb.BOOKING_STATUS_PENDING and to_datetime(kept.hold_expires_at) == local_dt(day, "17:00")


def test_an_organiser_holds_at_most_three_courts_for_matches_not_opened_yet(booking):
    organiser = str(uuid.uuid4())
    court, day = booking.create_venue(str(uuid.uuid4()), max_per_day=6).courts[0].court_id, local_day(3)
    for clock in ("10:00", "12:00", "14:00"):
        hold(booking, organiser, court, day, clock, until=local_dt(day, "07:00"))
    refused = rpc_error(hold, booking, organiser, court, day, "16:00", until=local_dt(day, "07:00"))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "not opened" in refused.details()
    with booking.at(in_minutes(6)):  # the three ran out unopened
        assert hold(booking, organiser, court, day, "16:00", until=local_dt(day, "07:00")).status \
            == pb.BOOKING_STATUS_PENDING


def test_a_hold_match_svc_does_not_answer_about_is_kept_at_most_half_an_hour(booking):
    """match_svc's MatchOpened is late and match_svc does not answer the job's question (nothing
    listens at its address here): the hold outlives its first minutes, but not half an hour."""
    organiser, other = str(uuid.uuid4()), str(uuid.uuid4())
    court, day = booking.create_venue(str(uuid.uuid4())).courts[0].court_id, local_day(3)
    held = hold(booking, organiser, court, day, "18:00", until=local_dt(day, "15:00"))
    with booking.at(in_minutes(2)):  # the job asks after a minute; no answer keeps the hold a while
        eventually(lambda: seen_by(booking, organiser, held.booking_id).hold_expires_at != held.hold_expires_at,
                   "the job keeps the hold match_svc did not answer about")
    with booking.at(in_minutes(6)):
        assert rpc_error(booking.book, other, court, day, "18:00").code() == grpc.StatusCode.ABORTED
    with booking.at(in_minutes(31)):
        assert booking.book(other, court, day, "18:00").status == pb.BOOKING_STATUS_CONFIRMED
    assert seen_by(booking, organiser, held.booking_id).status == pb.BOOKING_STATUS_CANCELLED
