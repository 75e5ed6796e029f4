import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from padel.access.v1 import access_pb2 as _access_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from padel.booking.v1 import booking_pb2 as _booking_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BookingFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOOKING_FILTER_UNSPECIFIED: _ClassVar[BookingFilter]
    BOOKING_FILTER_UPCOMING: _ClassVar[BookingFilter]
    BOOKING_FILTER_PAST: _ClassVar[BookingFilter]
    BOOKING_FILTER_CANCELLED: _ClassVar[BookingFilter]

class SeriesCancelScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SERIES_CANCEL_SCOPE_UNSPECIFIED: _ClassVar[SeriesCancelScope]
    SERIES_CANCEL_SCOPE_ONE: _ClassVar[SeriesCancelScope]
    SERIES_CANCEL_SCOPE_FOLLOWING: _ClassVar[SeriesCancelScope]
    SERIES_CANCEL_SCOPE_ALL: _ClassVar[SeriesCancelScope]
BOOKING_FILTER_UNSPECIFIED: BookingFilter
BOOKING_FILTER_UPCOMING: BookingFilter
BOOKING_FILTER_PAST: BookingFilter
BOOKING_FILTER_CANCELLED: BookingFilter
SERIES_CANCEL_SCOPE_UNSPECIFIED: SeriesCancelScope
SERIES_CANCEL_SCOPE_ONE: SeriesCancelScope
SERIES_CANCEL_SCOPE_FOLLOWING: SeriesCancelScope
SERIES_CANCEL_SCOPE_ALL: SeriesCancelScope

class ListVenuesRequest(_message.Message):
    __slots__ = ("city", "query", "near", "radius_km", "page_size", "page_token", "order_by_rating")
    CITY_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    NEAR_FIELD_NUMBER: _ClassVar[int]
    RADIUS_KM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_RATING_FIELD_NUMBER: _ClassVar[int]
    city: str
    query: str
    near: _booking_pb2.GeoPoint
    radius_km: float
    page_size: int
    page_token: str
    order_by_rating: bool
    def __init__(self, city: _Optional[str] = ..., query: _Optional[str] = ..., near: _Optional[_Union[_booking_pb2.GeoPoint, _Mapping]] = ..., radius_km: _Optional[float] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order_by_rating: _Optional[bool] = ...) -> None: ...

