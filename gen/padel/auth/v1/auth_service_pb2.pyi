import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.access.v1 import access_pb2 as _access_pb2
from padel.auth.v1 import auth_pb2 as _auth_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegisterRequest(_message.Message):
    __slots__ = ("email", "password", "first_name", "last_name", "phone", "role")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    first_name: str
    last_name: str
    phone: str
    role: _auth_pb2.Role
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., phone: _Optional[str] = ..., role: _Optional[_Union[_auth_pb2.Role, str]] = ...) -> None: ...

class RegisterResponse(_message.Message):
    __slots__ = ("account", "next_step", "message")
    class NextStep(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        NEXT_STEP_UNSPECIFIED: _ClassVar[RegisterResponse.NextStep]
        NEXT_STEP_SIGN_IN: _ClassVar[RegisterResponse.NextStep]
    NEXT_STEP_UNSPECIFIED: RegisterResponse.NextStep
    NEXT_STEP_SIGN_IN: RegisterResponse.NextStep
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    account: _auth_pb2.Account
    next_step: RegisterResponse.NextStep
    message: str
    def __init__(self, account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ..., next_step: _Optional[_Union[RegisterResponse.NextStep, str]] = ..., message: _Optional[str] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("email", "password")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class LoginResponse(_message.Message):
    __slots__ = ("tokens", "account")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    tokens: _auth_pb2.TokenPair
    account: _auth_pb2.Account
    def __init__(self, tokens: _Optional[_Union[_auth_pb2.TokenPair, _Mapping]] = ..., account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ...) -> None: ...

class LogoutRequest(_message.Message):
    __slots__ = ("refresh_token",)
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    def __init__(self, refresh_token: _Optional[str] = ...) -> None: ...

class LogoutResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RefreshRequest(_message.Message):
    __slots__ = ("refresh_token",)
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    def __init__(self, refresh_token: _Optional[str] = ...) -> None: ...

class RefreshResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: _auth_pb2.TokenPair
    def __init__(self, tokens: _Optional[_Union[_auth_pb2.TokenPair, _Mapping]] = ...) -> None: ...

class ForgotPasswordRequest(_message.Message):
    __slots__ = ("email",)
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    email: str
    def __init__(self, email: _Optional[str] = ...) -> None: ...

class ForgotPasswordResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ResetPasswordRequest(_message.Message):
    __slots__ = ("token", "new_password")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    token: str
    new_password: str
    def __init__(self, token: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class ResetPasswordResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VerifyEmailRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class VerifyEmailResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _auth_pb2.Account
    def __init__(self, account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ...) -> None: ...

class GetMeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetMeResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _auth_pb2.Account
    def __init__(self, account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ...) -> None: ...

class GetJwksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetJwksResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[_auth_pb2.JsonWebKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[_auth_pb2.JsonWebKey, _Mapping]]] = ...) -> None: ...

class SignInWithGoogleRequest(_message.Message):
    __slots__ = ("id_token",)
    ID_TOKEN_FIELD_NUMBER: _ClassVar[int]
    id_token: str
    def __init__(self, id_token: _Optional[str] = ...) -> None: ...

class SignInWithGoogleResponse(_message.Message):
    __slots__ = ("tokens", "account", "created")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    tokens: _auth_pb2.TokenPair
    account: _auth_pb2.Account
    created: bool
    def __init__(self, tokens: _Optional[_Union[_auth_pb2.TokenPair, _Mapping]] = ..., account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GrantRoleRequest(_message.Message):
    __slots__ = ("user_id", "role")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    role: _auth_pb2.Role
    def __init__(self, user_id: _Optional[str] = ..., role: _Optional[_Union[_auth_pb2.Role, str]] = ...) -> None: ...

class GrantRoleResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _auth_pb2.Account
    def __init__(self, account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ...) -> None: ...

class RevokeRoleRequest(_message.Message):
    __slots__ = ("user_id", "role")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    role: _auth_pb2.Role
    def __init__(self, user_id: _Optional[str] = ..., role: _Optional[_Union[_auth_pb2.Role, str]] = ...) -> None: ...

class RevokeRoleResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _auth_pb2.Account
    def __init__(self, account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ...) -> None: ...

class DeleteAccountRequest(_message.Message):
    __slots__ = ("password", "google_id_token")
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    GOOGLE_ID_TOKEN_FIELD_NUMBER: _ClassVar[int]
    password: str
    google_id_token: str
    def __init__(self, password: _Optional[str] = ..., google_id_token: _Optional[str] = ...) -> None: ...

class DeleteAccountResponse(_message.Message):
    __slots__ = ("deleted_at",)
    DELETED_AT_FIELD_NUMBER: _ClassVar[int]
    deleted_at: _timestamp_pb2.Timestamp
    def __init__(self, deleted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportAccountRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportAccountResponse(_message.Message):
    __slots__ = ("account", "password_set", "google_linked", "sign_ins", "exported_at")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_SET_FIELD_NUMBER: _ClassVar[int]
    GOOGLE_LINKED_FIELD_NUMBER: _ClassVar[int]
    SIGN_INS_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    account: _auth_pb2.Account
    password_set: bool
    google_linked: bool
    sign_ins: _containers.RepeatedCompositeFieldContainer[_auth_pb2.SignIn]
    exported_at: _timestamp_pb2.Timestamp
    def __init__(self, account: _Optional[_Union[_auth_pb2.Account, _Mapping]] = ..., password_set: _Optional[bool] = ..., google_linked: _Optional[bool] = ..., sign_ins: _Optional[_Iterable[_Union[_auth_pb2.SignIn, _Mapping]]] = ..., exported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
