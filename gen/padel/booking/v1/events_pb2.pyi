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
    __slots__ = ("booking_id", "venue_id", "venue_name", "court_id", "court_name", "player_id", "participant_ids", "start_time", "end_time", "time_zone", "price", "status", "commission", "venue_owner_id", "special_requests", "player_name", "player_phone", "waitlist_offer_id", "venue_address", "venue_phone", "match_id", "player_prices", "opening_date")
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
    WAITLIST_OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    VENUE_PHONE_FIELD_NUMBER: _ClassVar[int]
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_PRICES_FIELD_NUMBER: _ClassVar[int]
    OPENING_DATE_FIELD_NUMBER: _ClassVar[int]
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
    waitlist_offer_id: str
    venue_address: str
    venue_phone: str
    match_id: str
    player_prices: _containers.RepeatedCompositeFieldContainer[PlayerSharePrice]
    opening_date: str
    def __init__(self, booking_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., court_id: _Optional[str] = ..., court_name: _Optional[str] = ..., player_id: _Optional[str] = ..., participant_ids: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[_booking_pb2.BookingStatus, str]] = ..., commission: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., venue_owner_id: _Optional[str] = ..., special_requests: _Optional[str] = ..., player_name: _Optional[str] = ..., player_phone: _Optional[str] = ..., waitlist_offer_id: _Optional[str] = ..., venue_address: _Optional[str] = ..., venue_phone: _Optional[str] = ..., match_id: _Optional[str] = ..., player_prices: _Optional[_Iterable[_Union[PlayerSharePrice, _Mapping]]] = ..., opening_date: _Optional[str] = ...) -> None: ...

class PlayerSharePrice(_message.Message):
    __slots__ = ("player_id", "price")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    price: _booking_pb2.Money
    def __init__(self, player_id: _Optional[str] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ...) -> None: ...

class BookingCreated(_message.Message):
    __slots__ = ("booking", "series_id", "booked_by", "lottery_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKED_BY_FIELD_NUMBER: _ClassVar[int]
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    series_id: str
    booked_by: str
    lottery_id: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., series_id: _Optional[str] = ..., booked_by: _Optional[str] = ..., lottery_id: _Optional[str] = ...) -> None: ...

class BookingConfirmed(_message.Message):
    __slots__ = ("booking", "series_id", "lottery_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    series_id: str
    lottery_id: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., series_id: _Optional[str] = ..., lottery_id: _Optional[str] = ...) -> None: ...

class BookingCancelled(_message.Message):
    __slots__ = ("booking", "cancellation", "series_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_FIELD_NUMBER: _ClassVar[int]
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    cancellation: _booking_pb2.Cancellation
    series_id: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., cancellation: _Optional[_Union[_booking_pb2.Cancellation, _Mapping]] = ..., series_id: _Optional[str] = ...) -> None: ...

class BookingRescheduled(_message.Message):
    __slots__ = ("booking", "previous_start_time", "moved_by", "previous_court_id", "previous_end_time")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_START_TIME_FIELD_NUMBER: _ClassVar[int]
    MOVED_BY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_COURT_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_END_TIME_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    previous_start_time: _timestamp_pb2.Timestamp
    moved_by: str
    previous_court_id: str
    previous_end_time: _timestamp_pb2.Timestamp
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., previous_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., moved_by: _Optional[str] = ..., previous_court_id: _Optional[str] = ..., previous_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BookingParticipantsChanged(_message.Message):
    __slots__ = ("booking", "added_ids", "removed_ids", "left_late_ids")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    ADDED_IDS_FIELD_NUMBER: _ClassVar[int]
    REMOVED_IDS_FIELD_NUMBER: _ClassVar[int]
    LEFT_LATE_IDS_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    added_ids: _containers.RepeatedScalarFieldContainer[str]
    removed_ids: _containers.RepeatedScalarFieldContainer[str]
    left_late_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., added_ids: _Optional[_Iterable[str]] = ..., removed_ids: _Optional[_Iterable[str]] = ..., left_late_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BookingCompleted(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ...) -> None: ...

