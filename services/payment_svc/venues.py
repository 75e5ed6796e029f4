"""What payments needs of a venue, asked of booking_svc (its public GetVenue): who owns it (payout
reports and the payment mode are the owner's) and whether its bookings wait for confirmation."""

from typing import Callable

import grpc
from padel.booking.v1 import booking_service_pb2, booking_service_pb2_grpc

from mesh import peers
from mesh.errors import NotFound
from payment_svc import convert
from payment_svc.domain import VenueFacts


def venue_lookup(booking_address: str) -> Callable[[str], VenueFacts]:
    stub = booking_service_pb2_grpc.BookingServiceStub(peers.channel(booking_address))

    def venue(venue_id: str) -> VenueFacts:
        try:
            return convert.venue_facts(peers.call(stub.GetVenue, booking_service_pb2.GetVenueRequest(venue_id=venue_id)).venue)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound(f"no venue {venue_id}") from None
            raise

    return venue
