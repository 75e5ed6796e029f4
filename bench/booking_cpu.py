"""CPU per booking, process by process: where the platform's work for one `POST /api/bookings/book`
goes (booking_svc and its outbox relay, the consumers of BookingConfirmed in the other services,
Envoy, Redis, wrk itself). CPU seconds over bookings made is robust to a shared machine, unlike a
rate: use it to compare before and after a change of the write path.

    .venv/bin/python -m bench.booking_cpu [--seconds 10] [--connections 16] [--set NAME=VALUE …]

Starts `padel run` on free ports (embedded shape, the edge's rate limit lifted), prepares distinct free
slots as `make bench` does, books them under wrk, waits until the platform is quiet again (every event
handled) and prints each process's CPU milliseconds per booking.
"""

import argparse
import collections
import os
import pathlib
import re
import resource
import signal
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "gen"), str(ROOT / "services"), str(ROOT)]

from bench import idle, scenario, wrk  # noqa: E402
from padel_testkit import launch_platform, stop_platform  # noqa: E402

PY_SPY = pathlib.Path(sys.executable).with_name("py-spy")


def _name(pid: int) -> str:
    """A short name for a platform process: its module (`booking_svc`, `edge`), or its program."""
    try:
        argv = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"(ended {pid})"
    argv = [part.decode() for part in argv if part]
    if "-m" in argv:
        return argv[argv.index("-m") + 1]
    return " ".join([pathlib.Path(argv[0]).name, *argv[1:2]]) if argv else str(pid)


def _by_name(ticks: dict[int, int], names: dict[int, str]) -> dict[str, int]:
    summed = collections.Counter()
    for pid, used in ticks.items():
        summed[names.get(pid) or _name(pid)] += used
    return summed


def _thread_ticks(pids) -> dict[tuple[int, int], tuple[int, int]]:
    """(pid, thread id) → (user, system) CPU ticks used so far, for every thread of `pids`."""
    ticks = {}
    for pid in pids:
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                with open(f"/proc/{pid}/task/{thread}/stat") as file:
                    fields = file.read().rpartition(")")[2].split()
            except OSError:
                continue
            ticks[pid, int(thread)] = int(fields[11]), int(fields[12])
    return ticks


def _thread_names(pid: int) -> dict[int, str]:
    """Thread id → Python thread name, as `py-spy dump` tells them (threads of no Python name: none)."""
    try:
        dump = subprocess.run([str(PY_SPY), "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    return {int(match[1]): match[2] for match in re.finditer(r'^Thread (\d+) \([^)]*\): "([^"]*)"', dump.stdout, re.M)}


def _sample(names: dict[int, str], folder: pathlib.Path) -> list[subprocess.Popen]:
    """A py-spy sampler on every Python process of the platform, writing FOLDER/<name>.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    samplers = []
    for pid, name in names.items():
        if "." in name or name.endswith("_svc"):  # a module run with `python -m`
            samplers.append(subprocess.Popen(
                [str(PY_SPY), "record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--nonblocking",
                 "--output", str(folder / f"{name}-{pid}.txt")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return samplers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profile", type=pathlib.Path, metavar="FOLDER",
                        help="also sample every Python process with py-spy (a test extra) while it books "
                             "and settles: FOLDER/<process>.txt, collapsed stacks (the figures then include "
                             "py-spy's own cost to the processes)")
    parser.add_argument("--threads", action="store_true",
                        help="also each thread's CPU per booking in the Python processes (named by `py-spy dump`)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        type=lambda pair: tuple(pair.split("=", 1)), help="a setting of the platform")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="padel-booking-cpu-") as data:
        folder = pathlib.Path(data)
        platform = launch_platform(folder / "platform", PADEL_EDGE_RATE_LIMIT_RPS="1000000", **dict(options.set))
        try:
            slots = folder / "slots.txt"
            scenario.write_slots(platform, slots, int(scenario.MAX_BOOKINGS_PER_SECOND * options.seconds))
            root = platform.process.pid
            idle.wait_quiet(root)
            names = {pid: _name(pid) for pid in idle.tree_ticks(root)}
            before = idle.tree_ticks(root)
            python = [pid for pid, name in names.items() if "." in name or name.endswith("_svc")]
            threads_before = _thread_ticks(python) if options.threads else {}
            samplers = _sample(names, options.profile) if options.profile else []
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = wrk.run(platform.url + "/api/bookings/book", "book", str(slots), seconds=options.seconds,
                             connections=options.connections)
            after_wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
            settled = idle.wait_quiet(root)
            after = idle.tree_ticks(root)
            threads_after = _thread_ticks(python) if options.threads else {}
            thread_names = {pid: _thread_names(pid) for pid in python} if options.threads else {}
            for sampler in samplers:
                sampler.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
            for sampler in samplers:
                sampler.wait(30)
        finally:
            stop_platform(platform)
    booked = result.requests - result.failed
    used = _by_name({pid: ticks - before.get(pid, 0) for pid, ticks in after.items()}, names)
    per_booking = {name: 1000.0 * ticks / idle.TICKS / max(booked, 1) for name, ticks in used.items()}
    per_booking["wrk"] = 1000.0 * (after_wrk.ru_utime + after_wrk.ru_stime - children.ru_utime
                                   - children.ru_stime) / max(booked, 1)
    print(f"{booked} bookings in {result.seconds:.1f} s ({result.rate:.0f}/s, p50 {result.p50_ms:.0f} ms, "
          f"{result.failed} failed {result.statuses or ''}); quiet {settled:.0f} s after; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| process | CPU ms per booking |\n|---|---|")
    for name, ms in sorted(per_booking.items(), key=lambda item: -item[1]):
        if ms >= 0.05:
            print(f"| {name} | {ms:.2f} |")
    print(f"| all | {sum(per_booking.values()):.2f} |")
    if options.threads:
        by_thread, in_kernel = collections.Counter(), collections.Counter()
        for (pid, thread), (user, system) in threads_after.items():
            label = re.sub(r"_\d+$", "_N", thread_names.get(pid, {}).get(thread, "(not Python)"))
            earlier_user, earlier_system = threads_before.get((pid, thread), (0, 0))
            by_thread[names[pid], label] += user + system - earlier_user - earlier_system
            in_kernel[names[pid], label] += system - earlier_system
        print("\n| process | thread | CPU ms per booking | of which in the kernel |\n|---|---|---|---|")
        for key, ticks in by_thread.most_common():
            ms = 1000.0 * ticks / idle.TICKS / max(booked, 1)
            if ms >= 0.2:
                print(f"| {key[0]} | {key[1]} | {ms:.2f} | {1000.0 * in_kernel[key] / idle.TICKS / max(booked, 1):.2f} |")


if __name__ == "__main__":
    main()
