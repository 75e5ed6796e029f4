import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.booking.v1 import booking_pb2 as _booking_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BookingSnapshot(_message.Message):
    __slots__ = ("booking_id", "venue_id", "venue_name", "court_id", "court_name", "player_id", "participant_ids", "start_time", "end_time", "time_zone", "price", "status", "commission", "venue_owner_id", "special_requests", "player_name", "player_phone", "player_prices")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_IDS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    VENUE_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    PLAYER_NAME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_PHONE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_PRICES_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    venue_id: str
    venue_name: str
    court_id: str
    court_name: str
    player_id: str
    participant_ids: _containers.RepeatedScalarFieldContainer[str]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    time_zone: str
    price: _booking_pb2.Money
    status: _booking_pb2.BookingStatus
    commission: _booking_pb2.Money
    venue_owner_id: str
    special_requests: str
    player_name: str
    player_phone: str
    player_prices: _containers.RepeatedCompositeFieldContainer[PlayerSharePrice]
    def __init__(self, booking_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., court_id: _Optional[str] = ..., court_name: _Optional[str] = ..., player_id: _Optional[str] = ..., participant_ids: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[_booking_pb2.BookingStatus, str]] = ..., commission: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., venue_owner_id: _Optional[str] = ..., special_requests: _Optional[str] = ..., player_name: _Optional[str] = ..., player_phone: _Optional[str] = ..., player_prices: _Optional[_Iterable[_Union[PlayerSharePrice, _Mapping]]] = ...) -> None: ...

class PlayerSharePrice(_message.Message):
    __slots__ = ("player_id", "price")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    price: _booking_pb2.Money
    def __init__(self, player_id: _Optional[str] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ...) -> None: ...

class BookingCreated(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class BookingConfirmed(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class BookingCancelled(_message.Message):
    __slots__ = ("booking", "cancellation")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    cancellation: _booking_pb2.Cancellation
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., cancellation: _Optional[_Union[_booking_pb2.Cancellation, _Mapping]] = ...) -> None: ...

class BookingRescheduled(_message.Message):
    __slots__ = ("booking", "previous_start_time")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_START_TIME_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    previous_start_time: _timestamp_pb2.Timestamp
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., previous_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BookingParticipantsChanged(_message.Message):
    __slots__ = ("booking", "added_ids", "removed_ids")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    ADDED_IDS_FIELD_NUMBER: _ClassVar[int]
    REMOVED_IDS_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    added_ids: _containers.RepeatedScalarFieldContainer[str]
    removed_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., added_ids: _Optional[_Iterable[str]] = ..., removed_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BookingCompleted(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class BookingNoShow(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class InvitationSent(_message.Message):
    __slots__ = ("booking", "player_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    player_id: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ...) -> None: ...

class InvitationAccepted(_message.Message):
    __slots__ = ("booking", "player_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    player_id: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ...) -> None: ...

class InvitationDeclined(_message.Message):
    __slots__ = ("booking", "player_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    player_id: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ...) -> None: ...

class WaitlistOffered(_message.Message):
    __slots__ = ("offer_id", "entry_id", "booking", "expires_at")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    entry_id: str
    booking: BookingSnapshot
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, offer_id: _Optional[str] = ..., entry_id: _Optional[str] = ..., booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WaitlistOfferAccepted(_message.Message):
    __slots__ = ("offer_id", "booking")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    booking: BookingSnapshot
    def __init__(self, offer_id: _Optional[str] = ..., booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class WaitlistOfferExpired(_message.Message):
    __slots__ = ("offer_id", "booking")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    booking: BookingSnapshot
    def __init__(self, offer_id: _Optional[str] = ..., booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class MembershipPaid(_message.Message):
    __slots__ = ("membership", "venue_name", "renewed", "time_zone")
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    RENEWED_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    membership: _booking_pb2.Membership
    venue_name: str
    renewed: bool
    time_zone: str
    def __init__(self, membership: _Optional[_Union[_booking_pb2.Membership, _Mapping]] = ..., venue_name: _Optional[str] = ..., renewed: _Optional[bool] = ..., time_zone: _Optional[str] = ...) -> None: ...

class MembershipRenewalDue(_message.Message):
    __slots__ = ("membership", "venue_name", "time_zone")
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    membership: _booking_pb2.Membership
    venue_name: str
    time_zone: str
    def __init__(self, membership: _Optional[_Union[_booking_pb2.Membership, _Mapping]] = ..., venue_name: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class MembershipExpired(_message.Message):
    __slots__ = ("membership", "venue_name", "time_zone")
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    membership: _booking_pb2.Membership
    venue_name: str
    time_zone: str
    def __init__(self, membership: _Optional[_Union[_booking_pb2.Membership, _Mapping]] = ..., venue_name: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...