class ListVenuesResponse(_message.Message):
    __slots__ = ("venues", "next_page_token")
    VENUES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venues: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Venue]
    next_page_token: str
    def __init__(self, venues: _Optional[_Iterable[_Union[_booking_pb2.Venue, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListVenuesPageRequest(_message.Message):
    __slots__ = ("city", "query", "near", "radius_km", "page_size", "page_token", "order_by_rating")
    CITY_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    NEAR_FIELD_NUMBER: _ClassVar[int]
    RADIUS_KM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_RATING_FIELD_NUMBER: _ClassVar[int]
    city: str
    query: str
    near: _booking_pb2.GeoPoint
    radius_km: float
    page_size: int
    page_token: str
    order_by_rating: bool
    def __init__(self, city: _Optional[str] = ..., query: _Optional[str] = ..., near: _Optional[_Union[_booking_pb2.GeoPoint, _Mapping]] = ..., radius_km: _Optional[float] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order_by_rating: _Optional[bool] = ...) -> None: ...

class ListVenuesPageResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class GetVenueRequest(_message.Message):
    __slots__ = ("venue_id",)
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    def __init__(self, venue_id: _Optional[str] = ...) -> None: ...

class GetVenueResponse(_message.Message):
    __slots__ = ("venue",)
    VENUE_FIELD_NUMBER: _ClassVar[int]
    venue: _booking_pb2.Venue
    def __init__(self, venue: _Optional[_Union[_booking_pb2.Venue, _Mapping]] = ...) -> None: ...

class CreateVenueRequest(_message.Message):
    __slots__ = ("venue",)
    VENUE_FIELD_NUMBER: _ClassVar[int]
    venue: _booking_pb2.Venue
    def __init__(self, venue: _Optional[_Union[_booking_pb2.Venue, _Mapping]] = ...) -> None: ...

class CreateVenueResponse(_message.Message):
    __slots__ = ("venue",)
    VENUE_FIELD_NUMBER: _ClassVar[int]
    venue: _booking_pb2.Venue
    def __init__(self, venue: _Optional[_Union[_booking_pb2.Venue, _Mapping]] = ...) -> None: ...

class UpdateVenueRequest(_message.Message):
    __slots__ = ("venue_id", "venue", "update_mask")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    venue: _booking_pb2.Venue
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, venue_id: _Optional[str] = ..., venue: _Optional[_Union[_booking_pb2.Venue, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateVenueResponse(_message.Message):
    __slots__ = ("venue",)
    VENUE_FIELD_NUMBER: _ClassVar[int]
    venue: _booking_pb2.Venue
    def __init__(self, venue: _Optional[_Union[_booking_pb2.Venue, _Mapping]] = ...) -> None: ...

class AddCourtRequest(_message.Message):
    __slots__ = ("venue_id", "court")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    court: _booking_pb2.Court
    def __init__(self, venue_id: _Optional[str] = ..., court: _Optional[_Union[_booking_pb2.Court, _Mapping]] = ...) -> None: ...

class AddCourtResponse(_message.Message):
    __slots__ = ("court",)
    COURT_FIELD_NUMBER: _ClassVar[int]
    court: _booking_pb2.Court
    def __init__(self, court: _Optional[_Union[_booking_pb2.Court, _Mapping]] = ...) -> None: ...

class UpdateCourtRequest(_message.Message):
    __slots__ = ("venue_id", "court_id", "court", "update_mask")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    court_id: str
    court: _booking_pb2.Court
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., court: _Optional[_Union[_booking_pb2.Court, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCourtResponse(_message.Message):
    __slots__ = ("court",)
    COURT_FIELD_NUMBER: _ClassVar[int]
    court: _booking_pb2.Court
    def __init__(self, court: _Optional[_Union[_booking_pb2.Court, _Mapping]] = ...) -> None: ...

class AddClosureRequest(_message.Message):
    __slots__ = ("venue_id", "court_id", "start_time", "end_time", "reason")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class AddClosureResponse(_message.Message):
    __slots__ = ("closure",)
    CLOSURE_FIELD_NUMBER: _ClassVar[int]
    closure: _booking_pb2.Closure
    def __init__(self, closure: _Optional[_Union[_booking_pb2.Closure, _Mapping]] = ...) -> None: ...

class ListClosuresRequest(_message.Message):
    __slots__ = ("venue_id", "page_size", "page_token")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    page_size: int
    page_token: str
    def __init__(self, venue_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListClosuresResponse(_message.Message):
    __slots__ = ("closures", "next_page_token")
    CLOSURES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    closures: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Closure]
    next_page_token: str
    def __init__(self, closures: _Optional[_Iterable[_Union[_booking_pb2.Closure, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteClosureRequest(_message.Message):
    __slots__ = ("venue_id", "closure_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    CLOSURE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    closure_id: str
    def __init__(self, venue_id: _Optional[str] = ..., closure_id: _Optional[str] = ...) -> None: ...

class DeleteClosureResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetPriceRulesRequest(_message.Message):
    __slots__ = ("venue_id", "base_hourly_price", "rules")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    BASE_HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    base_hourly_price: _booking_pb2.Money
    rules: _containers.RepeatedCompositeFieldContainer[_booking_pb2.PriceRule]
    def __init__(self, venue_id: _Optional[str] = ..., base_hourly_price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., rules: _Optional[_Iterable[_Union[_booking_pb2.PriceRule, _Mapping]]] = ...) -> None: ...

class SetPriceRulesResponse(_message.Message):
    __slots__ = ("base_hourly_price", "rules")
    BASE_HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    base_hourly_price: _booking_pb2.Money
    rules: _containers.RepeatedCompositeFieldContainer[_booking_pb2.PriceRule]
    def __init__(self, base_hourly_price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., rules: _Optional[_Iterable[_Union[_booking_pb2.PriceRule, _Mapping]]] = ...) -> None: ...

class ListPriceRulesRequest(_message.Message):
    __slots__ = ("venue_id", "page_size", "page_token")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    page_size: int
    page_token: str
    def __init__(self, venue_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPriceRulesResponse(_message.Message):
    __slots__ = ("base_hourly_price", "rules", "next_page_token")
    BASE_HOURLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    base_hourly_price: _booking_pb2.Money
    rules: _containers.RepeatedCompositeFieldContainer[_booking_pb2.PriceRule]
    next_page_token: str
    def __init__(self, base_hourly_price: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., rules: _Optional[_Iterable[_Union[_booking_pb2.PriceRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetVenueScheduleRequest(_message.Message):
    __slots__ = ("venue_id", "date")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    date: str
    def __init__(self, venue_id: _Optional[str] = ..., date: _Optional[str] = ...) -> None: ...

class GetVenueScheduleResponse(_message.Message):
    __slots__ = ("bookings", "players")
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    PLAYERS_FIELD_NUMBER: _ClassVar[int]
    bookings: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Booking]
    players: _containers.RepeatedCompositeFieldContainer[ScheduledPlayer]
    def __init__(self, bookings: _Optional[_Iterable[_Union[_booking_pb2.Booking, _Mapping]]] = ..., players: _Optional[_Iterable[_Union[ScheduledPlayer, _Mapping]]] = ...) -> None: ...

class GetAvailabilityRequest(_message.Message):
    __slots__ = ("venue_id", "date", "duration_minutes", "court_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    date: str
    duration_minutes: int
    court_id: str
    def __init__(self, venue_id: _Optional[str] = ..., date: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., court_id: _Optional[str] = ...) -> None: ...

class GetAvailabilityResponse(_message.Message):
    __slots__ = ("venue_id", "date", "time_zone", "courts")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    COURTS_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    date: str
    time_zone: str
    courts: _containers.RepeatedCompositeFieldContainer[_booking_pb2.CourtAvailability]
    def __init__(self, venue_id: _Optional[str] = ..., date: _Optional[str] = ..., time_zone: _Optional[str] = ..., courts: _Optional[_Iterable[_Union[_booking_pb2.CourtAvailability, _Mapping]]] = ...) -> None: ...

class GetAvailabilityPageRequest(_message.Message):
    __slots__ = ("venue_id", "date", "duration_minutes", "court_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    date: str
    duration_minutes: int
    court_id: str
    def __init__(self, venue_id: _Optional[str] = ..., date: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., court_id: _Optional[str] = ...) -> None: ...

class GetAvailabilityPageResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class BookRequest(_message.Message):
    __slots__ = ("court_id", "start_time", "duration_minutes", "participant_ids", "special_requests", "idempotency_key", "player_id", "player_phone")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_IDS_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_PHONE_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    duration_minutes: int
    participant_ids: _containers.RepeatedScalarFieldContainer[str]
    special_requests: str
    idempotency_key: str
    player_id: str
    player_phone: str
    def __init__(self, court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., participant_ids: _Optional[_Iterable[str]] = ..., special_requests: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., player_id: _Optional[str] = ..., player_phone: _Optional[str] = ...) -> None: ...

class BookResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class ListBookingsRequest(_message.Message):
    __slots__ = ("past", "page_size", "page_token", "filter")
    PAST_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    past: bool
    page_size: int
    page_token: str
    filter: BookingFilter
    def __init__(self, past: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[_Union[BookingFilter, str]] = ...) -> None: ...

class ListBookingsResponse(_message.Message):
    __slots__ = ("bookings", "next_page_token")
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    bookings: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Booking]
    next_page_token: str
    def __init__(self, bookings: _Optional[_Iterable[_Union[_booking_pb2.Booking, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetBookingRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class GetBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class UpdateBookingRequest(_message.Message):
    __slots__ = ("booking_id", "court_id", "start_time", "duration_minutes", "participant_ids", "special_requests", "update_mask")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_IDS_FIELD_NUMBER: _ClassVar[int]
    SPECIAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    duration_minutes: int
    participant_ids: _containers.RepeatedScalarFieldContainer[str]
    special_requests: str
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, booking_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., participant_ids: _Optional[_Iterable[str]] = ..., special_requests: _Optional[str] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class CancelBookingRequest(_message.Message):
    __slots__ = ("booking_id", "reason")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    reason: str
    def __init__(self, booking_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class ConfirmBookingRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class ConfirmBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class CheckInBookingRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class CheckInBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class CompleteBookingRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class CompleteBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class MarkNoShowRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class MarkNoShowResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class ListMyVenuesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMyVenuesResponse(_message.Message):
    __slots__ = ("venues", "next_page_token")
    VENUES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venues: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Venue]
    next_page_token: str
    def __init__(self, venues: _Optional[_Iterable[_Union[_booking_pb2.Venue, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RetireCourtRequest(_message.Message):
    __slots__ = ("venue_id", "court_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    court_id: str
    def __init__(self, venue_id: _Optional[str] = ..., court_id: _Optional[str] = ...) -> None: ...

class RetireCourtResponse(_message.Message):
    __slots__ = ("court", "live_bookings")
    COURT_FIELD_NUMBER: _ClassVar[int]
    LIVE_BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    court: _booking_pb2.Court
    live_bookings: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Booking]
    def __init__(self, court: _Optional[_Union[_booking_pb2.Court, _Mapping]] = ..., live_bookings: _Optional[_Iterable[_Union[_booking_pb2.Booking, _Mapping]]] = ...) -> None: ...

class RetireVenueRequest(_message.Message):
    __slots__ = ("venue_id",)
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    def __init__(self, venue_id: _Optional[str] = ...) -> None: ...

class RetireVenueResponse(_message.Message):
    __slots__ = ("venue", "live_bookings")
    VENUE_FIELD_NUMBER: _ClassVar[int]
    LIVE_BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    venue: _booking_pb2.Venue
    live_bookings: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Booking]
    def __init__(self, venue: _Optional[_Union[_booking_pb2.Venue, _Mapping]] = ..., live_bookings: _Optional[_Iterable[_Union[_booking_pb2.Booking, _Mapping]]] = ...) -> None: ...

class GetCancellationPreviewRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class GetCancellationPreviewResponse(_message.Message):
    __slots__ = ("preview",)
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    preview: _booking_pb2.CancellationPreview
    def __init__(self, preview: _Optional[_Union[_booking_pb2.CancellationPreview, _Mapping]] = ...) -> None: ...

class AcceptInvitationRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class AcceptInvitationResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class DeclineInvitationRequest(_message.Message):
    __slots__ = ("booking_id",)
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    def __init__(self, booking_id: _Optional[str] = ...) -> None: ...

class DeclineInvitationResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class ScheduledPlayer(_message.Message):
    __slots__ = ("user_id", "name", "phone")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    name: str
    phone: str
    def __init__(self, user_id: _Optional[str] = ..., name: _Optional[str] = ..., phone: _Optional[str] = ...) -> None: ...

class GetVenueTermsRequest(_message.Message):
    __slots__ = ("venue_id",)
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    def __init__(self, venue_id: _Optional[str] = ...) -> None: ...

class GetVenueTermsResponse(_message.Message):
    __slots__ = ("terms",)
    TERMS_FIELD_NUMBER: _ClassVar[int]
    terms: _booking_pb2.VenueTerms
    def __init__(self, terms: _Optional[_Union[_booking_pb2.VenueTerms, _Mapping]] = ...) -> None: ...

class SetVenueTermsRequest(_message.Message):
    __slots__ = ("venue_id", "terms")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    terms: _booking_pb2.VenueTerms
    def __init__(self, venue_id: _Optional[str] = ..., terms: _Optional[_Union[_booking_pb2.VenueTerms, _Mapping]] = ...) -> None: ...

class SetVenueTermsResponse(_message.Message):
    __slots__ = ("terms",)
    TERMS_FIELD_NUMBER: _ClassVar[int]
    terms: _booking_pb2.VenueTerms
    def __init__(self, terms: _Optional[_Union[_booking_pb2.VenueTerms, _Mapping]] = ...) -> None: ...

class BookSeriesRequest(_message.Message):
    __slots__ = ("court_id", "first_start", "duration_minutes", "recurrence", "participant_ids", "preview", "idempotency_key", "player_id", "player_phone")
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_START_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANT_IDS_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_PHONE_FIELD_NUMBER: _ClassVar[int]
    court_id: str
    first_start: _timestamp_pb2.Timestamp
    duration_minutes: int
    recurrence: _booking_pb2.SeriesRecurrence
    participant_ids: _containers.RepeatedScalarFieldContainer[str]
    preview: bool
    idempotency_key: str
    player_id: str
    player_phone: str
    def __init__(self, court_id: _Optional[str] = ..., first_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., recurrence: _Optional[_Union[_booking_pb2.SeriesRecurrence, _Mapping]] = ..., participant_ids: _Optional[_Iterable[str]] = ..., preview: _Optional[bool] = ..., idempotency_key: _Optional[str] = ..., player_id: _Optional[str] = ..., player_phone: _Optional[str] = ...) -> None: ...

class BookSeriesResponse(_message.Message):
    __slots__ = ("series",)
    SERIES_FIELD_NUMBER: _ClassVar[int]
    series: _booking_pb2.BookingSeries
    def __init__(self, series: _Optional[_Union[_booking_pb2.BookingSeries, _Mapping]] = ...) -> None: ...

class GetSeriesRequest(_message.Message):
    __slots__ = ("series_id",)
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    series_id: str
    def __init__(self, series_id: _Optional[str] = ...) -> None: ...

class GetSeriesResponse(_message.Message):
    __slots__ = ("series",)
    SERIES_FIELD_NUMBER: _ClassVar[int]
    series: _booking_pb2.BookingSeries
    def __init__(self, series: _Optional[_Union[_booking_pb2.BookingSeries, _Mapping]] = ...) -> None: ...

class CancelSeriesRequest(_message.Message):
    __slots__ = ("series_id", "scope", "booking_id", "reason")
    SERIES_ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    series_id: str
    scope: SeriesCancelScope
    booking_id: str
    reason: str
    def __init__(self, series_id: _Optional[str] = ..., scope: _Optional[_Union[SeriesCancelScope, str]] = ..., booking_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelSeriesResponse(_message.Message):
    __slots__ = ("cancelled", "series")
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    cancelled: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Booking]
    series: _booking_pb2.BookingSeries
    def __init__(self, cancelled: _Optional[_Iterable[_Union[_booking_pb2.Booking, _Mapping]]] = ..., series: _Optional[_Union[_booking_pb2.BookingSeries, _Mapping]] = ...) -> None: ...

class JoinWaitlistRequest(_message.Message):
    __slots__ = ("venue_id", "court_id", "window_start", "window_end", "duration_minutes")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    court_id: str
    window_start: _timestamp_pb2.Timestamp
    window_end: _timestamp_pb2.Timestamp
    duration_minutes: int
    def __init__(self, venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., window_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ...) -> None: ...

class JoinWaitlistResponse(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: _booking_pb2.WaitlistEntry
    def __init__(self, entry: _Optional[_Union[_booking_pb2.WaitlistEntry, _Mapping]] = ...) -> None: ...

class ListWaitlistRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListWaitlistResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_booking_pb2.WaitlistEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[_booking_pb2.WaitlistEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LeaveWaitlistRequest(_message.Message):
    __slots__ = ("entry_id",)
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    def __init__(self, entry_id: _Optional[str] = ...) -> None: ...

class LeaveWaitlistResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AcceptWaitlistOfferRequest(_message.Message):
    __slots__ = ("offer_id",)
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    def __init__(self, offer_id: _Optional[str] = ...) -> None: ...

class AcceptWaitlistOfferResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class GetVenueReportRequest(_message.Message):
    __slots__ = ("venue_id", "to")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    to: str
    def __init__(self, venue_id: _Optional[str] = ..., to: _Optional[str] = ..., **kwargs) -> None: ...

class GetVenueReportResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: _booking_pb2.VenueReport
    def __init__(self, report: _Optional[_Union[_booking_pb2.VenueReport, _Mapping]] = ...) -> None: ...

class ExportVenueReportRequest(_message.Message):
    __slots__ = ("venue_id", "to")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    to: str
    def __init__(self, venue_id: _Optional[str] = ..., to: _Optional[str] = ..., **kwargs) -> None: ...

class ExportVenueReportResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class ExportBookingDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportBookingDataResponse(_message.Message):
    __slots__ = ("player", "bookings", "series", "waitlist_entries", "lottery_entries", "reviews", "memberships", "venues", "exported_at")
    PLAYER_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    SERIES_FIELD_NUMBER: _ClassVar[int]
    WAITLIST_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    LOTTERY_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIPS_FIELD_NUMBER: _ClassVar[int]
    VENUES_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    player: ScheduledPlayer
    bookings: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Booking]
    series: _containers.RepeatedCompositeFieldContainer[_booking_pb2.BookingSeries]
    waitlist_entries: _containers.RepeatedCompositeFieldContainer[_booking_pb2.WaitlistEntry]
    lottery_entries: _containers.RepeatedCompositeFieldContainer[ExportedLotteryEntry]
    reviews: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Review]
    memberships: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Membership]
    venues: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Venue]
    exported_at: _timestamp_pb2.Timestamp
    def __init__(self, player: _Optional[_Union[ScheduledPlayer, _Mapping]] = ..., bookings: _Optional[_Iterable[_Union[_booking_pb2.Booking, _Mapping]]] = ..., series: _Optional[_Iterable[_Union[_booking_pb2.BookingSeries, _Mapping]]] = ..., waitlist_entries: _Optional[_Iterable[_Union[_booking_pb2.WaitlistEntry, _Mapping]]] = ..., lottery_entries: _Optional[_Iterable[_Union[ExportedLotteryEntry, _Mapping]]] = ..., reviews: _Optional[_Iterable[_Union[_booking_pb2.Review, _Mapping]]] = ..., memberships: _Optional[_Iterable[_Union[_booking_pb2.Membership, _Mapping]]] = ..., venues: _Optional[_Iterable[_Union[_booking_pb2.Venue, _Mapping]]] = ..., exported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportedLotteryEntry(_message.Message):
    __slots__ = ("lottery", "weight", "entered_at")
    LOTTERY_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    ENTERED_AT_FIELD_NUMBER: _ClassVar[int]
    lottery: _booking_pb2.Lottery
    weight: int
    entered_at: _timestamp_pb2.Timestamp
    def __init__(self, lottery: _Optional[_Union[_booking_pb2.Lottery, _Mapping]] = ..., weight: _Optional[int] = ..., entered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReviewVenueRequest(_message.Message):
    __slots__ = ("booking_id", "rating", "text")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    rating: int
    text: str
    def __init__(self, booking_id: _Optional[str] = ..., rating: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class ReviewVenueResponse(_message.Message):
    __slots__ = ("review",)
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    review: _booking_pb2.Review
    def __init__(self, review: _Optional[_Union[_booking_pb2.Review, _Mapping]] = ...) -> None: ...

class ListReviewsRequest(_message.Message):
    __slots__ = ("venue_id", "page_size", "page_token")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    page_size: int
    page_token: str
    def __init__(self, venue_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReviewsResponse(_message.Message):
    __slots__ = ("reviews", "next_page_token", "average_rating", "review_count")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    REVIEW_COUNT_FIELD_NUMBER: _ClassVar[int]
    reviews: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Review]
    next_page_token: str
    average_rating: float
    review_count: int
    def __init__(self, reviews: _Optional[_Iterable[_Union[_booking_pb2.Review, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., average_rating: _Optional[float] = ..., review_count: _Optional[int] = ...) -> None: ...

class AnswerReviewRequest(_message.Message):
    __slots__ = ("review_id", "answer")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    answer: str
    def __init__(self, review_id: _Optional[str] = ..., answer: _Optional[str] = ...) -> None: ...

class AnswerReviewResponse(_message.Message):
    __slots__ = ("review",)
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    review: _booking_pb2.Review
    def __init__(self, review: _Optional[_Union[_booking_pb2.Review, _Mapping]] = ...) -> None: ...

class HideReviewRequest(_message.Message):
    __slots__ = ("review_id", "reason")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    reason: str
    def __init__(self, review_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class HideReviewResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateLotteryRequest(_message.Message):
    __slots__ = ("venue_id", "court_id", "start_time", "duration_minutes", "entries_close_at")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_CLOSE_AT_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    duration_minutes: int
    entries_close_at: _timestamp_pb2.Timestamp
    def __init__(self, venue_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., entries_close_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateLotteryResponse(_message.Message):
    __slots__ = ("lottery",)
    LOTTERY_FIELD_NUMBER: _ClassVar[int]
    lottery: _booking_pb2.Lottery
    def __init__(self, lottery: _Optional[_Union[_booking_pb2.Lottery, _Mapping]] = ...) -> None: ...

class EnterLotteryRequest(_message.Message):
    __slots__ = ("lottery_id",)
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    lottery_id: str
    def __init__(self, lottery_id: _Optional[str] = ...) -> None: ...

class EnterLotteryResponse(_message.Message):
    __slots__ = ("lottery",)
    LOTTERY_FIELD_NUMBER: _ClassVar[int]
    lottery: _booking_pb2.Lottery
    def __init__(self, lottery: _Optional[_Union[_booking_pb2.Lottery, _Mapping]] = ...) -> None: ...

class GetLotteryRequest(_message.Message):
    __slots__ = ("lottery_id",)
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    lottery_id: str
    def __init__(self, lottery_id: _Optional[str] = ...) -> None: ...

class GetLotteryResponse(_message.Message):
    __slots__ = ("lottery",)
    LOTTERY_FIELD_NUMBER: _ClassVar[int]
    lottery: _booking_pb2.Lottery
    def __init__(self, lottery: _Optional[_Union[_booking_pb2.Lottery, _Mapping]] = ...) -> None: ...

class ListVenueLotteriesRequest(_message.Message):
    __slots__ = ("venue_id",)
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    def __init__(self, venue_id: _Optional[str] = ...) -> None: ...

class ListVenueLotteriesResponse(_message.Message):
    __slots__ = ("lotteries",)
    LOTTERIES_FIELD_NUMBER: _ClassVar[int]
    lotteries: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Lottery]
    def __init__(self, lotteries: _Optional[_Iterable[_Union[_booking_pb2.Lottery, _Mapping]]] = ...) -> None: ...

class DrawLotteryRequest(_message.Message):
    __slots__ = ("lottery_id",)
    LOTTERY_ID_FIELD_NUMBER: _ClassVar[int]
    lottery_id: str
    def __init__(self, lottery_id: _Optional[str] = ...) -> None: ...

class DrawLotteryResponse(_message.Message):
    __slots__ = ("lottery",)
    LOTTERY_FIELD_NUMBER: _ClassVar[int]
    lottery: _booking_pb2.Lottery
    def __init__(self, lottery: _Optional[_Union[_booking_pb2.Lottery, _Mapping]] = ...) -> None: ...

class CreateMembershipPlanRequest(_message.Message):
    __slots__ = ("venue_id", "plan")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    plan: _booking_pb2.MembershipPlan
    def __init__(self, venue_id: _Optional[str] = ..., plan: _Optional[_Union[_booking_pb2.MembershipPlan, _Mapping]] = ...) -> None: ...

class CreateMembershipPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _booking_pb2.MembershipPlan
    def __init__(self, plan: _Optional[_Union[_booking_pb2.MembershipPlan, _Mapping]] = ...) -> None: ...

class ListMembershipPlansRequest(_message.Message):
    __slots__ = ("venue_id",)
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    def __init__(self, venue_id: _Optional[str] = ...) -> None: ...

class ListMembershipPlansResponse(_message.Message):
    __slots__ = ("plans",)
    PLANS_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[_booking_pb2.MembershipPlan]
    def __init__(self, plans: _Optional[_Iterable[_Union[_booking_pb2.MembershipPlan, _Mapping]]] = ...) -> None: ...

class UpdateMembershipPlanRequest(_message.Message):
    __slots__ = ("venue_id", "plan_id", "plan", "update_mask")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    plan_id: str
    plan: _booking_pb2.MembershipPlan
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, venue_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., plan: _Optional[_Union[_booking_pb2.MembershipPlan, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateMembershipPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _booking_pb2.MembershipPlan
    def __init__(self, plan: _Optional[_Union[_booking_pb2.MembershipPlan, _Mapping]] = ...) -> None: ...

class RetireMembershipPlanRequest(_message.Message):
    __slots__ = ("venue_id", "plan_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    plan_id: str
    def __init__(self, venue_id: _Optional[str] = ..., plan_id: _Optional[str] = ...) -> None: ...

class RetireMembershipPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _booking_pb2.MembershipPlan
    def __init__(self, plan: _Optional[_Union[_booking_pb2.MembershipPlan, _Mapping]] = ...) -> None: ...

class RecordMembershipPaymentRequest(_message.Message):
    __slots__ = ("venue_id", "plan_id", "player_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYER_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    plan_id: str
    player_id: str
    def __init__(self, venue_id: _Optional[str] = ..., plan_id: _Optional[str] = ..., player_id: _Optional[str] = ...) -> None: ...

class RecordMembershipPaymentResponse(_message.Message):
    __slots__ = ("membership",)
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    membership: _booking_pb2.Membership
    def __init__(self, membership: _Optional[_Union[_booking_pb2.Membership, _Mapping]] = ...) -> None: ...

class JoinMembershipPlanRequest(_message.Message):
    __slots__ = ("venue_id", "plan_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    plan_id: str
    def __init__(self, venue_id: _Optional[str] = ..., plan_id: _Optional[str] = ...) -> None: ...

class JoinMembershipPlanResponse(_message.Message):
    __slots__ = ("membership_id", "bill_id", "amount")
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    BILL_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    membership_id: str
    bill_id: str
    amount: _booking_pb2.Money
    def __init__(self, membership_id: _Optional[str] = ..., bill_id: _Optional[str] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ...) -> None: ...

class GetMembershipPaymentRequest(_message.Message):
    __slots__ = ("bill_id",)
    BILL_ID_FIELD_NUMBER: _ClassVar[int]
    bill_id: str
    def __init__(self, bill_id: _Optional[str] = ...) -> None: ...

class GetMembershipPaymentResponse(_message.Message):
    __slots__ = ("bill_id", "membership_id", "plan", "venue_name", "amount", "state")
    BILL_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    VENUE_NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    bill_id: str
    membership_id: str
    plan: _booking_pb2.MembershipPlan
    venue_name: str
    amount: _booking_pb2.Money
    state: str
    def __init__(self, bill_id: _Optional[str] = ..., membership_id: _Optional[str] = ..., plan: _Optional[_Union[_booking_pb2.MembershipPlan, _Mapping]] = ..., venue_name: _Optional[str] = ..., amount: _Optional[_Union[_booking_pb2.Money, _Mapping]] = ..., state: _Optional[str] = ...) -> None: ...

class ListMyMembershipsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMyMembershipsResponse(_message.Message):
    __slots__ = ("memberships", "next_page_token")
    MEMBERSHIPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    memberships: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Membership]
    next_page_token: str
    def __init__(self, memberships: _Optional[_Iterable[_Union[_booking_pb2.Membership, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class HoldCourtForMatchRequest(_message.Message):
    __slots__ = ("match_id", "court_id", "start_time", "duration_minutes", "hold_until")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    COURT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    HOLD_UNTIL_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    court_id: str
    start_time: _timestamp_pb2.Timestamp
    duration_minutes: int
    hold_until: _timestamp_pb2.Timestamp
    def __init__(self, match_id: _Optional[str] = ..., court_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., hold_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HoldCourtForMatchResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: _booking_pb2.Booking
    def __init__(self, booking: _Optional[_Union[_booking_pb2.Booking, _Mapping]] = ...) -> None: ...

class EndMembershipRequest(_message.Message):
    __slots__ = ("venue_id", "membership_id")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_ID_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    membership_id: str
    def __init__(self, venue_id: _Optional[str] = ..., membership_id: _Optional[str] = ...) -> None: ...

class EndMembershipResponse(_message.Message):
    __slots__ = ("membership",)
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    membership: _booking_pb2.Membership
    def __init__(self, membership: _Optional[_Union[_booking_pb2.Membership, _Mapping]] = ...) -> None: ...

class ListVenueMembersRequest(_message.Message):
    __slots__ = ("venue_id", "page_size", "page_token")
    VENUE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    venue_id: str
    page_size: int
    page_token: str
    def __init__(self, venue_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListVenueMembersResponse(_message.Message):
    __slots__ = ("memberships", "next_page_token")
    MEMBERSHIPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    memberships: _containers.RepeatedCompositeFieldContainer[_booking_pb2.Membership]
    next_page_token: str
    def __init__(self, memberships: _Optional[_Iterable[_Union[_booking_pb2.Membership, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
