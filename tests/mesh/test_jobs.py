"""PeriodicJob: runs again at once while work is waiting, survives a failing pass, stops cleanly."""

import logging
import threading

from mesh.jobs import PeriodicJob


class Scripted(PeriodicJob):
    """Plays back outcomes: True (more waiting), False (done for now) or an exception."""

    def __init__(self, outcomes):
        super().__init__("scripted", interval_seconds=0.01)
        self.outcomes = list(outcomes)
        self.passes = 0
        self.finished = threading.Event()

    def work(self) -> bool:
        self.passes += 1
        if not self.outcomes:
            self.finished.set()
            return False
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_a_failing_pass_is_retried_and_logged_once_per_outage(caplog):
    job = Scripted([ConnectionError("database down")] * 3 + [True, False])
    with caplog.at_level(logging.INFO, logger="padel.jobs"):
        job.start()
        assert job.finished.wait(5)
        job.stop()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["scripted failing, will retry: database down", "scripted recovered"]
    assert job.passes >= 6


def test_stop_ends_the_thread():
    job = Scripted([])
    job.start()
    assert job.finished.wait(5)
    job.stop(timeout=2)
    assert not any(t.name == "scripted" for t in threading.enumerate())


class Guarded(Scripted):
    """A job with helpers named like the loop's internals (booking's job once named its guard `_run`)."""

    def _run(self, task):
        return task()

    def _attempt(self, task):
        return task()

    def work(self) -> bool:
        return self._run(super().work)


def test_a_job_whose_helpers_are_named_run_or_attempt_still_runs_its_steps():
    job = Guarded([True, False])
    job.start()
    assert job.finished.wait(5)
    job.stop()
    assert job.passes >= 3
