"""MatchService over gRPC: request → convert → use case → convert → response. The caller comes from
the token; the service's database is the unit of work."""

from padel.match.v1 import match_service_pb2 as pb
from padel.match.v1 import match_service_pb2_grpc

from match_svc import convert
from match_svc.service import Levels, Matches, Results, exports
from mesh import caller
from mesh.db import Database


class MatchServicer(match_service_pb2_grpc.MatchServiceServicer):
    def __init__(self, database: Database, matches: Matches, results: Results, levels: Levels):
        self.database = database
        self.matches = matches
        self.results = results
        self.levels = levels

    def OpenMatch(self, request, context):
        booking_id, slot = convert.court_choice(request)
        row = self.matches.open(self.database, caller.current(), booking_id, convert.KIND_FROM_PROTO[request.kind],
                                convert.GENDER_MODE_FROM_PROTO[request.gender_mode], request.level_spread, slot)
        return pb.OpenMatchResponse(match=convert.match(row))

    def ListOpenMatches(self, request, context):
        page = self.matches.browse(
            self.database, city=request.city, venue_id=request.venue_id, date=request.date,
            time_of_day=convert.TIME_OF_DAY.get(request.time_of_day), level=request.level,
            min_free_places=request.min_free_places, page_size=request.page_size, page_token=request.page_token)
        return pb.ListOpenMatchesResponse(matches=[convert.match(row) for row in page.items],
                                          next_page_token=page.next_page_token)

    def GetMatch(self, request, context):
        row, records = self.matches.get(self.database, caller.current(), request.match_id)
        return pb.GetMatchResponse(match=convert.match(row, records))

    def JoinMatch(self, request, context):
        row = self.matches.join(self.database, caller.current(), request.match_id,
                                convert.SIDE_FROM_PROTO.get(request.side))
        return pb.JoinMatchResponse(match=convert.match(row))

    def AskToJoin(self, request, context):
        row = self.matches.ask(self.database, caller.current(), request.match_id,
                               convert.SIDE_FROM_PROTO.get(request.side))
        return pb.AskToJoinResponse(match=convert.match(row))

    def ApproveJoinRequest(self, request, context):
        row = self.matches.approve(self.database, caller.current(), request.match_id, request.player_id)
        return pb.ApproveJoinRequestResponse(match=convert.match(row))

    def RefuseJoinRequest(self, request, context):
        row = self.matches.refuse(self.database, caller.current(), request.match_id, request.player_id)
        return pb.RefuseJoinRequestResponse(match=convert.match(row))

    def WithdrawJoinRequest(self, request, context):
        return pb.WithdrawJoinRequestResponse(match=convert.match(
            self.matches.withdraw(self.database, caller.current(), request.match_id)))

    def LeaveMatch(self, request, context):
        return pb.LeaveMatchResponse(match=convert.match(
            self.matches.leave(self.database, caller.current(), request.match_id)))

    def RemovePlayer(self, request, context):
        return pb.RemovePlayerResponse(match=convert.match(
            self.matches.remove(self.database, caller.current(), request.match_id, request.player_id)))

    def ReportNoShow(self, request, context):
        return pb.ReportNoShowResponse(record=convert.partner_record(
            self.matches.report_no_show(self.database, caller.current(), request.match_id, request.player_id)))

    def RecordResult(self, request, context):
        row = self.results.record(self.database, caller.current(), request.match_id,
                                  convert.sets_from_proto(request.sets))
        return pb.RecordResultResponse(match=convert.match(row))

    def ConfirmResult(self, request, context):
        return pb.ConfirmResultResponse(match=convert.match(
            self.results.confirm(self.database, caller.current(), request.match_id)))

    def DisputeResult(self, request, context):
        return pb.DisputeResultResponse(match=convert.match(
            self.results.dispute(self.database, caller.current(), request.match_id)))

    def SetMatchGender(self, request, context):
        row = self.levels.set_gender(self.database, caller.current(), convert.GENDER_FROM_PROTO[request.gender])
        return pb.SetMatchGenderResponse(level=convert.player_level(row))

    def AnswerQuestionnaire(self, request, context):
        row = self.levels.answer_questionnaire(self.database, caller.current(), request.years_played,
                                               request.other_racket_sports, request.self_assessment,
                                               convert.GENDER_FROM_PROTO[request.gender])
        return pb.AnswerQuestionnaireResponse(level=convert.player_level(row))

    def SuggestPlayers(self, request, context):
        found = self.matches.suggest(self.database, caller.current(), request.match_id, request.max_suggestions or 10)
        return pb.SuggestPlayersResponse(suggestions=[convert.suggestion(s) for s in found])

    def GetPlayerLevel(self, request, context):
        row, history = self.levels.get(self.database, caller.current(), request.player_id, request.page_size,
                                       request.page_token)
        return pb.GetPlayerLevelResponse(level=convert.player_level(row),
                                         history=[convert.level_change(step) for step in history.items],
                                         next_page_token=history.next_page_token,
                                         record=convert.partner_record(row))

    def ExportMatchData(self, request, context):
        return convert.match_export(exports.export_data(self.database, caller.current()))

    def CheckCourtHold(self, request, context):
        return pb.CheckCourtHoldResponse(held=self.matches.holds_court(self.database, request.match_id,
                                                                       request.booking_id))
