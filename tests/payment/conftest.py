"""payment_svc's fixtures: the whole platform on the embedded default with the provider stand-in,
its settlement job running often and its share deadline short, so a test sees inquiries, refunds and
shares falling to the booker within seconds; payment's database alone, migrated, for its use cases
and queries; and the rows a test writes there by hand (a booking as booking_svc's events leave it, a
payment attempt)."""

import datetime as dt
import uuid
from typing import Callable, Iterator, Sequence

import pytest
from sqlalchemy.orm import Session

from mesh.db import Database
from padel_testkit import Platform, launch_platform, stop_platform
from payment_svc import store
from payment_svc.server import MIGRATIONS

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)  # when the hand-written rows were made


@pytest.fixture
def database(database_url) -> Iterator[Database]:
    db = Database(database_url)
    db.migrate(MIGRATIONS)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def pay_platform(tmp_path_factory) -> Iterator[Platform]:
    running = launch_platform(
        tmp_path_factory.mktemp("pay-platform"),
        PADEL_PAYMENT_JOB_INTERVAL_SECONDS="0.5", PADEL_PAYMENT_PROVIDER_TIMEOUT_SECONDS="2",
        PADEL_PAYMENT_STANDIN_DELAY_SECONDS="4", PADEL_PAYMENT_SHARE_WINDOW_SECONDS="3",
        PADEL_BOOKING_JOB_INTERVAL_SECONDS="1")
    yield running
    stop_platform(running)


@pytest.fixture
def booking_row() -> Callable[..., str]:
    """Writes payment_svc's copy of a booking (as BookingCreated leaves it) in a session: its id. Paid
    online whole unless `online_paisa` says otherwise; the platform's commission is a tenth."""

    def write(session: Session, booker_id: str, player_ids: Sequence[str] = (), *, price_paisa: int = 100,
              online_paisa: int | None = None, status: str = "confirmed") -> str:
        booking_id = str(uuid.uuid4())
        session.add(store.Booking(id=booking_id, venue_id=str(uuid.uuid4()), booker_id=booker_id,
                                  player_ids=list(player_ids or [booker_id]), start_time=NOW, local_date=NOW.date(),
                                  price_paisa=price_paisa,
                                  online_paisa=price_paisa if online_paisa is None else online_paisa,
                                  commission_paisa=price_paisa // 10, status=status, created_at=NOW, updated_at=NOW))
        session.flush()
        return booking_id

    return write


@pytest.fixture
def payment_row() -> Callable[..., str]:
    """Writes a payment attempt by `payer_id` of the booking in a session (JazzCash, from 03001234567): its id."""

    def write(session: Session, booking_id: str, payer_id: str, state: str, *, amount_paisa: int = 100,
              share_ids: Sequence[str] = (), next_inquiry_at: dt.datetime | None = None) -> str:
        payment_id = str(uuid.uuid4())
        session.add(store.Payment(id=payment_id, booking_id=booking_id, payer_id=payer_id, wallet="jazzcash",
                                  amount_paisa=amount_paisa, state=state, reference=store.new_reference("T"),
                                  mobile_number="03001234567", share_ids=list(share_ids), provider_reference="",
                                  provider_message="", next_inquiry_at=next_inquiry_at, created_at=NOW,
                                  updated_at=NOW))
        return payment_id

    return write
