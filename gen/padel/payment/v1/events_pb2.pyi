from padel.booking.v1 import booking_pb2 as _booking_pb2
from padel.payment.v1 import payment_pb2 as _payment_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentCaptured(_message.Message):
    __slots__ = ("payment", "booking_paid")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    BOOKING_PAID_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    booking_paid: bool
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ..., booking_paid: _Optional[bool] = ...) -> None: ...

class PaymentRefunded(_message.Message):
    __slots__ = ("payment", "share_id", "refund", "fee", "refund_provider_reference", "refund_reference")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    SHARE_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    REFUND_PROVIDER_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    REFUND_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    share_id: str
    refund: _booking_pb2.Money
    fee: _booking_pb2.Money
    refund_provider_reference: str
    refund_reference: str
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ..., share_id: _Optional[str] = ..., refund: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., refund_provider_reference: _Optional[str] = ..., refund_reference: _Optional[str] = ...) -> None: ...

class RefundFailed(_message.Message):
    __slots__ = ("payment", "share_id", "refund", "venue_owner_id", "refund_reference")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    SHARE_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    VENUE_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    share_id: str
    refund: _booking_pb2.Money
    venue_owner_id: str
    refund_reference: str
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ..., share_id: _Optional[str] = ..., refund: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., venue_owner_id: _Optional[str] = ..., refund_reference: _Optional[str] = ...) -> None: ...

class SharePaymentRequested(_message.Message):
    __slots__ = ("booking_id", "booker_id", "share")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKER_ID_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    booker_id: str
    share: _payment_pb2.Share
    def __init__(self, booking_id: _Optional[str] = ..., booker_id: _Optional[str] = ..., share: _Optional[_Union[_payment_pb2.Share, _Mapping]] = ...) -> None: ...

class SharesOwedByBooker(_message.Message):
    __slots__ = ("booking_id", "booker_id", "shares", "owed")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKER_ID_FIELD_NUMBER: _ClassVar[int]
    SHARES_FIELD_NUMBER: _ClassVar[int]
    OWED_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    booker_id: str
    shares: _containers.RepeatedCompositeFieldContainer[_payment_pb2.Share]
    owed: _booking_pb2.Money
    def __init__(self, booking_id: _Optional[str] = ..., booker_id: _Optional[str] = ..., shares: _Optional[_Iterable[_Union[_payment_pb2.Share, _Mapping]]] = ..., owed: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ...) -> None: ...
