"""match_svc over gRPC on port 0 with the real booking_svc beside it: opening a match on a booked
court, joining by level, asking and approving, leaving, removing, results and the levels they move."""

import datetime as dt
import uuid

import grpc
import pytest
from padel.match.v1 import events_pb2
from padel.match.v1 import match_pb2 as m
from google.protobuf.field_mask_pb2 import FieldMask
from padel.match.v1 import match_service_pb2 as api
from padel.user.v1 import user_pb2 as u
from padel.user.v1 import user_service_pb2 as users

from match_svc import rating
from match_testkit import rpc_error
from mesh.outbox import OutboxEvent
from padel_testkit import eventually


def played(match: m.Match) -> dt.datetime:
    """A moment after the match's end."""
    return match.end_time.ToDatetime(tzinfo=dt.timezone.utc) + dt.timedelta(minutes=10)


def full_match(matches, levels=(3.5, 3.5, 3.6, 3.4), kind=m.MATCH_KIND_COMPETITIVE) -> tuple[m.Match, list[str]]:
    """A match with four players: the organiser and the first joiner on side A, the other two on B."""
    players = [matches.new_player(level) for level in levels]
    match = matches.open(players[0], kind=kind)
    matches.join(match.match_id, players[1], m.SIDE_A)
    matches.join(match.match_id, players[2], m.SIDE_B)
    match = matches.join(match.match_id, players[3], m.SIDE_B)
    return match, players


def record_and_confirm(matches, match: m.Match, players: list[str], sets=((6, 2), (6, 3))) -> None:
    """After play, the organiser records `sets` (side A's games first) and side B's first player confirms them."""
    matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=[
        m.SetScore(side_a_games=a, side_b_games=b) for a, b in sets]), metadata=matches.player(players[0]))
    matches.stub.ConfirmResult(api.ConfirmResultRequest(match_id=match.match_id), metadata=matches.player(players[2]))


def test_an_organiser_opens_a_match_on_their_booked_court(matches):
    organiser = matches.new_player(3.0)
    match = matches.open(organiser, spread=0.75)
    assert match.organiser_id == organiser and match.status == m.MATCH_STATUS_OPEN
    assert [(s.side, s.player_id) for s in match.seats] == [(m.SIDE_A, organiser)]
    assert match.free_places == 3 and (match.min_level, match.max_level) == (2.25, 3.75)
    assert match.city == "Karachi" and match.local_start == "19:00" and match.court_name == "Court 1"
    # Nobody else opens a match on that court: booking_svc tells match_svc it is not their booking.
    stranger = matches.new_player(3.0)
    error = rpc_error(matches.stub.OpenMatch, api.OpenMatchRequest(
        booking_id=match.booking_id, kind=m.MATCH_KIND_FRIENDLY, gender_mode=m.GENDER_MODE_OPEN),
        metadata=matches.player(stranger))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    # Nor a second match on the same booking.
    error = rpc_error(matches.stub.OpenMatch, api.OpenMatchRequest(
        booking_id=match.booking_id, kind=m.MATCH_KIND_FRIENDLY, gender_mode=m.GENDER_MODE_OPEN),
        metadata=matches.player(organiser))
    assert error.code() == grpc.StatusCode.ABORTED


def test_a_player_without_a_level_is_sent_to_the_questionnaire(matches):
    match = matches.open(matches.new_player(3.0))
    error = rpc_error(matches.join, match.match_id, str(uuid.uuid4()))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "questionnaire" in error.details()


def test_players_in_range_join_and_one_out_of_range_asks_and_every_player_approves(matches):
    organiser, second, third = (matches.new_player(level) for level in (3.0, 3.2, 2.8))
    strong = matches.new_player(5.0)
    match = matches.open(organiser)
    matches.join(match.match_id, second)
    matches.join(match.match_id, third)
    refused = rpc_error(matches.join, match.match_id, strong)
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "ask to join" in refused.details()

    asked = matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(strong)).match
    assert [r.player_id for r in asked.join_requests] == [strong] and asked.free_places == 1
    # Only players in the match approve; the asking player is seated once all three did.
    outsider = rpc_error(matches.stub.ApproveJoinRequest, api.ApproveJoinRequestRequest(
        match_id=match.match_id, player_id=strong), metadata=matches.player(str(uuid.uuid4())))
    assert outsider.code() == grpc.StatusCode.PERMISSION_DENIED
    for approver in (organiser, second):
        after = matches.stub.ApproveJoinRequest(api.ApproveJoinRequestRequest(match_id=match.match_id, player_id=strong),
                                                metadata=matches.player(approver)).match
        assert strong not in [s.player_id for s in after.seats]
    after = matches.stub.ApproveJoinRequest(api.ApproveJoinRequestRequest(match_id=match.match_id, player_id=strong),
                                            metadata=matches.player(third)).match
    assert strong in [s.player_id for s in after.seats]
    assert after.status == m.MATCH_STATUS_FULL and after.free_places == 0 and not after.join_requests


