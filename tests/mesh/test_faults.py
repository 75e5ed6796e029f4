"""Faults: a database that goes away makes a service NOT_SERVING and its calls UNAVAILABLE, and the
service recovers by itself when the database comes back. The fault is a real broken connection:
the service reaches PostgreSQL through a TCP relay that the test cuts and restores."""

import socket
import threading
import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from padel.booking.v1 import booking_service_pb2 as pb
from padel.booking.v1 import booking_service_pb2_grpc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mesh import server
from mesh.db import Database
from mesh.settings import ServiceSettings
from padel_testkit import eventually


class TcpRelay:
    """Forwards a local port to a target; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.links: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.open = False
        for link in self.links:
            try:
                link.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.links.clear()

    def restore(self):
        self.open = True


class Venues(booking_service_pb2_grpc.BookingServiceServicer):
    def __init__(self, database: Database):
        self.database = database

    def GetVenue(self, request, context):
        with self.database.session() as session:
            session.execute(text("SELECT 1"))
        return pb.GetVenueResponse()


@pytest.mark.postgres
@pytest.mark.slow
def test_database_outage_is_unavailable_and_the_service_recovers(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setattr(server, "HEALTH_CHECK_SECONDS", 0.2)
    url = make_url(postgres_url)
    relay = TcpRelay((url.host, url.port or 5432))
    database = Database(url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False))
    settings = ServiceSettings.from_env("booking", {"PADEL_DATA_DIR": str(tmp_path), "PADEL_BOOKING_PORT": "0"})
    host, port = server.build("booking", settings, [
        (booking_service_pb2_grpc.add_BookingServiceServicer_to_server, Venues(database))],
        [settings.grpc_service], verifier=None, database=database)
    host.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    health = health_pb2_grpc.HealthStub(channel)
    venues = booking_service_pb2_grpc.BookingServiceStub(channel)

    def status():
        return health.Check(health_pb2.HealthCheckRequest(service=settings.grpc_service)).status

    try:
        assert eventually(lambda: status() == health_pb2.HealthCheckResponse.SERVING)
        venues.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))

        relay.cut()
        assert eventually(lambda: status() == health_pb2.HealthCheckResponse.NOT_SERVING)
        with pytest.raises(grpc.RpcError) as failure:
            venues.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))
        assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "database" in failure.value.details()

        relay.restore()
        assert eventually(lambda: status() == health_pb2.HealthCheckResponse.SERVING)
        venues.GetVenue(pb.GetVenueRequest(venue_id=str(uuid.uuid4())))
    finally:
        channel.close()
        host.stop(0)
        database.dispose()


class Stuck(booking_service_pb2_grpc.BookingServiceServicer):
    """Holds every GetVenue until released: a service whose request threads are all busy."""

    def __init__(self):
        self.entered, self.release = threading.Event(), threading.Event()

    def GetVenue(self, request, context):
        self.entered.set()
        self.release.wait(30)
        return pb.GetVenueResponse()


def test_a_service_with_every_request_thread_busy_still_answers_its_health_check(tmp_path):
    """Envoy marks a service down when its health check takes over a second; a saturated service is
    slow, not down, so health is answered off the request pool."""
    settings = ServiceSettings.from_env("booking", {"PADEL_DATA_DIR": str(tmp_path), "PADEL_BOOKING_PORT": "0",
                                                    "PADEL_BOOKING_WORKERS": "1"})
    stuck = Stuck()
    host, port = server.build("booking", settings, [
        (booking_service_pb2_grpc.add_BookingServiceServicer_to_server, stuck)], [settings.grpc_service],
        verifier=None)
    host.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    health = health_pb2_grpc.HealthStub(channel)
    try:
        assert eventually(lambda: health.Check(health_pb2.HealthCheckRequest(service=settings.grpc_service))
                         .status == health_pb2.HealthCheckResponse.SERVING)
        busy = [booking_service_pb2_grpc.BookingServiceStub(channel).GetVenue.future(
            pb.GetVenueRequest(venue_id=str(uuid.uuid4()))) for _ in range(3)]
        assert stuck.entered.wait(10)
        answer = health.Check(health_pb2.HealthCheckRequest(service=settings.grpc_service), timeout=5)
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
        stuck.release.set()
        for call in busy:
            call.result(timeout=30)
    finally:
        stuck.release.set()
        channel.close()
        host.stop(0)
