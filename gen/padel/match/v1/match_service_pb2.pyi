import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.access.v1 import access_pb2 as _access_pb2
from padel.match.v1 import match_pb2 as _match_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OpenMatchRequest(_message.Message):
    __slots__ = ("booking_id", "kind", "gender_mode", "level_spread", "slot")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    GENDER_MODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_SPREAD_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    kind: _match_pb2.MatchKind
    gender_mode: _match_pb2.GenderMode
    level_spread: float
    slot: CourtSlot
    def __init__(self, booking_id: _Optional[str] = ..., kind: _Optional[_Union[_match_pb2.MatchKind, str]] = ..., gender_mode: _Optional[_Union[_match_pb2.GenderMode, str]] = ..., level_spread: _Optional[float] = ..., slot: _Optional[_Union[CourtSlot, _Mapping]] = ...) -> None: ...

class CourtSlot(_message.Message):
    __slots__ = ("court_id", "start_time", "duration_minutes")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    duration_minutes: int
    def __init__(self, court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ...) -> None: ...

class OpenMatchResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class ListOpenMatchesRequest(_message.Message):
    __slots__ = ("city", "venue_id", "date", "time_of_day", "level", "min_free_places", "page_size", "page_token")
    CITY_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MIN_FREE_PLACES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    city: str
    venue_id: str
    date: str
    time_of_day: _match_pb2.TimeOfDay
    level: float
    min_free_places: int
    page_size: int
    page_token: str
    def __init__(self, city: _Optional[str] = ..., venue_id: _Optional[str] = ..., date: _Optional[str] = ..., time_of_day: _Optional[_Union[_match_pb2.TimeOfDay, str]] = ..., level: _Optional[float] = ..., min_free_places: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOpenMatchesResponse(_message.Message):
    __slots__ = ("matches", "next_page_token")
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[_match_pb2.Match]
    next_page_token: str
    def __init__(self, matches: _Optional[_Iterable[_Union[_match_pb2.Match, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetMatchRequest(_message.Message):
    __slots__ = ("match_id",)
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    def __init__(self, match_id: _Optional[str] = ...) -> None: ...

class GetMatchResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class JoinMatchRequest(_message.Message):
    __slots__ = ("match_id", "side")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    side: _match_pb2.Side
    def __init__(self, match_id: _Optional[str] = ..., side: _Optional[_Union[_match_pb2.Side, str]] = ...) -> None: ...

class JoinMatchResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class AskToJoinRequest(_message.Message):
    __slots__ = ("match_id", "side")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    side: _match_pb2.Side
    def __init__(self, match_id: _Optional[str] = ..., side: _Optional[_Union[_match_pb2.Side, str]] = ...) -> None: ...

class AskToJoinResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class ApproveJoinRequestRequest(_message.Message):
    __slots__ = ("match_id", "player_id")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    player_id: str
    def __init__(self, match_id: _Optional[str] = ..., player_id: _Optional[str] = ...) -> None: ...

class ApproveJoinRequestResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class RefuseJoinRequestRequest(_message.Message):
    __slots__ = ("match_id", "player_id")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    player_id: str
    def __init__(self, match_id: _Optional[str] = ..., player_id: _Optional[str] = ...) -> None: ...

class RefuseJoinRequestResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class WithdrawJoinRequestRequest(_message.Message):
    __slots__ = ("match_id",)
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    def __init__(self, match_id: _Optional[str] = ...) -> None: ...

class WithdrawJoinRequestResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class LeaveMatchRequest(_message.Message):
    __slots__ = ("match_id",)
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    def __init__(self, match_id: _Optional[str] = ...) -> None: ...

class LeaveMatchResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class RemovePlayerRequest(_message.Message):
    __slots__ = ("match_id", "player_id")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    player_id: str
    def __init__(self, match_id: _Optional[str] = ..., player_id: _Optional[str] = ...) -> None: ...

class RemovePlayerResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class ReportNoShowRequest(_message.Message):
    __slots__ = ("match_id", "player_id")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    player_id: str
    def __init__(self, match_id: _Optional[str] = ..., player_id: _Optional[str] = ...) -> None: ...

class ReportNoShowResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: _match_pb2.PartnerRecord
    def __init__(self, record: _Optional[_Union[_match_pb2.PartnerRecord, _Mapping]] = ...) -> None: ...

class RecordResultRequest(_message.Message):
    __slots__ = ("match_id", "sets")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    SETS_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    sets: _containers.RepeatedCompositeFieldContainer[_match_pb2.SetScore]
    def __init__(self, match_id: _Optional[str] = ..., sets: _Optional[_Iterable[_Union[_match_pb2.SetScore, _Mapping]]] = ...) -> None: ...

class RecordResultResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class ConfirmResultRequest(_message.Message):
    __slots__ = ("match_id",)
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    def __init__(self, match_id: _Optional[str] = ...) -> None: ...

class ConfirmResultResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class DisputeResultRequest(_message.Message):
    __slots__ = ("match_id",)
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    def __init__(self, match_id: _Optional[str] = ...) -> None: ...

class DisputeResultResponse(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: _match_pb2.Match
    def __init__(self, match: _Optional[_Union[_match_pb2.Match, _Mapping]] = ...) -> None: ...

class SetMatchGenderRequest(_message.Message):
    __slots__ = ("gender",)
    GENDER_FIELD_NUMBER: _ClassVar[int]
    gender: _match_pb2.Gender
    def __init__(self, gender: _Optional[_Union[_match_pb2.Gender, str]] = ...) -> None: ...

class SetMatchGenderResponse(_message.Message):
    __slots__ = ("level",)
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    level: _match_pb2.PlayerLevel
    def __init__(self, level: _Optional[_Union[_match_pb2.PlayerLevel, _Mapping]] = ...) -> None: ...

class AnswerQuestionnaireRequest(_message.Message):
    __slots__ = ("years_played", "other_racket_sports", "self_assessment", "gender")
    YEARS_PLAYED_FIELD_NUMBER: _ClassVar[int]
    OTHER_RACKET_SPORTS_FIELD_NUMBER: _ClassVar[int]
    SELF_ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    years_played: int
    other_racket_sports: bool
    self_assessment: float
    gender: _match_pb2.Gender
    def __init__(self, years_played: _Optional[int] = ..., other_racket_sports: _Optional[bool] = ..., self_assessment: _Optional[float] = ..., gender: _Optional[_Union[_match_pb2.Gender, str]] = ...) -> None: ...

class AnswerQuestionnaireResponse(_message.Message):
    __slots__ = ("level",)
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    level: _match_pb2.PlayerLevel
    def __init__(self, level: _Optional[_Union[_match_pb2.PlayerLevel, _Mapping]] = ...) -> None: ...

class GetPlayerLevelRequest(_message.Message):
    __slots__ = ("player_id", "page_size", "page_token")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    page_size: int
    page_token: str
    def __init__(self, player_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetPlayerLevelResponse(_message.Message):
    __slots__ = ("level", "history", "next_page_token", "record")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    level: _match_pb2.PlayerLevel
    history: _containers.RepeatedCompositeFieldContainer[_match_pb2.LevelChange]
    next_page_token: str
    record: _match_pb2.PartnerRecord
    def __init__(self, level: _Optional[_Union[_match_pb2.PlayerLevel, _Mapping]] = ..., history: _Optional[_Iterable[_Union[_match_pb2.LevelChange, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., record: _Optional[_Union[_match_pb2.PartnerRecord, _Mapping]] = ...) -> None: ...

class SuggestPlayersRequest(_message.Message):
    __slots__ = ("match_id", "max_suggestions")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    max_suggestions: int
    def __init__(self, match_id: _Optional[str] = ..., max_suggestions: _Optional[int] = ...) -> None: ...

class SuggestPlayersResponse(_message.Message):
    __slots__ = ("suggestions",)
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[_match_pb2.PlayerSuggestion]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[_match_pb2.PlayerSuggestion, _Mapping]]] = ...) -> None: ...

class ExportMatchDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportMatchDataResponse(_message.Message):
    __slots__ = ("matches", "level", "level_history", "record", "exported_at", "join_tries")
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_HISTORY_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    JOIN_TRIES_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[_match_pb2.Match]
    level: _match_pb2.PlayerLevel
    level_history: _containers.RepeatedCompositeFieldContainer[_match_pb2.LevelChange]
    record: _match_pb2.PartnerRecord
    exported_at: _timestamp_pb2.Timestamp
    join_tries: _containers.RepeatedCompositeFieldContainer[JoinTries]
    def __init__(self, matches: _Optional[_Iterable[_Union[_match_pb2.Match, _Mapping]]] = ..., level: _Optional[_Union[_match_pb2.PlayerLevel, _Mapping]] = ..., level_history: _Optional[_Iterable[_Union[_match_pb2.LevelChange, _Mapping]]] = ..., record: _Optional[_Union[_match_pb2.PartnerRecord, _Mapping]] = ..., exported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., join_tries: _Optional[_Iterable[_Union[JoinTries, _Mapping]]] = ...) -> None: ...

class JoinTries(_message.Message):
    __slots__ = ("match_id", "times")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    TIMES_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    times: int
    def __init__(self, match_id: _Optional[str] = ..., times: _Optional[int] = ...) -> None: ...

class CheckCourtHoldRequest(_message.Message):
    __slots__ = ("match_id", "booking_id")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    booking_id: str
    def __init__(self, match_id: _Optional[str] = ..., booking_id: _Optional[str] = ...) -> None: ...

class CheckCourtHoldResponse(_message.Message):
    __slots__ = ("held",)
    HELD_FIELD_NUMBER: _ClassVar[int]
    held: bool
    def __init__(self, held: _Optional[bool] = ...) -> None: ...