def test_the_organiser_removes_a_player_and_a_player_leaves_freeing_their_place(matches):
    organiser, player, other = (matches.new_player(3.0) for _ in range(3))
    match = matches.open(organiser)
    matches.join(match.match_id, player)
    matches.join(match.match_id, other)
    denied = rpc_error(matches.stub.RemovePlayer, api.RemovePlayerRequest(match_id=match.match_id, player_id=other),
                       metadata=matches.player(player))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    removed = matches.stub.RemovePlayer(api.RemovePlayerRequest(match_id=match.match_id, player_id=other),
                                        metadata=matches.player(organiser)).match
    assert other not in [s.player_id for s in removed.seats] and removed.free_places == 2
    left = matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(player)).match
    assert [s.player_id for s in left.seats] == [organiser] and left.free_places == 3
    # Leaving three days ahead is not late.
    assert matches.level(player).record.late_drop_outs == 0


def test_leaving_after_the_cut_off_is_a_late_drop_out_and_no_shows_are_recorded(matches):
    organiser, late, absent = (matches.new_player(3.0) for _ in range(3))
    match = matches.open(organiser)
    matches.join(match.match_id, late)
    matches.join(match.match_id, absent)
    start = match.start_time.ToDatetime(tzinfo=dt.timezone.utc)
    with matches.at(start - dt.timedelta(hours=2)):
        matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(late))
    assert matches.level(late).record.late_drop_outs == 1
    early = rpc_error(matches.stub.ReportNoShow, api.ReportNoShowRequest(match_id=match.match_id, player_id=absent),
                      metadata=matches.player(organiser))
    assert early.code() == grpc.StatusCode.FAILED_PRECONDITION
    with matches.at(start + dt.timedelta(minutes=15)):
        record = matches.stub.ReportNoShow(api.ReportNoShowRequest(match_id=match.match_id, player_id=absent),
                                           metadata=matches.player(organiser)).record
        again = rpc_error(matches.stub.ReportNoShow, api.ReportNoShowRequest(match_id=match.match_id, player_id=absent),
                          metadata=matches.player(organiser))
    assert record.no_shows == 1 and again.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert matches.level(absent).record.no_shows == 1


def test_a_confirmed_competitive_result_moves_the_levels_as_the_model_says(matches):
    match, players = full_match(matches)
    before = {p: matches.level(p).level for p in players}
    sets = [m.SetScore(side_a_games=6, side_b_games=4), m.SetScore(side_a_games=3, side_b_games=6),
            m.SetScore(side_a_games=7, side_b_games=6)]
    too_early = rpc_error(matches.stub.RecordResult, api.RecordResultRequest(match_id=match.match_id, sets=sets),
                          metadata=matches.player(players[0]))
    assert too_early.code() == grpc.StatusCode.FAILED_PRECONDITION
    with matches.at(played(match)):
        recorded = matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=sets),
                                             metadata=matches.player(players[1])).match
        assert recorded.result.status == m.RESULT_STATUS_PENDING and recorded.result.winner == m.SIDE_A
        # The recorder's own side does not confirm.
        own = rpc_error(matches.stub.ConfirmResult, api.ConfirmResultRequest(match_id=match.match_id),
                        metadata=matches.player(players[0]))
        assert own.code() == grpc.StatusCode.PERMISSION_DENIED
        confirmed = matches.stub.ConfirmResult(api.ConfirmResultRequest(match_id=match.match_id),
                                               metadata=matches.player(players[3])).match
    assert confirmed.result.status == m.RESULT_STATUS_CONFIRMED and confirmed.result.answered_by == players[3]

    start = [rating.starting_skill(before[p].level) for p in players]
    side_a, side_b = rating.rate((start[0], start[1]), (start[2], start[3]), "A")
    for player, expected in zip(players, [*side_a, *side_b]):
        level = matches.level(player)
        assert level.level.level == pytest.approx(expected.level)
        assert level.level.reliability == pytest.approx(expected.reliability)
        assert level.level.reliability > before[player].reliability
        assert level.level.matches_counted == 1 and level.record.matches_played == 1
        assert level.history[0].match_id == match.match_id
        assert level.history[0].level_before == pytest.approx(before[player].level)
    assert matches.level(players[0]).level.level > before[players[0]].level
    assert matches.level(players[2]).level.level < before[players[2]].level


def test_a_disputed_result_changes_nothing(matches):
    match, players = full_match(matches)
    before = [matches.level(p).level for p in players]
    with matches.at(played(match)):
        matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=[
            m.SetScore(side_a_games=6, side_b_games=0), m.SetScore(side_a_games=6, side_b_games=0)]),
            metadata=matches.player(players[0]))
        disputed = matches.stub.DisputeResult(api.DisputeResultRequest(match_id=match.match_id),
                                              metadata=matches.player(players[2])).match
        late = rpc_error(matches.stub.ConfirmResult, api.ConfirmResultRequest(match_id=match.match_id),
                         metadata=matches.player(players[3]))
    assert disputed.result.status == m.RESULT_STATUS_DISPUTED and late.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert [matches.level(p).level for p in players] == before


