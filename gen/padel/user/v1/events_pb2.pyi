from padel.user.v1 import user_pb2 as _user_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PreferencesChanged(_message.Message):
    __slots__ = ("user_id", "preferences")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    preferences: _user_pb2.Preferences
    def __init__(self, user_id: _Optional[str] = ..., preferences: _Optional[_Union[_user_pb2.Preferences, _Mapping]] = ...) -> None: ...

class ProfileDeleted(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class ConnectionRequested(_message.Message):
    __slots__ = ("requester_id", "requester_name", "addressee_id")
    REQUESTER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESSEE_ID_FIELD_NUMBER: _ClassVar[int]
    requester_id: str
    requester_name: str
    addressee_id: str
    def __init__(self, requester_id: _Optional[str] = ..., requester_name: _Optional[str] = ..., addressee_id: _Optional[str] = ...) -> None: ...

class ConnectionAccepted(_message.Message):
    __slots__ = ("requester_id", "addressee_id", "addressee_name")
    REQUESTER_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESSEE_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESSEE_NAME_FIELD_NUMBER: _ClassVar[int]
    requester_id: str
    addressee_id: str
    addressee_name: str
    def __init__(self, requester_id: _Optional[str] = ..., addressee_id: _Optional[str] = ..., addressee_name: _Optional[str] = ...) -> None: ...
