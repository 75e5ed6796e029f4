"""A service's /metrics port answers scrapes and, between them, does not wake its process (issue 11:
every wake of an idle service costs CPU)."""

import pathlib
import threading
import time
import urllib.request

from mesh import metrics


def _times_scheduled(thread: threading.Thread) -> int:
    return int(pathlib.Path(f"/proc/self/task/{thread.native_id}/schedstat").read_text().split()[2])


def test_the_metrics_port_answers_scrapes_and_sleeps_between_them():
    before = set(threading.enumerate())
    port = metrics.serve_metrics("127.0.0.1", 0)
    [server] = set(threading.enumerate()) - before
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        assert "grpc_server_handled_total" in answer.read().decode()

    woken = _times_scheduled(server)
    time.sleep(2)  # prometheus_client's own server looks for a shutdown every 0.5 s: three or four wakes
    assert _times_scheduled(server) - woken <= 1