def test_a_friendly_result_changes_no_level(matches):
    match, players = full_match(matches, kind=m.MATCH_KIND_FRIENDLY)
    before = [matches.level(p).level for p in players]
    with matches.at(played(match)):
        record_and_confirm(matches, match, players)
    after = [matches.level(p) for p in players]
    assert [a.level for a in after] == before
    assert all(a.record.matches_played == 1 for a in after)


def test_an_unanswered_result_is_confirmed_after_the_window_by_the_job(matches):
    match, players = full_match(matches)
    before = matches.level(players[0]).level.level
    with matches.at(played(match)):
        matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=[
            m.SetScore(side_a_games=6, side_b_games=3), m.SetScore(side_a_games=6, side_b_games=4)]),
            metadata=matches.player(players[0]))
    with matches.at(played(match) + dt.timedelta(hours=23)):
        assert matches.job.results.confirm_due(matches.job.database) == (0, 0)
    with matches.at(played(match) + dt.timedelta(hours=24, minutes=1)):
        assert matches.job.results.confirm_due(matches.job.database) == (1, 0)
    got = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(players[1]))
    assert got.match.result.status == m.RESULT_STATUS_CONFIRMED and got.match.result.answered_by == ""
    assert matches.level(players[0]).level.level > before


@pytest.mark.parametrize("sets, field", [
    ([(6, 5), (6, 0)], "sets[0]"),
    ([(6, 0), (6, 6)], "sets[1]"),
    ([(6, 0), (6, 1), (6, 2)], "sets[2]"),
    ([(6, 0), (0, 6)], "sets"),
    ([(8, 6), (6, 0)], "sets[0].side_a_games"),
])
def test_a_score_that_breaks_padel_rules_is_refused_naming_the_set(matches, sets, field):
    match, players = full_match(matches)
    with matches.at(played(match)):
        error = rpc_error(matches.stub.RecordResult, api.RecordResultRequest(
            match_id=match.match_id, sets=[m.SetScore(side_a_games=a, side_b_games=b) for a, b in sets]),
            metadata=matches.player(players[0]))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and field in error.details()
    got = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(players[0]))
    assert not got.match.HasField("result")


def test_browsing_filters_by_city_date_time_of_day_level_and_free_places_and_pages(matches):
    organisers = [matches.new_player(level) for level in (2.0, 4.0, 4.0)]
    morning = matches.open(organisers[0], clock="09:00", city="Lahore")
    evening = matches.open(organisers[1], clock="19:00", city="Lahore")
    other_day = matches.open(organisers[2], clock="19:00", days_ahead=4, city="Lahore")

    def browse(**query):
        return [x.match_id for x in matches.stub.ListOpenMatches(api.ListOpenMatchesRequest(**query)).matches]

    assert browse(city="lahore") == [morning.match_id, evening.match_id, other_day.match_id]
    assert browse(city="Lahore", date=morning.local_date) == [morning.match_id, evening.match_id]
    assert browse(city="Lahore", time_of_day=m.TIME_OF_DAY_MORNING) == [morning.match_id]
    assert browse(city="Lahore", level=4.2) == [evening.match_id, other_day.match_id]
    assert browse(venue_id=evening.venue_id) == [evening.match_id]
    assert browse(city="Lahore", min_free_places=3) == [morning.match_id, evening.match_id, other_day.match_id]
    matches.join(evening.match_id, matches.new_player(4.0))
    assert browse(city="Lahore", min_free_places=3) == [morning.match_id, other_day.match_id]
    first = matches.stub.ListOpenMatches(api.ListOpenMatchesRequest(city="Lahore", page_size=2))
    second = matches.stub.ListOpenMatches(api.ListOpenMatchesRequest(city="Lahore", page_size=2,
                                                                     page_token=first.next_page_token))
    assert [x.match_id for x in [*first.matches, *second.matches]] == browse(city="Lahore")
    assert second.next_page_token == ""


@pytest.mark.postgres
def test_twenty_players_racing_for_the_last_place_on_postgresql_one_wins(matches_postgres):
    from concurrent import futures

    matches = matches_postgres
    match = matches.open(matches.new_player(3.0))
    matches.join(match.match_id, matches.new_player(3.0))
    matches.join(match.match_id, matches.new_player(3.0))
    racers = [matches.new_player(3.0) for _ in range(20)]

    def race(racer):
        try:
            matches.join(match.match_id, racer)
            return "won"
        except grpc.RpcError as error:
            return error.code()

    with futures.ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(race, racers))
    assert sorted(outcomes, key=str) == sorted(["won"] + [grpc.StatusCode.ABORTED] * 19, key=str)
    got = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(racers[0]))
    assert len(got.match.seats) == 4 and racers[outcomes.index("won")] in [s.player_id for s in got.match.seats]


def profile(matches, player: str, **fields) -> None:
    """The player's user_svc profile gets a display name (search lists only named players) and `fields`."""
    values = {"display_name": f"Player {player[:8]}", **fields}
    matches.users.UpdateProfile(users.UpdateProfileRequest(profile=u.Profile(**values), update_mask=FieldMask(
        paths=list(values))), metadata=matches.player(player))


def shown_level(matches, player: str) -> u.MatchLevel | None:
    found = matches.users.GetProfile(users.GetProfileRequest(), metadata=matches.player(player)).profile
    return found.match_level if found.HasField("match_level") else None


