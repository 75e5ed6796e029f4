"""The settlement job with nothing to do costs one read (issue 11: it runs every 5 s in every idle
payment_svc), and still does what falls due."""

import datetime as dt

from sqlalchemy import event

from mesh.db import Database
from payment_svc.domain import ShareState
from payment_svc.jobs import Settlement
from test_payment_ledger import START, world_on
from test_payment_rebalance import bill, booking_in, by_player

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def test_an_idle_settlement_round_is_one_read_and_a_share_past_its_deadline_still_falls_to_the_booker(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'payment.db'}")
    world = world_on(database)
    _database, _wallet, clock, bills, payments, refunds = world
    job = Settlement(database, bills, payments, refunds, interval_seconds=5)
    booking_id, _venue = booking_in(world, ["booker", "guest"], 4000)
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, statement, *_rest: sent.append(statement))
    try:
        assert job.work() is False
        assert [s for s in sent if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)] == [sent[-1]]
        assert sent[-1].lstrip().upper().startswith("SELECT")

        clock.now = START + dt.timedelta(days=1)  # the guest's share is past its deadline
        job.work()
    finally:
        database.dispose()
    assert (ShareState.OWED_BY_BOOKER, 2000) in by_player(bill(world, booking_id, "booker"))["guest"]
