"""Helpers for match_svc's tests: booking_svc and match_svc running on port 0 with the full
interceptor chain, players with levels, and a court booked by an organiser."""

import contextlib
import dataclasses
import datetime as dt
import uuid

import grpc
import pytest
from padel.booking.v1 import booking_service_pb2_grpc
from padel.match.v1 import match_pb2 as m
from padel.match.v1 import match_service_pb2 as api
from padel.match.v1 import match_service_pb2_grpc
from padel.user.v1 import user_service_pb2_grpc

from booking_testkit import BookingClient, local_day
from booking_svc.jobs import BookingJob
from match_svc.jobs import ResultJob
from mesh.relay import OutboxRelay
from padel_testkit import free_port


@dataclasses.dataclass
class MatchClient:
    """MatchService over gRPC with tokens from the test issuer, beside the booking_svc it asks."""

    stub: match_service_pb2_grpc.MatchServiceStub
    issuer: object
    courts: BookingClient
    users: user_service_pb2_grpc.UserServiceStub
    job: ResultJob  # the running server's result job: its use cases' clocks are the server's
    relay: OutboxRelay  # match_svc's outbox relay (stopped: its events wait in its outbox)
    booking_job: BookingJob  # booking_svc's job, run by hand (`run_once`) at booking's moved clock

    def player(self, user_id: str) -> tuple:
        return self.issuer.metadata(user_id, ("player",))

    @contextlib.contextmanager
    def at(self, moment: dt.datetime):
        """match_svc's clock reads `moment` inside the block (the match has been played)."""
        clock = self.job.results.clock
        real = clock.read
        clock.read = lambda: moment
        try:
            yield
        finally:
            clock.read = real

    def new_player(self, level: float, gender=m.GENDER_UNSPECIFIED, years: int = 10) -> str:
        """A player whose questionnaire gave `level` (capped by `years` played)."""
        player = str(uuid.uuid4())
        self.stub.AnswerQuestionnaire(api.AnswerQuestionnaireRequest(years_played=years, self_assessment=level,
                                                                     gender=gender), metadata=self.player(player))
        return player

    def booked_court(self, organiser: str, days_ahead: int = 3, clock: str = "19:00", **venue) -> str:
        """A new venue and the organiser's confirmed booking there; returns the booking id."""
        owner = str(uuid.uuid4())
        created = self.courts.create_venue(owner, name=f"Match Club {uuid.uuid4().hex[:6]}", **venue)
        return self.courts.book(organiser, created.courts[0].court_id, local_day(days_ahead), clock).booking_id

    def open(self, organiser: str, kind=m.MATCH_KIND_COMPETITIVE, mode=m.GENDER_MODE_OPEN, spread=0.0,
             **court) -> m.Match:
        booking_id = self.booked_court(organiser, **court)
        return self.stub.OpenMatch(api.OpenMatchRequest(booking_id=booking_id, kind=kind, gender_mode=mode,
                                                        level_spread=spread), metadata=self.player(organiser)).match

    def join(self, match_id: str, player: str, side=m.SIDE_UNSPECIFIED) -> m.Match:
        return self.stub.JoinMatch(api.JoinMatchRequest(match_id=match_id, side=side),
                                   metadata=self.player(player)).match

    def level(self, player: str) -> api.GetPlayerLevelResponse:
        return self.stub.GetPlayerLevel(api.GetPlayerLevelRequest(player_id=player), metadata=self.player(player))


def _start(start_service, token_issuer, booking_env: dict, match_env: dict) -> MatchClient:
    user_host, user_channel = start_service("user")
    match_port = free_port()  # booking_svc's job asks match_svc about holds not heard opened
    booking_host, booking_channel = start_service("booking", PADEL_USER_ADDR=f"127.0.0.1:{user_host.port}",
                                                  PADEL_MATCH_ADDR=f"127.0.0.1:{match_port}", **booking_env)
    booking_job = next(worker for worker in booking_host.workers if isinstance(worker, BookingJob))
    courts = BookingClient(booking_service_pb2_grpc.BookingServiceStub(booking_channel), token_issuer,
                           booking_job.bookings)
    host, channel = start_service("match", PADEL_MATCH_PORT=str(match_port),
                                  PADEL_BOOKING_ADDR=f"127.0.0.1:{booking_host.port}",
                                  PADEL_USER_ADDR=f"127.0.0.1:{user_host.port}",
                                  PADEL_MATCH_JOB_INTERVAL_SECONDS="0.2", **match_env)
    job = next(worker for worker in host.workers if isinstance(worker, ResultJob))
    relay = next(worker for worker in host.workers if isinstance(worker, OutboxRelay))
    return MatchClient(match_service_pb2_grpc.MatchServiceStub(channel), token_issuer, courts,
                       user_service_pb2_grpc.UserServiceStub(user_channel), job, relay, booking_job)


@pytest.fixture
def matches(start_service, token_issuer) -> MatchClient:
    """match_svc, with the booking_svc and user_svc it asks, on SQLite."""
    return _start(start_service, token_issuer, {}, {})


@pytest.fixture
def matches_postgres(start_service, token_issuer, make_postgres_db) -> MatchClient:
    """match_svc and booking_svc on PostgreSQL, one database each (user_svc on SQLite)."""
    return _start(start_service, token_issuer, {"PADEL_BOOKING_DATABASE_URL": make_postgres_db()},
                  {"PADEL_MATCH_DATABASE_URL": make_postgres_db()})


def rpc_error(call, *args, **kwargs) -> grpc.RpcError:
    """The error `call` fails with (the test fails if it succeeds)."""
    with pytest.raises(grpc.RpcError) as error:
        call(*args, **kwargs)
    return error.value
