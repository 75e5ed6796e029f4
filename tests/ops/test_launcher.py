"""`padel run` stops everything it started on Ctrl-C (SIGINT) as on SIGTERM, and says why it fails."""

import os
import signal
import subprocess
import time

import pytest

from padel_testkit import launch_platform


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(launcher_pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True).stdout.split("\n")[1:]
    return [int(pid) for pid, ppid in (line.split() for line in out if line.strip()) if int(ppid) == launcher_pid]


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_every_process(tmp_path, stop_signal):
    platform = launch_platform(tmp_path)
    children = _children(platform.process.pid)
    assert len(children) == 6  # four services, the edge directory and Envoy
    platform.process.send_signal(stop_signal)
    assert platform.process.wait(40) == 0
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)]
    assert "stopping" in (tmp_path / "launcher.log").read_text()
