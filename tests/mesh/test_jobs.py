"""PeriodicJob: runs again at once while work is waiting, survives a failing pass, stops cleanly."""

import logging
import threading
import time

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


class Counted(PeriodicJob):
    """Counts its steps; with nothing due it says so by a long `idle_wait`, as a job that knows
    when its next work is due does."""

    def __init__(self, *, interval_seconds: float = 0.01, spacing_seconds: float = 0.0, due_in: float | None = None):
        super().__init__("counted", interval_seconds)
        self.spacing_seconds = spacing_seconds
        self.due_in = due_in
        self.steps = 0
        self.stepped = threading.Condition()

    def work(self) -> bool:
        with self.stepped:
            self.steps += 1
            self.stepped.notify_all()
        return False

    def idle_wait(self) -> float:
        return super().idle_wait() if self.due_in is None else self.due_in

    def after(self, steps: int) -> None:
        with self.stepped:
            assert self.stepped.wait_for(lambda: self.steps >= steps, timeout=5)


def test_a_loop_that_knows_its_next_work_is_far_off_does_not_step_while_idle():
    polling, knowing = Counted(), Counted(due_in=3600)
    for job in (polling, knowing):
        job.start()
    polling.after(20)  # twenty rounds of the 0.01 s poll: the knowing loop had as long to step
    knowing.after(1)
    for job in (polling, knowing):
        job.stop()
    assert knowing.steps == 1


def test_a_woken_loop_steps_at_once_and_a_burst_of_wakes_is_one_step():
    job = Counted(due_in=3600, spacing_seconds=0.2)
    job.start()
    job.after(1)
    for _ in range(50):
        job.wake()
    job.after(2)  # within the 5 s of `after`, not the hour it would sleep
    time.sleep(1)  # five spacings: fifty wakes stepping one by one would have stepped five more times
    job.stop()
    assert job.steps <= 3  # one step, a second at most when the last wakes came after it began
