import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BookingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOOKING_STATUS_UNSPECIFIED: _ClassVar[BookingStatus]
    BOOKING_STATUS_PENDING: _ClassVar[BookingStatus]
    BOOKING_STATUS_CONFIRMED: _ClassVar[BookingStatus]
    BOOKING_STATUS_IN_PROGRESS: _ClassVar[BookingStatus]
    BOOKING_STATUS_COMPLETED: _ClassVar[BookingStatus]
    BOOKING_STATUS_CANCELLED: _ClassVar[BookingStatus]
    BOOKING_STATUS_NO_SHOW: _ClassVar[BookingStatus]

class ConfirmationMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONFIRMATION_MODE_UNSPECIFIED: _ClassVar[ConfirmationMode]
    CONFIRMATION_MODE_INSTANT: _ClassVar[ConfirmationMode]
    CONFIRMATION_MODE_MANUAL: _ClassVar[ConfirmationMode]

class CourtEnvironment(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURT_ENVIRONMENT_UNSPECIFIED: _ClassVar[CourtEnvironment]
    COURT_ENVIRONMENT_INDOOR: _ClassVar[CourtEnvironment]
    COURT_ENVIRONMENT_OUTDOOR: _ClassVar[CourtEnvironment]

class CourtSurface(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURT_SURFACE_UNSPECIFIED: _ClassVar[CourtSurface]
    COURT_SURFACE_ARTIFICIAL_GRASS: _ClassVar[CourtSurface]
    COURT_SURFACE_CONCRETE: _ClassVar[CourtSurface]
    COURT_SURFACE_CUSHIONED: _ClassVar[CourtSurface]

class Weekday(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEEKDAY_UNSPECIFIED: _ClassVar[Weekday]
    WEEKDAY_MONDAY: _ClassVar[Weekday]
    WEEKDAY_TUESDAY: _ClassVar[Weekday]
    WEEKDAY_WEDNESDAY: _ClassVar[Weekday]
    WEEKDAY_THURSDAY: _ClassVar[Weekday]
    WEEKDAY_FRIDAY: _ClassVar[Weekday]
    WEEKDAY_SATURDAY: _ClassVar[Weekday]
    WEEKDAY_SUNDAY: _ClassVar[Weekday]

class InvitationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVITATION_STATE_UNSPECIFIED: _ClassVar[InvitationState]
    INVITATION_STATE_PENDING: _ClassVar[InvitationState]
    INVITATION_STATE_ACCEPTED: _ClassVar[InvitationState]
    INVITATION_STATE_DECLINED: _ClassVar[InvitationState]

class MembershipPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MEMBERSHIP_PERIOD_UNSPECIFIED: _ClassVar[MembershipPeriod]
    MEMBERSHIP_PERIOD_MONTHLY: _ClassVar[MembershipPeriod]
    MEMBERSHIP_PERIOD_QUARTERLY: _ClassVar[MembershipPeriod]
    MEMBERSHIP_PERIOD_YEARLY: _ClassVar[MembershipPeriod]
BOOKING_STATUS_UNSPECIFIED: BookingStatus
BOOKING_STATUS_PENDING: BookingStatus
BOOKING_STATUS_CONFIRMED: BookingStatus
BOOKING_STATUS_IN_PROGRESS: BookingStatus
BOOKING_STATUS_COMPLETED: BookingStatus
BOOKING_STATUS_CANCELLED: BookingStatus
BOOKING_STATUS_NO_SHOW: BookingStatus
CONFIRMATION_MODE_UNSPECIFIED: ConfirmationMode
CONFIRMATION_MODE_INSTANT: ConfirmationMode
CONFIRMATION_MODE_MANUAL: ConfirmationMode
COURT_ENVIRONMENT_UNSPECIFIED: CourtEnvironment
COURT_ENVIRONMENT_INDOOR: CourtEnvironment
COURT_ENVIRONMENT_OUTDOOR: CourtEnvironment
COURT_SURFACE_UNSPECIFIED: CourtSurface
COURT_SURFACE_ARTIFICIAL_GRASS: CourtSurface
COURT_SURFACE_CONCRETE: CourtSurface
COURT_SURFACE_CUSHIONED: CourtSurface
WEEKDAY_UNSPECIFIED: Weekday
WEEKDAY_MONDAY: Weekday
WEEKDAY_TUESDAY: Weekday
WEEKDAY_WEDNESDAY: Weekday
WEEKDAY_THURSDAY: Weekday
WEEKDAY_FRIDAY: Weekday
WEEKDAY_SATURDAY: Weekday
WEEKDAY_SUNDAY: Weekday
INVITATION_STATE_UNSPECIFIED: InvitationState
INVITATION_STATE_PENDING: InvitationState
INVITATION_STATE_ACCEPTED: InvitationState
INVITATION_STATE_DECLINED: InvitationState
MEMBERSHIP_PERIOD_UNSPECIFIED: MembershipPeriod
MEMBERSHIP_PERIOD_MONTHLY: MembershipPeriod
MEMBERSHIP_PERIOD_QUARTERLY: MembershipPeriod
MEMBERSHIP_PERIOD_YEARLY: MembershipPeriod

class Money(_message.Message):
    __slots__ = ("amount_paisa", "currency")
    AMOUNT_PAISA_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    amount_paisa: int
    currency: str
    def __init__(self, amount_paisa: _Optional[int] = ..., currency: _Optional[str] = ...) -> None: ...

class GeoPoint(_message.Message):
    __slots__ = ("latitude", "longitude")
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    latitude: float
    longitude: float
    def __init__(self, latitude: _Optional[float] = ..., longitude: _Optional[float] = ...) -> None: ...

class OpeningHours(_message.Message):
    __slots__ = ("weekday", "open", "close")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    weekday: Weekday
    open: str
    close: str
    def __init__(self, weekday: _Optional[_Union[Weekday, str]] = ..., open: _Optional[str] = ..., close: _Optional[str] = ...) -> None: ...

class CancellationPolicy(_message.Message):
    __slots__ = ("free_until_hours", "late_fee_percent", "grace_minutes")
    FREE_UNTIL_HOURS_FIELD_NUMBER: _ClassVar[int]
    LATE_FEE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    GRACE_MINUTES_FIELD_NUMBER: _ClassVar[int]
    free_until_hours: int
    late_fee_percent: int
    grace_minutes: int
    def __init__(self, free_until_hours: _Optional[int] = ..., late_fee_percent: _Optional[int] = ..., grace_minutes: _Optional[int] = ...) -> None: ...

class Court(_message.Message):
    __slots__ = ("court_id", "venue_id", "name", "environment", "surface", "active")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    SURFACE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    venue_id: str
    name: str
    environment: CourtEnvironment
    surface: CourtSurface
    active: bool
    def __init__(self, court_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., name: _Optional[str] = ..., environment: _Optional[_Union[CourtEnvironment, str]] = ..., surface: _Optional[_Union[CourtSurface, str]] = ..., active: _Optional[bool] = ...) -> None: ...

class PriceRule(_message.Message):
    __slots__ = ("rule_id", "court_id", "weekdays", "start", "end", "hourly_price")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    court_id: str
    weekdays: _containers.RepeatedScalarFieldContainer[Weekday]
    start: str
    end: str
    hourly_price: Money
    def __init__(self, rule_id: _Optional[str] = ..., court_id: _Optional[str] = ..., weekdays: _Optional[_Iterable[_Union[Weekday, str]]] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., hourly_price: _Optional[_Union[Money, _Mapping]] = ...) -> None: ...

class Venue(_message.Message):
    __slots__ = ("venue_id", "owner_id", "name", "city", "address", "location", "time_zone", "opening_hours", "slot_minutes", "durations_minutes", "cancellation_policy", "horizon_days", "confirmation_mode", "hold_minutes", "max_live_bookings_per_day", "base_hourly_price", "courts", "active", "distance_km", "created_at", "updated_at", "phone", "rating_average", "rating_count", "member_hours")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    SLOT_MINUTES_FIELD_NUMBER: _ClassVar[int]
    DURATIONS_MINUTES_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_POLICY_FIELD_NUMBER: _ClassVar[int]
    HORIZON_DAYS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_MODE_FIELD_NUMBER: _ClassVar[int]
    HOLD_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MAX_LIVE_BOOKINGS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    BASE_HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    COURTS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_KM_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    RATING_AVERAGE_FIELD_NUMBER: _ClassVar[int]
    RATING_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEMBER_HOURS_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    owner_id: str
    name: str
    city: str
    address: str
    location: GeoPoint
    time_zone: str
    opening_hours: _containers.RepeatedCompositeFieldContainer[OpeningHours]
    slot_minutes: int
    durations_minutes: _containers.RepeatedScalarFieldContainer[int]
    cancellation_policy: CancellationPolicy
    horizon_days: int
    confirmation_mode: ConfirmationMode
    hold_minutes: int
    max_live_bookings_per_day: int
    base_hourly_price: Money
    courts: _containers.RepeatedCompositeFieldContainer[Court]
    active: bool
    distance_km: float
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    phone: str
    rating_average: float
    rating_count: int
    member_hours: _containers.RepeatedCompositeFieldContainer[MemberHours]
    def __init__(self, venue_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., name: _Optional[str] = ..., city: _Optional[str] = ..., address: _Optional[str] = ..., location: _Optional[_Union[GeoPoint, _Mapping]] = ..., time_zone: _Optional[str] = ..., opening_hours: _Optional[_Iterable[_Union[OpeningHours, _Mapping]]] = ..., slot_minutes: _Optional[int] = ..., durations_minutes: _Optional[_Iterable[int]] = ..., cancellation_policy: _Optional[_Union[CancellationPolicy, _Mapping]] = ..., horizon_days: _Optional[int] = ..., confirmation_mode: _Optional[_Union[ConfirmationMode, str]] = ..., hold_minutes: _Optional[int] = ..., max_live_bookings_per_day: _Optional[int] = ..., base_hourly_price: _Optional[_Union[Money, _Mapping]] = ..., courts: _Optional[_Iterable[_Union[Court, _Mapping]]] = ..., active: _Optional[bool] = ..., distance_km: _Optional[float] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., phone: _Optional[str] = ..., rating_average: _Optional[float] = ..., rating_count: _Optional[int] = ..., member_hours: _Optional[_Iterable[_Union[MemberHours, _Mapping]]] = ...) -> None: ...

class MemberHours(_message.Message):
    __slots__ = ("court_id", "weekdays", "start", "end", "opens_to_all_minutes")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    OPENS_TO_ALL_MINUTES_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    weekdays: _containers.RepeatedScalarFieldContainer[Weekday]
    start: str
    end: str
    opens_to_all_minutes: int
    def __init__(self, court_id: _Optional[str] = ..., weekdays: _Optional[_Iterable[_Union[Weekday, str]]] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., opens_to_all_minutes: _Optional[int] = ...) -> None: ...

class Closure(_message.Message):
    __slots__ = ("closure_id", "court_id", "start_time", "end_time", "reason")
    CLOSURE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    closure_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, closure_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class Cancellation(_message.Message):
    __slots__ = ("reason", "cancelled_by", "cancelled_at", "fee", "refund", "fee_due_at_venue")
    REASON_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_BY_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    FEE_DUE_AT_VENUE_FIELD_NUMBER: _ClassVar[int]
    reason: str
    cancelled_by: str
    cancelled_at: _timestamp_pb2.Timestamp
    fee: Money
    refund: Money
    fee_due_at_venue: bool
    def __init__(self, reason: _Optional[str] = ..., cancelled_by: _Optional[str] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., fee: _Optional[_Union[Money, _Mapping]] = ..., refund: _Optional[_Union[Money, _Mapping]] = ..., fee_due_at_venue: _Optional[bool] = ...) -> None: ...

class Booking(_message.Message):
    __slots__ = ("booking_id", "venue_id", "court_id", "player_id", "participant_ids", "start_time", "end_time", "time_zone", "local_date", "local_start", "duration_minutes", "status", "price", "commission", "special_requests", "hold_expires_at", "cancellation", "venue_name", "court_name", "created_at", "updated_at", "invitations", "invited")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_IDS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_DATE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_START_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    HOLD_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    INVITATIONS_FIELD_NUMBER: _ClassVar[int]
    INVITED_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    venue_id: str
    court_id: str
    player_id: str
    participant_ids: _containers.RepeatedScalarFieldContainer[str]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    time_zone: str
    local_date: str
    local_start: str
    duration_minutes: int
    status: BookingStatus
    price: Money
    commission: Money
    special_requests: str
    hold_expires_at: _timestamp_pb2.Timestamp
    cancellation: Cancellation
    venue_name: str
    court_name: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    invitations: _containers.RepeatedCompositeFieldContainer[Invitation]
    invited: bool
    def __init__(self, booking_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., player_id: _Optional[str] = ..., participant_ids: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ..., local_date: _Optional[str] = ..., local_start: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., status: _Optional[_Union[BookingStatus, str]] = ..., price: _Optional[_Union[Money, _Mapping]] = ..., commission: _Optional[_Union[Money, _Mapping]] = ..., special_requests: _Optional[str] = ..., hold_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancellation: _Optional[_Union[Cancellation, _Mapping]] = ..., venue_name: _Optional[str] = ..., court_name: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., invitations: _Optional[_Iterable[_Union[Invitation, _Mapping]]] = ..., invited: _Optional[bool] = ...) -> None: ...

class Slot(_message.Message):
    __slots__ = ("start_time", "end_time", "local_start", "local_end", "price", "members_only", "opens_to_all_at", "closed_to_caller")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LOCAL_START_FIELD_NUMBER: _ClassVar[int]
    LOCAL_END_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_ONLY_FIELD_NUMBER: _ClassVar[int]
    OPENS_TO_ALL_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_TO_CALLER_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    local_start: str
    local_end: str
    price: Money
    members_only: bool
    opens_to_all_at: _timestamp_pb2.Timestamp
    closed_to_caller: bool
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., local_start: _Optional[str] = ..., local_end: _Optional[str] = ..., price: _Optional[_Union[Money, _Mapping]] = ..., members_only: _Optional[bool] = ..., opens_to_all_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_to_caller: _Optional[bool] = ...) -> None: ...

class CourtAvailability(_message.Message):
    __slots__ = ("court", "slots")
    COURT_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    court: Court
    slots: _containers.RepeatedCompositeFieldContainer[Slot]
    def __init__(self, court: _Optional[_Union[Court, _Mapping]] = ..., slots: _Optional[_Iterable[_Union[Slot, _Mapping]]] = ...) -> None: ...

class Invitation(_message.Message):
    __slots__ = ("player_id", "state", "invited_at", "answered_at")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    INVITED_AT_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    state: InvitationState
    invited_at: _timestamp_pb2.Timestamp
    answered_at: _timestamp_pb2.Timestamp
    def __init__(self, player_id: _Optional[str] = ..., state: _Optional[_Union[InvitationState, str]] = ..., invited_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., answered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CancellationPreview(_message.Message):
    __slots__ = ("fee", "free", "free_until", "note", "fee_due_at_venue")
    FEE_FIELD_NUMBER: _ClassVar[int]
    FREE_FIELD_NUMBER: _ClassVar[int]
    FREE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    FEE_DUE_AT_VENUE_FIELD_NUMBER: _ClassVar[int]
    fee: Money
    free: bool
    free_until: _timestamp_pb2.Timestamp
    note: str
    fee_due_at_venue: bool
    def __init__(self, fee: _Optional[_Union[Money, _Mapping]] = ..., free: _Optional[bool] = ..., free_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., fee_due_at_venue: _Optional[bool] = ...) -> None: ...

class VenueTerms(_message.Message):
    __slots__ = ("venue_id", "series_horizon_days", "max_series_per_player", "waitlist_offer_minutes")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    SERIES_HORIZON_DAYS_FIELD_NUMBER: _ClassVar[int]
    MAX_SERIES_PER_PLAYER_FIELD_NUMBER: _ClassVar[int]
    WAITLIST_OFFER_MINUTES_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    series_horizon_days: int
    max_series_per_player: int
    waitlist_offer_minutes: int
    def __init__(self, venue_id: _Optional[str] = ..., series_horizon_days: _Optional[int] = ..., max_series_per_player: _Optional[int] = ..., waitlist_offer_minutes: _Optional[int] = ...) -> None: ...

class SeriesRecurrence(_message.Message):
    __slots__ = ("interval_weeks", "weekdays", "until", "count", "exception_dates")
    INTERVAL_WEEKS_FIELD_NUMBER: _ClassVar[int]
    WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    EXCEPTION_DATES_FIELD_NUMBER: _ClassVar[int]
    interval_weeks: int
    weekdays: _containers.RepeatedScalarFieldContainer[Weekday]
    until: str
    count: int
    exception_dates: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, interval_weeks: _Optional[int] = ..., weekdays: _Optional[_Iterable[_Union[Weekday, str]]] = ..., until: _Optional[str] = ..., count: _Optional[int] = ..., exception_dates: _Optional[_Iterable[str]] = ...) -> None: ...

class SeriesOccurrence(_message.Message):
    __slots__ = ("local_date", "start_time", "booking_id", "status", "clash")
    LOCAL_DATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CLASH_FIELD_NUMBER: _ClassVar[int]
    local_date: str
    start_time: _timestamp_pb2.Timestamp
    booking_id: str
    status: BookingStatus
    clash: str
    def __init__(self, local_date: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., booking_id: _Optional[str] = ..., status: _Optional[_Union[BookingStatus, str]] = ..., clash: _Optional[str] = ...) -> None: ...

class BookingSeries(_message.Message):
    __slots__ = ("series_id", "venue_id", "court_id", "player_id", "rule", "duration_minutes", "time_zone", "occurrences")
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    OCCURRENCES_FIELD_NUMBER: _ClassVar[int]
    series_id: str
    venue_id: str
    court_id: str
    player_id: str
    rule: str
    duration_minutes: int
    time_zone: str
    occurrences: _containers.RepeatedCompositeFieldContainer[SeriesOccurrence]
    def __init__(self, series_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., player_id: _Optional[str] = ..., rule: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., time_zone: _Optional[str] = ..., occurrences: _Optional[_Iterable[_Union[SeriesOccurrence, _Mapping]]] = ...) -> None: ...

class WaitlistOffer(_message.Message):
    __slots__ = ("offer_id", "booking_id", "court_id", "start_time", "end_time", "expires_at", "state")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    booking_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    state: str
    def __init__(self, offer_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ...) -> None: ...

class WaitlistEntry(_message.Message):
    __slots__ = ("entry_id", "venue_id", "court_id", "player_id", "window_start", "window_end", "duration_minutes", "state", "joined_at", "offer")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    OFFER_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    venue_id: str
    court_id: str
    player_id: str
    window_start: _timestamp_pb2.Timestamp
    window_end: _timestamp_pb2.Timestamp
    duration_minutes: int
    state: str
    joined_at: _timestamp_pb2.Timestamp
    offer: WaitlistOffer
    def __init__(self, entry_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., player_id: _Optional[str] = ..., window_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., state: _Optional[str] = ..., joined_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., offer: _Optional[_Union[WaitlistOffer, _Mapping]] = ...) -> None: ...

class CourtReport(_message.Message):
    __slots__ = ("court_id", "court_name", "booked_minutes", "open_minutes", "revenue", "bookings")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_NAME_FIELD_NUMBER: _ClassVar[int]
    BOOKED_MINUTES_FIELD_NUMBER: _ClassVar[int]
    OPEN_MINUTES_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    court_name: str
    booked_minutes: int
    open_minutes: int
    revenue: Money
    bookings: int
    def __init__(self, court_id: _Optional[str] = ..., court_name: _Optional[str] = ..., booked_minutes: _Optional[int] = ..., open_minutes: _Optional[int] = ..., revenue: _Optional[_Union[Money, _Mapping]] = ..., bookings: _Optional[int] = ...) -> None: ...

class HourOccupancy(_message.Message):
    __slots__ = ("weekday", "local_start", "booked_minutes", "open_minutes")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    LOCAL_START_FIELD_NUMBER: _ClassVar[int]
    BOOKED_MINUTES_FIELD_NUMBER: _ClassVar[int]
    OPEN_MINUTES_FIELD_NUMBER: _ClassVar[int]
    weekday: Weekday
    local_start: str
    booked_minutes: int
    open_minutes: int
    def __init__(self, weekday: _Optional[_Union[Weekday, str]] = ..., local_start: _Optional[str] = ..., booked_minutes: _Optional[int] = ..., open_minutes: _Optional[int] = ...) -> None: ...

class DayRevenue(_message.Message):
    __slots__ = ("local_date", "revenue", "bookings")
    LOCAL_DATE_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    local_date: str
    revenue: Money
    bookings: int
    def __init__(self, local_date: _Optional[str] = ..., revenue: _Optional[_Union[Money, _Mapping]] = ..., bookings: _Optional[int] = ...) -> None: ...

class StatusCount(_message.Message):
    __slots__ = ("status", "count")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    status: BookingStatus
    count: int
    def __init__(self, status: _Optional[_Union[BookingStatus, str]] = ..., count: _Optional[int] = ...) -> None: ...

class PlayerTotal(_message.Message):
    __slots__ = ("player_id", "bookings", "spent")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    SPENT_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    bookings: int
    spent: Money
    def __init__(self, player_id: _Optional[str] = ..., bookings: _Optional[int] = ..., spent: _Optional[_Union[Money, _Mapping]] = ...) -> None: ...

class VenueReport(_message.Message):
    __slots__ = ("venue_id", "to", "time_zone", "revenue", "courts", "hours", "days", "statuses", "no_show_rate", "new_players", "returning_players", "top_players", "price_rules")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    COURTS_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    NO_SHOW_RATE_FIELD_NUMBER: _ClassVar[int]
    NEW_PLAYERS_FIELD_NUMBER: _ClassVar[int]
    RETURNING_PLAYERS_FIELD_NUMBER: _ClassVar[int]
    TOP_PLAYERS_FIELD_NUMBER: _ClassVar[int]
    PRICE_RULES_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    to: str
    time_zone: str
    revenue: Money
    courts: _containers.RepeatedCompositeFieldContainer[CourtReport]
    hours: _containers.RepeatedCompositeFieldContainer[HourOccupancy]
    days: _containers.RepeatedCompositeFieldContainer[DayRevenue]
    statuses: _containers.RepeatedCompositeFieldContainer[StatusCount]
    no_show_rate: float
    new_players: int
    returning_players: int
    top_players: _containers.RepeatedCompositeFieldContainer[PlayerTotal]
    price_rules: _containers.RepeatedCompositeFieldContainer[PriceRuleRevenue]
    def __init__(self, venue_id: _Optional[str] = ..., to: _Optional[str] = ..., time_zone: _Optional[str] = ..., revenue: _Optional[_Union[Money, _Mapping]] = ..., courts: _Optional[_Iterable[_Union[CourtReport, _Mapping]]] = ..., hours: _Optional[_Iterable[_Union[HourOccupancy, _Mapping]]] = ..., days: _Optional[_Iterable[_Union[DayRevenue, _Mapping]]] = ..., statuses: _Optional[_Iterable[_Union[StatusCount, _Mapping]]] = ..., no_show_rate: _Optional[float] = ..., new_players: _Optional[int] = ..., returning_players: _Optional[int] = ..., top_players: _Optional[_Iterable[_Union[PlayerTotal, _Mapping]]] = ..., price_rules: _Optional[_Iterable[_Union[PriceRuleRevenue, _Mapping]]] = ..., **kwargs) -> None: ...

class PriceRuleRevenue(_message.Message):
    __slots__ = ("rule_id", "rule", "bookings", "revenue")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    REVENUE_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    rule: PriceRule
    bookings: int
    revenue: Money
    def __init__(self, rule_id: _Optional[str] = ..., rule: _Optional[_Union[PriceRule, _Mapping]] = ..., bookings: _Optional[int] = ..., revenue: _Optional[_Union[Money, _Mapping]] = ...) -> None: ...

class Review(_message.Message):
    __slots__ = ("review_id", "venue_id", "booking_id", "player_id", "rating", "text", "answer", "created_at")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    venue_id: str
    booking_id: str
    player_id: str
    rating: int
    text: str
    answer: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, review_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., player_id: _Optional[str] = ..., rating: _Optional[int] = ..., text: _Optional[str] = ..., answer: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Lottery(_message.Message):
    __slots__ = ("lottery_id", "venue_id", "court_id", "start_time", "duration_minutes", "entries_close_at", "entry_count", "seed", "drawn_player_ids", "booking_id", "state", "entries")
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_CLOSE_AT_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    DRAWN_PLAYER_IDS_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    lottery_id: str
    venue_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    duration_minutes: int
    entries_close_at: _timestamp_pb2.Timestamp
    entry_count: int
    seed: str
    drawn_player_ids: _containers.RepeatedScalarFieldContainer[str]
    booking_id: str
    state: str
    entries: _containers.RepeatedCompositeFieldContainer[LotteryEntry]
    def __init__(self, lottery_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., entries_close_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., entry_count: _Optional[int] = ..., seed: _Optional[str] = ..., drawn_player_ids: _Optional[_Iterable[str]] = ..., booking_id: _Optional[str] = ..., state: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[LotteryEntry, _Mapping]]] = ...) -> None: ...

