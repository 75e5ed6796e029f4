"""The court a match is played on, as booking_svc tells it: the organiser's booking, or the hold of a
free court made for the match (both asked with the organiser's own token, so booking_svc applies its
own rules to them), and its venue's city."""

from __future__ import annotations

import datetime as dt

import grpc
from padel.booking.v1 import booking_pb2, booking_service_pb2, booking_service_pb2_grpc

from match_svc.domain import CourtBooking, Slot
from mesh import peers
from mesh.caller import Caller
from mesh.convert import timestamp, to_datetime
from mesh.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied

# booking_svc's refusals of a hold, passed on to the organiser as match_svc's own.
_REFUSALS = {grpc.StatusCode.NOT_FOUND: NotFound, grpc.StatusCode.ABORTED: Conflict,
             grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
             grpc.StatusCode.PERMISSION_DENIED: PermissionDenied}


class BookingDesk:
    """`service.matches.CourtBookings` over booking_svc's gRPC API."""

    def __init__(self, address: str):
        self.stub = booking_service_pb2_grpc.BookingServiceStub(peers.channel(address))

    def lookup(self, caller: Caller, booking_id: str) -> CourtBooking:
        try:
            booking = peers.call(self.stub.GetBooking, booking_service_pb2.GetBookingRequest(booking_id=booking_id),
                                 token=caller.token).booking
        except grpc.RpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                raise NotFound(f"booking {booking_id} not found among your bookings") from error
            raise
        return self._court(booking)

    def hold(self, caller: Caller, match_id: str, slot: Slot, until: dt.datetime) -> CourtBooking:
        """A pending booking of the organiser's holding the free court for the match until `until`."""
        request = booking_service_pb2.HoldCourtForMatchRequest(
            match_id=match_id, court_id=slot.court_id, start_time=timestamp(slot.start_time),
            duration_minutes=slot.duration_minutes, hold_until=timestamp(until))
        try:
            booking = peers.call(self.stub.HoldCourtForMatch, request, token=caller.token).booking
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.INVALID_ARGUMENT:  # a slot field, as booking_svc names it
                raise InvalidArgument(f"slot.{error.details()}") from error
            if error.code() in _REFUSALS:
                raise _REFUSALS[error.code()](error.details()) from error
            raise
        return self._court(booking)

    def _court(self, booking: booking_pb2.Booking) -> CourtBooking:
        venue = peers.call(self.stub.GetVenue, booking_service_pb2.GetVenueRequest(venue_id=booking.venue_id)).venue
        return CourtBooking(
            booking_id=booking.booking_id, player_id=booking.player_id,
            confirmed=booking.status == booking_pb2.BOOKING_STATUS_CONFIRMED, venue_id=booking.venue_id,
            venue_name=booking.venue_name, city=venue.city, court_id=booking.court_id, court_name=booking.court_name,
            start_time=to_datetime(booking.start_time), end_time=to_datetime(booking.end_time),
            time_zone=booking.time_zone, local_date=booking.local_date, local_start=booking.local_start)
