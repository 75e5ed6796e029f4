"""Answers of hot reads kept in the process (availability, venue search), each with the version of
the data it was computed from: a reader reads the current version in its own transaction and uses a
kept answer only if it was kept at that very version. Versions are raised by the database in the
writing transactions (migration 0014), so every replica is exact at once; nothing expires by time.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable, Generic, Hashable, TypeVar

Value = TypeVar("Value")


@dataclasses.dataclass
class Kept(Generic[Value]):
    """An answer as of `version`, and its responses once built, by form (`Answers.rendered`): the
    message, and the JSON text of it the edge passes through."""

    version: Hashable
    value: Value
    rendered: dict[str, Any] = dataclasses.field(default_factory=dict)


class Answers(Generic[Value]):
    """Kept answers by key (at most `max_kept`: all are dropped when full, the hot ones come back)."""

    def __init__(self, max_kept: int = 4096):
        self.max_kept = max_kept
        self._kept: dict[Hashable, Kept[Value]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable) -> Kept[Value] | None:
        kept = self._kept.get(key)
        return kept if kept is not None and kept.version == version else None

    def keep(self, key: Hashable, version: Hashable, value: Value) -> Kept[Value]:
        kept = Kept(version, value)
        with self._lock:
            if len(self._kept) >= self.max_kept:
                self._kept.clear()
            self._kept[key] = kept
        return kept

    @staticmethod
    def rendered(kept: Kept[Value], render: Callable[[Value], Any], form: str = "message") -> Any:
        """`render(value)` in `form`, built once per kept answer and kept (and dropped) with it
        (callers must not change what they get)."""
        done = kept.rendered.get(form)
        if done is None:
            done = kept.rendered[form] = render(kept.value)
        return done
