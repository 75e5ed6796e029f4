"""Throttling of failed sign-ins in Redis, shared by every replica: it slows the guesser down and
never locks the owner out (OWASP Authentication Cheat Sheet; the rules are domain.Backoff).

An address counts as its network (domain.client_network): an IPv6 client is its /64.

- Per account and client address: after a few failures, each further try from that address waits
  longer (growing delays). The owner signing in from another address is not slowed down.
- Per client address, over all accounts: an address that fails on many accounts (password spraying)
  is slowed down the same way, with a larger allowance; accounts that signed in successfully from
  that address before are exempt, so one guesser behind a campus or office NAT does not lock out
  everyone behind it.
- A successful sign-in clears its own account and address; a successful password reset clears
  the account for every address (the owner proved themselves through their mailbox).
- Failures to one account from anywhere are also counted as a burst, so the owner can be told.

Redis holds per account one hash (its failures per address and the burst), per address one
counter, and the known account+address pairs; keys are hashed, so Redis holds neither email
addresses nor raw client input. Time comes from an injectable clock.
"""

import hashlib
import time
from typing import Callable

import redis

from auth_svc.domain import KNOWN_CLIENT_SECONDS, Backoff, FailureBurst, alert_due, client_network
from mesh.errors import ResourceExhausted, Unavailable

UNREACHABLE = "sign-in is unavailable: the throttle store is unreachable; try again shortly"


def _digest(*values: str) -> str:
    return hashlib.sha256("\0".join(values).encode()).hexdigest()[:32]


def _key(kind: str, *values: str) -> str:
    return f"padel:auth:sign-in:{kind}:{_digest(*values)}"


def _number(value) -> float | None:
    return None if value is None else float(value)


class LoginThrottle:
    def __init__(self, client: redis.Redis, per_account: Backoff, per_client: Backoff, alert_failures: int,
                 clock: Callable[[], float] = time.time):
        self.redis = client
        self.per_account = per_account
        self.per_client = per_client
        self.alert_failures = alert_failures
        self.clock = clock

    def check(self, email: str, client_address: str) -> None:
        """Raises ResourceExhausted (with when to retry) while this account and address, or this
        address on an account it never signed in to, must wait."""
        client_address = client_network(client_address)
        account, pair = _key("account", email), _digest(client_address)
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                pipe.hmget(account, f"{pair}:n", f"{pair}:at")
                pipe.hmget(_key("client", client_address), "n", "at")
                pipe.exists(_key("known", email, client_address))
                (pair_n, pair_at), (client_n, client_at), known = pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable(UNREACHABLE) from exc
        now = self.clock()
        wait = self.per_account.wait(int(pair_n or 0), _number(pair_at), now)
        if client_address and not known:
            wait = max(wait, self.per_client.wait(int(client_n or 0), _number(client_at), now))
        if wait:
            raise ResourceExhausted("too many failed sign-ins; try again later", retry_after_seconds=wait)

    def failed(self, email: str, client_address: str) -> FailureBurst | None:
        """Counts a failure; returns the account's burst when its holder should now be told."""
        client_address = client_network(client_address)
        account, client, pair = _key("account", email), _key("client", client_address), _digest(client_address)
        now = self.clock()

        def count(pipe) -> FailureBurst | None:
            state = {k.decode(): v.decode() for k, v in pipe.hgetall(account).items()}
            client_n, client_at = pipe.hmget(client, "n", "at")
            burst_n = self.per_account.remembered(int(state.get("n", 0)), _number(state.get("at")), now)
            first = float(state["first"]) if burst_n else now
            alerted = bool(burst_n) and state.get("alerted") == "1"
            pair_n = self.per_account.remembered(int(state.get(f"{pair}:n", 0)), _number(state.get(f"{pair}:at")), now)
            due = alert_due(burst_n + 1, alerted, self.alert_failures)
            addresses = 1 + sum(1 for field, at in state.items() if field.endswith(":at") and field != f"{pair}:at"
                                and self.per_account.remembered(1, float(at), now))
            pipe.multi()
            pipe.hset(account, mapping={f"{pair}:n": pair_n + 1, f"{pair}:at": now, "n": burst_n + 1,
                                        "first": first, "at": now, "alerted": int(alerted or due)})
            pipe.expire(account, self.per_account.window)
            if client_address:
                client_count = self.per_client.remembered(int(client_n or 0), _number(client_at), now)
                pipe.hset(client, mapping={"n": client_count + 1, "at": now})
                pipe.expire(client, self.per_client.window)
            return FailureBurst(burst_n + 1, first, now, addresses) if due else None

        try:
            return self.redis.transaction(count, account, client, value_from_callable=True)
        except redis.RedisError as exc:
            raise Unavailable(UNREACHABLE) from exc

    def succeeded(self, email: str, client_address: str) -> None:
        """Clears this account's failures from this address, and remembers the address as the
        account's own. Other addresses' failures stay: a guesser elsewhere is still slowed down,
        and the address's own counter stays, or a guesser could reset it with their own sign-in."""
        pair = _digest(client_network(client_address))
        self._write(lambda pipe: pipe.hdel(_key("account", email), f"{pair}:n", f"{pair}:at"), email, client_address)

    def cleared(self, email: str, client_address: str) -> None:
        """After a successful password reset: the account is slowed down nowhere any more."""
        self._write(lambda pipe: pipe.delete(_key("account", email)), email, client_address)

    def _write(self, change, email: str, client_address: str) -> None:
        client_address = client_network(client_address)
        try:
            with self.redis.pipeline(transaction=True) as pipe:
                change(pipe)
                if client_address:
                    pipe.set(_key("known", email, client_address), 1, ex=KNOWN_CLIENT_SECONDS)
                pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable(UNREACHABLE) from exc
