import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.booking.v1 import booking_pb2 as _booking_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Wallet(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WALLET_UNSPECIFIED: _ClassVar[Wallet]
    WALLET_JAZZCASH: _ClassVar[Wallet]
    WALLET_EASYPAISA: _ClassVar[Wallet]

class PaymentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_STATUS_UNSPECIFIED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_PENDING: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_CAPTURED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_DECLINED: _ClassVar[PaymentStatus]

class ShareStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHARE_STATUS_UNSPECIFIED: _ClassVar[ShareStatus]
    SHARE_STATUS_DUE: _ClassVar[ShareStatus]
    SHARE_STATUS_PAID: _ClassVar[ShareStatus]
    SHARE_STATUS_OWED_BY_BOOKER: _ClassVar[ShareStatus]
    SHARE_STATUS_REFUNDED: _ClassVar[ShareStatus]
    SHARE_STATUS_VOID: _ClassVar[ShareStatus]

class PayCover(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAY_COVER_UNSPECIFIED: _ClassVar[PayCover]
    PAY_COVER_SHARE: _ClassVar[PayCover]
    PAY_COVER_ALL: _ClassVar[PayCover]

class PaymentMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_MODE_UNSPECIFIED: _ClassVar[PaymentMode]
    PAYMENT_MODE_AT_VENUE: _ClassVar[PaymentMode]
    PAYMENT_MODE_DEPOSIT: _ClassVar[PaymentMode]
    PAYMENT_MODE_FULL: _ClassVar[PaymentMode]

class VenueFeeReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VENUE_FEE_REASON_UNSPECIFIED: _ClassVar[VenueFeeReason]
    VENUE_FEE_REASON_LATE_CANCELLATION: _ClassVar[VenueFeeReason]
    VENUE_FEE_REASON_NO_SHOW: _ClassVar[VenueFeeReason]

class VenueFeeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VENUE_FEE_STATUS_UNSPECIFIED: _ClassVar[VenueFeeStatus]
    VENUE_FEE_STATUS_DUE: _ClassVar[VenueFeeStatus]
    VENUE_FEE_STATUS_COLLECTED: _ClassVar[VenueFeeStatus]
WALLET_UNSPECIFIED: Wallet
WALLET_JAZZCASH: Wallet
WALLET_EASYPAISA: Wallet
PAYMENT_STATUS_UNSPECIFIED: PaymentStatus
PAYMENT_STATUS_PENDING: PaymentStatus
PAYMENT_STATUS_CAPTURED: PaymentStatus
PAYMENT_STATUS_DECLINED: PaymentStatus
SHARE_STATUS_UNSPECIFIED: ShareStatus
SHARE_STATUS_DUE: ShareStatus
SHARE_STATUS_PAID: ShareStatus
SHARE_STATUS_OWED_BY_BOOKER: ShareStatus
SHARE_STATUS_REFUNDED: ShareStatus
SHARE_STATUS_VOID: ShareStatus
PAY_COVER_UNSPECIFIED: PayCover
PAY_COVER_SHARE: PayCover
PAY_COVER_ALL: PayCover
PAYMENT_MODE_UNSPECIFIED: PaymentMode
PAYMENT_MODE_AT_VENUE: PaymentMode
PAYMENT_MODE_DEPOSIT: PaymentMode
PAYMENT_MODE_FULL: PaymentMode
VENUE_FEE_REASON_UNSPECIFIED: VenueFeeReason
VENUE_FEE_REASON_LATE_CANCELLATION: VenueFeeReason
VENUE_FEE_REASON_NO_SHOW: VenueFeeReason
VENUE_FEE_STATUS_UNSPECIFIED: VenueFeeStatus
VENUE_FEE_STATUS_DUE: VenueFeeStatus
VENUE_FEE_STATUS_COLLECTED: VenueFeeStatus

class VenuePayment(_message.Message):
    __slots__ = ("venue_id", "mode", "deposit_percent")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_PERCENT_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    mode: PaymentMode
    deposit_percent: int
    def __init__(self, venue_id: _Optional[str] = ..., mode: _Optional[_Union[PaymentMode, str]] = ..., deposit_percent: _Optional[int] = ...) -> None: ...

class Share(_message.Message):
    __slots__ = ("share_id", "player_id", "amount", "status", "due_by", "paid_by", "refunded", "fee")
    SHARE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    PAID_BY_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    share_id: str
    player_id: str
    amount: _booking_pb2.Money
    status: ShareStatus
    due_by: _timestamp_pb2.Timestamp
    paid_by: str
    refunded: _booking_pb2.Money
    fee: _booking_pb2.Money
    def __init__(self, share_id: _Optional[str] = ..., player_id: _Optional[str] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[ShareStatus, str]] = ..., due_by: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., paid_by: _Optional[str] = ..., refunded: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ...) -> None: ...

class Bill(_message.Message):
    __slots__ = ("booking_id", "venue_id", "booker_id", "price", "paid", "due", "owed_by_booker", "refunded", "shares", "booking_status", "at_venue", "venue_fee", "membership_id")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKER_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    OWED_BY_BOOKER_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    SHARES_FIELD_NUMBER: _ClassVar[int]
    BOOKING_STATUS_FIELD_NUMBER: _ClassVar[int]
    AT_VENUE_FIELD_NUMBER: _ClassVar[int]
    VENUE_FEE_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    venue_id: str
    booker_id: str
    price: _booking_pb2.Money
    paid: _booking_pb2.Money
    due: _booking_pb2.Money
    owed_by_booker: _booking_pb2.Money
    refunded: _booking_pb2.Money
    shares: _containers.RepeatedCompositeFieldContainer[Share]
    booking_status: _booking_pb2.BookingStatus
    at_venue: _booking_pb2.Money
    venue_fee: VenueFee
    membership_id: str
    def __init__(self, booking_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., booker_id: _Optional[str] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., due: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., owed_by_booker: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., refunded: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., shares: _Optional[_Iterable[_Union[Share, _Mapping]]] = ..., booking_status: _Optional[_Union[_booking_pb2.BookingStatus, str]] = ..., at_venue: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., venue_fee: _Optional[_Union[VenueFee, _Mapping]] = ..., membership_id: _Optional[str] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("payment_id", "booking_id", "payer_id", "wallet", "amount", "status", "transaction_reference", "provider_reference", "provider_message", "share_ids", "created_at", "updated_at", "hosted", "membership_id")
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    PAYER_ID_FIELD_NUMBER: _ClassVar[int]
    WALLET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SHARE_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    HOSTED_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    booking_id: str
    payer_id: str
    wallet: Wallet
    amount: _booking_pb2.Money
    status: PaymentStatus
    transaction_reference: str
    provider_reference: str
    provider_message: str
    share_ids: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    hosted: bool
    membership_id: str
    def __init__(self, payment_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., payer_id: _Optional[str] = ..., wallet: _Optional[_Union[Wallet, str]] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[PaymentStatus, str]] = ..., transaction_reference: _Optional[str] = ..., provider_reference: _Optional[str] = ..., provider_message: _Optional[str] = ..., share_ids: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hosted: _Optional[bool] = ..., membership_id: _Optional[str] = ...) -> None: ...

class PayoutLine(_message.Message):
    __slots__ = ("booking_id", "price", "paid", "refunded", "fees", "due", "commission", "payout", "at_venue", "venue_fees_due", "venue_fees_collected", "refunds_failed", "membership_id", "commission_at_venue", "net")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    AT_VENUE_FIELD_NUMBER: _ClassVar[int]
    VENUE_FEES_DUE_FIELD_NUMBER: _ClassVar[int]
    VENUE_FEES_COLLECTED_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FAILED_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_AT_VENUE_FIELD_NUMBER: _ClassVar[int]
    NET_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    price: _booking_pb2.Money
    paid: _booking_pb2.Money
    refunded: _booking_pb2.Money
    fees: _booking_pb2.Money
    due: _booking_pb2.Money
    commission: _booking_pb2.Money
    payout: _booking_pb2.Money
    at_venue: _booking_pb2.Money
    venue_fees_due: _booking_pb2.Money
    venue_fees_collected: _booking_pb2.Money
    refunds_failed: _booking_pb2.Money
    membership_id: str
    commission_at_venue: _booking_pb2.Money
    net: _booking_pb2.Money
    def __init__(self, booking_id: _Optional[str] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., paid: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., refunded: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., fees: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., due: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., commission: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., payout: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., at_venue: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., venue_fees_due: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., venue_fees_collected: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., refunds_failed: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., membership_id: _Optional[str] = ..., commission_at_venue: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., net: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ...) -> None: ...

class HostedCheckout(_message.Message):
    __slots__ = ("url", "fields", "expires_at")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    URL_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    url: str
    fields: _containers.ScalarMap[str, str]
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, url: _Optional[str] = ..., fields: _Optional[_Mapping[str, str]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VenueFee(_message.Message):
    __slots__ = ("booking_id", "reason", "amount", "status", "collected_at", "collected_by")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COLLECTED_AT_FIELD_NUMBER: _ClassVar[int]
    COLLECTED_BY_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    reason: VenueFeeReason
    amount: _booking_pb2.Money
    status: VenueFeeStatus
    collected_at: _timestamp_pb2.Timestamp
    collected_by: str
    def __init__(self, booking_id: _Optional[str] = ..., reason: _Optional[_Union[VenueFeeReason, str]] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[VenueFeeStatus, str]] = ..., collected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., collected_by: _Optional[str] = ...) -> None: ...
