import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.access.v1 import access_pb2 as _access_pb2
from padel.notify.v1 import notify_pb2 as _notify_pb2
from padel.user.v1 import user_pb2 as _user_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SendNotificationRequest(_message.Message):
    __slots__ = ("user_id", "channels", "kind", "variables", "subject", "body")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    channels: _containers.RepeatedScalarFieldContainer[_notify_pb2.NotificationChannel]
    kind: str
    variables: _containers.ScalarMap[str, str]
    subject: str
    body: str
    def __init__(self, user_id: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_notify_pb2.NotificationChannel, str]]] = ..., kind: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class SendNotificationResponse(_message.Message):
    __slots__ = ("deliveries",)
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[_notify_pb2.Delivery]
    def __init__(self, deliveries: _Optional[_Iterable[_Union[_notify_pb2.Delivery, _Mapping]]] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("kind", "channel", "language", "page_size", "page_token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: str
    channel: _notify_pb2.NotificationChannel
    language: _user_pb2.Language
    page_size: int
    page_token: str
    def __init__(self, kind: _Optional[str] = ..., channel: _Optional[_Union[_notify_pb2.NotificationChannel, str]] = ..., language: _Optional[_Union[_user_pb2.Language, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[_notify_pb2.Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[_notify_pb2.Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpsertTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: _notify_pb2.Template
    def __init__(self, template: _Optional[_Union[_notify_pb2.Template, _Mapping]] = ...) -> None: ...

class UpsertTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: _notify_pb2.Template
    def __init__(self, template: _Optional[_Union[_notify_pb2.Template, _Mapping]] = ...) -> None: ...

class ListDeliveryLogsRequest(_message.Message):
    __slots__ = ("user_id", "channel", "status", "page_size", "page_token")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    channel: _notify_pb2.NotificationChannel
    status: _notify_pb2.DeliveryStatus
    page_size: int
    page_token: str
    def __init__(self, user_id: _Optional[str] = ..., channel: _Optional[_Union[_notify_pb2.NotificationChannel, str]] = ..., status: _Optional[_Union[_notify_pb2.DeliveryStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDeliveryLogsResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[_notify_pb2.Delivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[_notify_pb2.Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListInboxRequest(_message.Message):
    __slots__ = ("unread_only", "page_size", "page_token")
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    unread_only: bool
    page_size: int
    page_token: str
    def __init__(self, unread_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInboxResponse(_message.Message):
    __slots__ = ("messages", "next_page_token", "unread_count")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_notify_pb2.InboxMessage]
    next_page_token: str
    unread_count: int
    def __init__(self, messages: _Optional[_Iterable[_Union[_notify_pb2.InboxMessage, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., unread_count: _Optional[int] = ...) -> None: ...

class MarkInboxReadRequest(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    def __init__(self, message_id: _Optional[str] = ...) -> None: ...

class MarkInboxReadResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _notify_pb2.InboxMessage
    def __init__(self, message: _Optional[_Union[_notify_pb2.InboxMessage, _Mapping]] = ...) -> None: ...

class RegisterDeviceRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class RegisterDeviceResponse(_message.Message):
    __slots__ = ("device",)
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    device: _notify_pb2.Device
    def __init__(self, device: _Optional[_Union[_notify_pb2.Device, _Mapping]] = ...) -> None: ...

class UnregisterDeviceRequest(_message.Message):
    __slots__ = ("device_id",)
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    device_id: str
    def __init__(self, device_id: _Optional[str] = ...) -> None: ...

class UnregisterDeviceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportNotifyDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportNotifyDataResponse(_message.Message):
    __slots__ = ("recipient", "devices", "calendar_feed_created_at", "calendar", "reminders", "messages", "deliveries", "exported_at")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FEED_CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    REMINDERS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    recipient: ExportedRecipient
    devices: _containers.RepeatedCompositeFieldContainer[_notify_pb2.Device]
    calendar_feed_created_at: _timestamp_pb2.Timestamp
    calendar: _containers.RepeatedCompositeFieldContainer[ExportedGame]
    reminders: _containers.RepeatedCompositeFieldContainer[ExportedReminder]
    messages: _containers.RepeatedCompositeFieldContainer[_notify_pb2.InboxMessage]
    deliveries: _containers.RepeatedCompositeFieldContainer[_notify_pb2.Delivery]
    exported_at: _timestamp_pb2.Timestamp
    def __init__(self, recipient: _Optional[_Union[ExportedRecipient, _Mapping]] = ..., devices: _Optional[_Iterable[_Union[_notify_pb2.Device, _Mapping]]] = ..., calendar_feed_created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., calendar: _Optional[_Iterable[_Union[ExportedGame, _Mapping]]] = ..., reminders: _Optional[_Iterable[_Union[ExportedReminder, _Mapping]]] = ..., messages: _Optional[_Iterable[_Union[_notify_pb2.InboxMessage, _Mapping]]] = ..., deliveries: _Optional[_Iterable[_Union[_notify_pb2.Delivery, _Mapping]]] = ..., exported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportedRecipient(_message.Message):
    __slots__ = ("email", "phone", "first_name", "last_name", "language", "channels", "kinds", "quiet_hours_start", "quiet_hours_end", "time_zone", "updated_at")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_START_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_END_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    email: str
    phone: str
    first_name: str
    last_name: str
    language: str
    channels: _containers.RepeatedScalarFieldContainer[str]
    kinds: _containers.RepeatedScalarFieldContainer[str]
    quiet_hours_start: str
    quiet_hours_end: str
    time_zone: str
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, email: _Optional[str] = ..., phone: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., language: _Optional[str] = ..., channels: _Optional[_Iterable[str]] = ..., kinds: _Optional[_Iterable[str]] = ..., quiet_hours_start: _Optional[str] = ..., quiet_hours_end: _Optional[str] = ..., time_zone: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportedGame(_message.Message):
    __slots__ = ("booking_id", "venue_name", "court_name", "start_time", "end_time", "cancelled")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    venue_name: str
    court_name: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    cancelled: bool
    def __init__(self, booking_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., court_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancelled: _Optional[bool] = ...) -> None: ...

class ExportedReminder(_message.Message):
    __slots__ = ("booking_id", "venue_name", "start_time", "remind_at", "status")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    REMIND_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    venue_name: str
    start_time: _timestamp_pb2.Timestamp
    remind_at: _timestamp_pb2.Timestamp
    status: str
    def __init__(self, booking_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., remind_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[str] = ...) -> None: ...

class RotateCalendarFeedRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RotateCalendarFeedResponse(_message.Message):
    __slots__ = ("feed_url",)
    FEED_URL_FIELD_NUMBER: _ClassVar[int]
    feed_url: str
    def __init__(self, feed_url: _Optional[str] = ...) -> None: ...

class GetCalendarFeedRequest(_message.Message):
    __slots__ = ("file_name",)
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    def __init__(self, file_name: _Optional[str] = ...) -> None: ...

class GetCalendarFeedResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...