class LotteryEntry(_message.Message):
    __slots__ = ("player_id", "weight")
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    player_id: str
    weight: int
    def __init__(self, player_id: _Optional[str] = ..., weight: _Optional[int] = ...) -> None: ...

class MembershipPlan(_message.Message):
    __slots__ = ("plan_id", "venue_id", "name", "price", "period", "grace_days", "percent_off", "lottery_weight", "price_rules", "extra_horizon_days", "extra_bookings_per_day", "free_until_hours", "retired_at")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    PERCENT_OFF_FIELD_NUMBER: _ClassVar[int]
    LOTTERY_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    PRICE_RULES_FIELD_NUMBER: _ClassVar[int]
    EXTRA_HORIZON_DAYS_FIELD_NUMBER: _ClassVar[int]
    EXTRA_BOOKINGS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    FREE_UNTIL_HOURS_FIELD_NUMBER: _ClassVar[int]
    RETIRED_AT_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    venue_id: str
    name: str
    price: Money
    period: MembershipPeriod
    grace_days: int
    percent_off: int
    lottery_weight: int
    price_rules: _containers.RepeatedCompositeFieldContainer[MemberPriceRule]
    extra_horizon_days: int
    extra_bookings_per_day: int
    free_until_hours: int
    retired_at: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[str] = ..., venue_id: _Optional[str] = ..., name: _Optional[str] = ..., price: _Optional[_Union[Money, _Mapping]] = ..., period: _Optional[_Union[MembershipPeriod, str]] = ..., grace_days: _Optional[int] = ..., percent_off: _Optional[int] = ..., lottery_weight: _Optional[int] = ..., price_rules: _Optional[_Iterable[_Union[MemberPriceRule, _Mapping]]] = ..., extra_horizon_days: _Optional[int] = ..., extra_bookings_per_day: _Optional[int] = ..., free_until_hours: _Optional[int] = ..., retired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MemberPriceRule(_message.Message):
    __slots__ = ("court_id", "weekdays", "start", "end", "amount_off", "percent_off")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_OFF_FIELD_NUMBER: _ClassVar[int]
    PERCENT_OFF_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    weekdays: _containers.RepeatedScalarFieldContainer[Weekday]
    start: str
    end: str
    amount_off: Money
    percent_off: int
    def __init__(self, court_id: _Optional[str] = ..., weekdays: _Optional[_Iterable[_Union[Weekday, str]]] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., amount_off: _Optional[_Union[Money, _Mapping]] = ..., percent_off: _Optional[int] = ...) -> None: ...

class Membership(_message.Message):
    __slots__ = ("membership_id", "plan", "player_id", "paid_until", "state", "player_name", "grace_ends_at", "bill_id")
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PAID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PLAYER_NAME_FIELD_NUMBER: _ClassVar[int]
    GRACE_ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    BILL_ID_FIELD_NUMBER: _ClassVar[int]
    membership_id: str
    plan: MembershipPlan
    player_id: str
    paid_until: _timestamp_pb2.Timestamp
    state: str
    player_name: str
    grace_ends_at: _timestamp_pb2.Timestamp
    bill_id: str
    def __init__(self, membership_id: _Optional[str] = ..., plan: _Optional[_Union[MembershipPlan, _Mapping]] = ..., player_id: _Optional[str] = ..., paid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[str] = ..., player_name: _Optional[str] = ..., grace_ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., bill_id: _Optional[str] = ...) -> None: ...
