import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MatchKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_KIND_UNSPECIFIED: _ClassVar[MatchKind]
    MATCH_KIND_COMPETITIVE: _ClassVar[MatchKind]
    MATCH_KIND_FRIENDLY: _ClassVar[MatchKind]

class GenderMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GENDER_MODE_UNSPECIFIED: _ClassVar[GenderMode]
    GENDER_MODE_OPEN: _ClassVar[GenderMode]
    GENDER_MODE_WOMEN: _ClassVar[GenderMode]
    GENDER_MODE_MEN: _ClassVar[GenderMode]
    GENDER_MODE_MIXED: _ClassVar[GenderMode]

class Gender(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GENDER_UNSPECIFIED: _ClassVar[Gender]
    GENDER_WOMAN: _ClassVar[Gender]
    GENDER_MAN: _ClassVar[Gender]

class MatchStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_STATUS_UNSPECIFIED: _ClassVar[MatchStatus]
    MATCH_STATUS_OPEN: _ClassVar[MatchStatus]
    MATCH_STATUS_FULL: _ClassVar[MatchStatus]
    MATCH_STATUS_CANCELLED: _ClassVar[MatchStatus]
    MATCH_STATUS_RELEASED: _ClassVar[MatchStatus]

class Side(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIDE_UNSPECIFIED: _ClassVar[Side]
    SIDE_A: _ClassVar[Side]
    SIDE_B: _ClassVar[Side]

class TimeOfDay(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIME_OF_DAY_UNSPECIFIED: _ClassVar[TimeOfDay]
    TIME_OF_DAY_MORNING: _ClassVar[TimeOfDay]
    TIME_OF_DAY_AFTERNOON: _ClassVar[TimeOfDay]
    TIME_OF_DAY_EVENING: _ClassVar[TimeOfDay]

class ResultStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_STATUS_UNSPECIFIED: _ClassVar[ResultStatus]
    RESULT_STATUS_PENDING: _ClassVar[ResultStatus]
    RESULT_STATUS_CONFIRMED: _ClassVar[ResultStatus]
    RESULT_STATUS_DISPUTED: _ClassVar[ResultStatus]

class LevelStart(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEVEL_START_UNSPECIFIED: _ClassVar[LevelStart]
    LEVEL_START_QUESTIONNAIRE: _ClassVar[LevelStart]
    LEVEL_START_PROFILE: _ClassVar[LevelStart]
MATCH_KIND_UNSPECIFIED: MatchKind
MATCH_KIND_COMPETITIVE: MatchKind
MATCH_KIND_FRIENDLY: MatchKind
GENDER_MODE_UNSPECIFIED: GenderMode
GENDER_MODE_OPEN: GenderMode
GENDER_MODE_WOMEN: GenderMode
GENDER_MODE_MEN: GenderMode
GENDER_MODE_MIXED: GenderMode
GENDER_UNSPECIFIED: Gender
GENDER_WOMAN: Gender
GENDER_MAN: Gender
MATCH_STATUS_UNSPECIFIED: MatchStatus
MATCH_STATUS_OPEN: MatchStatus
MATCH_STATUS_FULL: MatchStatus
MATCH_STATUS_CANCELLED: MatchStatus
MATCH_STATUS_RELEASED: MatchStatus
SIDE_UNSPECIFIED: Side
SIDE_A: Side
SIDE_B: Side
TIME_OF_DAY_UNSPECIFIED: TimeOfDay
TIME_OF_DAY_MORNING: TimeOfDay
TIME_OF_DAY_AFTERNOON: TimeOfDay
TIME_OF_DAY_EVENING: TimeOfDay
RESULT_STATUS_UNSPECIFIED: ResultStatus
RESULT_STATUS_PENDING: ResultStatus
RESULT_STATUS_CONFIRMED: ResultStatus
RESULT_STATUS_DISPUTED: ResultStatus
LEVEL_START_UNSPECIFIED: LevelStart
LEVEL_START_QUESTIONNAIRE: LevelStart
LEVEL_START_PROFILE: LevelStart

class Seat(_message.Message):
    __slots__ = ("side", "player_id", "level", "joined_at", "record", "no_show")
    SIDE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    NO_SHOW_FIELD_NUMBER: _ClassVar[int]
    side: Side
    player_id: str
    level: float
    joined_at: _timestamp_pb2.Timestamp
    record: PartnerRecord
    no_show: bool
    def __init__(self, side: _Optional[_Union[Side, str]] = ..., player_id: _Optional[str] = ..., level: _Optional[float] = ..., joined_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., record: _Optional[_Union[PartnerRecord, _Mapping]] = ..., no_show: _Optional[bool] = ...) -> None: ...

class JoinRequest(_message.Message):
    __slots__ = ("player_id", "side", "level", "approved_by", "requested_at")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    APPROVED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    side: Side
    level: float
    approved_by: _containers.RepeatedScalarFieldContainer[str]
    requested_at: _timestamp_pb2.Timestamp
    def __init__(self, player_id: _Optional[str] = ..., side: _Optional[_Union[Side, str]] = ..., level: _Optional[float] = ..., approved_by: _Optional[_Iterable[str]] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetScore(_message.Message):
    __slots__ = ("side_a_games", "side_b_games")
    SIDE_A_GAMES_FIELD_NUMBER: _ClassVar[int]
    SIDE_B_GAMES_FIELD_NUMBER: _ClassVar[int]
    side_a_games: int
    side_b_games: int
    def __init__(self, side_a_games: _Optional[int] = ..., side_b_games: _Optional[int] = ...) -> None: ...

class Result(_message.Message):
    __slots__ = ("sets", "winner", "status", "recorded_by", "recorded_at", "answered_by", "answered_at")
    SETS_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_BY_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    sets: _containers.RepeatedCompositeFieldContainer[SetScore]
    winner: Side
    status: ResultStatus
    recorded_by: str
    recorded_at: _timestamp_pb2.Timestamp
    answered_by: str
    answered_at: _timestamp_pb2.Timestamp
    def __init__(self, sets: _Optional[_Iterable[_Union[SetScore, _Mapping]]] = ..., winner: _Optional[_Union[Side, str]] = ..., status: _Optional[_Union[ResultStatus, str]] = ..., recorded_by: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., answered_by: _Optional[str] = ..., answered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Match(_message.Message):
    __slots__ = ("match_id", "organiser_id", "booking_id", "venue_id", "venue_name", "city", "court_id", "court_name", "start_time", "end_time", "time_zone", "local_date", "local_start", "kind", "gender_mode", "min_level", "max_level", "status", "seats", "free_places", "join_requests", "result", "created_at", "court_held_until", "court_booked")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISER_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_DATE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_START_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    GENDER_MODE_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    MAX_LEVEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    FREE_PLACES_FIELD_NUMBER: _ClassVar[int]
    JOIN_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    COURT_HELD_UNTIL_FIELD_NUMBER: _ClassVar[int]
    COURT_BOOKED_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    organiser_id: str
    booking_id: str
    venue_id: str
    venue_name: str
    city: str
    court_id: str
    court_name: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    time_zone: str
    local_date: str
    local_start: str
    kind: MatchKind
    gender_mode: GenderMode
    min_level: float
    max_level: float
    status: MatchStatus
    seats: _containers.RepeatedCompositeFieldContainer[Seat]
    free_places: int
    join_requests: _containers.RepeatedCompositeFieldContainer[JoinRequest]
    result: Result
    created_at: _timestamp_pb2.Timestamp
    court_held_until: _timestamp_pb2.Timestamp
    court_booked: bool
    def __init__(self, match_id: _Optional[str] = ..., organiser_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., city: _Optional[str] = ..., court_id: _Optional[str] = ..., court_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., local_date: _Optional[str] = ..., local_start: _Optional[str] = ..., kind: _Optional[_Union[MatchKind, str]] = ..., gender_mode: _Optional[_Union[GenderMode, str]] = ..., min_level: _Optional[float] = ..., max_level: _Optional[float] = ..., status: _Optional[_Union[MatchStatus, str]] = ..., seats: _Optional[_Iterable[_Union[Seat, _Mapping]]] = ..., free_places: _Optional[int] = ..., join_requests: _Optional[_Iterable[_Union[JoinRequest, _Mapping]]] = ..., result: _Optional[_Union[Result, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., court_held_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., court_booked: _Optional[bool] = ...) -> None: ...

class PlayerLevel(_message.Message):
    __slots__ = ("player_id", "level", "reliability", "matches_counted", "gender", "updated_at", "start")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_FIELD_NUMBER: _ClassVar[int]
    MATCHES_COUNTED_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    level: float
    reliability: float
    matches_counted: int
    gender: Gender
    updated_at: _timestamp_pb2.Timestamp
    start: LevelStart
    def __init__(self, player_id: _Optional[str] = ..., level: _Optional[float] = ..., reliability: _Optional[float] = ..., matches_counted: _Optional[int] = ..., gender: _Optional[_Union[Gender, str]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start: _Optional[_Union[LevelStart, str]] = ...) -> None: ...

class LevelChange(_message.Message):
    __slots__ = ("match_id", "level_before", "level_after", "reliability_after", "changed_at")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_BEFORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_AFTER_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_AFTER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    level_before: float
    level_after: float
    reliability_after: float
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, match_id: _Optional[str] = ..., level_before: _Optional[float] = ..., level_after: _Optional[float] = ..., reliability_after: _Optional[float] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PartnerRecord(_message.Message):
    __slots__ = ("matches_played", "no_shows", "late_drop_outs")
    MATCHES_PLAYED_FIELD_NUMBER: _ClassVar[int]
    NO_SHOWS_FIELD_NUMBER: _ClassVar[int]
    LATE_DROP_OUTS_FIELD_NUMBER: _ClassVar[int]
    matches_played: int
    no_shows: int
    late_drop_outs: int
    def __init__(self, matches_played: _Optional[int] = ..., no_shows: _Optional[int] = ..., late_drop_outs: _Optional[int] = ...) -> None: ...

class PlayerSuggestion(_message.Message):
    __slots__ = ("player_id", "level", "reliability", "same_city", "last_active_at", "record", "score")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_FIELD_NUMBER: _ClassVar[int]
    SAME_CITY_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVE_AT_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    level: float
    reliability: float
    same_city: bool
    last_active_at: _timestamp_pb2.Timestamp
    record: PartnerRecord
    score: float
    def __init__(self, player_id: _Optional[str] = ..., level: _Optional[float] = ..., reliability: _Optional[float] = ..., same_city: _Optional[bool] = ..., last_active_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., record: _Optional[_Union[PartnerRecord, _Mapping]] = ..., score: _Optional[float] = ...) -> None: ...
