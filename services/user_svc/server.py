"""Builds user_svc's gRPC server from the mesh runtime: the use cases with their collaborators (the
other services' export RPCs for the data archive), the servicer, the outbox relay and the event consumer."""

import pathlib

from padel.user.v1 import user_service_pb2_grpc

from mesh import plumbing, server
from user_svc import consumers
from user_svc.blobs import FileBlobStore
from user_svc.exports import PeerExports
from user_svc.service import Archives, Avatars, Connections, Directory, Profiles
from user_svc.servicer import UserServicer
from user_svc.settings import NAME, UserSettings

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> UserSettings:
    return UserSettings.from_env(NAME, environ)


def build_server(settings: UserSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    avatars = Avatars(FileBlobStore(settings.avatar_dir), settings.avatar_base_url)
    profiles = Profiles(avatars)
    archives = Archives(profiles, PeerExports(settings.addresses).collect)
    servicer = UserServicer(parts.database, profiles, Connections(avatars), avatars, Directory(avatars), archives)
    consumer = consumers.consumer(parts.database, parts.redis, profiles)
    return server.build(
        NAME, settings,
        servicers=[(user_service_pb2_grpc.add_UserServiceServicer_to_server, servicer)],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database, workers=[parts.relay, consumer])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
