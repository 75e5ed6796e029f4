import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.match.v1 import match_pb2 as _match_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MatchSnapshot(_message.Message):
    __slots__ = ("match_id", "organiser_id", "venue_name", "court_name", "start_time", "time_zone", "player_ids", "free_places", "kind", "booking_id")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_IDS_FIELD_NUMBER: _ClassVar[int]
    FREE_PLACES_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    organiser_id: str
    venue_name: str
    court_name: str
    start_time: _timestamp_pb2.Timestamp
    time_zone: str
    player_ids: _containers.RepeatedScalarFieldContainer[str]
    free_places: int
    kind: _match_pb2.MatchKind
    booking_id: str
    def __init__(self, match_id: _Optional[str] = ..., organiser_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., court_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., player_ids: _Optional[_Iterable[str]] = ..., free_places: _Optional[int] = ..., kind: _Optional[_Union[_match_pb2.MatchKind, str]] = ..., booking_id: _Optional[str] = ...) -> None: ...

class MatchOpened(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ...) -> None: ...

class PlayerJoined(_message.Message):
    __slots__ = ("match", "player_id", "approved")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    player_id: str
    approved: bool
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ..., approved: _Optional[bool] = ...) -> None: ...

class MatchFilled(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ...) -> None: ...

class JoinRequested(_message.Message):
    __slots__ = ("match", "player_id", "level")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    player_id: str
    level: float
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ..., level: _Optional[float] = ...) -> None: ...

class PlayerLeft(_message.Message):
    __slots__ = ("match", "player_id", "removed_by", "late")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    REMOVED_BY_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    player_id: str
    removed_by: str
    late: bool
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ..., removed_by: _Optional[str] = ..., late: _Optional[bool] = ...) -> None: ...

class ResultRecorded(_message.Message):
    __slots__ = ("match", "result", "confirmer_ids")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CONFIRMER_IDS_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    result: _match_pb2.Result
    confirmer_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ..., result: _Optional[_Union[_match_pb2.Result, _Mapping]] = ..., confirmer_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ResultSettled(_message.Message):
    __slots__ = ("match", "result")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    result: _match_pb2.Result
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ..., result: _Optional[_Union[_match_pb2.Result, _Mapping]] = ...) -> None: ...

class LevelChanged(_message.Message):
    __slots__ = ("player_id", "match_id", "level_before", "level_after", "reliability_after", "changed_at")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_BEFORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_AFTER_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_AFTER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    match_id: str
    level_before: float
    level_after: float
    reliability_after: float
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, player_id: _Optional[str] = ..., match_id: _Optional[str] = ..., level_before: _Optional[float] = ..., level_after: _Optional[float] = ..., reliability_after: _Optional[float] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StartingLevelSet(_message.Message):
    __slots__ = ("player_id", "level", "reliability", "start", "changed_at")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    level: float
    reliability: float
    start: _match_pb2.LevelStart
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, player_id: _Optional[str] = ..., level: _Optional[float] = ..., reliability: _Optional[float] = ..., start: _Optional[_Union[_match_pb2.LevelStart, str]] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MatchCancelled(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ...) -> None: ...

class MatchHoldFilled(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ...) -> None: ...

class MatchReleased(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ...) -> None: ...

class JoinRequestEnded(_message.Message):
    __slots__ = ("match", "player_id", "refused_by", "gender_no_longer_fits", "place_taken", "called_off")
    MATCH_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    REFUSED_BY_FIELD_NUMBER: _ClassVar[int]
    GENDER_NO_LONGER_FITS_FIELD_NUMBER: _ClassVar[int]
    PLACE_TAKEN_FIELD_NUMBER: _ClassVar[int]
    CALLED_OFF_FIELD_NUMBER: _ClassVar[int]
    match: MatchSnapshot
    player_id: str
    refused_by: str
    gender_no_longer_fits: bool
    place_taken: bool
    called_off: bool
    def __init__(self, match: _Optional[_Union[MatchSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ..., refused_by: _Optional[str] = ..., gender_no_longer_fits: _Optional[bool] = ..., place_taken: _Optional[bool] = ..., called_off: _Optional[bool] = ...) -> None: ...
