"""Builds notify_svc's gRPC server from the mesh runtime, with its event consumer and delivery worker."""

import datetime as dt
import pathlib

from padel.notify.v1 import notify_service_pb2_grpc

from mesh import plumbing, server
from notify_svc import channels, events
from notify_svc.domain import Notifications
from notify_svc.rendering import Renderer
from notify_svc.servicer import NotifyServicer
from notify_svc.settings import NAME, NotifySettings
from notify_svc.worker import DeliveryWorker

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> NotifySettings:
    return NotifySettings.from_env(NAME, environ)


def build_server(settings: NotifySettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    renderer = Renderer(seconds=settings.template_render_seconds, memory_mib=settings.template_memory_mib)
    notifications = Notifications(
        app_base_url=settings.app_base_url, reminder_lead=dt.timedelta(minutes=settings.reminder_lead_minutes),
        retry_base_seconds=settings.retry_base_seconds, retry_max_seconds=settings.retry_max_seconds,
        max_attempts=settings.max_attempts, renderer=renderer)
    with parts.database.session() as session:
        notifications.install_default_templates(session)
    worker = DeliveryWorker(parts.database, notifications, channels.build(settings),
                            poll_seconds=settings.poll_seconds,
                            lease_seconds=max(60.0, 3 * settings.send_timeout_seconds))
    return server.build(
        NAME, settings,
        servicers=[(notify_service_pb2_grpc.add_NotifyServiceServicer_to_server,
                    NotifyServicer(parts.database, notifications))],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        # The renderer first: started before anything renders, stopped after everything that does.
        workers=[renderer, parts.relay, events.consumer(parts.database, parts.redis, notifications), worker])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
