"""auth's AccountDeleted as payment_svc handles it: payment_svc on port 0 with its real consumer,
the event published into auth's stream, and what stays of the person's payments."""

import datetime as dt
import uuid

import pytest
from padel.auth.v1 import events_pb2 as auth_events

from mesh.db import Database
from mesh.redis import make_redis
from padel_testkit import publish_event, real_server
from payment_svc import store
from payment_svc.domain import EntryKind, PaymentState, Wallet
from payment_svc.providers import Outcome
from payment_svc.service.payments import Payments

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(params=["embedded", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.redis])])
def payment_server(request, start_service, sqlite_url):
    redis_url, database_url = "", sqlite_url
    if request.param == "postgres":
        redis_url, database_url = real_server("PADEL_TEST_REDIS_URL"), request.getfixturevalue("postgres_url")
    client = make_redis(redis_url)
    client.flushdb()
    start_service("payment", PADEL_PAYMENT_DATABASE_URL=database_url, PADEL_REDIS_URL=redis_url)
    database = Database(database_url)
    yield database, client
    database.dispose()
    client.close()


def test_a_deleted_account_leaves_no_wallet_number_and_the_ledger_as_it_was(payment_server, booking_row,
                                                                            payment_row):
    database, redis_client = payment_server
    gone, other = str(uuid.uuid4()), str(uuid.uuid4())
    with database.session() as session:
        booking_id = booking_row(session, gone, [gone, other], price_paisa=200)
        captured, pending = (payment_row(session, booking_id, gone, state) for state in ("captured", "pending"))
        others = payment_row(session, booking_id, other, "captured")
        store.record(session, booking_id, EntryKind.CAPTURED, 100, NOW, "share", captured)
    message = auth_events.AccountDeleted(user_id=gone)
    for _ in range(2):  # delivered twice: handled twice, the same outcome
        publish_event(redis_client, "padel.auth.events", message, handled_by="payment")
    with database.session(read_only=True) as session:
        numbers = {p.id: p.mobile_number for p in store.payments_of(session, booking_id)}
        entries = store.entries_of(session, booking_id)
    assert numbers == {captured: "", pending: "03001234567", others: "03001234567"}
    assert [(e.kind, e.amount_paisa) for e in entries] == [("captured", 100)]


def test_a_deleted_accounts_pending_attempt_loses_its_wallet_number_once_it_settles(payment_server, booking_row,
                                                                                     payment_row):
    """The pending attempt keeps its number while the provider may still be asked about it; once it
    settles nothing needs the number, and the person asked to be forgotten."""
    database, redis_client = payment_server
    gone = str(uuid.uuid4())
    with database.session() as session:
        booking_id = booking_row(session, gone, status="pending")
        pending = payment_row(session, booking_id, gone, "pending")
    publish_event(redis_client, "padel.auth.events", auth_events.AccountDeleted(user_id=gone), handled_by="payment")
    with database.session() as session:
        assert session.get(store.Payment, pending).mobile_number == "03001234567"  # still asked about
        # One the person opened while their deletion was being handled settles the same way.
        racing = payment_row(session, booking_id, gone, "pending")
    for payment_id in (pending, racing):
        with database.session(read_only=True) as session:
            reference = session.get(store.Payment, payment_id).reference
        # The settlement job's inquiry hears the wallet declined it.
        Payments({}, lambda: NOW).settle(database, Outcome(reference, PaymentState.DECLINED), Wallet.JAZZCASH)
    with database.session(read_only=True) as session:
        assert [session.get(store.Payment, p).mobile_number for p in (pending, racing)] == ["", ""]
