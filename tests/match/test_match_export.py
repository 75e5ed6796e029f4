"""ExportMatchData over gRPC: the caller's matches, level, its history and partner record, and not
another person's match."""

from padel.match.v1 import match_pb2 as m
from padel.match.v1 import match_service_pb2 as api


def test_the_export_holds_the_callers_matches_and_level_but_not_other_matches(matches):
    sara, bilal, stranger = matches.new_player(3.0), matches.new_player(3.2), matches.new_player(3.1)
    ours = matches.open(sara)
    matches.join(ours.match_id, bilal, m.SIDE_B)
    theirs = matches.open(stranger, days_ahead=4)

    export = matches.stub.ExportMatchData(api.ExportMatchDataRequest(), metadata=matches.player(bilal))
    assert [x.match_id for x in export.matches] == [ours.match_id]
    assert bilal in [s.player_id for s in export.matches[0].seats]
    assert round(export.level.level, 1) == 3.2 and export.level.player_id == bilal
    assert [step.match_id for step in export.level_history] == [""]  # the questionnaire's start
    assert export.record.matches_played == 0 and export.exported_at.seconds > 0

    organised = matches.stub.ExportMatchData(api.ExportMatchDataRequest(), metadata=matches.player(stranger))
    assert [x.match_id for x in organised.matches] == [theirs.match_id]


def test_the_export_holds_how_often_the_caller_joined_each_match_also_one_they_left(matches):
    sara, bilal = matches.new_player(3.0), matches.new_player(3.2)
    ours = matches.open(sara)
    for _ in range(2):
        matches.join(ours.match_id, bilal, m.SIDE_B)
        matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=ours.match_id), metadata=matches.player(bilal))

    export = matches.stub.ExportMatchData(api.ExportMatchDataRequest(), metadata=matches.player(bilal))
    assert list(export.matches) == []  # no place in it any more
    assert [(t.match_id, t.times) for t in export.join_tries] == [(ours.match_id, 2)]
    organiser = matches.stub.ExportMatchData(api.ExportMatchDataRequest(), metadata=matches.player(sara))
    assert list(organiser.join_tries) == []
