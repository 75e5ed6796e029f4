"""Background loops that live as long as a server, written once: the outbox relay, event consumers,
periodic jobs and the health watch all run on `Loop`."""

import logging
import threading
import time

log = logging.getLogger("padel.jobs")


class Outage:
    """Logs a failing dependency once when the outage starts and once when it ends, and says how
    long to wait before the next try (doubling from `first_delay` up to `max_delay`)."""

    def __init__(self, what: str, first_delay: float, max_delay: float):
        self.what = what
        self.first_delay = first_delay
        self.max_delay = max(first_delay, max_delay)
        self.delay = 0.0

    def failed(self, error: Exception) -> float:
        if not self.delay:
            log.warning("%s failing, will retry: %s", self.what, error)
            self.delay = self.first_delay
        else:
            self.delay = min(self.delay * 2, self.max_delay)
        return self.delay

    def succeeded(self) -> None:
        if self.delay:
            log.info("%s recovered", self.what)
            self.delay = 0.0


class Loop:
    """A thread that runs `step()` until stopped (a worker for `mesh.server.build`).

    `step` returns True when more work is already waiting, to run again at once; otherwise the loop
    sleeps `idle_wait()` (`idle_seconds` unless the loop knows when its next work is due) or until
    `wake()`; a woken step starts no sooner than `spacing_seconds` after the one before, so a burst
    of wakes is one step. A failing step (the database or Redis is down) is logged once per outage
    and retried with back-off, so the loop recovers by itself when the fault ends.
    """

    def __init__(self, name: str, idle_seconds: float, *, first_backoff: float | None = None,
                 max_backoff: float = 5.0, spacing_seconds: float = 0.0):
        self.label = name  # the thread's name and the outage log's subject
        self.idle_seconds = idle_seconds
        self.spacing_seconds = spacing_seconds
        self._outage = Outage(name, idle_seconds if first_backoff is None else first_backoff, max_backoff)
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> bool:
        raise NotImplementedError

    def idle_wait(self) -> float:
        """Seconds to sleep after a step that left no work waiting (every wake of an idle service
        costs CPU: a loop that can tell when its next work is due sleeps until then)."""
        return self.idle_seconds

    def interrupted(self) -> None:
        """Called after a failed step, before the back-off (e.g. to reconnect on the next step)."""

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self.__run, name=self.label, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run the next step now rather than after the idle wait."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Lets the step in hand finish, then ends the thread."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __run(self) -> None:
        # name-mangled (_Loop__run): a subclass's own `_run` or `_attempt` cannot replace the thread body
        while not self._stopping.is_set():
            began = time.monotonic()
            try:
                more = self.step()
                wait = 0.0 if more else self.idle_wait()
            except Exception as error:  # noqa: BLE001 - whatever broke, the next step retries
                self.interrupted()
                self._stopping.wait(self._outage.failed(error))
                continue
            self._outage.succeeded()
            if not more:
                self._wake.wait(wait)
                self._wake.clear()
                spacing = began + self.spacing_seconds - time.monotonic()
                if spacing > 0:
                    self._stopping.wait(spacing)


class PeriodicJob(Loop):
    """A job that runs `work()` every `interval_seconds` (the booking job, the token sweeper, …)."""

    def __init__(self, name: str, interval_seconds: float):
        super().__init__(name, interval_seconds)
        self.interval_seconds = interval_seconds

    def work(self) -> bool:
        raise NotImplementedError

    def step(self) -> bool:
        return self.work()
