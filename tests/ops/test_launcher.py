"""`padel run` keeps the platform up and stops it cleanly: a service that dies is started again, one
that keeps dying ends the run naming it, Ctrl-C (SIGINT) and SIGTERM stop every process, it says
what it is doing while it starts, and it says "running" only once the edge reaches this platform's
own directory. The supervision itself (restarts, signal-safe stops) is tested in tests/mesh/test_supervisor.py."""

import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest
import requests

from mesh import launcher
from mesh.settings import SERVICES, Env
from padel_testkit import ROOT, launch_platform, platform_env, process_alive, stop_platform


def _children(launcher_pid: int) -> dict[int, str]:
    """pid → command line of each child process of the launcher."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    children = {}
    for line in out.splitlines():
        pid, ppid, args = line.split(None, 2)
        if int(ppid) == launcher_pid:
            children[int(pid)] = args
    return children


def _service_pid(launcher_pid: int, module: str) -> int | None:
    return next((pid for pid, args in _children(launcher_pid).items() if args.endswith(f"-m {module}")), None)


def _wait_gone(pids) -> list[int]:
    deadline = time.monotonic() + 20
    while any(process_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if process_alive(pid)]


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_every_process(tmp_path, stop_signal):
    platform = launch_platform(tmp_path)
    try:
        children = list(_children(platform.process.pid))
        # the embedded Redis, the services, the wallets' stand-in, the edge directory and Envoy
        assert len(children) == len(SERVICES) + 4
        platform.process.send_signal(stop_signal)
        assert platform.process.wait(40) == 0
    finally:
        stop_platform(platform)  # also when an assertion failed: no platform left running
    assert _wait_gone(children) == []
    output = (tmp_path / "launcher.log").read_text()
    assert "stopping" in output
    # It said what it was doing while it started, service by service.
    for step in ("auth_svc is healthy", "notify_svc is healthy", "payment_svc is healthy", "Envoy finds every service healthy",
                 "seeding the demo venues", "checking the edge's own routes"):
        assert step in output


@pytest.mark.slow
def test_a_killed_service_comes_back_and_one_that_keeps_dying_ends_the_run(tmp_path):
    # Pauses of 0.1, 0.2, 0.4 and 0.8 s rather than the default 1, 2, 4 and 8 s: the same doubling.
    platform = launch_platform(tmp_path, PADEL_RUN_FIRST_RESTART_SECONDS="0.1")
    venues = f"{platform.url}/api/bookings/venues?city=Karachi"
    try:
        assert requests.get(venues, timeout=5).status_code == 200
        first = _service_pid(platform.process.pid, "booking_svc")
        os.kill(first, signal.SIGKILL)

        # It is started again by itself and serves through the edge again; the rest never stopped.
        deadline = time.monotonic() + 90
        while True:
            assert platform.process.poll() is None, (tmp_path / "launcher.log").read_text()
            assert time.monotonic() < deadline, "booking_svc did not serve again through the edge"
            answer = requests.get(venues, timeout=5)
            if answer.status_code == 200:
                break
            time.sleep(0.3)
        assert "Clifton Padel Club" in [venue["name"] for venue in answer.json()["venues"]]
        assert _service_pid(platform.process.pid, "booking_svc") not in (None, first)
        output = (tmp_path / "launcher.log").read_text()
        assert "booking_svc died (killed by SIGKILL); starting it again in 0.1 s" in output
        assert '"service": "booking"' in output.split("booking_svc died", 1)[1]  # with the tail of its log

        # A service that dies each time it comes back ends the run, naming it, and nothing stays up.
        others = [pid for pid, args in _children(platform.process.pid).items() if "booking_svc" not in args]
        deadline = time.monotonic() + 120
        killed = {first}
        while platform.process.poll() is None and time.monotonic() < deadline:
            pid = _service_pid(platform.process.pid, "booking_svc")
            if pid is not None and pid not in killed:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            time.sleep(0.05)
        assert platform.process.wait(60) == 1
        output = (tmp_path / "launcher.log").read_text()
        assert "padel run: booking_svc died 5 times within 300 s (last: killed by SIGKILL); giving up" in output
        for pause in ("0.1 s", "0.2 s", "0.4 s", "0.8 s"):  # each pause twice the one before
            assert f"booking_svc died (killed by SIGKILL); starting it again in {pause}" in output
        assert _wait_gone(others) == []
    finally:
        stop_platform(platform)


def test_the_summary_names_the_stores_and_every_port_and_hides_passwords(tmp_path):
    env = Env({"PADEL_EDGE_DIRECTORY_PORT": "4010", "PADEL_EDGE_DIRECTORY_METRICS_PORT": "9205",
               "PADEL_EDGE_ADMIN_PORT": "9911", "PADEL_EDGE_OPS_PORT": "9912"})
    databases = {name: f"postgresql://padel:court-secret@db.internal:5432/padel_{name}" for name in SERVICES}
    text = launcher.summary(env, tmp_path, databases, "redis://:stream-secret@cache.internal:6379/0", False)
    assert "secret" not in text
    assert text.startswith("Padel Platform is running (distributed shape: PostgreSQL and Redis).")
    assert "  booking_svc db     postgresql://padel:***@db.internal:5432/padel_booking" in text
    assert "  Redis              redis://:***@cache.internal:6379/0" in text
    assert "  edge directory     127.0.0.1:4010   metrics http://127.0.0.1:9205/metrics" in text
    assert "  Envoy admin        http://127.0.0.1:9911   ops http://127.0.0.1:9912/ready" in text


def test_the_readme_shows_what_make_run_prints():
    """The README's `make run` block is the launcher's summary on the default settings."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("seeds three demo venues, and prints where everything is:\n\n```\n", 1)[1].split("```", 1)[0]
    folder = pathlib.Path("/…/data")
    databases = {name: f"sqlite:///{folder / (name + '.db')}" for name in SERVICES}
    demo_owner = Env({"PADEL_AUTH_DEMO_OWNER_EMAIL": launcher.DEMO_OWNER_EMAIL, "PADEL_AUTH_DEMO_OWNER_PASSWORD": "…"})
    printed = launcher.summary(demo_owner, folder, databases, "redis://127.0.0.1:…/0", True)
    assert block.strip() == printed.strip()


