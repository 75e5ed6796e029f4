"""AuthService over gRPC: request message → domain call → response message."""

from google.protobuf import json_format
from padel.auth.v1 import auth_service_pb2 as pb
from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc.keys import SigningKeys


class AuthServicer(auth_service_pb2_grpc.AuthServiceServicer):
    def __init__(self, keys: SigningKeys):
        self.keys = keys

    def GetJwks(self, request, context):
        return json_format.ParseDict(self.keys.jwks, pb.GetJwksResponse())
