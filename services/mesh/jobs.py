"""Background jobs that live as long as a server: a thread that runs a pass, waits, and runs again."""

import logging
import threading

log = logging.getLogger("padel.jobs")


class PeriodicJob:
    """Runs `work()` in a background thread every `interval_seconds` until stopped (a worker for
    `mesh.server.build`). `work` returns True when more is already waiting, to run again at once.
    A failing pass (the database is down) is logged once per outage and retried after the
    interval, so the job recovers by itself when the fault ends."""

    def __init__(self, name: str, interval_seconds: float):
        self.name = name
        self.interval_seconds = interval_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def work(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Lets the pass in hand finish, then ends the thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        failing = False
        while not self._stopping.is_set():
            try:
                more = self.work()
            except Exception as error:  # noqa: BLE001 - whatever broke, the next pass retries
                if not failing:
                    log.warning("%s failing, will retry: %s", self.name, error)
                failing, more = True, False
            else:
                if failing:
                    log.info("%s recovered", self.name)
                failing = False
            if not more:
                self._stopping.wait(self.interval_seconds)