class BookingNoShow(_message.Message):
    __slots__ = ("booking", "marked_by")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    MARKED_BY_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    marked_by: str
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., marked_by: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("booking", "player_id", "left_late_ids")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    LEFT_LATE_IDS_FIELD_NUMBER: _ClassVar[int]
    booking: BookingSnapshot
    player_id: str
    left_late_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., player_id: _Optional[str] = ..., left_late_ids: _Optional[_Iterable[str]] = ...) -> None: ...

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

class SeriesSnapshot(_message.Message):
    __slots__ = ("series_id", "venue_id", "venue_name", "court_id", "court_name", "player_id", "venue_owner_id", "time_zone", "duration_minutes", "player_name", "player_phone")
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    PLAYER_NAME_FIELD_NUMBER: _ClassVar[int]
    PLAYER_PHONE_FIELD_NUMBER: _ClassVar[int]
    series_id: str
    venue_id: str
    venue_name: str
    court_id: str
    court_name: str
    player_id: str
    venue_owner_id: str
    time_zone: str
    duration_minutes: int
    player_name: str
    player_phone: str
    def __init__(self, series_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., court_id: _Optional[str] = ..., court_name: _Optional[str] = ..., player_id: _Optional[str] = ..., venue_owner_id: _Optional[str] = ..., time_zone: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., player_name: _Optional[str] = ..., player_phone: _Optional[str] = ...) -> None: ...

class SeriesBooked(_message.Message):
    __slots__ = ("series", "start_times", "clash_count", "price", "status", "booked_by")
    SERIES_FIELD_NUMBER: _ClassVar[int]
    START_TIMES_FIELD_NUMBER: _ClassVar[int]
    CLASH_COUNT_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BOOKED_BY_FIELD_NUMBER: _ClassVar[int]
    series: SeriesSnapshot
    start_times: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    clash_count: int
    price: _booking_pb2.Money
    status: _booking_pb2.BookingStatus
    booked_by: str
    def __init__(self, series: _Optional[_Union[SeriesSnapshot, _Mapping]] = ..., start_times: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ..., clash_count: _Optional[int] = ..., price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[_booking_pb2.BookingStatus, str]] = ..., booked_by: _Optional[str] = ...) -> None: ...

class SeriesCancelled(_message.Message):
    __slots__ = ("series", "start_times", "reason", "refund", "fee", "cancelled_by")
    SERIES_FIELD_NUMBER: _ClassVar[int]
    START_TIMES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_BY_FIELD_NUMBER: _ClassVar[int]
    series: SeriesSnapshot
    start_times: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    reason: str
    refund: _booking_pb2.Money
    fee: _booking_pb2.Money
    cancelled_by: str
    def __init__(self, series: _Optional[_Union[SeriesSnapshot, _Mapping]] = ..., start_times: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ..., reason: _Optional[str] = ..., refund: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., cancelled_by: _Optional[str] = ...) -> None: ...

class ReviewSnapshot(_message.Message):
    __slots__ = ("review_id", "venue_id", "venue_name", "venue_owner_id", "booking_id", "player_id", "player_name", "rating", "text", "answer")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    VENUE_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    venue_id: str
    venue_name: str
    venue_owner_id: str
    booking_id: str
    player_id: str
    player_name: str
    rating: int
    text: str
    answer: str
    def __init__(self, review_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., venue_owner_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., player_id: _Optional[str] = ..., player_name: _Optional[str] = ..., rating: _Optional[int] = ..., text: _Optional[str] = ..., answer: _Optional[str] = ...) -> None: ...

class ReviewWritten(_message.Message):
    __slots__ = ("review",)
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    review: ReviewSnapshot
    def __init__(self, review: _Optional[_Union[ReviewSnapshot, _Mapping]] = ...) -> None: ...

