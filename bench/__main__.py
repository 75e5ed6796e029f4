"""Issue 11's table in one run: each route through Envoy's REST port under `wrk`, as requests per
second, as a multiple of GET /health measured in the same run, and its latency; plus the CPU the
whole platform burns at idle. For the embedded shape, and for PostgreSQL + Redis when given.

    make bench                                   # both shapes when PADEL_TEST_POSTGRES_URL/_REDIS_URL are set
    .venv/bin/python -m bench [--seconds 10] [--rounds 3] [--connections 16] [--shape embedded|postgres]
                              [--set PADEL_BOOKING_PROCESSES=2 …] [--no-scale-out]

With the PostgreSQL shape it also runs that shape again with two booking_svc processes and prints
each booking_svc route's rate against one process's.

The machine runs the clients and every server: compare ratios within one run, not figures across
runs. The edge's rate limit is lifted; the PostgreSQL shape creates throwaway databases and empties
the Redis database it is given.
"""

import argparse
import contextlib
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "gen"), str(ROOT / "services"), str(ROOT)]

from bench import idle, scenario, wrk  # noqa: E402
from mesh.settings import SERVICES  # noqa: E402
from padel_testkit import ThrowawayDatabases, launch_platform, stop_platform  # noqa: E402  (the suite's launcher)

@contextlib.contextmanager
def running(shape: str, folder: pathlib.Path, settings: dict[str, str], postgres: str, redis_url: str):
    """The platform of `shape` on free ports, the edge's rate limit lifted."""
    env = {"PADEL_EDGE_RATE_LIMIT_RPS": "1000000", **settings}
    databases = None
    if shape == "postgres":
        from mesh.redis import make_redis

        databases = ThrowawayDatabases(postgres, prefix="padel_bench")
        env.update({f"PADEL_{name.upper()}_DATABASE_URL": databases.make() for name in SERVICES})
        env["PADEL_REDIS_URL"] = redis_url
        client = make_redis(redis_url)
        client.flushdb()
        client.close()
    try:
        platform = launch_platform(folder / "platform", **env)
        try:
            yield platform
        finally:
            stop_platform(platform)
    finally:
        if databases is not None:
            databases.drop()


def loaded(platform, route: scenario.Route, seconds: float, options) -> tuple[wrk.Result, dict[str, float]]:
    """One route under wrk for `seconds`, and the CPU seconds each part spent on it: the service
    that answers it, Envoy, wrk itself and the rest of the platform (read from /proc, so comparable
    between runs on a busy machine, where requests per second are not). A write route starts once
    the platform is quiet: the events of the writes before it (the consumers' handling of the
    bookings) are neither charged to it nor take its cores."""
    if route.mode:
        idle.wait_quiet(platform.process.pid)
    before, client_before = idle.tree_ticks(platform.process.pid), _children_cpu()
    result = wrk.run(platform.url + route.path, *route.mode, seconds=seconds, connections=options.connections)
    after, client = idle.tree_ticks(platform.process.pid), _children_cpu() - client_before
    spent = {pid: (ticks - before.get(pid, 0)) / idle.TICKS for pid, ticks in after.items()}
    used = idle.by_role(spent)
    # A service of several processes: how much of its work its busiest process did (1.0 when the
    # calls all reached one of them, as the edge's few connections to the shared port allow).
    busiest = max((seconds for pid, seconds in spent.items() if idle.role(pid) == route.service), default=0.0)
    return result, {"service": used.pop(route.service, 0.0), "envoy": used.pop("envoy", 0.0), "wrk": client,
                    "rest": sum(used.values()), "busiest": busiest}


PARTS = ("service", "envoy", "wrk", "rest", "busiest")


