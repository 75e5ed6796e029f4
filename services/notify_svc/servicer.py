"""NotifyService over gRPC: request message → domain call → response message."""

from __future__ import annotations

from padel.notify.v1 import notify_service_pb2 as pb
from padel.notify.v1 import notify_service_pb2_grpc

from mesh.db import Database
from notify_svc import convert, store
from notify_svc.domain import Notifications


class NotifyServicer(notify_service_pb2_grpc.NotifyServiceServicer):
    def __init__(self, database: Database, notifications: Notifications):
        self.database = database
        self.notifications = notifications

    def SendNotification(self, request, context):
        with self.database.session() as session:
            queued = self.notifications.send_by_admin(
                session, request.user_id, [convert.channel_name(c) for c in request.channels], request.kind,
                dict(request.variables), request.subject, request.body)
            return pb.SendNotificationResponse(deliveries=[convert.delivery(row) for row in queued])

    def ListTemplates(self, request, context):
        with self.database.session() as session:
            rows = store.templates(session, request.kind, convert.channel_name(request.channel),
                                   convert.language_name(request.language))
            return pb.ListTemplatesResponse(templates=[convert.template(row) for row in rows])

    def UpsertTemplate(self, request, context):
        sent = request.template
        with self.database.session() as session:
            row = self.notifications.save_template(
                session, sent.kind, convert.channel_name(sent.channel),
                convert.language_name(sent.language), sent.subject, sent.body)
            return pb.UpsertTemplateResponse(template=convert.template(row))

    def ListDeliveryLogs(self, request, context):
        with self.database.session() as session:
            rows, token = self.notifications.delivery_log(
                session, user_id=request.user_id, channel=convert.channel_name(request.channel),
                status=convert.status_name(request.status), size=request.page_size, token=request.page_token)
            return pb.ListDeliveryLogsResponse(deliveries=[convert.delivery(row) for row in rows],
                                               next_page_token=token)

    def ListInbox(self, request, context):
        with self.database.session() as session:
            rows, token, unread = self.notifications.inbox(
                session, unread_only=request.unread_only, size=request.page_size, token=request.page_token)
            return pb.ListInboxResponse(messages=[convert.inbox_message(row) for row in rows],
                                        next_page_token=token, unread_count=unread)

    def MarkInboxRead(self, request, context):
        with self.database.session() as session:
            message = self.notifications.mark_read(session, request.message_id)
            return pb.MarkInboxReadResponse(message=convert.inbox_message(message))