def test_suggestions_rank_findable_players_by_level_city_activity_and_reliability_never_blocked_ones(matches):
    organiser = matches.new_player(3.0)
    match = matches.open(organiser, city="Multan")
    in_range, a_bit_strong, far_too_strong = (matches.new_player(level) for level in (3.2, 3.9, 6.0))
    blocked, blocker, hidden, absent = (matches.new_player(3.0) for _ in range(4))
    # `absent` played in Multan before, but did not turn up.
    elsewhere = matches.open(matches.new_player(3.0), city="Multan")
    matches.join(elsewhere.match_id, absent)
    with matches.at(elsewhere.start_time.ToDatetime(tzinfo=dt.timezone.utc) + dt.timedelta(minutes=20)):
        matches.stub.ReportNoShow(api.ReportNoShowRequest(match_id=elsewhere.match_id, player_id=absent),
                                  metadata=matches.player(elsewhere.organiser_id))
    # `self_assessed` never answered the questionnaire: their profile's skill_level stands in.
    self_assessed = str(uuid.uuid4())
    for player in (in_range, a_bit_strong, far_too_strong, blocked, blocker, absent, organiser):
        profile(matches, player)
    profile(matches, in_range, city=u.CITY_LAHORE)
    profile(matches, elsewhere.organiser_id, city=u.CITY_MULTAN)
    profile(matches, self_assessed, city=u.CITY_MULTAN, skill_level=3.0)
    profile(matches, hidden, findable=False)
    matches.users.BlockUser(users.BlockUserRequest(user_id=blocked), metadata=matches.player(organiser))
    matches.users.BlockUser(users.BlockUserRequest(user_id=organiser), metadata=matches.player(blocker))

    # Level fit 0.5 (0.6 of it half a level .4 out of range), same city 0.2, activity 0.15 (all active today
    # but `self_assessed`, never in a match), turning up 0.15 (half for no record yet): the other Multan
    # organiser beats `absent`, who missed a match, and the Multan player known only by their profile; all
    # beat an in-range player from Lahore; the stronger one comes last. user_svc learns the levels from
    # match's events; until then its search cannot place the players by level.
    expected = [(elsewhere.organiser_id, 0.925), (absent, 0.85), (self_assessed, 0.775), (in_range, 0.725),
                (a_bit_strong, 0.525)]

    def ranked():
        answer = matches.stub.SuggestPlayers(api.SuggestPlayersRequest(match_id=match.match_id, max_suggestions=50),
                                             metadata=matches.player(organiser))
        return answer if [(s.player_id, round(s.score, 3)) for s in answer.suggestions] == expected else None

    answer = eventually(ranked, "the suggestions, once user_svc knows every level")
    suggested = {s.player_id: s for s in answer.suggestions}
    assert suggested[absent].same_city and suggested[absent].record.no_shows == 1
    assert suggested[self_assessed].same_city and suggested[self_assessed].reliability == pytest.approx(0.1)
    assert not suggested[self_assessed].HasField("last_active_at")
    assert not suggested[in_range].same_city
    # Never a player who blocked or was blocked by the caller, nor one who is not findable, nor one too strong.
    assert not {blocked, blocker, hidden, far_too_strong} & set(suggested)
    # Only the match's players ask for suggestions.
    outsider = rpc_error(matches.stub.SuggestPlayers, api.SuggestPlayersRequest(match_id=match.match_id),
                         metadata=matches.player(in_range))
    assert outsider.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_player_without_the_questionnaire_starts_from_their_profiles_skill_level_and_the_profile_shows_it(matches):
    organiser = matches.new_player(3.0)
    match = matches.open(organiser)
    player = str(uuid.uuid4())
    profile(matches, player, skill_level=2.0)
    # 2.0 is outside 2.5–3.5: the player asks, at the level their profile gives, with a self-assessment's
    # low reliability.
    asked = matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(player))
    assert [r.level for r in asked.match.join_requests] == [pytest.approx(2.0)]
    level = matches.level(player).level
    assert level.start == m.LEVEL_START_PROFILE and level.reliability == pytest.approx(0.1)
    assert eventually(lambda: shown_level(matches, player), "the profile shows the level").level == pytest.approx(2.0)
    # Until the questionnaire or a match sets it, the level follows the profile.
    profile(matches, player, skill_level=3.0)
    joined = matches.join(match.match_id, player)
    assert player in [s.player_id for s in joined.seats] and matches.level(player).level.level == pytest.approx(3.0)
    eventually(lambda: shown_level(matches, player).level == pytest.approx(3.0), "the profile shows the new level")
    matches.stub.AnswerQuestionnaire(api.AnswerQuestionnaireRequest(years_played=10, self_assessment=3.2),
                                     metadata=matches.player(player))
    after = matches.level(player).level
    assert after.start == m.LEVEL_START_QUESTIONNAIRE and after.level == pytest.approx(3.2)
    profile(matches, player, skill_level=5.0)
    matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(player))
    matches.join(match.match_id, player)
    assert matches.level(player).level.level == pytest.approx(3.2)  # the questionnaire's answer stands
    shown = eventually(lambda: shown_level(matches, player).level == pytest.approx(3.2) and shown_level(matches, player),
                       "the profile shows the questionnaire's level")
    assert shown.reliability == pytest.approx(0.2)
    # The player's own estimate stays on the profile beside match_svc's level.
    own = matches.users.GetProfile(users.GetProfileRequest(), metadata=matches.player(player)).profile
    assert own.skill_level == 5.0 and own.skill_source == u.SKILL_SOURCE_SELF_ASSESSED


