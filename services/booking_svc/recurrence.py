"""The rules of a recurring series: its games from an RFC 5545 weekly rule (python-dateutil's rrule)
read in the venue's time zone, and a venue's terms for series (how far ahead, how many per player).

Pure: games are computed as local wall-clock times and then placed in the zone, so a 19:00 game
stays at 19:00 on either side of a change of daylight saving time.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule

from mesh.errors import InvalidArgument

# A series is at most two years of weekly games: enough for a club's season, small for one transaction.
MAX_GAMES = 104

# A venue's terms until its owner sets them.
SERIES_HORIZON_DAYS = 90
MAX_SERIES_PER_PLAYER = 2
WAITLIST_OFFER_MINUTES = 10


@dataclass(frozen=True)
class Recurrence:
    """Every `interval_weeks` weeks on `weekdays` (ISO; empty: the first game's), until a local
    date or for `count` games, skipping the `exceptions` dates."""

    interval_weeks: int
    weekdays: tuple[int, ...]
    until: dt.date | None
    count: int
    exceptions: frozenset[dt.date]


def check(recurrence: Recurrence, field: str = "recurrence") -> Recurrence:
    if (recurrence.until is None) == (recurrence.count == 0):
        raise InvalidArgument.field(f"{field}.until", "give either until or count")
    return recurrence


def _rule(recurrence: Recurrence, first: dt.datetime) -> rrule.rrule:
    """The RFC 5545 weekly rule from a naive local first start."""
    until = dt.datetime.combine(recurrence.until, dt.time.max) if recurrence.until else None
    weekdays = [rrule.weekdays[d - 1] for d in recurrence.weekdays] or None
    return rrule.rrule(rrule.WEEKLY, dtstart=first, interval=max(1, recurrence.interval_weeks),
                       byweekday=weekdays, until=until, count=recurrence.count or None)


def _rule_set(recurrence: Recurrence, first: dt.datetime) -> rrule.rruleset:
    games = rrule.rruleset()
    games.rrule(_rule(recurrence, first))
    for day in sorted(recurrence.exceptions):
        games.exdate(dt.datetime.combine(day, first.time()))
    return games


def games(recurrence: Recurrence, first_start: dt.datetime, zone: ZoneInfo,
          field: str = "recurrence") -> list[dt.datetime]:
    """The starts (UTC) of the series' games, at `first_start`'s local time of day."""
    first = first_start.astimezone(zone).replace(tzinfo=None)
    starts = list(itertools.islice(_rule_set(recurrence, first), MAX_GAMES + 1))
    if len(starts) > MAX_GAMES:
        raise InvalidArgument.field(field, f"a series has at most {MAX_GAMES} games")
    if not starts:
        raise InvalidArgument.field(field, "gives no game")
    return [start.replace(tzinfo=zone).astimezone(dt.timezone.utc) for start in starts]


def rfc5545(recurrence: Recurrence, first_start: dt.datetime, zone: ZoneInfo) -> str:
    """The rule as RFC 5545 text (DTSTART, RRULE and EXDATE lines) in local time, for calendars."""
    first = first_start.astimezone(zone).replace(tzinfo=None)
    lines = [str(_rule(recurrence, first))]
    lines += [f"EXDATE:{dt.datetime.combine(day, first.time()):%Y%m%dT%H%M%S}" for day in sorted(recurrence.exceptions)]
    return "\n".join(lines)
