"""Throttling of failed sign-ins, per account and per client address, with Redis counters shared
by every replica. A counter lives for one window from its first failure; at the limit, sign-in
is refused until the window ends, even with the right password."""

import hashlib

import redis

from mesh.errors import ResourceExhausted, Unavailable


def _key(kind: str, value: str) -> str:
    # Hashed: Redis keys then carry neither email addresses nor raw client input.
    return f"padel:auth:login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


class LoginThrottle:
    def __init__(self, client: redis.Redis, max_per_account: int, max_per_client: int, window_seconds: int):
        self.redis = client
        self.limits = {"account": max_per_account, "client": max_per_client}
        self.window_seconds = window_seconds

    def _keys(self, email: str, client_address: str) -> dict[str, str]:
        keys = {"account": _key("account", email)}
        if client_address:
            keys["client"] = _key("client", client_address)
        return keys

    def check(self, email: str, client_address: str) -> None:
        """Raises ResourceExhausted (with when to retry) if the account or the address is locked."""
        keys = self._keys(email, client_address)
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                for key in keys.values():
                    pipe.get(key)
                    pipe.ttl(key)
                answers = pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable("sign-in is unavailable: the throttle store is unreachable; try again shortly") from exc
        for index, kind in enumerate(keys):
            count, ttl = answers[2 * index], answers[2 * index + 1]
            if count is not None and int(count) >= self.limits[kind]:
                raise ResourceExhausted(
                    "too many failed sign-ins; try again later",
                    retry_after_seconds=max(1, int(ttl) if ttl and ttl > 0 else self.window_seconds))

    def failed(self, email: str, client_address: str) -> None:
        try:
            for key in self._keys(email, client_address).values():
                with self.redis.pipeline(transaction=True) as pipe:
                    pipe.incr(key)
                    pipe.expire(key, self.window_seconds, nx=True)
                    pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable("sign-in is unavailable: the throttle store is unreachable; try again shortly") from exc

    def succeeded(self, email: str) -> None:
        """A success clears the account's counter. The address's counter stays: otherwise one
        attacker could guess other players' passwords and reset the count with their own login."""
        try:
            self.redis.delete(_key("account", email))
        except redis.RedisError as exc:
            raise Unavailable("sign-in is unavailable: the throttle store is unreachable; try again shortly") from exc
