import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.access.v1 import access_pb2 as _access_pb2
from padel.booking.v1 import booking_pb2 as _booking_pb2
from padel.payment.v1 import payment_pb2 as _payment_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetBillRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class GetBillResponse(_message.Message):
    __slots__ = ("bill",)
    BILL_FIELD_NUMBER: _ClassVar[int]
    bill: _payment_pb2.Bill
    def __init__(self, bill: _Optional[_Union[_payment_pb2.Bill, _Mapping]] = ...) -> None: ...

class PayRequest(_message.Message):
    __slots__ = ("booking_id", "wallet", "mobile_number", "cnic_last_six", "cover")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    WALLET_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CNIC_LAST_SIX_FIELD_NUMBER: _ClassVar[int]
    COVER_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    wallet: _payment_pb2.Wallet
    mobile_number: str
    cnic_last_six: str
    cover: _payment_pb2.PayCover
    def __init__(self, booking_id: _Optional[str] = ..., wallet: _Optional[_Union[_payment_pb2.Wallet, str]] = ..., mobile_number: _Optional[str] = ..., cnic_last_six: _Optional[str] = ..., cover: _Optional[_Union[_payment_pb2.PayCover, str]] = ...) -> None: ...

class PayResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class GetPaymentRequest(_message.Message):
    __slots__ = ("payment_id",)
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    def __init__(self, payment_id: _Optional[str] = ...) -> None: ...

class CancelPaymentRequest(_message.Message):
    __slots__ = ("payment_id",)
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    def __init__(self, payment_id: _Optional[str] = ...) -> None: ...

class CancelPaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class GetPaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class ExportPaymentDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportPaymentDataResponse(_message.Message):
    __slots__ = ("bills", "payments", "refunds", "exported_at")
    BILLS_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    bills: _containers.RepeatedCompositeFieldContainer[_payment_pb2.Bill]
    payments: _containers.RepeatedCompositeFieldContainer[_payment_pb2.Payment]
    refunds: _containers.RepeatedCompositeFieldContainer[ExportedRefund]
    exported_at: _timestamp_pb2.Timestamp
    def __init__(self, bills: _Optional[_Iterable[_Union[_payment_pb2.Bill, _Mapping]]] = ..., payments: _Optional[_Iterable[_Union[_payment_pb2.Payment, _Mapping]]] = ..., refunds: _Optional[_Iterable[_Union[ExportedRefund, _Mapping]]] = ..., exported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportedRefund(_message.Message):
    __slots__ = ("refund_id", "booking_id", "payment_id", "share_id", "amount", "fee", "transaction_reference", "sent_at", "created_at", "provider_reference")
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SHARE_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    refund_id: str
    booking_id: str
    payment_id: str
    share_id: str
    amount: _booking_pb2.Money
    fee: _booking_pb2.Money
    transaction_reference: str
    sent_at: _timestamp_pb2.Timestamp
    created_at: _timestamp_pb2.Timestamp
    provider_reference: str
    def __init__(self, refund_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., share_id: _Optional[str] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., transaction_reference: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., provider_reference: _Optional[str] = ...) -> None: ...

class JazzCashCallbackRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class JazzCashCallbackResponse(_message.Message):
    __slots__ = ("transaction_reference", "status")
    TRANSACTION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    transaction_reference: str
    status: _payment_pb2.PaymentStatus
    def __init__(self, transaction_reference: _Optional[str] = ..., status: _Optional[_Union[_payment_pb2.PaymentStatus, str]] = ...) -> None: ...

class EasypaisaIpnRequest(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class EasypaisaIpnResponse(_message.Message):
    __slots__ = ("transaction_reference", "status")
    TRANSACTION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    transaction_reference: str
    status: _payment_pb2.PaymentStatus
    def __init__(self, transaction_reference: _Optional[str] = ..., status: _Optional[_Union[_payment_pb2.PaymentStatus, str]] = ...) -> None: ...

class GetVenuePaymentRequest(_message.Message):
    __slots__ = ("venue_id",)
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    def __init__(self, venue_id: _Optional[str] = ...) -> None: ...

class GetVenuePaymentResponse(_message.Message):
    __slots__ = ("venue_payment",)
    VENUE_PAYMENT_FIELD_NUMBER: _ClassVar[int]
    venue_payment: _payment_pb2.VenuePayment
    def __init__(self, venue_payment: _Optional[_Union[_payment_pb2.VenuePayment, _Mapping]] = ...) -> None: ...

class SetVenuePaymentRequest(_message.Message):
    __slots__ = ("venue_id", "mode", "deposit_percent")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_PERCENT_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    mode: _payment_pb2.PaymentMode
    deposit_percent: int
    def __init__(self, venue_id: _Optional[str] = ..., mode: _Optional[_Union[_payment_pb2.PaymentMode, str]] = ..., deposit_percent: _Optional[int] = ...) -> None: ...

class SetVenuePaymentResponse(_message.Message):
    __slots__ = ("venue_payment",)
    VENUE_PAYMENT_FIELD_NUMBER: _ClassVar[int]
    venue_payment: _payment_pb2.VenuePayment
    def __init__(self, venue_payment: _Optional[_Union[_payment_pb2.VenuePayment, _Mapping]] = ...) -> None: ...

class GetPayoutReportRequest(_message.Message):
    __slots__ = ("venue_id", "date", "page_size", "page_token")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    date: str
    page_size: int
    page_token: str
    def __init__(self, venue_id: _Optional[str] = ..., date: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetPayoutReportResponse(_message.Message):
    __slots__ = ("lines", "totals", "next_page_token")
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[_payment_pb2.PayoutLine]
    totals: _payment_pb2.PayoutLine
    next_page_token: str
    def __init__(self, lines: _Optional[_Iterable[_Union[_payment_pb2.PayoutLine, _Mapping]]] = ..., totals: _Optional[_Union[_payment_pb2.PayoutLine, _Mapping]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class StartCheckoutRequest(_message.Message):
    __slots__ = ("booking_id", "wallet", "cover", "mobile_number")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    WALLET_FIELD_NUMBER: _ClassVar[int]
    COVER_FIELD_NUMBER: _ClassVar[int]
    MOBILE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    wallet: _payment_pb2.Wallet
    cover: _payment_pb2.PayCover
    mobile_number: str
    def __init__(self, booking_id: _Optional[str] = ..., wallet: _Optional[_Union[_payment_pb2.Wallet, str]] = ..., cover: _Optional[_Union[_payment_pb2.PayCover, str]] = ..., mobile_number: _Optional[str] = ...) -> None: ...

class StartCheckoutResponse(_message.Message):
    __slots__ = ("payment", "checkout")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    CHECKOUT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    checkout: _payment_pb2.HostedCheckout
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ..., checkout: _Optional[_Union[_payment_pb2.HostedCheckout, _Mapping]] = ...) -> None: ...

class JazzCashCheckoutReturnRequest(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class EasypaisaCheckoutReturnRequest(_message.Message):
    __slots__ = ("auth_token", "order_ref_number", "success", "status", "desc")
    AUTH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_REF_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DESC_FIELD_NUMBER: _ClassVar[int]
    auth_token: str
    order_ref_number: str
    success: str
    status: str
    desc: str
    def __init__(self, auth_token: _Optional[str] = ..., order_ref_number: _Optional[str] = ..., success: _Optional[str] = ..., status: _Optional[str] = ..., desc: _Optional[str] = ...) -> None: ...

class JazzCashCheckoutReturnResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class EasypaisaCheckoutReturnResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class CollectVenueFeeRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class CollectVenueFeeResponse(_message.Message):
    __slots__ = ("venue_fee",)
    VENUE_FEE_FIELD_NUMBER: _ClassVar[int]
    venue_fee: _payment_pb2.VenueFee
    def __init__(self, venue_fee: _Optional[_Union[_payment_pb2.VenueFee, _Mapping]] = ...) -> None: ...
