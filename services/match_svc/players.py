"""The players a caller blocked, as user_svc tells it (asked with the caller's own token, so user_svc
applies its own rule that a player sees only their own connections): suggestions leave them out."""

from __future__ import annotations

from padel.user.v1 import user_pb2, user_service_pb2, user_service_pb2_grpc

from mesh import peers
from mesh.caller import Caller


class UserDirectory:
    """`service.matches.PlayerDirectory` over user_svc's gRPC API."""

    def __init__(self, address: str):
        self.stub = user_service_pb2_grpc.UserServiceStub(peers.channel(address))

    def blocked_by(self, caller: Caller) -> set[str]:
        blocked: set[str] = set()
        token = ""
        while True:
            page = peers.call(self.stub.ListConnections, user_service_pb2.ListConnectionsRequest(
                status=user_pb2.CONNECTION_STATUS_BLOCKED, page_size=100, page_token=token), token=caller.token)
            blocked.update(connection.user_id for connection in page.connections)
            token = page.next_page_token
            if not token:
                return blocked
