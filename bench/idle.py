"""CPU used by a process and all its descendants (the whole platform under `padel run`: services,
their worker processes, the edge directory, Envoy, an embedded Redis), read from /proc.

    .venv/bin/python -m bench.idle [--seconds 30]   # starts `padel run` on free ports, prints each process's idle CPU
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user + system CPU ticks) of a live process; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rpartition(")")[2].split()  # after the command name, which may hold spaces
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree_ticks(root: int) -> dict[int, int]:
    """pid → CPU ticks used so far, for `root` and every descendant alive now."""
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


def per_process(root: int, seconds: float) -> dict[int, float]:
    """pid → % of one core it used over the next `seconds`, for `root` and every descendant."""
    before = tree_ticks(root)
    started = time.monotonic()
    time.sleep(seconds)
    after = tree_ticks(root)
    elapsed = time.monotonic() - started
    return {pid: 100.0 * (ticks - before.get(pid, 0)) / TICKS / elapsed for pid, ticks in after.items()}


def cpu_percent(root: int, seconds: float) -> tuple[float, int]:
    """(% of one core the tree of `root` used over the next `seconds`, how many processes it has)."""
    used = per_process(root, seconds)
    return sum(used.values()), len(used)


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


def main() -> None:
    parser = argparse.ArgumentParser(description="Idle CPU of each process of a fresh `padel run`.")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle-seconds", type=float, default=15.0, help="after start, before measuring")
    options = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "tests"), str(root / "gen"), str(root / "services"), str(root)]
    from padel_testkit import launch_platform, stop_platform  # the suite's launcher, on free ports

    with tempfile.TemporaryDirectory(prefix="padel-idle-") as data:
        platform = launch_platform(pathlib.Path(data))
        try:
            time.sleep(options.settle_seconds)
            used = per_process(platform.process.pid, options.seconds)
            names = {pid: _command(pid) for pid in used}
        finally:
            stop_platform(platform)
    for pid, percent in sorted(used.items()):
        print(f"{percent:5.2f} %  {names[pid]}")
    print(f"{sum(used.values()):5.2f} %  of one core in all, {len(used)} processes over {options.seconds:g} s "
          f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
