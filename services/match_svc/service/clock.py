"""The service's one clock, shared by its use cases so that they agree on "now" (tests move it, as
booking's tests move the desk's clock, to play a match that was booked for the future; a platform
moves it with the test clock file, `mesh.clock`)."""

import datetime as dt
from typing import Callable

from mesh.clock import utcnow


class Clock:
    def __init__(self, read: Callable[[], dt.datetime] = utcnow):
        self.read = read

    def __call__(self) -> dt.datetime:
        return self.read()