class ReviewAnswered(_message.Message):
    __slots__ = ("review",)
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    review: ReviewSnapshot
    def __init__(self, review: _Optional[_Union[ReviewSnapshot, _Mapping]] = ...) -> None: ...

class LotteryDrawn(_message.Message):
    __slots__ = ("lottery_id", "booking", "winner_id", "waiting_ids", "seed")
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    WINNER_ID_FIELD_NUMBER: _ClassVar[int]
    WAITING_IDS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    lottery_id: str
    booking: BookingSnapshot
    winner_id: str
    waiting_ids: _containers.RepeatedScalarFieldContainer[str]
    seed: str
    def __init__(self, lottery_id: _Optional[str] = ..., booking: _Optional[_Union[BookingSnapshot, _Mapping]] = ..., winner_id: _Optional[str] = ..., waiting_ids: _Optional[_Iterable[str]] = ..., seed: _Optional[str] = ...) -> None: ...

class VenueWeeklySummary(_message.Message):
    __slots__ = ("venue_id", "venue_name", "venue_owner_id", "time_zone", "week_start", "week_end", "bookings", "occupancy", "revenue", "no_show_rate", "new_players", "rating_average", "rating_count")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    VENUE_OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    WEEK_START_FIELD_NUMBER: _ClassVar[int]
    WEEK_END_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    OCCUPANCY_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    NO_SHOW_RATE_FIELD_NUMBER: _ClassVar[int]
    NEW_PLAYERS_FIELD_NUMBER: _ClassVar[int]
    RATING_AVERAGE_FIELD_NUMBER: _ClassVar[int]
    RATING_COUNT_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    venue_name: str
    venue_owner_id: str
    time_zone: str
    week_start: str
    week_end: str
    bookings: int
    occupancy: float
    revenue: _booking_pb2.Money
    no_show_rate: float
    new_players: int
    rating_average: float
    rating_count: int
    def __init__(self, venue_id: _Optional[str] = ..., venue_name: _Optional[str] = ..., venue_owner_id: _Optional[str] = ..., time_zone: _Optional[str] = ..., week_start: _Optional[str] = ..., week_end: _Optional[str] = ..., bookings: _Optional[int] = ..., occupancy: _Optional[float] = ..., revenue: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., no_show_rate: _Optional[float] = ..., new_players: _Optional[int] = ..., rating_average: _Optional[float] = ..., rating_count: _Optional[int] = ...) -> None: ...

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

class MembershipPaymentDue(_message.Message):
    __slots__ = ("bill_id", "membership_id", "player_id", "venue_id", "plan_id", "amount", "period", "commission", "local_date", "opened_at")
    BILL_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    LOCAL_DATE_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    bill_id: str
    membership_id: str
    player_id: str
    venue_id: str
    plan_id: str
    amount: _booking_pb2.Money
    period: _booking_pb2.MembershipPeriod
    commission: _booking_pb2.Money
    local_date: str
    opened_at: _timestamp_pb2.Timestamp
    def __init__(self, bill_id: _Optional[str] = ..., membership_id: _Optional[str] = ..., player_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., period: _Optional[_Union[_booking_pb2.MembershipPeriod, str]] = ..., commission: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., local_date: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MembershipPaymentWithdrawn(_message.Message):
    __slots__ = ("bill_id", "membership_id", "player_id")
    BILL_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    bill_id: str
    membership_id: str
    player_id: str
    def __init__(self, bill_id: _Optional[str] = ..., membership_id: _Optional[str] = ..., player_id: _Optional[str] = ...) -> None: ...

class MembershipPlanRetired(_message.Message):
    __slots__ = ("membership", "venue_name", "time_zone", "renewal_withdrawn")
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    membership: _booking_pb2.Membership
    venue_name: str
    time_zone: str
    renewal_withdrawn: bool
    def __init__(self, membership: _Optional[_Union[_booking_pb2.Membership, _Mapping]] = ..., venue_name: _Optional[str] = ..., time_zone: _Optional[str] = ..., renewal_withdrawn: _Optional[bool] = ...) -> None: ...
