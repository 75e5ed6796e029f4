"""The other services' parts of a person's data export, each asked over gRPC for the person with their
own access token (`mesh.peers.call`), so every service applies its own rule: the caller's data only.
A service that does not answer fails the whole export, naming it: an archive is never partial."""

from __future__ import annotations

import logging
from typing import Mapping

import grpc
from google.protobuf.message import Message
from padel.auth.v1 import auth_service_pb2, auth_service_pb2_grpc
from padel.booking.v1 import booking_service_pb2, booking_service_pb2_grpc
from padel.match.v1 import match_service_pb2, match_service_pb2_grpc
from padel.notify.v1 import notify_service_pb2, notify_service_pb2_grpc
from padel.payment.v1 import payment_service_pb2, payment_service_pb2_grpc

from mesh import peers
from mesh.caller import Caller
from mesh.errors import Unavailable

log = logging.getLogger(__name__)


class PeerExports:
    """Each service's own export RPC, by service name; `addresses` are the platform's (settings)."""

    def __init__(self, addresses: Mapping[str, str]):
        def stub(name: str, stub_class):
            return stub_class(peers.channel(addresses[name]))

        self.calls = {
            "auth": (stub("auth", auth_service_pb2_grpc.AuthServiceStub).ExportAccount,
                     auth_service_pb2.ExportAccountRequest()),
            "booking": (stub("booking", booking_service_pb2_grpc.BookingServiceStub).ExportBookingData,
                        booking_service_pb2.ExportBookingDataRequest()),
            "notify": (stub("notify", notify_service_pb2_grpc.NotifyServiceStub).ExportNotifyData,
                       notify_service_pb2.ExportNotifyDataRequest()),
            "payment": (stub("payment", payment_service_pb2_grpc.PaymentServiceStub).ExportPaymentData,
                        payment_service_pb2.ExportPaymentDataRequest()),
            "match": (stub("match", match_service_pb2_grpc.MatchServiceStub).ExportMatchData,
                      match_service_pb2.ExportMatchDataRequest()),
        }

    def collect(self, caller: Caller) -> dict[str, Message]:
        """Every service's export of the caller, or `Unavailable` naming the first that failed."""
        parts = {}
        for name, (method, request) in self.calls.items():
            try:
                parts[name] = peers.call(method, request, token=caller.token)
            except (Unavailable, grpc.RpcError) as error:
                # The peer's own words may name internal addresses: they go to the log, not the person.
                log.warning("a service failed its part of a data export",
                            extra={"peer": f"{name}_svc", "error": str(error)})
                raise Unavailable(f"{name}_svc is unavailable, so no archive was made (never a partial one); "
                                  "try again in a moment") from error
        return parts
