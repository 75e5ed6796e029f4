"""Conversions between the contract's messages and match_svc's domain values and rows: the one
place that knows both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from padel.match.v1 import events_pb2, match_pb2
from padel.match.v1 import match_service_pb2 as api

from match_svc import domain, rating, store
from match_svc.domain import Gender, GenderMode, Kind, LevelStart, ResultStatus, Side, Status, TimeOfDay
from mesh.convert import timestamp, to_datetime
from mesh.errors import InvalidArgument

if TYPE_CHECKING:
    from match_svc.service.exports import MatchExport

KIND = {Kind.COMPETITIVE: match_pb2.MATCH_KIND_COMPETITIVE, Kind.FRIENDLY: match_pb2.MATCH_KIND_FRIENDLY}
GENDER_MODE = {GenderMode.OPEN: match_pb2.GENDER_MODE_OPEN, GenderMode.WOMEN: match_pb2.GENDER_MODE_WOMEN,
               GenderMode.MEN: match_pb2.GENDER_MODE_MEN, GenderMode.MIXED: match_pb2.GENDER_MODE_MIXED}
GENDER = {Gender.UNSPECIFIED: match_pb2.GENDER_UNSPECIFIED, Gender.WOMAN: match_pb2.GENDER_WOMAN,
          Gender.MAN: match_pb2.GENDER_MAN}
STATUS = {Status.OPEN: match_pb2.MATCH_STATUS_OPEN, Status.FULL: match_pb2.MATCH_STATUS_FULL,
          Status.CANCELLED: match_pb2.MATCH_STATUS_CANCELLED, Status.RELEASED: match_pb2.MATCH_STATUS_RELEASED}
SIDE = {Side.A: match_pb2.SIDE_A, Side.B: match_pb2.SIDE_B}
RESULT_STATUS = {ResultStatus.PENDING: match_pb2.RESULT_STATUS_PENDING,
                 ResultStatus.CONFIRMED: match_pb2.RESULT_STATUS_CONFIRMED,
                 ResultStatus.DISPUTED: match_pb2.RESULT_STATUS_DISPUTED}
LEVEL_START = {LevelStart.QUESTIONNAIRE: match_pb2.LEVEL_START_QUESTIONNAIRE,
               LevelStart.PROFILE: match_pb2.LEVEL_START_PROFILE}
TIME_OF_DAY = {match_pb2.TIME_OF_DAY_MORNING: TimeOfDay.MORNING, match_pb2.TIME_OF_DAY_AFTERNOON: TimeOfDay.AFTERNOON,
               match_pb2.TIME_OF_DAY_EVENING: TimeOfDay.EVENING}


def _reverse(mapping: dict) -> dict:
    return {number: value for value, number in mapping.items()}


KIND_FROM_PROTO, GENDER_MODE_FROM_PROTO = _reverse(KIND), _reverse(GENDER_MODE)
GENDER_FROM_PROTO, SIDE_FROM_PROTO = _reverse(GENDER), _reverse(SIDE)


def court_choice(request) -> tuple[str, domain.Slot | None]:
    """OpenMatch's court: the organiser's booking, or a free slot to hold (one of the two)."""
    if request.booking_id and request.HasField("slot"):
        raise InvalidArgument.field("slot", "give booking_id or slot, not both")
    if not request.booking_id and not request.HasField("slot"):
        raise InvalidArgument.field("booking_id", "give your booking, or a free slot to hold for the match")
    if not request.HasField("slot"):
        return request.booking_id, None
    slot = request.slot
    return "", domain.Slot(slot.court_id, to_datetime(slot.start_time), slot.duration_minutes)


def sets_from_proto(sets) -> list[tuple[int, int]]:
    return [(s.side_a_games, s.side_b_games) for s in sets]


def result(row: store.Match) -> match_pb2.Result | None:
    if row.result_status is None:
        return None
    return match_pb2.Result(
        sets=[match_pb2.SetScore(side_a_games=a, side_b_games=b) for a, b in row.result_sets or []],
        winner=SIDE[Side(row.winner)], status=RESULT_STATUS[ResultStatus(row.result_status)],
        recorded_by=row.recorded_by, recorded_at=timestamp(row.recorded_at), answered_by=row.answered_by or "",
        answered_at=timestamp(row.answered_at))


def match(row: store.Match, records: dict[str, store.Rating] | None = None) -> match_pb2.Match:
    """The match; `records` (the organiser's view) adds each seated player's partner record."""
    return match_pb2.Match(
        match_id=row.id, organiser_id=row.organiser_id, booking_id=row.booking_id, venue_id=row.venue_id,
        venue_name=row.venue_name, city=row.city, court_id=row.court_id, court_name=row.court_name,
        start_time=timestamp(row.start_time), end_time=timestamp(row.end_time), time_zone=row.time_zone,
        local_date=row.local_date, local_start=row.local_start, kind=KIND[Kind(row.kind)],
        gender_mode=GENDER_MODE[GenderMode(row.gender_mode)], min_level=row.min_level, max_level=row.max_level,
        status=STATUS[Status(row.status)], free_places=row.free_places,
        seats=[match_pb2.Seat(side=SIDE[Side(s.side)], player_id=s.player_id, level=s.level,
                              joined_at=timestamp(s.joined_at), no_show=s.no_show,
                              record=partner_record(records.get(s.player_id)) if records is not None else None)
               for s in row.seats],
        join_requests=[match_pb2.JoinRequest(player_id=r.player_id, side=SIDE.get(Side(r.side)) if r.side else 0,
                                             level=r.level, approved_by=r.approved_by,
                                             requested_at=timestamp(r.requested_at)) for r in row.join_requests],
        result=result(row), created_at=timestamp(row.created_at),
        court_held_until=timestamp(row.held_until) if row.held_until and not row.court_booked else None,
        court_booked=row.court_booked)


def player_level(row: store.Rating) -> match_pb2.PlayerLevel:
    skill = rating.Skill(row.mu, row.sigma)
    return match_pb2.PlayerLevel(player_id=row.player_id, level=skill.level,
                                 reliability=skill.reliability, matches_counted=row.matches_counted,
                                 gender=GENDER[Gender(row.gender)], updated_at=timestamp(row.updated_at),
                                 start=LEVEL_START[LevelStart(row.start)])


def starting_level_set(row: store.Rating) -> events_pb2.StartingLevelSet:
    skill = rating.Skill(row.mu, row.sigma)
    return events_pb2.StartingLevelSet(player_id=row.player_id, level=skill.level, reliability=skill.reliability,
                                       start=LEVEL_START[LevelStart(row.start)], changed_at=timestamp(row.updated_at))


def level_change(row: store.LevelStep) -> match_pb2.LevelChange:
    return match_pb2.LevelChange(match_id=row.match_id, level_before=row.level_before, level_after=row.level_after,
                                 reliability_after=row.reliability_after, changed_at=timestamp(row.changed_at))


def partner_record(row: store.Rating | None) -> match_pb2.PartnerRecord:
    if row is None:
        return match_pb2.PartnerRecord()
    return match_pb2.PartnerRecord(matches_played=row.matches_played, no_shows=row.no_shows,
                                   late_drop_outs=row.late_drop_outs)


def snapshot(row: store.Match) -> events_pb2.MatchSnapshot:
    return events_pb2.MatchSnapshot(
        match_id=row.id, organiser_id=row.organiser_id, venue_name=row.venue_name, court_name=row.court_name,
        start_time=timestamp(row.start_time), time_zone=row.time_zone, player_ids=[s.player_id for s in row.seats],
        free_places=row.free_places, kind=KIND[Kind(row.kind)], booking_id=row.booking_id)


def suggestion(found: domain.Suggestion) -> match_pb2.PlayerSuggestion:
    candidate = found.candidate
    return match_pb2.PlayerSuggestion(
        player_id=candidate.player_id, level=candidate.level, reliability=candidate.reliability,
        same_city=found.same_city, last_active_at=timestamp(candidate.last_active_at),
        record=match_pb2.PartnerRecord(matches_played=candidate.matches_played, no_shows=candidate.no_shows,
                                       late_drop_outs=candidate.late_drop_outs), score=found.score)


def match_export(export: MatchExport) -> api.ExportMatchDataResponse:
    return api.ExportMatchDataResponse(
        matches=[match(row) for row in export.matches],
        level=player_level(export.rating) if export.rating else None,
        level_history=[level_change(row) for row in export.history], record=partner_record(export.rating),
        exported_at=timestamp(export.exported_at),
        join_tries=[api.JoinTries(match_id=row.match_id, times=row.times) for row in export.tries])
