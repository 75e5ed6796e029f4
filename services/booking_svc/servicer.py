"""BookingService over gRPC: request message → booking desk → response message.

All conversions between protobuf and Python live here: Timestamp ↔ aware datetime, Money ↔ paisa,
Venue/Court messages ↔ column values, page tokens.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from google.protobuf.message import Message
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc import domain, store
from booking_svc.desk import VENUE_DEFAULTS, BookingDesk, BookingView, PriceList, VenueView
from booking_svc.events import STATUS_TO_PROTO, cancellation, money, timestamp
from mesh.convert import to_datetime
from mesh.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 20


# -- page tokens --------------------------------------------------------------------------------------


def encode_token(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_token(token: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidArgument.field("page_token", "not a token this service gave out") from None


def page_size(requested: int) -> int:
    return requested or DEFAULT_PAGE_SIZE


# -- messages out -----------------------------------------------------------------------------------


def court_pb(court: store.Court) -> pb.Court:
    return pb.Court(court_id=court.id, venue_id=court.venue_id, name=court.name, environment=court.environment,
                    surface=court.surface, active=court.active)


def venue_pb(view: VenueView) -> pb.Venue:
    v = view.venue
    venue = pb.Venue(
        venue_id=v.id, owner_id=v.owner_id, name=v.name, city=v.city, address=v.address, time_zone=v.time_zone,
        opening_hours=[pb.OpeningHours(weekday=o["weekday"], open=o["open"], close=o["close"]) for o in v.opening_hours],
        slot_minutes=v.slot_minutes, durations_minutes=v.durations_minutes,
        cancellation_policy=pb.CancellationPolicy(free_until_hours=v.free_until_hours,
                                                  late_fee_percent=v.late_fee_percent),
        horizon_days=v.horizon_days,
        confirmation_mode=pb.CONFIRMATION_MODE_INSTANT if v.instant_confirmation else pb.CONFIRMATION_MODE_MANUAL,
        hold_minutes=v.hold_minutes, max_live_bookings_per_day=v.max_live_bookings_per_day,
        base_hourly_price=money(v.base_hourly_price_paisa), courts=[court_pb(c) for c in view.courts],
        active=v.active, distance_km=round(view.distance_km, 3),
        created_at=timestamp(v.created_at), updated_at=timestamp(v.updated_at))
    if v.latitude is not None and v.longitude is not None:
        venue.location.CopyFrom(pb.GeoPoint(latitude=v.latitude, longitude=v.longitude))
    return venue


def closure_pb(closure: store.Closure) -> pb.Closure:
    return pb.Closure(closure_id=closure.id, court_id=closure.court_id, start_time=timestamp(closure.start_time),
                      end_time=timestamp(closure.end_time), reason=closure.reason)


def rule_pb(rule: store.PriceRule) -> pb.PriceRule:
    return pb.PriceRule(rule_id=rule.id, court_id=rule.court_id or "", weekdays=rule.weekdays, start=rule.start,
                        end=rule.end, hourly_price=money(rule.hourly_price_paisa))


def booking_pb(view: BookingView) -> pb.Booking:
    b, zone = view.booking, view.venue.time_zone
    local = b.start_time.astimezone(domain.ZoneInfo(zone))
    return pb.Booking(
        booking_id=b.id, venue_id=b.venue_id, court_id=b.court_id, player_id=b.player_id,
        participant_ids=b.participant_ids, start_time=timestamp(b.start_time), end_time=timestamp(b.end_time),
        time_zone=zone, local_date=local.date().isoformat(), local_start=local.strftime("%H:%M"),
        duration_minutes=b.duration_minutes, status=STATUS_TO_PROTO[b.state], price=money(b.price_paisa),
        commission=money(b.commission_paisa), special_requests=b.special_requests,
        hold_expires_at=timestamp(b.hold_expires_at), cancellation=cancellation(b), venue_name=view.venue.name,
        court_name=view.court.name, created_at=timestamp(b.created_at), updated_at=timestamp(b.updated_at))


def prices_pb(prices: PriceList, response_class):
    return response_class(base_hourly_price=money(prices.base_hourly_paisa), rules=[rule_pb(r) for r in prices.rules])


# -- messages in ------------------------------------------------------------------------------------

VENUE_FIELDS = ("name", "city", "address", "location", "time_zone", "opening_hours", "slot_minutes",
                "durations_minutes", "cancellation_policy", "horizon_days", "confirmation_mode", "hold_minutes",
                "max_live_bookings_per_day", "base_hourly_price", "active")


def venue_columns(venue: pb.Venue, field: str) -> dict[str, Any]:
    """Column values for one settable Venue field; zero values take the defaults where zero makes no sense."""
    match field:
        case "name" | "city" | "address":
            return {field: getattr(venue, field).strip()}
        case "location":
            if not venue.HasField("location"):
                return {"latitude": None, "longitude": None}
            return {"latitude": venue.location.latitude, "longitude": venue.location.longitude}
        case "time_zone":
            return {"time_zone": domain.check_time_zone(venue.time_zone or domain.DEFAULT_TIME_ZONE, "venue.time_zone")}
        case "opening_hours":
            return {"opening_hours": [{"weekday": o.weekday, "open": o.open, "close": o.close}
                                      for o in venue.opening_hours]}
        case "slot_minutes":
            return {"slot_minutes": venue.slot_minutes or VENUE_DEFAULTS["slot_minutes"]}
        case "durations_minutes":
            return {"durations_minutes": sorted(venue.durations_minutes) or VENUE_DEFAULTS["durations_minutes"]}
        case "cancellation_policy":
            return {"free_until_hours": venue.cancellation_policy.free_until_hours,
                    "late_fee_percent": venue.cancellation_policy.late_fee_percent}
        case "confirmation_mode":
            return {"instant_confirmation": venue.confirmation_mode != pb.CONFIRMATION_MODE_MANUAL}
        case "base_hourly_price":
            return {"base_hourly_price_paisa": venue.base_hourly_price.amount_paisa}
        case "horizon_days" | "hold_minutes" | "max_live_bookings_per_day" | "active":
            return {field: getattr(venue, field)}
    raise InvalidArgument.field("update_mask", f"{field} cannot be changed here")


def set_fields(message: Message) -> list[str]:
    return [descriptor.name for descriptor, _ in message.ListFields()]


def new_venue_columns(venue: pb.Venue) -> dict[str, Any]:
    """A new venue's settings: the fields the owner set, the defaults for the rest."""
    columns: dict[str, Any] = {}
    for name in set_fields(venue):
        if name in VENUE_FIELDS and name != "active":
            columns.update(venue_columns(venue, name))
    return columns


