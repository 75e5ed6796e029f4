"""The benchmark harness (bench/, `make bench`) drives Debian's wrk and reads its results: checked on a
tiny load against a recording HTTP server, asserting the work done, never how fast."""

import http.server
import json
import subprocess
import sys
import threading
import types

import pytest

from bench import __main__ as harness
from bench import scenario, wrk


class Recorder(http.server.ThreadingHTTPServer):
    """Answers every request (404 for /missing) and records what it received."""

    daemon_threads = True

    def __init__(self):
        self.received: list[tuple[str, str, str, bytes]] = []  # method, path, authorization, body
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects

            def _answer(handler):
                body = handler.rfile.read(int(handler.headers.get("content-length") or 0))
                with self.lock:
                    self.received.append((handler.command, handler.path, handler.headers.get("authorization", ""),
                                          body))
                handler.send_response(404 if handler.path == "/missing" else 200)
                handler.send_header("content-length", "2")
                handler.end_headers()
                handler.wfile.write(b"{}")

            do_GET = do_POST = _answer

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def handle_error(self, request, client_address):
        pass  # wrk closes its connections when it stops, in the middle of an answer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def recorder():
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_booking_run_sends_each_slot_once_with_its_own_token(recorder, tmp_path):
    slots = [(f"token-{n}", json.dumps({"court_id": f"court-{n % 3}", "start_time": f"slot-{n}"})) for n in range(40)]
    path = tmp_path / "slots.txt"
    path.write_text("".join(f"{token} {body}\n" for token, body in slots))
    # One connection per wrk thread: a thread out of slots then has no request in flight when it stops.
    result = wrk.run(recorder.url + "/api/bookings/book", "book", str(path), seconds=1, connections=2, threads=2)
    posted = [(auth, body.decode()) for method, route, auth, body in recorder.received
              if method == "POST" and route == "/api/bookings/book"]
    assert sorted(posted) == sorted((f"Bearer {token}", body) for token, body in slots)  # each once, no repeat
    assert result.out_of_slots  # 40 slots cannot last a second: the harness is told
    assert result.requests >= len(slots) and result.failed == 0


def test_a_run_counts_requests_and_names_the_failures(recorder, tmp_path):
    body = tmp_path / "login.json"
    body.write_text('{"email": "sara@example.com"}')
    signed_in = wrk.run(recorder.url + "/", "post", "/api/auth/login", str(body), seconds=1, connections=2)
    missing = wrk.run(recorder.url + "/missing", seconds=1, connections=2)
    logins = [entry for entry in recorder.received if entry[:2] == ("POST", "/api/auth/login")]
    assert 0 < signed_in.requests <= len(logins) and signed_in.failed == 0 and not signed_in.out_of_slots
    assert logins[0][3] == b'{"email": "sara@example.com"}'
    assert missing.requests > 0 and missing.statuses == {404: missing.requests} and missing.failed == missing.requests
    assert missing.p50_ms <= missing.p99_ms <= missing.max_ms and missing.rate > 0
    # The run's latency distribution comes along, and ranks as wrk's own percentiles do (to the 3
    # significant digits it keeps).
    assert sum(missing.latency_us.values()) >= missing.requests
    for percent, wrks in ((50, missing.p50_ms), (99, missing.p99_ms)):
        assert wrk.percentile(missing.latency_us, percent) <= wrks * 1000 < wrk.percentile(missing.latency_us, percent) * 1.01 + 1


def test_output_without_the_summary_line_is_refused():
    with pytest.raises(ValueError, match="PADEL_BENCH"):
        wrk.parse("Running 1s test @ http://127.0.0.1:3000/health\n  2 threads and 16 connections\n")