@pytest.mark.postgres
def test_a_players_first_calls_at_once_on_postgresql_start_one_level_from_the_profile(matches_postgres):
    from concurrent import futures

    matches = matches_postgres
    games = [matches.open(matches.new_player(3.0)) for _ in range(4)]
    player = str(uuid.uuid4())
    profile(matches, player, skill_level=3.0)
    with futures.ThreadPoolExecutor(4) as pool:
        joined = list(pool.map(lambda game: matches.join(game.match_id, player), games))
    assert all(player in [s.player_id for s in game.seats] for game in joined)
    history = matches.level(player).history
    assert [(step.match_id, step.level_after) for step in history] == [("", pytest.approx(3.0))]


def test_a_player_never_in_a_match_shows_the_level_their_profile_starts_them_at_as_the_caller_may_see_it(matches):
    asker, player, blocker, no_level = (str(uuid.uuid4()) for _ in range(4))
    profile(matches, player, skill_level=4.5)
    profile(matches, blocker, skill_level=3.0)
    profile(matches, no_level)
    profile(matches, asker)
    matches.users.BlockUser(users.BlockUserRequest(user_id=asker), metadata=matches.player(blocker))

    def level_of(player_id: str, caller: str = asker) -> api.GetPlayerLevelResponse:
        return matches.stub.GetPlayerLevel(api.GetPlayerLevelRequest(player_id=player_id),
                                           metadata=matches.player(caller))

    for caller in (asker, player):
        shown = level_of(player, caller)
        assert shown.level.level == pytest.approx(4.5) and shown.level.reliability == pytest.approx(0.1)
        assert shown.level.start == m.LEVEL_START_PROFILE and shown.level.matches_counted == 0
        assert list(shown.history) == [] and shown.record.matches_played == 0
    # A look starts no level: the profile shows none from match_svc.
    assert shown_level(matches, player) is None
    # No level given, hidden from the caller by a block, or nobody: still no level to show.
    for unknown in (no_level, blocker, str(uuid.uuid4())):
        assert rpc_error(level_of, unknown).code() == grpc.StatusCode.NOT_FOUND


def test_the_job_confirms_each_due_result_on_its_own_so_one_that_fails_blocks_no_other(matches, monkeypatch):
    sets = [m.SetScore(side_a_games=6, side_b_games=3), m.SetScore(side_a_games=6, side_b_games=4)]
    broken, others = full_match(matches)
    fine, players = full_match(matches)
    with matches.at(played(fine)):
        for match, recorder in ((broken, others[0]), (fine, players[0])):
            matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=sets),
                                      metadata=matches.player(recorder))
    levels = matches.job.results.levels
    real = levels.record_played

    def failing(session, row, winner, now):
        if row.id == broken.match_id:
            raise RuntimeError("a broken result")
        return real(session, row, winner, now)

    monkeypatch.setattr(levels, "record_played", failing)
    with matches.at(played(fine) + dt.timedelta(hours=25)):
        assert matches.job.results.confirm_due(matches.job.database) == (1, 1)
    states = {match.match_id: matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id),
                                                    metadata=matches.player(players[0])).match.result.status
              for match in (broken, fine)}
    assert states == {broken.match_id: m.RESULT_STATUS_PENDING, fine.match_id: m.RESULT_STATUS_CONFIRMED}


def test_a_reported_no_show_plays_no_match_and_the_result_moves_no_level_and_the_organiser_sees_records(matches):
    match, players = full_match(matches)
    absent = players[3]
    before = [matches.level(p).level for p in players]
    with matches.at(played(match)):
        matches.stub.ReportNoShow(api.ReportNoShowRequest(match_id=match.match_id, player_id=absent),
                                  metadata=matches.player(players[0]))
        matches.stub.RecordResult(api.RecordResultRequest(match_id=match.match_id, sets=[
            m.SetScore(side_a_games=6, side_b_games=1), m.SetScore(side_a_games=6, side_b_games=2)]),
            metadata=matches.player(players[0]))
        matches.stub.ConfirmResult(api.ConfirmResultRequest(match_id=match.match_id),
                                   metadata=matches.player(players[2]))
    after = {p: matches.level(p) for p in players}
    assert [after[p].level for p in players] == before
    assert [after[p].record.matches_played for p in players] == [1, 1, 1, 0]
    # The organiser sees who turns up; the other players see the seats without records.
    seen = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id),
                                 metadata=matches.player(players[0])).match
    records = {s.player_id: (s.record.matches_played, s.record.no_shows, s.no_show) for s in seen.seats}
    assert records[absent] == (0, 1, True) and records[players[1]] == (1, 0, False)
    other = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(players[1]))
    assert not any(s.HasField("record") for s in other.match.seats)