@pytest.mark.slow
def test_it_does_not_say_running_when_the_edge_reaches_another_platforms_directory(tmp_path):
    # Another platform's edge directory, healthy, listing services at other addresses.
    decoy_env = platform_env(tmp_path / "decoy")
    decoy_port = decoy_env["PADEL_EDGE_DIRECTORY_PORT"]
    decoy = subprocess.Popen([sys.executable, "-m", "edge.directory"], cwd=ROOT, env=decoy_env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not launcher.serving(f"127.0.0.1:{decoy_port}"):
            assert decoy.poll() is None and time.monotonic() < deadline, "the decoy directory did not start"
            time.sleep(0.2)
        # Envoy is sent to the decoy, while this platform's own directory listens on its own port.
        env = platform_env(tmp_path, PADEL_EDGE_DIRECTORY_ADDR=f"127.0.0.1:{decoy_port}")
        log = tmp_path / "launcher.log"
        with log.open("wb") as output:
            run = subprocess.Popen([sys.executable, "-m", "mesh.cli", "run"], cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while run.poll() is None and "Ctrl-C stops everything" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        if run.poll() is None:  # it says it runs (or hangs): stop it as a user would, then fail
            run.send_signal(signal.SIGTERM)
            run.wait(60)
        text = log.read_text()
        assert run.returncode == 1, text
        assert "Padel Platform is running" not in text
        assert "/api/status lists auth at" in text and "not this platform's services (auth at" in text
        assert f"Envoy sends them to 127.0.0.1:{decoy_port} (PADEL_EDGE_DIRECTORY_ADDR)" in text
        assert f"listens on port {env['PADEL_EDGE_DIRECTORY_PORT']} (PADEL_EDGE_DIRECTORY_PORT)" in text
    finally:
        decoy.terminate()
        decoy.wait(60)
