"""Builds booking_svc's gRPC server from the mesh runtime: the use cases (venue setup, availability,
the booking life cycle) behind the servicer, the outbox relay, the consumer of auth's, payments' and its own events and the
booking job (expired holds, asking match_svc about holds not heard opened, finished games) as background workers."""

import datetime as dt
import pathlib

from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc import consumers
from booking_svc.jobs import BookingJob
from booking_svc.matches import MatchDesk
from booking_svc.players import Players
from booking_svc.service import Availability, Bookings, Venues, VenueSetups
from booking_svc.service.lotteries import Lotteries
from booking_svc.service.match_holds import MatchHolds
from booking_svc.service.memberships import Memberships
from booking_svc.service.reviews import Reviews
from booking_svc.service.series import Series
from booking_svc.service.summaries import WeeklySummaries
from booking_svc.service.waitlist import Waitlist
from booking_svc.servicer import BookingServicer
from booking_svc.settings import NAME, BookingSettings
from mesh import plumbing, server

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def settings_from_env(environ=None) -> BookingSettings:
    return BookingSettings.from_env(NAME, environ)


def build_server(settings: BookingSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    clock = parts.clock  # business time for every use case and the booking job (mesh.clock)
    setups = VenueSetups()
    bookings = Bookings(setups, settings.commission_percent, Players(settings.addresses["user"]), clock,
                        max_unpaid_holds=settings.max_unpaid_holds)
    waitlist = Waitlist(bookings, clock)
    match_holds = MatchHolds(bookings, MatchDesk(settings.addresses["match"]))
    memberships = Memberships(clock, notice=dt.timedelta(days=settings.renewal_notice_days),
                              commission_percent=settings.commission_percent)
    lotteries = Lotteries(bookings, clock)
    servicer = BookingServicer(parts.database, Venues(clock), Availability(setups, clock), bookings,
                               Series(bookings, clock), waitlist, Reviews(clock), lotteries, memberships, match_holds)
    return server.build(
        NAME, settings,
        servicers=[(booking_service_pb2_grpc.add_BookingServiceServicer_to_server, servicer)],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        workers=[parts.relay, consumers.consumer(parts.database, parts.redis, bookings, waitlist, match_holds,
                                                         memberships),
                 BookingJob(bookings, parts.database, settings.job_interval_seconds, waitlist, WeeklySummaries(clock),
                            memberships, lotteries, match_holds)])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
