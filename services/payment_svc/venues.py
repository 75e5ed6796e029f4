"""Who owns a venue, asked of booking_svc (its public GetVenue): the payout report is the owner's."""

from typing import Callable

import grpc
from padel.booking.v1 import booking_service_pb2, booking_service_pb2_grpc

from mesh import peers
from mesh.errors import NotFound


def owner_lookup(booking_address: str) -> Callable[[str], str]:
    stub = booking_service_pb2_grpc.BookingServiceStub(peers.channel(booking_address))

    def owner(venue_id: str) -> str:
        try:
            return peers.call(stub.GetVenue, booking_service_pb2.GetVenueRequest(venue_id=venue_id)).venue.owner_id
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound(f"no venue {venue_id}") from None
            raise

    return owner
