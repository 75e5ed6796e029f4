"""CPU used by a process and all its descendants (the whole platform under `padel run`: services,
their worker processes, the edge directory, Envoy, an embedded Redis), read from /proc."""

import os
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


def cpu_percent(root: int, seconds: float) -> tuple[float, int]:
    """(% of one core the tree of `root` used over the next `seconds`, how many processes it has)."""
    before = tree_ticks(root)
    started = time.monotonic()
    time.sleep(seconds)
    after = tree_ticks(root)
    elapsed = time.monotonic() - started
    used = sum(ticks - before.get(pid, 0) for pid, ticks in after.items())
    return 100.0 * used / TICKS / elapsed, len(after)
