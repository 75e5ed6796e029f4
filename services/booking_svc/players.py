"""Who may be invited to a booking, as user_svc knows it, asked over gRPC (`CheckBlocked`) with the
booker's own access token, so user_svc applies its own rules: an unknown or closed account is
NOT_FOUND, and so is a player who blocked the booker; `blocked` says the booker blocked them. Either
way that player cannot be invited, and the answer does not say which it was."""

from __future__ import annotations

from typing import Sequence

import grpc
from padel.user.v1 import user_service_pb2, user_service_pb2_grpc

from mesh import peers
from mesh.caller import Caller
from mesh.errors import InvalidArgument


class Players:
    """user_svc's answer to "may this booker invite that player?"."""

    def __init__(self, user_address: str):
        self.stub = user_service_pb2_grpc.UserServiceStub(peers.channel(user_address))

    def check_invitable(self, booker: Caller, player_ids: Sequence[str], field: str = "participant_ids") -> None:
        """InvalidArgument naming the first player in `player_ids` the booker cannot invite. The booker
        themself is left to the domain's rule (they play anyway)."""
        for i, player_id in enumerate(player_ids):
            if player_id == booker.user_id:
                continue
            try:
                blocked = peers.call(self.stub.CheckBlocked, user_service_pb2.CheckBlockedRequest(
                    user_id=booker.user_id, other_id=player_id), token=booker.token).blocked
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                blocked = True
            if blocked:
                raise InvalidArgument.field(f"{field}[{i}]", f"{player_id} is not a player you can invite "
                                            "(no such player, or a block stands between you)")
