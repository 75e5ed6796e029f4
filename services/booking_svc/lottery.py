"""The draw of a prime slot's lottery: one seeded, auditable draw over the entries.

Pure: `random.Random(seed)` (Mersenne Twister; a text seed is hashed the same way on every
platform) draws the entries one after another, each with its weight (1 each; a membership plan may
weigh its members more), so anyone holding the seed and the entries in joining order gets the
same order again: the first drawn wins, the others follow in drawn order (to the waitlist).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Sequence


OPEN, CLOSED, DRAWN, RELEASED = "open", "closed", "drawn", "released"


def state(entries_close_at: dt.datetime, seed: str, booking_id: str | None, now: dt.datetime) -> str:
    """Open for entries, closed awaiting the draw, drawn (the winner booked), or released (drawn
    with nobody in it: the slot went back on sale)."""
    if seed:
        return DRAWN if booking_id else RELEASED
    return OPEN if now < entries_close_at else CLOSED


def new_seed() -> str:
    return secrets.token_hex(16)


def draw(seed: str, entries: Sequence[tuple[str, int]]) -> list[str]:
    """The entries' ids in drawn order, from (id, weight) pairs in joining order."""
    rng = random.Random(seed)
    pool, drawn = list(entries), []
    while pool:
        [index] = rng.choices(range(len(pool)), weights=[weight for _, weight in pool])
        drawn.append(pool.pop(index)[0])
    return drawn
