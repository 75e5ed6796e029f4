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

class City(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CITY_UNSPECIFIED: _ClassVar[City]
    CITY_KARACHI: _ClassVar[City]
    CITY_LAHORE: _ClassVar[City]
    CITY_ISLAMABAD: _ClassVar[City]
    CITY_RAWALPINDI: _ClassVar[City]
    CITY_FAISALABAD: _ClassVar[City]
    CITY_MULTAN: _ClassVar[City]
    CITY_PESHAWAR: _ClassVar[City]
    CITY_OTHER: _ClassVar[City]

class SkillSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SKILL_SOURCE_UNSPECIFIED: _ClassVar[SkillSource]
    SKILL_SOURCE_SELF_ASSESSED: _ClassVar[SkillSource]
    SKILL_SOURCE_COACH: _ClassVar[SkillSource]
    SKILL_SOURCE_MATCH_RESULTS: _ClassVar[SkillSource]

class PlayFrequency(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAY_FREQUENCY_UNSPECIFIED: _ClassVar[PlayFrequency]
    PLAY_FREQUENCY_OCCASIONAL: _ClassVar[PlayFrequency]
    PLAY_FREQUENCY_WEEKLY: _ClassVar[PlayFrequency]
    PLAY_FREQUENCY_SEVERAL_A_WEEK: _ClassVar[PlayFrequency]
    PLAY_FREQUENCY_DAILY: _ClassVar[PlayFrequency]

class PlayTime(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAY_TIME_UNSPECIFIED: _ClassVar[PlayTime]
    PLAY_TIME_MORNING: _ClassVar[PlayTime]
    PLAY_TIME_AFTERNOON: _ClassVar[PlayTime]
    PLAY_TIME_EVENING: _ClassVar[PlayTime]
    PLAY_TIME_NIGHT: _ClassVar[PlayTime]

class Hand(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HAND_UNSPECIFIED: _ClassVar[Hand]
    HAND_RIGHT: _ClassVar[Hand]
    HAND_LEFT: _ClassVar[Hand]

class CourtSide(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURT_SIDE_UNSPECIFIED: _ClassVar[CourtSide]
    COURT_SIDE_LEFT: _ClassVar[CourtSide]
    COURT_SIDE_RIGHT: _ClassVar[CourtSide]
    COURT_SIDE_BOTH: _ClassVar[CourtSide]

class Language(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LANGUAGE_UNSPECIFIED: _ClassVar[Language]
    LANGUAGE_EN: _ClassVar[Language]
    LANGUAGE_UR: _ClassVar[Language]

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_WHATSAPP: _ClassVar[Channel]
    CHANNEL_PUSH: _ClassVar[Channel]

class NotificationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_KIND_UNSPECIFIED: _ClassVar[NotificationKind]
    NOTIFICATION_KIND_BOOKING_CONFIRMATIONS: _ClassVar[NotificationKind]
    NOTIFICATION_KIND_REMINDERS: _ClassVar[NotificationKind]
    NOTIFICATION_KIND_MATCH_INVITES: _ClassVar[NotificationKind]
    NOTIFICATION_KIND_MARKETING: _ClassVar[NotificationKind]
    NOTIFICATION_KIND_CONNECTIONS: _ClassVar[NotificationKind]

class ConnectionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONNECTION_STATUS_UNSPECIFIED: _ClassVar[ConnectionStatus]
    CONNECTION_STATUS_PENDING_OUTGOING: _ClassVar[ConnectionStatus]
    CONNECTION_STATUS_PENDING_INCOMING: _ClassVar[ConnectionStatus]
    CONNECTION_STATUS_CONNECTED: _ClassVar[ConnectionStatus]
    CONNECTION_STATUS_BLOCKED: _ClassVar[ConnectionStatus]
CITY_UNSPECIFIED: City
CITY_KARACHI: City
CITY_LAHORE: City
CITY_ISLAMABAD: City
CITY_RAWALPINDI: City
CITY_FAISALABAD: City
CITY_MULTAN: City
CITY_PESHAWAR: City
CITY_OTHER: City
SKILL_SOURCE_UNSPECIFIED: SkillSource
SKILL_SOURCE_SELF_ASSESSED: SkillSource
SKILL_SOURCE_COACH: SkillSource
SKILL_SOURCE_MATCH_RESULTS: SkillSource
PLAY_FREQUENCY_UNSPECIFIED: PlayFrequency
PLAY_FREQUENCY_OCCASIONAL: PlayFrequency
PLAY_FREQUENCY_WEEKLY: PlayFrequency
PLAY_FREQUENCY_SEVERAL_A_WEEK: PlayFrequency
PLAY_FREQUENCY_DAILY: PlayFrequency
PLAY_TIME_UNSPECIFIED: PlayTime
PLAY_TIME_MORNING: PlayTime
PLAY_TIME_AFTERNOON: PlayTime
PLAY_TIME_EVENING: PlayTime
PLAY_TIME_NIGHT: PlayTime
HAND_UNSPECIFIED: Hand
HAND_RIGHT: Hand
HAND_LEFT: Hand
COURT_SIDE_UNSPECIFIED: CourtSide
COURT_SIDE_LEFT: CourtSide
COURT_SIDE_RIGHT: CourtSide
COURT_SIDE_BOTH: CourtSide
LANGUAGE_UNSPECIFIED: Language
LANGUAGE_EN: Language
LANGUAGE_UR: Language
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_SMS: Channel
CHANNEL_WHATSAPP: Channel
CHANNEL_PUSH: Channel
NOTIFICATION_KIND_UNSPECIFIED: NotificationKind
NOTIFICATION_KIND_BOOKING_CONFIRMATIONS: NotificationKind
NOTIFICATION_KIND_REMINDERS: NotificationKind
NOTIFICATION_KIND_MATCH_INVITES: NotificationKind
NOTIFICATION_KIND_MARKETING: NotificationKind
NOTIFICATION_KIND_CONNECTIONS: NotificationKind
CONNECTION_STATUS_UNSPECIFIED: ConnectionStatus
CONNECTION_STATUS_PENDING_OUTGOING: ConnectionStatus
CONNECTION_STATUS_PENDING_INCOMING: ConnectionStatus
CONNECTION_STATUS_CONNECTED: ConnectionStatus
CONNECTION_STATUS_BLOCKED: ConnectionStatus

class PlayerStats(_message.Message):
    __slots__ = ("matches_played", "minutes_on_court", "venues_visited", "no_shows")
    MATCHES_PLAYED_FIELD_NUMBER: _ClassVar[int]
    MINUTES_ON_COURT_FIELD_NUMBER: _ClassVar[int]
    VENUES_VISITED_FIELD_NUMBER: _ClassVar[int]
    NO_SHOWS_FIELD_NUMBER: _ClassVar[int]
    matches_played: int
    minutes_on_court: int
    venues_visited: int
    no_shows: int
    def __init__(self, matches_played: _Optional[int] = ..., minutes_on_court: _Optional[int] = ..., venues_visited: _Optional[int] = ..., no_shows: _Optional[int] = ...) -> None: ...

class Profile(_message.Message):
    __slots__ = ("user_id", "display_name", "bio", "city", "city_other", "skill_level", "skill_source", "play_frequency", "preferred_play_times", "preferred_hand", "court_side", "avatar_url", "stats", "created_at", "updated_at", "findable", "match_level")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    BIO_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    CITY_OTHER_FIELD_NUMBER: _ClassVar[int]
    SKILL_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SKILL_SOURCE_FIELD_NUMBER: _ClassVar[int]
    PLAY_FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_PLAY_TIMES_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_HAND_FIELD_NUMBER: _ClassVar[int]
    COURT_SIDE_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    FINDABLE_FIELD_NUMBER: _ClassVar[int]
    MATCH_LEVEL_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    display_name: str
    bio: str
    city: City
    city_other: str
    skill_level: float
    skill_source: SkillSource
    play_frequency: PlayFrequency
    preferred_play_times: _containers.RepeatedScalarFieldContainer[PlayTime]
    preferred_hand: Hand
    court_side: CourtSide
    avatar_url: str
    stats: PlayerStats
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    findable: bool
    match_level: MatchLevel
    def __init__(self, user_id: _Optional[str] = ..., display_name: _Optional[str] = ..., bio: _Optional[str] = ..., city: _Optional[_Union[City, str]] = ..., city_other: _Optional[str] = ..., skill_level: _Optional[float] = ..., skill_source: _Optional[_Union[SkillSource, str]] = ..., play_frequency: _Optional[_Union[PlayFrequency, str]] = ..., preferred_play_times: _Optional[_Iterable[_Union[PlayTime, str]]] = ..., preferred_hand: _Optional[_Union[Hand, str]] = ..., court_side: _Optional[_Union[CourtSide, str]] = ..., avatar_url: _Optional[str] = ..., stats: _Optional[_Union[PlayerStats, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., findable: _Optional[bool] = ..., match_level: _Optional[_Union[MatchLevel, _Mapping]] = ...) -> None: ...

class MatchLevel(_message.Message):
    __slots__ = ("level", "reliability", "updated_at")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    RELIABILITY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    level: float
    reliability: float
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, level: _Optional[float] = ..., reliability: _Optional[float] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PublicProfile(_message.Message):
    __slots__ = ("user_id", "display_name", "city", "city_other", "skill_level", "preferred_hand", "court_side", "avatar_url", "matches_played", "match_level", "skill_source")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    CITY_OTHER_FIELD_NUMBER: _ClassVar[int]
    SKILL_LEVEL_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_HAND_FIELD_NUMBER: _ClassVar[int]
    COURT_SIDE_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    MATCHES_PLAYED_FIELD_NUMBER: _ClassVar[int]
    MATCH_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SKILL_SOURCE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    display_name: str
    city: City
    city_other: str
    skill_level: float
    preferred_hand: Hand
    court_side: CourtSide
    avatar_url: str
    matches_played: int
    match_level: MatchLevel
    skill_source: SkillSource
    def __init__(self, user_id: _Optional[str] = ..., display_name: _Optional[str] = ..., city: _Optional[_Union[City, str]] = ..., city_other: _Optional[str] = ..., skill_level: _Optional[float] = ..., preferred_hand: _Optional[_Union[Hand, str]] = ..., court_side: _Optional[_Union[CourtSide, str]] = ..., avatar_url: _Optional[str] = ..., matches_played: _Optional[int] = ..., match_level: _Optional[_Union[MatchLevel, _Mapping]] = ..., skill_source: _Optional[_Union[SkillSource, str]] = ...) -> None: ...

class Preferences(_message.Message):
    __slots__ = ("language", "channels", "kinds", "quiet_hours_start", "quiet_hours_end", "time_zone")
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_START_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_END_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    language: Language
    channels: _containers.RepeatedScalarFieldContainer[Channel]
    kinds: _containers.RepeatedScalarFieldContainer[NotificationKind]
    quiet_hours_start: str
    quiet_hours_end: str
    time_zone: str
    def __init__(self, language: _Optional[_Union[Language, str]] = ..., channels: _Optional[_Iterable[_Union[Channel, str]]] = ..., kinds: _Optional[_Iterable[_Union[NotificationKind, str]]] = ..., quiet_hours_start: _Optional[str] = ..., quiet_hours_end: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class Connection(_message.Message):
    __slots__ = ("user_id", "status", "profile", "created_at", "updated_at")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    status: ConnectionStatus
    profile: PublicProfile
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., status: _Optional[_Union[ConnectionStatus, str]] = ..., profile: _Optional[_Union[PublicProfile, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
