"""The revocation cache's refill (mesh.tokens.RevocationList) on the Redis stand-in and on real
Redis: what it loads, and that its sentinel never vouches for a cache that lost entries."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from mesh.errors import Unavailable
from mesh.redis import make_redis
from mesh.tokens import RevocationList


@pytest.fixture
def revocations(redis_url):
    client = make_redis(redis_url)
    yield RevocationList(client)
    client.close()


def later(minutes: int = 15) -> datetime:
    return datetime.now(timezone.utc) + timedelta(minutes=minutes)


def test_a_refill_loads_the_snapshot_then_vouches_for_it(revocations):
    token_id, user_id = uuid.uuid4().hex, str(uuid.uuid4())
    with pytest.raises(Unavailable):
        revocations.is_revoked(token_id, user_id, 100)
    assert revocations.refill(lambda: ([(token_id, later())], [(user_id, 100, later())]))
    assert revocations.is_revoked(token_id, str(uuid.uuid4()), 1)
    assert revocations.is_revoked(uuid.uuid4().hex, user_id, 100)
    assert not revocations.is_revoked(uuid.uuid4().hex, user_id, 101)
    # Loaded already: nothing is read or written again.
    assert not revocations.refill(lambda: pytest.fail("the snapshot is not needed"))


def test_redis_losing_its_data_during_a_refill_leaves_it_unloaded(revocations):
    token_id = uuid.uuid4().hex

    def snapshot_while_wiped():
        revocations.redis.flushdb()  # lost again while the database was being read
        return [(token_id, later())], []

    assert not revocations.refill(snapshot_while_wiped)
    assert not revocations.is_loaded()
    assert revocations.refill(lambda: ([(token_id, later())], []))
    assert revocations.is_revoked(token_id, str(uuid.uuid4()), 1)


def test_a_cut_off_written_during_a_refill_is_not_undone_by_an_older_snapshot(revocations):
    user_id = str(uuid.uuid4())

    def snapshot_older_than_a_role_change():
        revocations.cut_off(user_id, 200, later())  # committed after the snapshot was read
        return [], [(user_id, 150, later())]

    assert revocations.refill(snapshot_older_than_a_role_change)
    assert revocations.is_revoked(uuid.uuid4().hex, user_id, 200)


def test_forget_makes_checks_refuse_until_the_next_refill(revocations):
    revocations.refill(lambda: ([], []))
    revocations.forget()
    with pytest.raises(Unavailable):
        revocations.is_revoked(uuid.uuid4().hex, str(uuid.uuid4()), 1)
