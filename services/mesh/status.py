"""`padel.status.v1.StatusService`: liveness of this process and the health of the platform's services.

Every server registers it; the edge directory's instance is the one REST clients reach at
`/health` and `/api/status`.
"""

from concurrent import futures
from datetime import datetime, timezone

import grpc
from google.protobuf import timestamp_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from padel.status.v1 import status_service_pb2 as pb
from padel.status.v1 import status_service_pb2_grpc

from mesh import peers
from mesh.settings import GRPC_SERVICES

CHECK_TIMEOUT_SECONDS = 1.0


def _now() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(datetime.now(timezone.utc))
    return stamp


class StatusServicer(status_service_pb2_grpc.StatusServiceServicer):
    def __init__(self, version: str, targets: dict[str, str]):
        self.version = version
        self.targets = targets  # service short name → address
        self._pool = futures.ThreadPoolExecutor(max_workers=max(1, len(targets)), thread_name_prefix="status")

    def GetHealth(self, request, context):
        return pb.GetHealthResponse(status="ok", version=self.version, time=_now())

    def GetStatus(self, request, context):
        services = list(self._pool.map(lambda item: self._check(*item), self.targets.items()))
        healthy = all(s.health == "SERVING" for s in services)
        return pb.GetStatusResponse(status="ok" if healthy else "degraded", services=services, time=_now())

    @staticmethod
    def _check(name: str, address: str) -> pb.ServiceStatus:
        grpc_service = GRPC_SERVICES[name]
        entry = pb.ServiceStatus(name=name, grpc_service=grpc_service, health="UNKNOWN", address=address)
        channel = peers.channel(address)
        try:
            entry.health = health_pb2.HealthCheckResponse.ServingStatus.Name(health_of(name, address))
            entry.version = status_service_pb2_grpc.StatusServiceStub(channel).GetHealth(
                pb.GetHealthRequest(), timeout=CHECK_TIMEOUT_SECONDS).version
        except grpc.RpcError:
            pass  # unreachable: stays UNKNOWN, which is what an operator needs to see
        return entry


def health_of(name: str, address: str) -> int:
    """The service's own answer to `grpc.health.v1.Health/Check` (a `ServingStatus`); raises
    grpc.RpcError when it does not answer within CHECK_TIMEOUT_SECONDS."""
    return health_pb2_grpc.HealthStub(peers.channel(address)).Check(
        health_pb2.HealthCheckRequest(service=GRPC_SERVICES[name]), timeout=CHECK_TIMEOUT_SECONDS).status
