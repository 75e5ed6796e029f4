"""What the Envoy edge costs: the same RPC direct over gRPC, through Envoy over gRPC, and through
Envoy as REST/JSON, sequential and concurrent. Figures are ratios against the direct gRPC baseline
measured in the same run, so they compare across machines.

    make install && .venv/bin/python bench/edge_overhead.py [--seconds 3] [--threads 8]
"""

import argparse
import pathlib
import sys
import tempfile
import threading
import time

import grpc
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "gen"), str(ROOT / "services"), str(ROOT)]

from padel_testkit import launch_platform, stop_platform  # noqa: E402  (the same launcher the tests use)
from padel.status.v1 import status_service_pb2 as pb  # noqa: E402
from padel.status.v1 import status_service_pb2_grpc  # noqa: E402


def _grpc_caller(address: str):
    stub = status_service_pb2_grpc.StatusServiceStub(grpc.insecure_channel(address))
    return lambda: stub.GetHealth(pb.GetHealthRequest(), timeout=5)


def _rest_caller(url: str):
    session = requests.Session()
    return lambda: session.get(f"{url}/health", timeout=5).raise_for_status()


def measure(make_call, seconds: float, threads: int) -> float:
    """Calls per second over `seconds`, with `threads` callers each holding its own client."""
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def worker(i):
        call = make_call()
        call()  # warm the connection before counting
        while time.monotonic() < stop:
            call()
            counts[i] += 1

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # The edge rate limit would measure itself; lift it for the benchmark.
        platform = launch_platform(pathlib.Path(folder), PADEL_EDGE_RATE_LIMIT_RPS="1000000")
        try:
            directory = f"127.0.0.1:{platform.env['PADEL_EDGE_DIRECTORY_PORT']}"
            paths = {
                "direct gRPC": lambda: _grpc_caller(directory),
                "Envoy gRPC": lambda: _grpc_caller(platform.edge),
                "Envoy REST": lambda: _rest_caller(platform.url),
            }
            print(f"{'path':<14}{'threads':>8}{'calls/s':>10}{'× baseline':>12}")
            for threads in (1, args.threads):
                baseline = None
                for name, make in paths.items():
                    rate = measure(make, args.seconds, threads)
                    baseline = baseline or rate
                    print(f"{name:<14}{threads:>8}{rate:>10.0f}{rate / baseline:>12.2f}")
        finally:
            stop_platform(platform)


if __name__ == "__main__":
    main()
