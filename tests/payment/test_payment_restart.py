"""A provider outage across a restart: payment_svc on port 0 with its real consumer and settlement
job, the provider stand-in on a free port, the booking announced on booking's stream. A payment left
pending by a 503 is settled by the inquiry of the next server on the same database, once."""

import datetime as dt
import threading
import uuid

import pytest
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.payment.v1 import events_pb2, payment_pb2 as pb
from padel.payment.v1 import payment_service_pb2 as api
from padel.payment.v1 import payment_service_pb2_grpc

from mesh.convert import timestamp
from mesh.db import Database
from mesh.redis import make_redis
from mesh.settings import Env
from padel_testkit import eventually, free_port, publish_event
from payment_svc import standin, store
from payment_svc.settings import STANDIN_JAZZCASH, PaymentSettings


@pytest.fixture
def provider():
    port = free_port()
    env = {"PADEL_PAYMENT_STANDIN_PORT": str(port)}
    server = standin.build(PaymentSettings.from_env(environ=env), Env(env))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_a_payment_left_pending_by_an_outage_is_captured_once_by_the_next_server(start_service, token_issuer,
                                                                                 provider, sqlite_url):
    redis_client = make_redis("")
    redis_client.flushdb()
    merchant, password, salt = STANDIN_JAZZCASH
    env = {"PADEL_PAYMENT_DATABASE_URL": sqlite_url, "PADEL_PAYMENT_JAZZCASH_BASE_URL": provider,
           "PADEL_PAYMENT_JAZZCASH_MERCHANT_ID": merchant, "PADEL_PAYMENT_JAZZCASH_PASSWORD": password,
           "PADEL_PAYMENT_JAZZCASH_INTEGRITY_SALT": salt}
    first, channel = start_service("payment", PADEL_PAYMENT_JOB_INTERVAL_SECONDS="3600", **env)
    booker, booking_id, venue_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    friends = [str(uuid.uuid4()), str(uuid.uuid4())]
    database = Database(sqlite_url)
    with database.session() as session:  # the venue takes the whole price online, as its owner chose
        session.add(store.VenuePayment(venue_id=venue_id, mode="full", deposit_percent=0,
                                       updated_at=dt.datetime.now(dt.timezone.utc)))
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    publish_event(redis_client, "padel.booking.events", booking_events.BookingCreated(booking=booking_events.BookingSnapshot(
        booking_id=booking_id, venue_id=venue_id, player_id=booker, participant_ids=friends, start_time=timestamp(start),
        end_time=timestamp(start + dt.timedelta(hours=1)), time_zone="Asia/Karachi",
        price=booking_pb2.Money(amount_paisa=500000, currency="PKR"),
        commission=booking_pb2.Money(amount_paisa=50000, currency="PKR"),
        status=booking_pb2.BOOKING_STATUS_PENDING)), handled_by="payment")
    stub = payment_service_pb2_grpc.PaymentServiceStub(channel)
    # Each invited player is asked for their share (notify sends the request).
    asked = eventually(lambda: [events_pb2.SharePaymentRequested.FromString(fields[b"data"])
                                   for _id, fields in redis_client.xrange("padel.payment.events")] or None,
                          "the payment requests are published")
    assert sorted(r.share.player_id for r in asked) == sorted(friends)
    assert {r.share.amount.amount_paisa for r in asked} == {166666} and {r.booker_id for r in asked} == {booker}

    paid = stub.Pay(api.PayRequest(booking_id=booking_id, wallet=pb.WALLET_JAZZCASH, mobile_number="03000000005",
                                   cnic_last_six="345678", cover=pb.PAY_COVER_ALL),
                    metadata=token_issuer.metadata(booker)).payment
    assert paid.status == pb.PAYMENT_STATUS_PENDING  # the provider answered 503
    first.stop(0)  # before any inquiry

    _, channel = start_service("payment", PADEL_PAYMENT_JOB_INTERVAL_SECONDS="0.2", **env)
    stub = payment_service_pb2_grpc.PaymentServiceStub(channel)

    def status():
        return stub.GetPayment(api.GetPaymentRequest(payment_id=paid.payment_id),
                               metadata=token_issuer.metadata(booker)).payment.status

    eventually(lambda: status() == pb.PAYMENT_STATUS_CAPTURED, "the next server's inquiry captures it")
    bill = stub.GetBill(api.GetBillRequest(booking_id=booking_id), metadata=token_issuer.metadata(booker)).bill
    assert bill.paid.amount_paisa == 500000 and bill.due.amount_paisa == 0
    with database.session(read_only=True) as session:
        captured = [e.share_id for e in store.entries_of(session, booking_id) if e.kind == "captured"]
    assert len(captured) == len(set(captured)) == 3  # each of the three shares, once
    database.dispose()
