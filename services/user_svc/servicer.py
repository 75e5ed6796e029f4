"""UserService over gRPC, thin: request message → `convert` → use case → `convert` → response
message. The caller comes from the access token (`mesh.caller`) and is passed to the use case."""

from google.api import httpbody_pb2
from padel.user.v1 import user_service_pb2 as pb
from padel.user.v1 import user_service_pb2_grpc

from mesh import caller
from mesh.db import Database
from user_svc import convert
from user_svc.service import Archives, Avatars, Connections, Directory, Profiles, preferences, stats

# A file name is never reused for other bytes, so caches may keep an avatar for good; nosniff keeps
# browsers from reading the bytes as anything but the image type given.
AVATAR_HEADERS = (("cache-control", "public, max-age=31536000, immutable"), ("x-content-type-options", "nosniff"))


class UserServicer(user_service_pb2_grpc.UserServiceServicer):
    """Each call runs its use case in a transaction of `database`."""

    def __init__(self, database: Database, profiles: Profiles, connections: Connections, avatars: Avatars,
                 directory: Directory, archives: Archives):
        self.database = database
        self.archives = archives
        self.profiles = profiles
        self.connections = connections
        self.avatars = avatars
        self.directory = directory

    def GetProfile(self, request, context):
        view = self.profiles.get_profile(self.database, caller.current())
        return pb.GetProfileResponse(profile=convert.profile(view.profile, view.avatar_url))

    def UpdateProfile(self, request, context):
        view = self.profiles.update_profile(self.database, caller.current(), list(request.update_mask.paths),
                                            convert.profile_values(request.profile))
        return pb.UpdateProfileResponse(profile=convert.profile(view.profile, view.avatar_url))

    def DeleteProfile(self, request, context):
        self.profiles.delete_profile(self.database, caller.current())
        return pb.DeleteProfileResponse()

    def ExportData(self, request, context):
        return convert.exported_data(self.profiles.export_data(self.database, caller.current()))

    def ExportArchive(self, request, context):
        made = self.archives.export(self.database, caller.current())
        # gRPC initial metadata becomes HTTP response headers at the edge: a download, kept by no cache.
        context.send_initial_metadata((
            ("content-disposition", f'attachment; filename="{convert.archive_file_name(made)}"'),
            ("cache-control", "no-store")))
        return convert.archive(made)

    def UploadAvatar(self, request, context):
        return pb.UploadAvatarResponse(avatar_url=self.avatars.upload(self.database, caller.current(), request.image))

    def GetAvatar(self, request, context):
        data, content_type = self.avatars.get(self.database, request.file_name)
        # gRPC initial metadata becomes HTTP response headers at the edge (HttpBody has none of its own).
        context.send_initial_metadata(AVATAR_HEADERS)
        return pb.GetAvatarResponse(body=httpbody_pb2.HttpBody(content_type=content_type, data=data))

    def GetPreferences(self, request, context):
        row = preferences.get_preferences(self.database, caller.current())
        return pb.GetPreferencesResponse(preferences=convert.preferences(row))

    def UpdatePreferences(self, request, context):
        row = preferences.update_preferences(self.database, caller.current(), list(request.update_mask.paths),
                                             convert.preference_values(request.preferences))
        return pb.UpdatePreferencesResponse(preferences=convert.preferences(row))

    def GetStats(self, request, context):
        return pb.GetStatsResponse(stats=convert.stats(stats.get_stats(self.database, caller.current())))

    def ListConnections(self, request, context):
        status = convert.CONNECTION_STATUS_FROM_PROTO.get(request.status)
        page = self.connections.list_connections(self.database, caller.current(), status, request.page_size,
                                                 request.page_token)
        return pb.ListConnectionsResponse(connections=[convert.connection_view(view) for view in page.items],
                                          next_page_token=page.next_page_token)

    def RequestConnection(self, request, context):
        view = self.connections.request_connection(self.database, caller.current(), request.user_id)
        return pb.RequestConnectionResponse(connection=convert.connection_view(view))

    def AcceptConnection(self, request, context):
        view = self.connections.accept_connection(self.database, caller.current(), request.user_id)
        return pb.AcceptConnectionResponse(connection=convert.connection_view(view))

    def DeclineConnection(self, request, context):
        self.connections.decline_connection(self.database, caller.current(), request.user_id)
        return pb.DeclineConnectionResponse()

    def RemoveConnection(self, request, context):
        self.connections.remove_connection(self.database, caller.current(), request.user_id)
        return pb.RemoveConnectionResponse()

    def BlockUser(self, request, context):
        self.connections.block_user(self.database, caller.current(), request.user_id)
        return pb.BlockUserResponse()

    def UnblockUser(self, request, context):
        self.connections.unblock_user(self.database, caller.current(), request.user_id)
        return pb.UnblockUserResponse()

    def GetUser(self, request, context):
        view = self.profiles.get_user(self.database, caller.current(), request.user_id)
        return pb.GetUserResponse(profile=convert.public_profile(view.profile, view.avatar_url))

    def SearchPlayers(self, request, context):
        page = self.directory.search_players(self.database, caller.current(), request.query, request.city,
                                             request.min_level, request.max_level, request.page_size,
                                             request.page_token)
        return pb.SearchPlayersResponse(
            players=[convert.public_profile(view.profile, view.avatar_url) for view in page.items],
            next_page_token=page.next_page_token)

    def CheckBlocked(self, request, context):
        blocked = self.connections.check_blocked(self.database, caller.current(), request.user_id, request.other_id)
        return pb.CheckBlockedResponse(blocked=blocked)
