"""What tracing costs a trivial RPC (StatusService/GetHealth, direct gRPC, each call carrying a
`traceparent` as Envoy sends it), sequential and concurrent, in three servers started one after the
other, each in its own process:

- `untraced`: the chain without mesh.tracing's interceptor (the platform before traces);
- `no export`: the interceptor, no SDK (PADEL_TRACE_FILES off, no PADEL_OTLP_ENDPOINT): context flows;
- `file`: the SDK recording every span to data/traces/*.jsonl (the embedded shape's default).

Rounds alternate the servers so a load spike on a shared machine hits each alike. Figures are calls
per second and the server's CPU time per call (user + system, from /proc: steadier than throughput
on a busy machine), each with its ratio against `untraced` in the same run.

    make install && .venv/bin/python bench/tracing_overhead.py [--seconds 3] [--threads 8] [--rounds 2]
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

import grpc

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "gen"), str(ROOT / "services"), str(ROOT)]

from padel.status.v1 import status_service_pb2 as pb  # noqa: E402
from padel.status.v1 import status_service_pb2_grpc  # noqa: E402

from edge_overhead import measure  # noqa: E402  (bench/: the same loop of callers)

MODES = ("untraced", "no export", "file")
TRACEPARENT = ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")


def serve(mode: str, data_dir: str) -> None:
    """The child: one server of the platform's shape on a free port, until stdin closes."""
    from mesh import interceptors, server, tracing
    from mesh.settings import ServiceSettings

    settings = ServiceSettings.from_env("booking", {
        "PADEL_DATA_DIR": data_dir, "PADEL_BOOKING_PORT": "0", "PADEL_TRACE_FILES": str(mode == "file")})
    if mode == "untraced":
        full_chain = interceptors.chain
        interceptors.chain = lambda *args: [i for i in full_chain(*args) if not isinstance(i, tracing.TracingInterceptor)]
    tracing.configure("booking", settings)
    host, port = server.build("booking", settings, [], [], verifier=None)
    host.start()
    print(port, flush=True)
    sys.stdin.read()
    host.stop(0)


def traced_caller(address: str):
    """A make_call for edge_overhead.measure: GetHealth on its own channel, with a traceparent."""
    stub = status_service_pb2_grpc.StatusServiceStub(grpc.insecure_channel(address))
    return lambda: stub.GetHealth(pb.GetHealthRequest(), metadata=[TRACEPARENT], timeout=5)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.data)
        return
    rates = {(mode, threads): 0.0 for mode in MODES for threads in (1, args.threads)}
    cpu = {mode: [0.0, 0.0] for mode in MODES}  # server CPU seconds, calls
    with tempfile.TemporaryDirectory(prefix="padel-bench-") as data:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path[:3])}
        for _ in range(args.rounds):
            for mode in MODES:
                child = subprocess.Popen([sys.executable, __file__, "--serve", mode, "--data", data], env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                address = f"127.0.0.1:{child.stdout.readline().strip()}"
                for threads in (1, args.threads):
                    before = cpu_seconds(child.pid)
                    rate = measure(lambda: traced_caller(address), args.seconds, threads)
                    rates[mode, threads] += rate
                    cpu[mode][0] += cpu_seconds(child.pid) - before
                    cpu[mode][1] += rate * args.seconds
                child.stdin.close()
                child.wait(30)
        spans = sum(1 for file in pathlib.Path(data, "traces").glob("*.jsonl") for _ in file.open())
    print(f"GetHealth, {args.rounds} round(s) of {args.seconds:.0f}s per figure; {spans} spans written in file mode")
    for threads in (1, args.threads):
        base = rates["untraced", threads]
        print(f"  {threads} caller(s): " + "   ".join(
            f"{mode} {rates[mode, threads] / args.rounds:5.0f}/s (x{rates[mode, threads] / base:.2f})" for mode in MODES))
    per_call = {mode: seconds / calls * 1e6 for mode, (seconds, calls) in cpu.items()}
    print("  server CPU per call: " + "   ".join(
        f"{mode} {per_call[mode]:4.0f} us (x{per_call[mode] / per_call['untraced']:.2f})" for mode in MODES))


if __name__ == "__main__":
    main()
