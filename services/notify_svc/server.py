"""Builds notify_svc's gRPC server from the mesh runtime: the use cases, the servicer, the event
consumer and the delivery job (which also releases due reminders)."""

import datetime as dt
import email.utils
import pathlib

from padel.notify.v1 import notify_service_pb2_grpc

from mesh import plumbing, server
from notify_svc import channels, consumers
from notify_svc.jobs import DeliveryJob
from notify_svc.rendering import Renderer
from notify_svc.service import (Accounts, Bookings, CalendarFeeds, Connections, Deliveries, Devices, Inbox, Matches,
                                Memberships, Payments, Templates, VenueNews)
from notify_svc.servicer import NotifyServicer
from notify_svc.settings import NAME, NotifySettings

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> NotifySettings:
    return NotifySettings.from_env(NAME, environ)


def build_server(settings: NotifySettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    renderer = Renderer(seconds=settings.template_render_seconds, memory_mib=settings.template_memory_mib)
    deliveries = Deliveries(renderer, channels.build(settings), retry_base_seconds=settings.retry_base_seconds,
                            retry_max_seconds=settings.retry_max_seconds, max_attempts=settings.max_attempts,
                            lease_seconds=max(60.0, 3 * settings.send_timeout_seconds))
    clock = parts.clock  # business time (reminders, feeds, stamps); deliveries keep the machine's (mesh.clock)
    accounts = Accounts(deliveries, app_base_url=settings.app_base_url, clock=clock)
    organizer = email.utils.parseaddr(settings.smtp_from)[1]  # who calendar entries say sent them
    bookings = Bookings(deliveries, reminder_lead=dt.timedelta(minutes=settings.reminder_lead_minutes),
                        organizer=organizer, clock=clock)
    feeds = CalendarFeeds(app_base_url=settings.app_base_url, organizer=organizer, clock=clock)
    templates = Templates(renderer, clock=clock)
    templates.install_defaults(parts.database)
    return server.build(
        NAME, settings,
        servicers=[(notify_service_pb2_grpc.add_NotifyServiceServicer_to_server,
                    NotifyServicer(parts.database, deliveries, Inbox(clock=clock), templates, Devices(clock=clock),
                                   feeds))],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        # The renderer first: started before anything renders, stopped after everything that does.
        workers=[renderer, parts.relay,
                 consumers.consumer(parts.database, parts.redis, accounts, bookings, Connections(deliveries),
                                    Payments(deliveries, app_base_url=settings.app_base_url), Matches(deliveries),
                                    VenueNews(deliveries), Memberships(deliveries, app_base_url=settings.app_base_url)),
                 DeliveryJob(parts.database, deliveries, bookings, poll_seconds=settings.poll_seconds,
                             longest_wait_seconds=settings.longest_wait_seconds,
                             clock_moves=settings.test_clock_file is not None)])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