def test_a_no_show_is_not_reported_once_the_result_is_confirmed(matches):
    """A confirmed result says the four played: its levels moved and each played a match. A no-show
    reported after it left the player counted both as having played and as absent."""
    match, players = full_match(matches)
    with matches.at(played(match)):
        record_and_confirm(matches, match, players)
        refused = rpc_error(matches.stub.ReportNoShow, api.ReportNoShowRequest(match_id=match.match_id,
                                                                               player_id=players[3]),
                            metadata=matches.player(players[0]))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "confirmed" in refused.details()
    record = matches.level(players[3]).record
    assert (record.matches_played, record.no_shows) == (1, 0)


def _outbox(matches, event: str) -> list:
    """The `event`s match_svc published."""
    with matches.job.database.session() as session:
        rows = session.query(OutboxEvent).filter_by(event_type=f"padel.match.v1.{event}").all()
        return [getattr(events_pb2, event).FromString(row.payload) for row in rows]


def test_a_seated_player_refuses_a_request_the_asker_withdraws_theirs_and_a_full_match_ends_the_rest(matches):
    organiser, second = matches.new_player(3.0), matches.new_player(3.0)
    strong, stronger, approved = (matches.new_player(level) for level in (5.0, 5.5, 6.0))
    match = matches.open(organiser)
    matches.join(match.match_id, second)

    def ask(player):
        return matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(player))

    def refuse(player, by):
        return matches.stub.RefuseJoinRequest(api.RefuseJoinRequestRequest(match_id=match.match_id, player_id=player),
                                              metadata=matches.player(by)).match

    ask(strong)
    outsider = rpc_error(refuse, strong, str(uuid.uuid4()))
    assert outsider.code() == grpc.StatusCode.PERMISSION_DENIED
    assert not refuse(strong, second).join_requests
    assert [(e.player_id, e.refused_by) for e in _outbox(matches, "JoinRequestEnded")] == [(strong, second)]
    # A refused player may ask again later; the asker withdraws their own request.
    assert [r.player_id for r in ask(strong).match.join_requests] == [strong]
    withdrawn = matches.stub.WithdrawJoinRequest(api.WithdrawJoinRequestRequest(match_id=match.match_id),
                                                 metadata=matches.player(strong)).match
    assert not withdrawn.join_requests
    again = rpc_error(matches.stub.WithdrawJoinRequest, api.WithdrawJoinRequestRequest(match_id=match.match_id),
                      metadata=matches.player(strong))
    assert again.code() == grpc.StatusCode.NOT_FOUND
    # An approved asker is told they are in; requests still open when the match fills end, the askers told.
    ask(approved)
    ask(stronger)
    for approver in (organiser, second):
        seated = matches.stub.ApproveJoinRequest(api.ApproveJoinRequestRequest(
            match_id=match.match_id, player_id=approved), metadata=matches.player(approver)).match
    assert approved in [s.player_id for s in seated.seats]
    assert [e.approved for e in _outbox(matches, "PlayerJoined") if e.player_id == approved] == [True]
    full = matches.join(match.match_id, matches.new_player(3.0))
    assert full.status == m.MATCH_STATUS_FULL and not full.join_requests
    assert (stronger, "") in [(e.player_id, e.refused_by) for e in _outbox(matches, "JoinRequestEnded")]


def test_a_player_sets_their_gender_for_the_modes_at_any_time_and_a_mode_refusal_names_its_rule(matches):
    organiser = matches.new_player(3.0, gender=m.GENDER_WOMAN)
    player = matches.new_player(3.0)  # the questionnaire told no gender
    women = matches.open(organiser, mode=m.GENDER_MODE_WOMEN)
    refused = rpc_error(matches.join, women.match_id, player)
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "for women only" in refused.details()

    def set_gender(gender):
        return matches.stub.SetMatchGender(api.SetMatchGenderRequest(gender=gender), metadata=matches.player(player))

    assert set_gender(m.GENDER_WOMAN).level.gender == m.GENDER_WOMAN
    assert player in [s.player_id for s in matches.join(women.match_id, player).seats]
    # In a mixed match a second woman on a side with its woman is the mode's rule, not a conflict.
    mixed = matches.open(organiser, mode=m.GENDER_MODE_MIXED)
    matches.join(mixed.match_id, matches.new_player(3.0, gender=m.GENDER_WOMAN))
    ruled = rpc_error(matches.join, mixed.match_id, player, m.SIDE_A)
    assert ruled.code() == grpc.StatusCode.FAILED_PRECONDITION and "one woman and one man a side" in ruled.details()
    assert set_gender(m.GENDER_MAN).level.gender == m.GENDER_MAN
    assert player in [s.player_id for s in matches.join(mixed.match_id, player, m.SIDE_A).seats]
    nobody = rpc_error(matches.stub.SetMatchGender, api.SetMatchGenderRequest(gender=m.GENDER_MAN),
                       metadata=matches.player(str(uuid.uuid4())))
    assert nobody.code() == grpc.StatusCode.FAILED_PRECONDITION and "questionnaire" in nobody.details()


