"""payment_svc's fixtures: the whole platform on the embedded default with the provider stand-in,
its settlement job running often and its share deadline short, so a test sees inquiries, refunds and
shares falling to the booker within seconds; and payment's database alone, migrated, for its use cases
and queries."""

from typing import Iterator

import pytest

from mesh.db import Database
from padel_testkit import Platform, launch_platform, stop_platform
from payment_svc.server import MIGRATIONS


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
