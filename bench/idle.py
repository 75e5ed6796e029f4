"""CPU used by a process and all its descendants (the whole platform under `padel run`: services,
their worker processes, the edge directory, Envoy, an embedded Redis), read from /proc.

    .venv/bin/python -m bench.idle [--seconds 60] [--runs 3]   # `padel run` on free ports, each process's idle CPU

CPU time is each thread's run time from /proc/<pid>/task/<tid>/schedstat (nanoseconds, exact),
not the clock ticks of /proc/<pid>/stat: an idle service uses a few ticks a minute, and ticks are
charged to whichever thread the 10 ms timer interrupt finds running, so a 30 s window of them moved
by ±0.1 % of a core per process. The same file counts each thread's wake-ups (times it was
scheduled), which say how often a process is woken whatever each wake costs on a busy machine.
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")
QUIET_PERCENT = 10.0  # of one core, the whole platform: its events handled
QUIET_TIMEOUT_SECONDS = 120


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user + system CPU ticks) of a live process; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rpartition(")")[2].split()  # after the command name, which may hold spaces
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree_ticks(root: int) -> dict[int, int]:
    """pid → CPU ticks used so far, for `root` and every descendant alive now (threads that ended
    included: what a loaded run's CPU per request needs)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                stats[int(entry)] = stat
    ticks, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in stats:
            ticks[pid] = stats[pid][1]
            frontier += [child for child, (parent, _) in stats.items() if parent == pid]
    return ticks


def _run_time(pid: int) -> tuple[int, int, int]:
    """(nanoseconds run, nanoseconds runnable but waiting for a core, times scheduled) of the live
    threads of `pid`."""
    ran = waited = wakes = 0
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0, 0, 0
    for thread in threads:
        try:
            fields = [int(field) for field in pathlib.Path(f"/proc/{pid}/task/{thread}/schedstat").read_text().split()]
        except (OSError, ValueError):
            continue
        ran, waited, wakes = ran + fields[0], waited + fields[1], wakes + fields[2]
    return ran, waited, wakes


def _over(root: int, seconds: float) -> tuple[dict[int, tuple[int, int, int]], float]:
    """pid → what `_run_time` counts, used by `root` and every descendant over the next `seconds`;
    and the seconds that took."""
    pids = tree_ticks(root)
    before = {pid: _run_time(pid) for pid in pids}
    started = time.monotonic()
    time.sleep(seconds)
    after = {pid: _run_time(pid) for pid in pids}
    return ({pid: tuple(a - b for a, b in zip(after[pid], before[pid])) for pid in pids},
            time.monotonic() - started)


def per_process(root: int, seconds: float) -> dict[int, tuple[float, float]]:
    """pid → (% of one core it used, its wake-ups a second) over the next `seconds`, for `root`
    and every descendant."""
    used, elapsed = _over(root, seconds)
    return {pid: (100.0 * ran / 1e9 / elapsed, wakes / elapsed) for pid, (ran, _waited, wakes) in used.items()}


def wait_quiet(root: int) -> float:
    """Waits until the tree of `root` wants under QUIET_PERCENT of a core over a second (the events
    of what came before handled, at most QUIET_TIMEOUT_SECONDS); the seconds waited. Wanted is run
    or runnable: on a machine loaded from elsewhere a busy consumer may get little of a core, but
    it waits for one."""
    started = time.monotonic()
    while time.monotonic() - started < QUIET_TIMEOUT_SECONDS:
        used, elapsed = _over(root, 1.0)
        if 100.0 * sum(ran + waited for ran, waited, _wakes in used.values()) / 1e9 / elapsed < QUIET_PERCENT:
            break
    return time.monotonic() - started


def _command(pid: int) -> str:
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:90]
    except OSError:
        return "(ended)"


def role(pid: int) -> str:
    """What a platform process is: the module after `-m` ("booking_svc", "mesh.cli" …) or the
    program's name ("envoy", "redis-server")."""
    words = _command(pid).split()
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1]
    return pathlib.Path(words[0]).name if words else "(ended)"


def by_role(used: dict[int, float]) -> dict[str, float]:
    """`used` (pid → an amount) added up per `role` (a service's several worker processes are one)."""
    roles: dict[str, float] = {}
    for pid, amount in used.items():
        roles[role(pid)] = roles.get(role(pid), 0.0) + amount
    return roles


def report(used: dict[int, tuple[float, float]]) -> list[str]:
    """Lines of `per_process`'s answer by role, the largest first, and the sum."""
    percents = by_role({pid: percent for pid, (percent, _) in used.items()})
    wakes = by_role({pid: wakes for pid, (_, wakes) in used.items()})
    lines = [f"{percent:5.2f} %  {wakes[name]:6.1f} wake-ups/s  {name}"
             for name, percent in sorted(percents.items(), key=lambda item: -item[1])]
    lines.append(f"{sum(percents.values()):5.2f} %  {sum(wakes.values()):6.1f} wake-ups/s  "
                 f"of one core in all, {len(used)} processes")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Idle CPU of each process of a fresh `padel run`.")
    parser.add_argument("--seconds", type=float, default=60.0, help="each measured window")
    parser.add_argument("--runs", type=int, default=1, help="windows measured one after the other")
    parser.add_argument("--settle-seconds", type=float, default=15.0, help="after start, before measuring")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the platform, e.g. PADEL_REDIS_URL=redis://127.0.0.1:6379/0")
    options = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "tests"), str(root / "gen"), str(root / "services"), str(root)]
    from padel_testkit import launch_platform, stop_platform  # the suite's launcher, on free ports

    with tempfile.TemporaryDirectory(prefix="padel-idle-") as data:
        platform = launch_platform(pathlib.Path(data), **dict(setting.split("=", 1) for setting in options.set))
        try:
            time.sleep(options.settle_seconds)
            for run in range(options.runs):
                used = per_process(platform.process.pid, options.seconds)
                print(f"run {run + 1}, {options.seconds:g} s, load average {os.getloadavg()[0]:.1f}:")
                print("\n".join(report(used)), flush=True)
        finally:
            stop_platform(platform)


if __name__ == "__main__":
    main()