def test_an_asker_whose_gender_no_longer_fits_the_match_is_told_and_the_last_approval_succeeds(matches):
    """A player asked, then set a gender the match's mode (or, mixed, its free places) rules out: the last
    approver got an error about someone else's gender and the request stayed pending until the start."""
    organiser = matches.new_player(3.0, gender=m.GENDER_WOMAN)
    asker = matches.new_player(5.0, gender=m.GENDER_WOMAN)
    women = matches.open(organiser, mode=m.GENDER_MODE_WOMEN)
    mixed = matches.open(organiser, mode=m.GENDER_MODE_MIXED)
    second = matches.new_player(3.0, gender=m.GENDER_WOMAN)
    matches.join(mixed.match_id, second, m.SIDE_B)  # a woman a side: the free places are for men

    def approve(match, by):
        return matches.stub.ApproveJoinRequest(api.ApproveJoinRequestRequest(
            match_id=match.match_id, player_id=asker), metadata=matches.player(by)).match

    def ask_then_become(match, gender):
        matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(asker))
        matches.stub.SetMatchGender(api.SetMatchGenderRequest(gender=gender), metadata=matches.player(asker))

    ask_then_become(women, m.GENDER_MAN)
    answered = approve(women, organiser)
    assert not answered.join_requests and [s.player_id for s in answered.seats] == [organiser]
    ask_then_become(mixed, m.GENDER_WOMAN)
    assert [r.player_id for r in approve(mixed, organiser).join_requests] == [asker]  # one yes of two
    answered = approve(mixed, second)
    assert not answered.join_requests and asker not in [s.player_id for s in answered.seats]
    seen = matches.stub.GetMatch(api.GetMatchRequest(match_id=mixed.match_id), metadata=matches.player(organiser))
    assert not seen.match.join_requests
    assert sorted((e.match.match_id, e.player_id, e.refused_by, e.gender_no_longer_fits)
                  for e in _outbox(matches, "JoinRequestEnded")) == sorted(
        [(women.match_id, asker, "", True), (mixed.match_id, asker, "", True)])


def test_a_request_no_free_place_can_answer_ends_once_a_place_is_taken_and_none_is_taken_for_a_full_side(matches):
    """A request whose place other players took (mixed: the places left are for the other gender; or the
    side asked for filled) stayed pending, though no approval could seat its asker, who was never told;
    and a request was taken for a side already full."""
    organiser = matches.new_player(3.0, gender=m.GENDER_WOMAN)
    mixed = matches.open(organiser, mode=m.GENDER_MODE_MIXED)
    woman, man = matches.new_player(5.0, gender=m.GENDER_WOMAN), matches.new_player(5.0, gender=m.GENDER_MAN)

    def ask(player, side=m.SIDE_UNSPECIFIED):
        return matches.stub.AskToJoin(api.AskToJoinRequest(match_id=mixed.match_id, side=side),
                                      metadata=matches.player(player)).match

    ask(woman)  # side B's woman's place
    ask(man, m.SIDE_A)
    taken = matches.join(mixed.match_id, matches.new_player(3.0, gender=m.GENDER_WOMAN), m.SIDE_B)
    assert [r.player_id for r in taken.join_requests] == [man]  # the places left are for men
    side_a_full = matches.join(mixed.match_id, matches.new_player(3.0, gender=m.GENDER_MAN), m.SIDE_A)
    assert side_a_full.free_places == 1 and not side_a_full.join_requests
    assert [(e.player_id, e.refused_by, e.place_taken, e.match.free_places)
            for e in _outbox(matches, "JoinRequestEnded")] == [(woman, "", True, 2), (man, "", True, 1)]

    late = matches.new_player(5.0, gender=m.GENDER_MAN)
    full_side = rpc_error(ask, late, m.SIDE_A)
    assert full_side.code() == grpc.StatusCode.ABORTED and "on that side" in full_side.details()
    mens_place = rpc_error(ask, matches.new_player(5.0, gender=m.GENDER_WOMAN))
    assert mens_place.code() == grpc.StatusCode.FAILED_PRECONDITION and "is for a man" in mens_place.details()
    assert [r.player_id for r in ask(late).join_requests] == [late]


def test_an_asker_who_takes_the_last_place_directly_is_not_told_their_request_ended(matches):
    """A player asked while out of range, came into range and took the last place themselves: the full
    match ended every request still open, theirs too, so they heard the match filled without them."""
    organiser, asker = matches.new_player(3.0), matches.new_player(5.0)
    match = matches.open(organiser)
    for _ in range(2):
        matches.join(match.match_id, matches.new_player(3.0))
    matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(asker))
    matches.stub.AnswerQuestionnaire(api.AnswerQuestionnaireRequest(years_played=10, self_assessment=3.2),
                                     metadata=matches.player(asker))
    joined = matches.join(match.match_id, asker)
    assert joined.status == m.MATCH_STATUS_FULL and not joined.join_requests
    assert _outbox(matches, "JoinRequestEnded") == []


