"""What match_svc takes from other services' events: a cancelled court booking calls its match off,
and a deleted account leaves the matches ahead and loses its level. Both run through the real event
path (booking's outbox relay, or an event added to the stream as auth's relay writes it)."""

import time

import grpc
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_service_pb2 as booking_api
from padel.match.v1 import match_pb2 as m
from padel.match.v1 import match_service_pb2 as api

from match_testkit import rpc_error
from mesh import plumbing
from mesh.outbox import OutboxEvent
from mesh.redis import make_redis
from padel_testkit import publish_event


def eventually(read, until, timeout: float = 20.0):
    """`read()` once `until(value)` holds (an event is handled in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_cancelled_court_booking_calls_the_match_off_and_its_players_are_told(matches):
    organiser, player = matches.new_player(3.0), matches.new_player(3.0)
    match = matches.open(organiser)
    matches.join(match.match_id, player)
    matches.courts.stub.CancelBooking(booking_api.CancelBookingRequest(booking_id=match.booking_id, reason="rain"),
                                      metadata=matches.player(organiser))

    def read():
        return matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(player)).match

    assert eventually(read, lambda got: got.status == m.MATCH_STATUS_CANCELLED).status == m.MATCH_STATUS_CANCELLED
    listed = matches.stub.ListOpenMatches(api.ListOpenMatchesRequest(venue_id=match.venue_id)).matches
    assert listed == []
    refused = rpc_error(matches.join, match.match_id, matches.new_player(3.0))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "cancelled" in refused.details()
    with matches.job.database.session() as session:
        told = session.query(OutboxEvent).filter_by(event_type="padel.match.v1.MatchCancelled").all()
    assert len(told) == 1


def test_a_deleted_account_leaves_the_matches_ahead_and_its_level_is_erased(matches):
    organiser, leaving = matches.new_player(3.0), matches.new_player(3.0)
    asking = matches.new_player(6.0)
    match = matches.open(organiser)
    matches.join(match.match_id, leaving)
    matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(asking))
    client = make_redis("")
    for player in (leaving, asking):
        publish_event(client, plumbing.stream("auth"), auth_events.AccountDeleted(user_id=player), handled_by="match")
    got = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(organiser)).match
    assert [s.player_id for s in got.seats] == [organiser] and got.free_places == 3 and not got.join_requests
    gone = rpc_error(matches.stub.GetPlayerLevel, api.GetPlayerLevelRequest(player_id=leaving),
                     metadata=matches.player(organiser))
    assert gone.code() == grpc.StatusCode.NOT_FOUND
    # Someone else's level stays.
    assert matches.level(organiser).level.player_id == organiser