def under_load(platform, routes: list[scenario.Route], options) -> list[tuple[wrk.Result, dict[str, float]]]:
    """Each route's result and CPU milliseconds per request. The read routes take turns over
    `options.rounds` rounds (GET /health, venues, availability, then again …), so a spell of load from
    elsewhere on the machine falls on the baseline and the routes alike; a booking run spends its
    distinct slots and a sign-in run is bound by bcrypt, so each of those runs once, whole."""
    reads = [route for route in routes if not route.mode]
    runs: dict[str, list] = {route.name: [] for route in routes}
    for _ in range(options.rounds):
        for route in reads:
            runs[route.name].append(loaded(platform, route, options.seconds / options.rounds, options))
    for route in routes:
        if route.mode:
            runs[route.name].append(loaded(platform, route, options.seconds, options))
    measured = []
    for route in routes:
        result = wrk.combined([result for result, _ in runs[route.name]])
        spent = {part: sum(cpu[part] for _, cpu in runs[route.name]) for part in PARTS}
        measured.append((result, {part: 1000 * seconds / max(1, result.requests) for part, seconds in spent.items()}))
    return measured


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the wrk runs)."""
    times = os.times()
    return times.children_user + times.children_system


def measure(shape: str, options, folder: pathlib.Path, **extra: str) -> tuple[list[str], dict[tuple[str, str], float]]:
    """The table of one shape, as markdown lines, and the requests per second of each route (by its
    name and the service that answers it)."""
    settings = {**dict(options.set), **extra}
    with running(shape, folder, settings, options.postgres, options.redis) as platform:
        routes = scenario.prepare(platform, folder, options.seconds)
        idle.wait_quiet(platform.process.pid)  # the events of the preparation handled
        idle_lines = idle.report(idle.per_process(platform.process.pid, options.idle_seconds))  # roles while alive
        wrk.run(platform.url + routes[0].path, seconds=2, connections=options.connections)  # warm the connections
        results = [(route, *outcome) for route, outcome in zip(routes, under_load(platform, routes, options))]
        live, clashes = scenario.double_bookings(platform)
        from auth_svc.server import settings_from_env

        bound = scenario.bcrypt_bound(settings_from_env(platform.env).bcrypt_rounds, os.cpu_count() or 1)
    health = results[0][1].rate
    named = ", ".join(f"{name}={value}" for name, value in settings.items()) or "defaults"
    lines = [f"### {shape} shape ({named}): wrk -t2 -c{options.connections} -d{options.seconds:g}s per route "
             f"through Envoy (the reads in {options.rounds} rounds, taking turns)",
             "", "| route | req/s | × GET /health | p50 | p99 | max | failed "
                 "| CPU ms/request: service, Envoy, wrk, rest |", "|---|---|---|---|---|---|---|---|"]
    for route, result, cpu in results:
        failed = f"{result.failed}" + (f" (HTTP {result.statuses})" if result.statuses else "")
        lines.append(f"| {route.name} | {result.rate:,.0f} | {result.rate / health:.2f} | {result.p50_ms:.1f} ms "
                     f"| {result.p99_ms:.1f} ms | {result.max_ms:.0f} ms | {failed} | "
                     + ", ".join(f"{cpu[part]:.2f}" for part in ("service", "envoy", "wrk", "rest")) + " |")
        if int(settings.get(f"PADEL_{route.service.removesuffix('_svc').upper()}_PROCESSES", "1")) > 1:
            lines.append(f"|   ({route.service}'s busiest process did {cpu['busiest'] / max(cpu['service'], 1e-9):.0%}"
                         " of its CPU) | | | | | | | |")
        if result.out_of_slots:
            lines.append("|   (ran out of distinct free slots: raise scenario.MAX_BOOKINGS_PER_SECOND) | | | | | | | |")
    login = results[-1][1].rate
    lines += ["", f"login: {login:,.1f}/s = {login / bound:.2f} × the bcrypt bound "
                  f"({os.cpu_count()} cores / one bcrypt check = {bound:,.1f}/s)",
              f"bookings: {live:,} live in booking_svc's database, {clashes} pairs of them overlapping on a court",
              f"idle over {options.idle_seconds:g} s (% of one core, wake-ups a second, by process):", "",
              *(f"    {line}" for line in idle_lines), ""]
    return lines, {(route.name, route.service): result.rate for route, result, _ in results}


def scale_out(one: dict[tuple[str, str], float], two: dict[tuple[str, str], float]) -> list[str]:
    """Two booking_svc processes against one, route by route (the issue asks 1.7× for the routes
    booking_svc answers on one PostgreSQL)."""
    lines = ["### scale-out: two booking_svc processes against one, PostgreSQL shape", "",
             "| route | req/s, 1 process | req/s, 2 processes | × |", "|---|---|---|---|"]
    for route in (route for route in one if route[1] == "booking_svc"):
        lines.append(f"| {route[0]} | {one[route]:,.0f} | {two[route]:,.0f} | {two[route] / max(one[route], 1e-9):.2f} |")
    return lines + [f"(this machine: {os.cpu_count()} cores for wrk, Envoy, PostgreSQL, Redis and every service)", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per route")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3,
                        help="the read routes take turns this many times, each for seconds/rounds")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--shape", choices=("embedded", "postgres"), action="append",
                        help="default: embedded, and postgres when --postgres and --redis are known")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        type=lambda pair: tuple(pair.split("=", 1)), help="a setting of every platform started")
    parser.add_argument("--postgres", default=os.environ.get("PADEL_TEST_POSTGRES_URL", ""),
                        help="a server where throwaway databases may be created (default $PADEL_TEST_POSTGRES_URL)")
    parser.add_argument("--redis", default=os.environ.get("PADEL_TEST_REDIS_URL", ""),
                        help="a Redis database the run may empty (default $PADEL_TEST_REDIS_URL)")
    parser.add_argument("--no-scale-out", dest="scale_out", action="store_false",
                        help="skip the PostgreSQL shape again with two booking_svc processes")
    options = parser.parse_args()
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    shapes = options.shape or ["embedded", *(["postgres"] if options.postgres and options.redis else [])]
    if "postgres" in shapes and not (options.postgres and options.redis):
        parser.error("the postgres shape needs --postgres and --redis (or PADEL_TEST_POSTGRES_URL/_REDIS_URL)")
    rates = {}
    for shape in shapes:
        with tempfile.TemporaryDirectory(prefix=f"padel-bench-{shape}-") as folder:
            lines, rates[shape] = measure(shape, options, pathlib.Path(folder))
            print("\n".join(lines), flush=True)
    if "postgres" in rates and options.scale_out and "PADEL_BOOKING_PROCESSES" not in dict(options.set):
        with tempfile.TemporaryDirectory(prefix="padel-bench-two-") as folder:
            lines, two = measure("postgres", options, pathlib.Path(folder), PADEL_BOOKING_PROCESSES="2")
            print("\n".join(lines + scale_out(rates["postgres"], two)), flush=True)


if __name__ == "__main__":
    main()