def test_an_asker_every_player_still_seated_approved_is_seated_once_the_last_to_answer_leaves(matches):
    """Every seated player but one approved a request, and that one left (or was removed) without
    answering: every player in the match had said yes, yet nobody's approval was the last any more, so
    the asker waited, pending, until the start."""
    organiser, second, third, fourth = (matches.new_player(3.0) for _ in range(4))
    left, removed = matches.open(organiser), matches.open(organiser)
    asker = matches.new_player(5.0)

    def approve(match, by):
        matches.stub.ApproveJoinRequest(api.ApproveJoinRequestRequest(match_id=match.match_id, player_id=asker),
                                        metadata=matches.player(by))

    for match, silent in ((left, third), (removed, fourth)):
        for player in (second, silent):
            matches.join(match.match_id, player)
        matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(asker))
        for by in (organiser, second):
            approve(match, by)
    after_leaving = matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=left.match_id),
                                            metadata=matches.player(third)).match
    after_removal = matches.stub.RemovePlayer(api.RemovePlayerRequest(match_id=removed.match_id, player_id=fourth),
                                              metadata=matches.player(organiser)).match
    for after in (after_leaving, after_removal):
        assert sorted(s.player_id for s in after.seats) == sorted([organiser, second, asker])
        assert not after.join_requests
    assert sorted((e.match.match_id, e.player_id, e.approved) for e in _outbox(matches, "PlayerJoined")
                  if e.player_id == asker) == sorted([(left.match_id, asker, True), (removed.match_id, asker, True)])


def test_a_request_still_open_when_the_match_starts_ends_and_its_asker_is_told(matches):
    organiser, strong = matches.new_player(3.0), matches.new_player(5.5)
    match = matches.open(organiser)
    matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(strong))

    def requests():
        return matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id),
                                     metadata=matches.player(organiser)).match.join_requests

    with matches.at(match.start_time.ToDatetime(tzinfo=dt.timezone.utc) + dt.timedelta(minutes=1)):
        eventually(lambda: not requests(), "the hold job (every 0.2 s here) ends the request")
    assert [(e.player_id, e.refused_by, e.match.free_places) for e in _outbox(matches, "JoinRequestEnded")] == [
        (strong, "", 3)]


def test_an_asker_who_joins_directly_leaves_no_request_behind_to_seat_them_again(matches):
    """A player asked while out of range, answered the questionnaire again (in range now) and joined:
    their request stayed, so once they left, the others' approvals seated them again unasked."""
    organiser, second = matches.new_player(3.0), matches.new_player(3.0)
    player = matches.new_player(5.0)
    match = matches.open(organiser)
    matches.join(match.match_id, second)
    matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(player))
    matches.stub.AnswerQuestionnaire(api.AnswerQuestionnaireRequest(years_played=10, self_assessment=3.2),
                                     metadata=matches.player(player))
    joined = matches.join(match.match_id, player)
    assert not joined.join_requests
    matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(player))
    for seated in (organiser, second):
        refused = rpc_error(matches.stub.ApproveJoinRequest, api.ApproveJoinRequestRequest(
            match_id=match.match_id, player_id=player), metadata=matches.player(seated))
        assert refused.code() == grpc.StatusCode.NOT_FOUND
    seen = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(organiser))
    assert player not in [s.player_id for s in seen.match.seats]


def test_a_player_joins_or_asks_to_join_one_match_three_times_at_most(matches):
    """Each join and each request is told to the match's players: one player joining and leaving (or
    asking and withdrawing) again and again sent them a message every time."""
    organiser = matches.new_player(3.0)
    match = matches.open(organiser)
    hopper, asker = matches.new_player(3.0), matches.new_player(5.0)
    for _ in range(3):
        matches.join(match.match_id, hopper)
        matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(hopper))
        matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match.match_id), metadata=matches.player(asker))
        matches.stub.WithdrawJoinRequest(api.WithdrawJoinRequestRequest(match_id=match.match_id),
                                         metadata=matches.player(asker))
    fourth = rpc_error(matches.join, match.match_id, hopper)
    asked = rpc_error(matches.stub.AskToJoin, api.AskToJoinRequest(match_id=match.match_id),
                      metadata=matches.player(asker))
    for refused in (fourth, asked):
        assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION and "3 times" in refused.details()
    assert len([e for e in _outbox(matches, "JoinRequested") if e.player_id == asker]) == 3
    # A refusal is no try: another match, and other players, are not held back.
    assert matches.join(match.match_id, matches.new_player(3.0)).free_places == 2
    assert hopper in [s.player_id for s in matches.join(matches.open(organiser).match_id, hopper).seats]


def test_nobody_asks_to_join_a_full_match(matches):
    """A request to a full match could never be granted, yet its players were told of it and it waited
    until the start."""
    match, players = full_match(matches)
    refused = rpc_error(matches.stub.AskToJoin, api.AskToJoinRequest(match_id=match.match_id),
                        metadata=matches.player(matches.new_player(6.0)))
    assert refused.code() == grpc.StatusCode.ABORTED and "full" in refused.details()
    seen = matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id), metadata=matches.player(players[0]))
    assert not seen.match.join_requests and not _outbox(matches, "JoinRequested")
