"""What match_svc takes from other services' events: a cancelled court booking calls its match off,
and a deleted account leaves the matches ahead and loses its level. Both run through the real event
path (booking's outbox relay, or an event added to the stream as auth's relay writes it)."""

import datetime as dt
import time

import grpc
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_service_pb2 as booking_api
from padel.match.v1 import match_pb2 as m
from padel.match.v1 import match_service_pb2 as api

from match_svc import store
from match_testkit import rpc_error
from mesh import plumbing
from mesh.outbox import OutboxEvent
from mesh.redis import make_redis
from padel_testkit import publish_event
from test_match_service import full_match, played


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


def called_off(matches) -> tuple[m.Match, str, str]:
    """(match, organiser, player): a match with two players whose court the organiser cancelled, once
    match_svc has called it off."""
    organiser, player = matches.new_player(3.0), matches.new_player(3.0)
    match = matches.open(organiser)
    matches.join(match.match_id, player)
    matches.courts.stub.CancelBooking(booking_api.CancelBookingRequest(booking_id=match.booking_id, reason="rain"),
                                      metadata=matches.player(organiser))
    eventually(lambda: matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id),
                                             metadata=matches.player(player)).match,
               lambda got: got.status == m.MATCH_STATUS_CANCELLED)
    return match, organiser, player


def test_a_match_called_off_takes_no_no_show_report(matches):
    """Nobody plays on a court that was cancelled: the organiser cannot mark the others absent from it
    (a no-show lowers a player's record, which other organisers see and suggestions rank by)."""
    match, organiser, player = called_off(matches)
    with matches.at(played(match)):
        refused = rpc_error(matches.stub.ReportNoShow, api.ReportNoShowRequest(match_id=match.match_id,
                                                                               player_id=player),
                            metadata=matches.player(organiser))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "cancelled" in refused.details()
    assert matches.level(player).record.no_shows == 0


def tried(matches) -> set[str]:
    """The players match_svc counts tries of (joins and requests)."""
    with matches.job.database.session() as session:
        return {t.player_id for t in session.query(store.Try)}


def test_a_deleted_account_leaves_the_matches_ahead_and_its_level_is_erased(matches):
    organiser, leaving = matches.new_player(3.0), matches.new_player(3.0)
    asking = matches.new_player(6.0)
    match = matches.open(organiser)
    matches.join(match.match_id, leaving)
    matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(asking))
    assert tried(matches) == {leaving, asking}
    client = make_redis("")
    for player in (leaving, asking):
        publish_event(client, plumbing.stream("auth"), auth_events.AccountDeleted(user_id=player), handled_by="match")
    got = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(organiser)).match
    assert [s.player_id for s in got.seats] == [organiser] and got.free_places == 3 and not got.join_requests
    gone = rpc_error(matches.stub.GetPlayerLevel, api.GetPlayerLevelRequest(player_id=leaving),
                     metadata=matches.player(organiser))
    assert gone.code() == grpc.StatusCode.NOT_FOUND
    # Someone else's level stays; nothing counts the gone players' tries at the match any more.
    assert matches.level(organiser).level.player_id == organiser
    assert tried(matches) == set()


def test_a_result_of_a_match_with_a_deleted_player_still_confirms_by_hand_and_by_the_job(matches):
    sets = [m.SetScore(side_a_games=6, side_b_games=3), m.SetScore(side_a_games=6, side_b_games=4)]
    by_hand, players = full_match(matches)
    by_job, others = full_match(matches)
    client = make_redis("")
    with matches.at(played(by_hand)):
        for match, seated in ((by_hand, players), (by_job, others)):
            matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=sets),
                                      metadata=matches.player(seated[0]))
            # A loser deletes their account after the match: their seat stays, their level goes.
            publish_event(client, plumbing.stream("auth"), auth_events.AccountDeleted(user_id=seated[3]),
                          handled_by="match")
        confirmed = matches.stub.ConfirmResult(api.ConfirmResultRequest(match_id=by_hand.match_id),
                                               metadata=matches.player(players[2])).match
    assert confirmed.result.status == m.RESULT_STATUS_CONFIRMED
    assert [matches.level(p).level.matches_counted for p in players[:3]] == [1, 1, 1]
    assert matches.level(players[0]).history[0].level_after > matches.level(players[0]).history[0].level_before
    with matches.at(played(by_job) + dt.timedelta(hours=25)):
        assert matches.job.results.confirm_due(matches.job.database) == (1, 0)
    assert [matches.level(p).level.matches_counted for p in others[:3]] == [1, 1, 1]


def test_leaving_a_called_off_match_close_to_its_start_is_no_late_drop_out(matches):
    """Nobody plays a cancelled match: a player clearing it from their matches lets nobody down, and a
    late drop-out lowers the record other organisers see and suggestions rank by."""
    match, organiser, player = called_off(matches)
    with matches.at(match.start_time.ToDatetime(tzinfo=dt.timezone.utc) - dt.timedelta(hours=1)):
        left = matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(player))
    assert [s.player_id for s in left.match.seats] == [organiser]
    assert matches.level(player).record.late_drop_outs == 0
