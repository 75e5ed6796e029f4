"""UserService over gRPC: request → UserBook call → response. The caller comes from the token."""

from google.api import httpbody_pb2
from padel.user.v1 import user_service_pb2 as pb
from padel.user.v1 import user_service_pb2_grpc

from mesh import caller
from user_svc import convert
from user_svc.domain import ConnectionView, UserBook


# A file name is never reused for other bytes, so caches may keep an avatar for good; nosniff keeps
# browsers from reading the bytes as anything but the image type given.
AVATAR_HEADERS = (("cache-control", "public, max-age=31536000, immutable"), ("x-content-type-options", "nosniff"))


def _connection(view: ConnectionView):
    return convert.connection(view.connection, view.other.profile, view.other.avatar_url)


class UserServicer(user_service_pb2_grpc.UserServiceServicer):
    def __init__(self, book: UserBook):
        self.book = book

    def GetProfile(self, request, context):
        view = self.book.get_profile(caller.current().user_id)
        return pb.GetProfileResponse(profile=convert.profile(view.profile, view.avatar_url))

    def UpdateProfile(self, request, context):
        view = self.book.update_profile(caller.current().user_id, list(request.update_mask.paths),
                                        convert.profile_values(request.profile))
        return pb.UpdateProfileResponse(profile=convert.profile(view.profile, view.avatar_url))

    def DeleteProfile(self, request, context):
        self.book.delete_profile(caller.current().user_id)
        return pb.DeleteProfileResponse()

    def ExportData(self, request, context):
        data = self.book.export_data(caller.current().user_id)
        return pb.ExportDataResponse(profile=convert.profile(data.profile.profile, data.profile.avatar_url),
                                     preferences=convert.preferences(data.preferences),
                                     connections=[_connection(view) for view in data.connections])

    def UploadAvatar(self, request, context):
        return pb.UploadAvatarResponse(avatar_url=self.book.upload_avatar(caller.current().user_id, request.image))

    def GetAvatar(self, request, context):
        data, content_type = self.book.get_avatar(request.file_name)
        # gRPC initial metadata becomes HTTP response headers at the edge (HttpBody has none of its own).
        context.send_initial_metadata(AVATAR_HEADERS)
        return pb.GetAvatarResponse(body=httpbody_pb2.HttpBody(content_type=content_type, data=data))

    def GetPreferences(self, request, context):
        return pb.GetPreferencesResponse(
            preferences=convert.preferences(self.book.get_preferences(caller.current().user_id)))

    def UpdatePreferences(self, request, context):
        row = self.book.update_preferences(caller.current().user_id, list(request.update_mask.paths),
                                           convert.preference_values(request.preferences))
        return pb.UpdatePreferencesResponse(preferences=convert.preferences(row))

    def GetStats(self, request, context):
        return pb.GetStatsResponse(stats=convert.stats(self.book.get_stats(caller.current().user_id)))

    def ListConnections(self, request, context):
        status = convert.CONNECTION_STATUS_FROM_PROTO.get(request.status)
        page = self.book.list_connections(caller.current().user_id, status, request.page_size, request.page_token)
        return pb.ListConnectionsResponse(connections=[_connection(view) for view in page.connections],
                                          next_page_token=page.next_page_token)

    def RequestConnection(self, request, context):
        view = self.book.request_connection(caller.current().user_id, request.user_id)
        return pb.RequestConnectionResponse(connection=_connection(view))

    def AcceptConnection(self, request, context):
        view = self.book.accept_connection(caller.current().user_id, request.user_id)
        return pb.AcceptConnectionResponse(connection=_connection(view))

    def DeclineConnection(self, request, context):
        self.book.decline_connection(caller.current().user_id, request.user_id)
        return pb.DeclineConnectionResponse()

    def RemoveConnection(self, request, context):
        self.book.remove_connection(caller.current().user_id, request.user_id)
        return pb.RemoveConnectionResponse()

    def BlockUser(self, request, context):
        self.book.block_user(caller.current().user_id, request.user_id)
        return pb.BlockUserResponse()

    def UnblockUser(self, request, context):
        self.book.unblock_user(caller.current().user_id, request.user_id)
        return pb.UnblockUserResponse()

    def GetUser(self, request, context):
        view = self.book.get_user(caller.current().user_id, request.user_id)
        return pb.GetUserResponse(profile=convert.public_profile(view.profile, view.avatar_url))
