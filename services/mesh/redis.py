"""The Redis client every service uses for events and caches; the embedded shape gets a stand-in."""

from __future__ import annotations

import threading

import fakeredis
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

_embedded_server: fakeredis.FakeServer | None = None
_embedded_lock = threading.Lock()


def make_redis(url: str) -> redis.Redis:
    """A Redis client for `url`; an empty url gives the in-process stand-in of the embedded shape.

    All embedded clients of one process share one fake server, so a relay and a consumer in the
    same process see the same streams.
    """
    global _embedded_server
    if not url:
        with _embedded_lock:
            if _embedded_server is None:
                _embedded_server = fakeredis.FakeServer()
        return fakeredis.FakeRedis(server=_embedded_server)
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=2,
        # Above the consumer's XREADGROUP block time, so a blocked read is not cut short.
        socket_timeout=5,
        health_check_interval=30,
        # The relay and consumers back off by themselves; the client's default of ten retries
        # would only hide an outage for several seconds per call.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
    )
