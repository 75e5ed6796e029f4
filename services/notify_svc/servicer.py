"""NotifyService over gRPC, thin: request message → convert → use case (with the caller and the
service's database as the unit of work) → convert → response message."""

from __future__ import annotations

from google.api import httpbody_pb2
from padel.notify.v1 import notify_service_pb2 as pb
from padel.notify.v1 import notify_service_pb2_grpc

from mesh import caller
from mesh.db import Database
from notify_svc import convert
from notify_svc.service import CalendarFeeds, Deliveries, Devices, Inbox, Templates, exports

# A feed URL is a secret: no shared cache keeps it; calendar programs poll it every few hours anyway.
FEED_HEADERS = (("cache-control", "private, max-age=300"),)


class NotifyServicer(notify_service_pb2_grpc.NotifyServiceServicer):
    def __init__(self, database: Database, deliveries: Deliveries, inbox: Inbox, templates: Templates,
                 devices: Devices, feeds: CalendarFeeds):
        self.database = database
        self.deliveries = deliveries
        self.inbox = inbox
        self.templates = templates
        self.devices = devices
        self.feeds = feeds

    def SendNotification(self, request, context):
        queued = self.deliveries.send_by_admin(
            self.database, caller.current(), request.user_id, [convert.channel_name(c) for c in request.channels],
            request.kind, dict(request.variables), request.subject, request.body)
        return pb.SendNotificationResponse(deliveries=[convert.delivery(row) for row in queued])

    def ListTemplates(self, request, context):
        page = self.templates.list(self.database, kind=request.kind, channel=convert.channel_name(request.channel),
                                   language=convert.language_name(request.language), page_size=request.page_size,
                                   page_token=request.page_token)
        return pb.ListTemplatesResponse(templates=[convert.template(row) for row in page.items],
                                        next_page_token=page.next_page_token)

    def UpsertTemplate(self, request, context):
        sent = request.template
        row = self.templates.save(self.database, caller.current(), sent.kind, convert.channel_name(sent.channel),
                                  convert.language_name(sent.language), sent.subject, sent.body)
        return pb.UpsertTemplateResponse(template=convert.template(row))

    def ListDeliveryLogs(self, request, context):
        page = self.deliveries.delivery_log(self.database, caller.current(), user_id=request.user_id,
                                            channel=convert.channel_name(request.channel),
                                            status=convert.status_name(request.status), page_size=request.page_size,
                                            page_token=request.page_token)
        return pb.ListDeliveryLogsResponse(deliveries=[convert.delivery(row) for row in page.items],
                                           next_page_token=page.next_page_token)

    def ListInbox(self, request, context):
        page, unread = self.inbox.list(self.database, caller.current(), unread_only=request.unread_only,
                                       page_size=request.page_size, page_token=request.page_token)
        return pb.ListInboxResponse(messages=[convert.inbox_message(row) for row in page.items],
                                    next_page_token=page.next_page_token, unread_count=unread)

    def MarkInboxRead(self, request, context):
        message = self.inbox.mark_read(self.database, caller.current(), request.message_id)
        return pb.MarkInboxReadResponse(message=convert.inbox_message(message))

    def RegisterDevice(self, request, context):
        device = self.devices.register(self.database, caller.current(), request.token)
        return pb.RegisterDeviceResponse(device=convert.device(device))

    def UnregisterDevice(self, request, context):
        self.devices.unregister(self.database, caller.current(), request.device_id)
        return pb.UnregisterDeviceResponse()

    def ExportNotifyData(self, request, context):
        return convert.notify_export(exports.export_data(self.database, caller.current(), self.inbox.clock))

    def RotateCalendarFeed(self, request, context):
        return pb.RotateCalendarFeedResponse(feed_url=self.feeds.rotate(self.database, caller.current()))

    def GetCalendarFeed(self, request, context):
        text = self.feeds.feed(self.database, request.file_name)
        # gRPC initial metadata becomes HTTP response headers at the edge (HttpBody has none of its own).
        context.send_initial_metadata(FEED_HEADERS)
        return pb.GetCalendarFeedResponse(body=httpbody_pb2.HttpBody(content_type="text/calendar; charset=utf-8",
                                                                     data=text.encode()))
