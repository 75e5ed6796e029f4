import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.access.v1 import access_pb2 as _access_pb2
from padel.user.v1 import user_pb2 as _user_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetProfileRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _user_pb2.Profile
    def __init__(self, profile: _Optional[_Union[_user_pb2.Profile, _Mapping]] = ...) -> None: ...

class UpdateProfileRequest(_message.Message):
    __slots__ = ("profile", "update_mask")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    profile: _user_pb2.Profile
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, profile: _Optional[_Union[_user_pb2.Profile, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _user_pb2.Profile
    def __init__(self, profile: _Optional[_Union[_user_pb2.Profile, _Mapping]] = ...) -> None: ...

class DeleteProfileRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteProfileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportDataResponse(_message.Message):
    __slots__ = ("profile", "preferences", "connections", "venue_visits")
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    VENUE_VISITS_FIELD_NUMBER: _ClassVar[int]
    profile: _user_pb2.Profile
    preferences: _user_pb2.Preferences
    connections: _containers.RepeatedCompositeFieldContainer[_user_pb2.Connection]
    venue_visits: _containers.RepeatedCompositeFieldContainer[VenueVisit]
    def __init__(self, profile: _Optional[_Union[_user_pb2.Profile, _Mapping]] = ..., preferences: _Optional[_Union[_user_pb2.Preferences, _Mapping]] = ..., connections: _Optional[_Iterable[_Union[_user_pb2.Connection, _Mapping]]] = ..., venue_visits: _Optional[_Iterable[_Union[VenueVisit, _Mapping]]] = ...) -> None: ...

class VenueVisit(_message.Message):
    __slots__ = ("venue_id", "first_visit_at")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_VISIT_AT_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    first_visit_at: _timestamp_pb2.Timestamp
    def __init__(self, venue_id: _Optional[str] = ..., first_visit_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportArchiveRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportArchiveResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class UploadAvatarRequest(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    def __init__(self, image: _Optional[bytes] = ...) -> None: ...

class UploadAvatarResponse(_message.Message):
    __slots__ = ("avatar_url",)
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    avatar_url: str
    def __init__(self, avatar_url: _Optional[str] = ...) -> None: ...

class GetAvatarRequest(_message.Message):
    __slots__ = ("file_name",)
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    def __init__(self, file_name: _Optional[str] = ...) -> None: ...

class GetAvatarResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class GetPreferencesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetPreferencesResponse(_message.Message):
    __slots__ = ("preferences",)
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    preferences: _user_pb2.Preferences
    def __init__(self, preferences: _Optional[_Union[_user_pb2.Preferences, _Mapping]] = ...) -> None: ...

class UpdatePreferencesRequest(_message.Message):
    __slots__ = ("preferences", "update_mask")
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    preferences: _user_pb2.Preferences
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, preferences: _Optional[_Union[_user_pb2.Preferences, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdatePreferencesResponse(_message.Message):
    __slots__ = ("preferences",)
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    preferences: _user_pb2.Preferences
    def __init__(self, preferences: _Optional[_Union[_user_pb2.Preferences, _Mapping]] = ...) -> None: ...

class GetStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStatsResponse(_message.Message):
    __slots__ = ("stats",)
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: _user_pb2.PlayerStats
    def __init__(self, stats: _Optional[_Union[_user_pb2.PlayerStats, _Mapping]] = ...) -> None: ...

class ListConnectionsRequest(_message.Message):
    __slots__ = ("status", "page_size", "page_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: _user_pb2.ConnectionStatus
    page_size: int
    page_token: str
    def __init__(self, status: _Optional[_Union[_user_pb2.ConnectionStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListConnectionsResponse(_message.Message):
    __slots__ = ("connections", "next_page_token")
    CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    connections: _containers.RepeatedCompositeFieldContainer[_user_pb2.Connection]
    next_page_token: str
    def __init__(self, connections: _Optional[_Iterable[_Union[_user_pb2.Connection, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RequestConnectionRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class RequestConnectionResponse(_message.Message):
    __slots__ = ("connection",)
    CONNECTION_FIELD_NUMBER: _ClassVar[int]
    connection: _user_pb2.Connection
    def __init__(self, connection: _Optional[_Union[_user_pb2.Connection, _Mapping]] = ...) -> None: ...

class AcceptConnectionRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class AcceptConnectionResponse(_message.Message):
    __slots__ = ("connection",)
    CONNECTION_FIELD_NUMBER: _ClassVar[int]
    connection: _user_pb2.Connection
    def __init__(self, connection: _Optional[_Union[_user_pb2.Connection, _Mapping]] = ...) -> None: ...

class DeclineConnectionRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class DeclineConnectionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveConnectionRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class RemoveConnectionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BlockUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class BlockUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnblockUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class UnblockUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class GetUserResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _user_pb2.PublicProfile
    def __init__(self, profile: _Optional[_Union[_user_pb2.PublicProfile, _Mapping]] = ...) -> None: ...

class SearchPlayersRequest(_message.Message):
    __slots__ = ("query", "city", "min_level", "max_level", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    MAX_LEVEL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    city: _user_pb2.City
    min_level: float
    max_level: float
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., city: _Optional[_Union[_user_pb2.City, str]] = ..., min_level: _Optional[float] = ..., max_level: _Optional[float] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchPlayersResponse(_message.Message):
    __slots__ = ("players", "next_page_token")
    PLAYERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    players: _containers.RepeatedCompositeFieldContainer[_user_pb2.PublicProfile]
    next_page_token: str
    def __init__(self, players: _Optional[_Iterable[_Union[_user_pb2.PublicProfile, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CheckBlockedRequest(_message.Message):
    __slots__ = ("user_id", "other_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    OTHER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    other_id: str
    def __init__(self, user_id: _Optional[str] = ..., other_id: _Optional[str] = ...) -> None: ...

class CheckBlockedResponse(_message.Message):
    __slots__ = ("blocked",)
    BLOCKED_FIELD_NUMBER: _ClassVar[int]
    blocked: bool
    def __init__(self, blocked: _Optional[bool] = ...) -> None: ...
