"""What match_svc, the source of truth about matches, says of a court hold booking_svc has not heard
opened (`CheckCourtHold`, internal; asked by the job, which acts for no person, so without a token)."""

from __future__ import annotations

from padel.match.v1 import match_service_pb2, match_service_pb2_grpc

from mesh import peers


class MatchDesk:
    """`service.match_holds.MatchBook` over match_svc's gRPC API."""

    def __init__(self, match_address: str):
        self.stub = match_service_pb2_grpc.MatchServiceStub(peers.channel(match_address))

    def holds_court(self, match_id: str, booking_id: str) -> bool:
        """Whether the match exists on that booking, not called off; `mesh.errors.Unavailable` when
        match_svc does not answer."""
        request = match_service_pb2.CheckCourtHoldRequest(match_id=match_id, booking_id=booking_id)
        return peers.call(self.stub.CheckCourtHold, request).held
