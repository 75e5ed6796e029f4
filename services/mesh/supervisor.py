"""Child processes kept running together: a child that dies is started again after a growing pause,
one that keeps dying ends the run, and Ctrl-C or SIGTERM stops them all.

Stop signals reach the loop through `signal.set_wakeup_fd`: the interpreter's C-level handler writes
the signal number to a pipe the loop waits on, and the Python-level handler does nothing. A handler
that takes a lock (`threading.Event.set()`) can deadlock: it runs on the main thread, between two
bytecodes of whatever that thread was doing, possibly while that thread holds the same lock inside
`Event.wait()`.

Only the standard library, so a process that supervises little (a test's `sleep` children) starts
fast.
"""

import collections
import contextlib
import dataclasses
import os
import pathlib
import select
import signal
import subprocess
import sys
import time
from typing import Callable, Mapping, Sequence

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """Ctrl-C and SIGTERM, noted on a pipe; `wait(timeout)` is True once one has arrived.

    Use as a context manager on the main thread (the only one `set_wakeup_fd` accepts).
    """

    def __init__(self, signals: Sequence[signal.Signals] = STOP_SIGNALS):
        self.signals = tuple(signals)
        self.received: signal.Signals | None = None
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)  # set_wakeup_fd requires it: a full pipe must not block
        self._previous_handlers: dict[signal.Signals, object] = {}
        self._previous_fd = -1

    def __enter__(self) -> "StopSignals":
        # The handler must be a Python callable (not SIG_IGN/SIG_DFL) for the wakeup byte to be written.
        for number in self.signals:
            self._previous_handlers[number] = signal.signal(number, _noted)
        self._previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        return self

    def __exit__(self, *exc) -> None:
        signal.set_wakeup_fd(self._previous_fd)
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)
        os.close(self._read)
        os.close(self._write)

    def wait(self, timeout: float) -> bool:
        """True once a stop signal has arrived; otherwise waits up to `timeout` seconds for one."""
        if self.received is None:
            ready, _, _ = select.select([self._read], [], [], max(0.0, timeout))
            if ready:
                self._drain()
        return self.received is not None

    def _drain(self) -> None:
        try:
            numbers = os.read(self._read, 512)
        except BlockingIOError:
            return
        for number in numbers:
            if number in self.signals and self.received is None:
                self.received = signal.Signals(number)


def _noted(signum, frame) -> None:
    """Nothing to do here: the signal number is already on the wakeup pipe."""


class Child:
    """One process with its log file (None: it writes where this process does); can be started
    again after it died."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str], log_path: pathlib.Path | None):
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") if self.log_path else contextlib.nullcontext() as log:
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT if log else None,
                stdin=subprocess.DEVNULL, start_new_session=True)  # our Ctrl-C is handled by us, not them

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_description(self) -> str:
        """`exit code 3` or `killed by SIGKILL`."""
        code = self.process.returncode if self.process else None
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def tail(self, lines: int = 20) -> str:
        if self.log_path is None:
            return "    (its output is above)"
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join("    " + line for line in text.splitlines()[-lines:]) or "    (empty)"


@dataclasses.dataclass(frozen=True)
class Restarts:
    """When a child that died is started again, and when the run gives up on it.

    The pause doubles with each death still inside the window (1, 2, 4, 8 s …, at most `max_delay`);
    deaths older than the window are forgotten, so a child that crashes once a day is always restarted.
    """

    first_delay: float = 1.0
    max_delay: float = 30.0
    max_deaths: int = 5
    window_seconds: float = 300.0


class CrashLoop(RuntimeError):
    """A child died `max_deaths` times within the window."""


class Supervisor:
    """Starts children, restarts the ones that die, stops them all."""

    TICK_SECONDS = 0.5

    def __init__(self, children: list[Child], stop: StopSignals, restarts: Restarts = Restarts(),
                 say: Callable[[str], None] | None = None, who: str = "padel run"):
        self.children = children
        self.who = who  # who tells of deaths and restarts
        self.stop_signals = stop
        self.restarts = restarts
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        self._deaths: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._restart_at: dict[str, float] = {}

    def start(self) -> None:
        for child in self.children:
            child.start()

    def watch(self) -> None:
        """Returns when a stop signal arrives; restarts children that die; raises CrashLoop."""
        while not self.stop_signals.wait(self.TICK_SECONDS):
            self.tend()

    def tend(self) -> None:
        """Notices children that died and starts the ones whose pause is over."""
        now = time.monotonic()
        for child in self.children:
            if child.name in self._restart_at:
                if now >= self._restart_at[child.name]:
                    del self._restart_at[child.name]
                    child.start()
                    self.say(f"{self.who}: {child.name} started again (pid {child.pid})")
            elif not child.alive():
                self._died(child, now)

    def _died(self, child: Child, now: float) -> None:
        deaths = self._deaths[child.name]
        deaths.append(now)
        while deaths and deaths[0] < now - self.restarts.window_seconds:
            deaths.popleft()
        if len(deaths) >= self.restarts.max_deaths:
            raise CrashLoop(
                f"{child.name} died {len(deaths)} times within {self.restarts.window_seconds:g} s "
                f"(last: {child.exit_description()}); giving up. Its log ends:\n{child.tail()}")
        delay = min(self.restarts.max_delay, self.restarts.first_delay * 2 ** (len(deaths) - 1))
        self._restart_at[child.name] = now + delay
        self.say(f"{self.who}: {child.name} died ({child.exit_description()}); starting it again in {delay:g} s. "
                 f"Its log ends:\n{child.tail()}")

    def first_dead(self) -> Child | None:
        """A child that is not running (none is restarted: for the start, where a death is fatal)."""
        return next((child for child in self.children if not child.alive()), None)

    def stop(self, grace_seconds: float) -> None:
        """SIGTERM to every child (the last started first), SIGKILL to those still up after the grace."""
        self._restart_at.clear()
        running = [child for child in reversed(self.children) if child.alive()]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for child in running:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