def test_rounds_of_one_route_add_up_to_one_row_over_all_their_requests():
    # Three rounds of one route; the second met a spell of load: its own p99 was 90 ms.
    calm = wrk.Result(requests=3000, seconds=3.0, p50_ms=8.0, p99_ms=20.0, max_ms=30.0, failed=0,
                      latency_us={8000: 2970, 20000: 30})
    spike = wrk.Result(requests=1000, seconds=3.0, p50_ms=15.0, p99_ms=90.0, max_ms=400.0, failed=2,
                       statuses={503: 2}, latency_us={15000: 980, 90000: 20})
    steady = wrk.Result(requests=2000, seconds=3.0, p50_ms=10.0, p99_ms=25.0, max_ms=50.0, failed=1,
                        statuses={503: 1}, latency_us={10000: 1980, 25000: 20})
    row = wrk.combined([calm, spike, steady])
    assert (row.requests, row.seconds, row.rate) == (6000, 9.0, 6000 / 9.0)  # the rate over all three rounds
    # Over all 6,000 requests the 3,001st took 10 ms and the 5,941st 20 ms: one round's spell of load is
    # its share of the tail, not the whole of it. The longest request is still the longest.
    assert (row.p50_ms, row.p99_ms, row.max_ms) == (10.0, 20.0, 400.0)
    assert (row.failed, row.statuses) == (3, {503: 3})
    assert wrk.combined([calm]) is calm


# A platform stand-in: once told a booking run happened, it handles that run's "events" (0.3 s of
# CPU), says so, and waits for the end.
BACKLOG = """
import sys, time
sys.stdin.readline()
started = time.process_time()
while time.process_time() - started < 0.3:
    pass
print("handled", flush=True)
sys.stdin.readline()
"""


def test_a_booking_runs_events_are_not_charged_to_the_sign_ins_after_it(monkeypatch):
    stand_in = subprocess.Popen([sys.executable, "-c", BACKLOG], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
    booking = scenario.Route("book", "/api/bookings/book", mode=("book", "slots.txt"))
    login = scenario.Route("login", "/api/auth/login", "auth_svc", ("post", "/api/auth/login", "login.json"))

    def run(url, *script_args, seconds, connections):
        if script_args[0] == "book":
            stand_in.stdin.write("booked\n")  # its events are handled after its answers
            stand_in.stdin.flush()
        else:
            stand_in.stdout.readline()  # a sign-in run lasts longer than the booking's backlog
        return wrk.Result(requests=100, seconds=1.0, p50_ms=1.0, p99_ms=2.0, max_ms=3.0, failed=0)

    monkeypatch.setattr(wrk, "run", run)
    platform = types.SimpleNamespace(process=stand_in, url="http://127.0.0.1:1")
    try:
        _, (_, signed_in) = harness.under_load(
            platform, [booking, login], types.SimpleNamespace(rounds=1, seconds=1.0, connections=1))
    finally:
        stand_in.stdin.write("end\n")
        stand_in.stdin.close()
        stand_in.wait(10)
    assert signed_in["rest"] * 100 < 50  # CPU ms of its 100 requests: none of the booking's 300 ms


# A process of the role "timeit" that, once told to, works for as many CPU seconds as its last argument.
WORKER = "import time, sys; sys.stdin.readline(); end = time.process_time() + float(sys.argv[-1])\n" \
         "while time.process_time() < end: pass\nprint(flush=True); time.sleep(30)"


def test_a_run_says_how_much_of_a_services_work_its_busiest_process_did(monkeypatch):
    """Two processes of one service behind the edge may not share its calls (issue 11): the run says
    so, from the CPU each used, not from its rate."""
    group = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    workers = [subprocess.Popen([sys.executable, "-m", "timeit", "-n", "1", "-s", WORKER, "pass", str(busy)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for busy in (0.6, 0.0)]
    route = scenario.Route("reads", "/reads", "timeit")
    # The group's processes as a platform's tree (they are not its children here).
    monkeypatch.setattr(harness.idle, "tree_ticks", lambda root: {
        process.pid: harness.idle._stat(process.pid)[1] for process in (group, *workers)})

    def run(url, *script_args, seconds, connections):
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            worker.stdout.readline()  # done
        return wrk.Result(requests=100, seconds=1.0, p50_ms=1.0, p99_ms=2.0, max_ms=3.0, failed=0)

    monkeypatch.setattr(wrk, "run", run)
    try:
        [(_, cpu)] = harness.under_load(types.SimpleNamespace(process=group, url="http://127.0.0.1:1"), [route],
                                        types.SimpleNamespace(rounds=1, seconds=1.0, connections=1))
    finally:
        for process in (group, *workers):
            process.kill()
            process.wait()
    assert cpu["service"] >= 5  # ms per request (0.6 s over 100): both processes are the service
    assert cpu["busiest"] / cpu["service"] > 0.9