def court_columns(court: pb.Court, fields: list[str]) -> dict[str, Any]:
    columns = {}
    for name in fields:
        if name not in ("name", "environment", "surface", "active"):
            raise InvalidArgument.field("update_mask", f"{name} cannot be changed here")
        value = getattr(court, name)
        columns[name] = value.strip() if name == "name" else value
    return columns


def new_court_columns(court: pb.Court) -> dict[str, Any]:
    return {"name": court.name.strip(), "environment": court.environment, "surface": court.surface}


def mask_paths(mask) -> list[str]:
    if not mask.paths:
        raise InvalidArgument.field("update_mask", "name at least one field to change")
    return list(mask.paths)


class BookingServicer(booking_service_pb2_grpc.BookingServiceServicer):
    def __init__(self, desk: BookingDesk):
        self.desk = desk

    # venues

    def ListVenues(self, request, context):
        offset = 0
        if request.page_token:
            offset = decode_token(request.page_token)
            if not isinstance(offset, int) or offset < 0:
                raise InvalidArgument.field("page_token", "not a token this service gave out")
        near = (request.near.latitude, request.near.longitude) if request.HasField("near") else None
        views, following = self.desk.list_venues(request.city, request.query, near, request.radius_km, offset,
                                                 page_size(request.page_size))
        return api.ListVenuesResponse(venues=[venue_pb(v) for v in views],
                                      next_page_token=encode_token(following) if following is not None else "")

    def GetVenue(self, request, context):
        return api.GetVenueResponse(venue=venue_pb(self.desk.get_venue(request.venue_id)))

    def CreateVenue(self, request, context):
        courts = [new_court_columns(c) for c in request.venue.courts]
        view = self.desk.create_venue(new_venue_columns(request.venue), courts)
        return api.CreateVenueResponse(venue=venue_pb(view))

    def UpdateVenue(self, request, context):
        columns: dict[str, Any] = {}
        for path in mask_paths(request.update_mask):
            columns.update(venue_columns(request.venue, path))
        return api.UpdateVenueResponse(venue=venue_pb(self.desk.update_venue(request.venue_id, columns)))

    def AddCourt(self, request, context):
        return api.AddCourtResponse(court=court_pb(self.desk.add_court(request.venue_id, new_court_columns(request.court))))

    def UpdateCourt(self, request, context):
        columns = court_columns(request.court, mask_paths(request.update_mask))
        return api.UpdateCourtResponse(court=court_pb(self.desk.update_court(request.venue_id, request.court_id, columns)))

    def AddClosure(self, request, context):
        closure = self.desk.add_closure(request.venue_id, request.court_id, to_datetime(request.start_time),
                                        to_datetime(request.end_time), request.reason)
        return api.AddClosureResponse(closure=closure_pb(closure))

    def ListClosures(self, request, context):
        return api.ListClosuresResponse(closures=[closure_pb(c) for c in self.desk.list_closures(request.venue_id)])

    def DeleteClosure(self, request, context):
        self.desk.delete_closure(request.venue_id, request.closure_id)
        return api.DeleteClosureResponse()

    def SetPriceRules(self, request, context):
        rules = [{"court_id": r.court_id or None, "weekdays": sorted(r.weekdays), "start": r.start, "end": r.end,
                  "hourly_price_paisa": r.hourly_price.amount_paisa} for r in request.rules]
        prices = self.desk.set_price_rules(request.venue_id, request.base_hourly_price.amount_paisa, rules)
        return prices_pb(prices, api.SetPriceRulesResponse)

    def ListPriceRules(self, request, context):
        return prices_pb(self.desk.list_price_rules(request.venue_id), api.ListPriceRulesResponse)

    # availability and schedule

    def GetVenueSchedule(self, request, context):
        day = domain.parse_date(request.date, "date")
        return api.GetVenueScheduleResponse(bookings=[booking_pb(v) for v in self.desk.schedule(request.venue_id, day)])

    def GetAvailability(self, request, context):
        day = domain.parse_date(request.date, "date")
        venue, courts = self.desk.availability(request.venue_id, day, request.duration_minutes, request.court_id)
        zone = domain.ZoneInfo(venue.time_zone)
        return api.GetAvailabilityResponse(
            venue_id=venue.id, date=day.isoformat(), time_zone=venue.time_zone,
            courts=[pb.CourtAvailability(court=court_pb(c.court), slots=[
                pb.Slot(start_time=timestamp(s), end_time=timestamp(e), local_start=s.astimezone(zone).strftime("%H:%M"),
                        local_end=e.astimezone(zone).strftime("%H:%M"), price=money(p)) for s, e, p in c.slots])
                    for c in courts])

    # bookings

    def Book(self, request, context):
        view = self.desk.book(request.court_id, to_datetime(request.start_time), request.duration_minutes,
                              list(request.participant_ids), request.special_requests, request.idempotency_key)
        return api.BookResponse(booking=booking_pb(view))

    def ListBookings(self, request, context):
        after = None
        if request.page_token:
            key = decode_token(request.page_token)
            try:
                after = (dt.datetime.fromisoformat(key[0]), str(key[1]))
            except (TypeError, ValueError, IndexError, KeyError):
                after = None
            if after is None or after[0].tzinfo is None:
                raise InvalidArgument.field("page_token", "not a token this service gave out")
        size = page_size(request.page_size)
        views = self.desk.list_bookings(request.past, after, size + 1)
        following = ""
        if len(views) > size:
            views = views[:size]
            last = views[-1].booking
            following = encode_token([last.start_time.isoformat(), last.id])
        return api.ListBookingsResponse(bookings=[booking_pb(v) for v in views], next_page_token=following)

    def GetBooking(self, request, context):
        return api.GetBookingResponse(booking=booking_pb(self.desk.get_booking(request.booking_id)))

    def UpdateBooking(self, request, context):
        changes: dict[str, Any] = {}
        for path in mask_paths(request.update_mask):
            match path:
                case "court_id":
                    changes["court_id"] = request.court_id
                case "start_time":
                    if not request.HasField("start_time"):
                        raise InvalidArgument.field("start_time", "give the new start")
                    changes["start_time"] = to_datetime(request.start_time)
                case "duration_minutes":
                    changes["duration_minutes"] = request.duration_minutes
                case "participant_ids":
                    changes["participant_ids"] = list(request.participant_ids)
                case "special_requests":
                    changes["special_requests"] = request.special_requests
                case _:
                    raise InvalidArgument.field("update_mask", f"{path} cannot be changed")
        return api.UpdateBookingResponse(booking=booking_pb(self.desk.update_booking(request.booking_id, changes)))

    def CancelBooking(self, request, context):
        return api.CancelBookingResponse(booking=booking_pb(self.desk.cancel(request.booking_id, request.reason.strip())))

    def ConfirmBooking(self, request, context):
        return api.ConfirmBookingResponse(booking=booking_pb(self.desk.confirm(request.booking_id)))

    def CheckInBooking(self, request, context):
        return api.CheckInBookingResponse(booking=booking_pb(self.desk.check_in(request.booking_id)))

    def CompleteBooking(self, request, context):
        return api.CompleteBookingResponse(booking=booking_pb(self.desk.complete(request.booking_id)))

    def MarkNoShow(self, request, context):
        return api.MarkNoShowResponse(booking=booking_pb(self.desk.no_show(request.booking_id)))
