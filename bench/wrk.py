"""Load from Debian's `wrk` (a C load generator, so the client does not compete with the servers for
a Python GIL), driven by `bench/padel.lua`, whose summary line this module parses."""

import dataclasses
import json
import pathlib
import shutil
import subprocess

SCRIPT = pathlib.Path(__file__).with_name("padel.lua")
MARK = "PADEL_BENCH "


@dataclasses.dataclass(frozen=True)
class Result:
    """One wrk run: how many requests completed, over how long, their latency and failures."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    failed: int  # HTTP status ≥ 400, socket errors and timeouts
    out_of_slots: bool = False  # a booking run ran out of distinct free slots
    statuses: dict[int, int] = dataclasses.field(default_factory=dict)  # HTTP status ≥ 400 → count
    # The latency distribution: µs (to 3 significant digits) → requests, as wrk counted them.
    latency_us: dict[int, int] = dataclasses.field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def combined(results: list[Result]) -> Result:
    """Several runs of one route as one: requests and seconds summed, the p50 and p99 over all their
    requests (their latency distributions added up) and the longest request."""
    if len(results) == 1:
        return results[0]
    statuses: dict[int, int] = {}
    latency_us: dict[int, int] = {}
    for result in results:
        for status, count in result.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
        for bucket, count in result.latency_us.items():
            latency_us[bucket] = latency_us.get(bucket, 0) + count
    return Result(requests=sum(r.requests for r in results), seconds=sum(r.seconds for r in results),
                  p50_ms=percentile(latency_us, 50) / 1000, p99_ms=percentile(latency_us, 99) / 1000,
                  max_ms=max(r.max_ms for r in results),
                  failed=sum(r.failed for r in results), out_of_slots=any(r.out_of_slots for r in results),
                  statuses=statuses, latency_us=latency_us)


def percentile(latency_us: dict[int, int], percent: float) -> int:
    """The latency (µs) that `percent` % of the requests of a distribution took at most, ranked as wrk
    ranks its own percentiles."""
    rank, seen = int(percent / 100 * sum(latency_us.values())) + 1, 0  # wrk's round(p × count + 0.5)
    for value in sorted(latency_us):
        seen += latency_us[value]
        if seen >= rank:
            return value
    return 0


def parse(output: str) -> Result:
    """The result in wrk's output: the line `padel.lua`'s done() prints."""
    for line in output.splitlines():
        if line.startswith(MARK):
            summary = json.loads(line.removeprefix(MARK))
            return Result(
                requests=summary["requests"], seconds=summary["duration_us"] / 1e6,
                p50_ms=summary["p50_us"] / 1000, p99_ms=summary["p99_us"] / 1000, max_ms=summary["max_us"] / 1000,
                failed=summary["http_errors"] + summary["socket_errors"] + summary["timeouts"],
                out_of_slots=summary["exhausted_threads"] > 0,
                statuses={int(status): count for status, count in summary["statuses"].items()},
                latency_us={int(bucket): count for bucket, count in summary["latency_us"].items()})
    raise ValueError(f"no {MARK.strip()} line in wrk's output:\n{output}")


def run(url: str, *script_args: str, seconds: float, connections: int, threads: int = 2) -> Result:
    """Load `url` for `seconds` with `connections` kept-alive connections on `threads` wrk threads;
    `script_args` select the mode of `padel.lua` ("post", PATH, BODY_FILE or "book", SLOTS_FILE)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench: wrk is not installed (make bench installs Debian's wrk)")
    threads = min(threads, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(SCRIPT), url]
    if script_args:
        # A booking run splits the slots among wrk's threads: the script needs their number.
        command += ["--", *script_args, *([str(threads)] if script_args[0] == "book" else [])]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    return parse(finished.stdout)
