"""The platform's one "now", with a test clock for tests and staging (like Stripe's test clocks).

Every service's business time (deadlines, holds, offers, entry windows, draws, due jobs, fees,
reminders) reads its `Clock`, which `mesh.plumbing.build` makes for it. Infrastructure timing
(the outbox's and consumers' stamps, delivery retries and leases, tokens) reads `utcnow`, the
machine's time: it orders work across processes and must not jump when a test moves the clock
forward and back.
The jobs' and loops' intervals (mesh.jobs) are real seconds too: moving the clock makes work
due, and the next round does it (the test platform runs its jobs every second).

`PADEL_TEST_CLOCK_FILE` (unset: off) names a file holding a number of seconds; a clock made by
`reading` answers real UTC time moved by that many seconds, read afresh at every call, so a test
(or a staging operator) can play a match booked for tomorrow today without touching the machine's
clock. An absent or empty file moves nothing; a file that is not a number moves nothing and is
logged. Only who can write the file on the server moves time: no API caller can, and production
leaves the variable unset.
"""

from __future__ import annotations

import datetime as dt
import logging
import pathlib
from typing import Callable

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def offset(path: pathlib.Path) -> dt.timedelta:
    """The offset the test clock file holds now."""
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return dt.timedelta()
    try:
        return dt.timedelta(seconds=float(text or 0))
    except ValueError:
        log.warning("test clock file %s holds %r, not a number of seconds: time is not moved", path, text[:40])
        return dt.timedelta()


def reading(offset_file: pathlib.Path | None,
            read: Callable[[], dt.datetime] = utcnow) -> Callable[[], dt.datetime]:
    """`read` (real time), moved by the test clock file's offset when there is one."""
    if offset_file is None:
        return read
    log.warning("test clock on: time is real time moved by the seconds in %s (a test and staging facility)",
                offset_file)
    return lambda: read() + offset(offset_file)


class Clock:
    """A service's one clock, shared by its use cases so that they agree on "now". Tests in one
    process move it by swapping `read` (e.g. `clock.read = lambda: moment`); a platform moves it
    with the test clock file."""

    def __init__(self, read: Callable[[], dt.datetime] = utcnow):
        self.read = read

    def __call__(self) -> dt.datetime:
        return self.read()
