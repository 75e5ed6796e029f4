import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_PLAYER: _ClassVar[Role]
    ROLE_VENUE_OWNER: _ClassVar[Role]
    ROLE_ADMIN: _ClassVar[Role]

class SignInMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGN_IN_METHOD_UNSPECIFIED: _ClassVar[SignInMethod]
    SIGN_IN_METHOD_PASSWORD: _ClassVar[SignInMethod]
    SIGN_IN_METHOD_GOOGLE: _ClassVar[SignInMethod]
    SIGN_IN_METHOD_REFRESH: _ClassVar[SignInMethod]

class SignInOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGN_IN_OUTCOME_UNSPECIFIED: _ClassVar[SignInOutcome]
    SIGN_IN_OUTCOME_SUCCEEDED: _ClassVar[SignInOutcome]
    SIGN_IN_OUTCOME_WRONG_PASSWORD: _ClassVar[SignInOutcome]
    SIGN_IN_OUTCOME_REFRESH_REPLAYED: _ClassVar[SignInOutcome]
ROLE_UNSPECIFIED: Role
ROLE_PLAYER: Role
ROLE_VENUE_OWNER: Role
ROLE_ADMIN: Role
SIGN_IN_METHOD_UNSPECIFIED: SignInMethod
SIGN_IN_METHOD_PASSWORD: SignInMethod
SIGN_IN_METHOD_GOOGLE: SignInMethod
SIGN_IN_METHOD_REFRESH: SignInMethod
SIGN_IN_OUTCOME_UNSPECIFIED: SignInOutcome
SIGN_IN_OUTCOME_SUCCEEDED: SignInOutcome
SIGN_IN_OUTCOME_WRONG_PASSWORD: SignInOutcome
SIGN_IN_OUTCOME_REFRESH_REPLAYED: SignInOutcome

class Account(_message.Message):
    __slots__ = ("user_id", "email", "first_name", "last_name", "phone", "roles", "email_verified", "created_at")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    EMAIL_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    roles: _containers.RepeatedScalarFieldContainer[Role]
    email_verified: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., phone: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ..., email_verified: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TokenPair(_message.Message):
    __slots__ = ("access_token", "refresh_token", "token_type", "expires_in", "access_expires_at", "refresh_expires_at")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOKEN_TYPE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    ACCESS_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    REFRESH_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    access_expires_at: _timestamp_pb2.Timestamp
    refresh_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, access_token: _Optional[str] = ..., refresh_token: _Optional[str] = ..., token_type: _Optional[str] = ..., expires_in: _Optional[int] = ..., access_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refresh_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class JsonWebKey(_message.Message):
    __slots__ = ("kty", "use", "kid", "alg", "n", "e")
    KTY_FIELD_NUMBER: _ClassVar[int]
    USE_FIELD_NUMBER: _ClassVar[int]
    KID_FIELD_NUMBER: _ClassVar[int]
    ALG_FIELD_NUMBER: _ClassVar[int]
    N_FIELD_NUMBER: _ClassVar[int]
    E_FIELD_NUMBER: _ClassVar[int]
    kty: str
    use: str
    kid: str
    alg: str
    n: str
    e: str
    def __init__(self, kty: _Optional[str] = ..., use: _Optional[str] = ..., kid: _Optional[str] = ..., alg: _Optional[str] = ..., n: _Optional[str] = ..., e: _Optional[str] = ...) -> None: ...

class SignIn(_message.Message):
    __slots__ = ("signed_in_at", "client_address", "method", "outcome")
    SIGNED_IN_AT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    signed_in_at: _timestamp_pb2.Timestamp
    client_address: str
    method: SignInMethod
    outcome: SignInOutcome
    def __init__(self, signed_in_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., client_address: _Optional[str] = ..., method: _Optional[_Union[SignInMethod, str]] = ..., outcome: _Optional[_Union[SignInOutcome, str]] = ...) -> None: ...
