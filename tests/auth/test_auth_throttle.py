"""Failed sign-ins slow the guesser down and never lock the owner out (auth_svc.throttle with the
rules of domain.Backoff), on the Redis stand-in and on real Redis, with a clock the test moves."""

import uuid

import pytest

from auth_svc.domain import Backoff
from auth_svc.throttle import LoginThrottle
from mesh.errors import ResourceExhausted
from mesh.redis import make_redis

ATTACKER, OWNER, NEIGHBOUR = "203.0.113.7", "198.51.100.9", "203.0.113.7"  # the neighbour shares the NAT


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def throttle(redis_url, clock):
    client = make_redis(redis_url)
    yield LoginThrottle(client, per_account=Backoff(free=5, first_delay=30, window=900),
                        per_client=Backoff(free=20, first_delay=30, window=900), alert_failures=8, clock=clock)
    client.close()


def email() -> str:
    return f"player-{uuid.uuid4().hex[:8]}@example.com"


def wait_of(throttle, account: str, address: str) -> int:
    """Seconds this try must wait (0: it is taken now)."""
    try:
        throttle.check(account, address)
    except ResourceExhausted as refused:
        return refused.retry_after_seconds
    return 0


def fail(throttle, account: str, address: str, times: int = 1):
    return [throttle.failed(account, address) for _ in range(times)]


def test_delays_grow_with_each_failure_and_end_by_themselves(throttle, clock):
    victim = email()
    fail(throttle, victim, ATTACKER, 4)
    assert wait_of(throttle, victim, ATTACKER) == 0  # a few typos cost nothing
    waits = []
    for _ in range(4):
        fail(throttle, victim, ATTACKER)
        waits.append(wait_of(throttle, victim, ATTACKER))
        clock.now += waits[-1]  # the guesser waits, as told, and fails again
    assert waits == [30, 60, 120, 240]
    fail(throttle, victim, ATTACKER, 5)
    assert wait_of(throttle, victim, ATTACKER) == 900  # at most the window
    clock.now += 899
    assert wait_of(throttle, victim, ATTACKER) == 1
    clock.now += 1
    assert wait_of(throttle, victim, ATTACKER) == 0
    fail(throttle, victim, ATTACKER)  # more than a window after the last failure: counted afresh
    assert wait_of(throttle, victim, ATTACKER) == 0


def test_a_guesser_never_slows_the_owner_signing_in_from_elsewhere(throttle):
    victim = email()
    fail(throttle, victim, ATTACKER, 12)
    assert wait_of(throttle, victim, ATTACKER) > 0
    assert wait_of(throttle, victim, OWNER) == 0
    throttle.succeeded(victim, OWNER)  # the owner's own sign-in does not lift the guesser's delay
    assert wait_of(throttle, victim, ATTACKER) > 0


def test_a_successful_reset_lets_the_owner_in_even_from_the_guessers_address(throttle):
    victim = email()
    fail(throttle, victim, ATTACKER, 12)
    fail(throttle, victim, OWNER, 6)
    throttle.cleared(victim, NEIGHBOUR)  # the owner, behind the same NAT, reset the password
    assert wait_of(throttle, victim, NEIGHBOUR) == 0
    assert wait_of(throttle, victim, OWNER) == 0


def test_an_address_spraying_many_accounts_is_slowed_without_locking_out_the_rest(throttle):
    regular, untouched = email(), email()
    throttle.succeeded(regular, NEIGHBOUR)  # signs in from the office every day
    for _ in range(20):
        fail(throttle, email(), ATTACKER)  # one guess each at twenty accounts
    assert wait_of(throttle, untouched, ATTACKER) == 30  # a new account from that address waits
    assert wait_of(throttle, regular, NEIGHBOUR) == 0  # known here: not slowed by the sprayer
    assert wait_of(throttle, untouched, OWNER) == 0  # and nobody elsewhere


def test_a_burst_of_failures_is_reported_once(throttle, clock):
    victim = email()
    reports = fail(throttle, victim, ATTACKER, 5) + fail(throttle, victim, OWNER, 2)
    assert reports == [None] * 7
    clock.now += 10
    [report] = fail(throttle, victim, "192.0.2.1")
    assert report.failures == 8 and report.addresses == 3
    assert report.last_failed_at - report.first_failed_at == 10
    assert fail(throttle, victim, ATTACKER, 3) == [None] * 3  # the same burst: told already
    clock.now += 900  # quiet for a window: the next burst is news again
    assert fail(throttle, victim, ATTACKER, 8)[-1].failures == 8


def test_a_guesser_hopping_addresses_in_their_ipv6_network_is_slowed_as_one_address(throttle):
    """A home line gets a whole IPv6 /64: a new address per guess must not buy a fresh allowance."""
    victim, untouched = email(), email()
    fail(throttle, victim, "2001:db8:1:2::1", 5)
    assert wait_of(throttle, victim, "2001:db8:1:2::dead:beef") == 30
    for n in range(15):  # with the 5 above, twenty accounts' failures from that network
        fail(throttle, email(), f"2001:db8:1:2::{n + 1:x}")  # spraying, one address each
    assert wait_of(throttle, untouched, "2001:db8:1:2:ffff::9") == 30
    assert wait_of(throttle, victim, "[2001:db8:1:2::7]") == 30  # as a gRPC peer writes it
    assert wait_of(throttle, victim, "2001:db8:1:3::1") == 0  # the next network is someone else


def test_an_ipv4_address_written_ipv4_mapped_is_the_same_address(throttle):
    victim = email()
    fail(throttle, victim, ATTACKER, 5)
    assert wait_of(throttle, victim, f"::ffff:{ATTACKER}") == 30
