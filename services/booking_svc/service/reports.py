"""The owner's numbers over a range of opening days: occupancy per court and per 30-minute step of the
week, net revenue per day, court and price rule, bookings by status, the no-show rate, new and returning players,
the top players; and the same as CSV.

Every figure about bookings is grouped in the database (`store.report_*`): no query loads the
period's bookings. Occupancy reads one row per distinct (start, length) of the games and splits it
into the local 30-minute steps it covers, by the clock (a game from 23:30 to 00:30 on a Friday night
counts 30 minutes on Friday 23:30 and 30 on Saturday 00:00); open minutes come from the opening hours,
less each court's closures (read once per distinct span, joined where they overlap, clipped to the
openings) and the time before a court was added or after it was retired. Players are every player of
a booking (its booker and invited players, each with their share).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from booking_svc import domain, store
from booking_svc.service import rows
from booking_svc.store import CourtFigures, Report
from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import InvalidArgument

STEP = dt.timedelta(minutes=30)
LONGEST_PERIOD = dt.timedelta(days=366)
TOP_PLAYERS = 10


def _step_of(moment: dt.datetime, zone: ZoneInfo) -> tuple[dt.datetime, tuple[int, str]]:
    """The local 30-minute step a moment falls in: its end (UTC) and its key (weekday, "HH:MM")."""
    local = moment.astimezone(zone)
    start = local.replace(minute=local.minute // 30 * 30, second=0, microsecond=0)
    return (start + STEP).astimezone(dt.timezone.utc), (start.isoweekday(), start.strftime("%H:%M"))


def _spread(steps: dict, start: dt.datetime, end: dt.datetime, zone: ZoneInfo, courts: int, slot: int) -> None:
    """Adds `courts` × the minutes of [start, end) to each local step it covers (`slot`: 0 booked, 1 open;
    `courts` -1 takes a closed court's minutes off)."""
    moment = start
    while moment < end:
        step_end, key = _step_of(moment, zone)
        upto = min(step_end, end)
        steps[key][slot] += courts * int((upto - moment).total_seconds() // 60)
        moment = upto


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _closed_in(windows: list[tuple[dt.datetime, dt.datetime]],
               closures: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of the opening `windows` a court's `closures` (by start) cover, each minute once."""
    joined: list[list[dt.datetime]] = []
    for start, end in closures:
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(max(start, opens), min(end, closes)) for start, end in joined for opens, closes in windows
            if start < closes and opens < end]


def _counted(court: store.Court, since: dt.datetime) -> bool:
    """Whether the court was open for play at some time from `since` on: active, or retired after it (a
    court retired before its time was kept counts as retired for good)."""
    return court.active or (court.retired_at is not None and court.retired_at > since)


def _out_of_service(court: store.Court, opens: dt.datetime,
                    closes: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of [opens, closes) the court was out of service: before it was added, after it was retired."""
    spans = [(opens, court.created_at)] if court.created_at > opens else []
    if court.retired_at is not None and court.retired_at < closes:
        spans.append((court.retired_at, closes))
    return spans


def period(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise InvalidArgument.field("to", "is before from")
    if last - first > LONGEST_PERIOD:
        raise InvalidArgument.field("to", "a report covers at most 366 days")


def report(uow: UnitOfWork, caller: Caller, venue_id: str, first: dt.date, last: dt.date) -> Report:
    """The venue's numbers from `first` to `last` (opening days, both included), for who manages it."""
    period(first, last)
    with uow.session(read_only=True) as session:
        venue = rows.venue(session, venue_id)
        domain.check_may_manage(caller, venue.owner_id)
        return figures(session, venue, first, last)


def figures(session: Session, venue: store.Venue, first: dt.date, last: dt.date) -> Report:
    """The venue's numbers from `first` to `last`, read in the caller's session (the report, the weekly summary)."""
    rules, zone = rows.rules_of(venue), ZoneInfo(venue.time_zone)
    courts = store.courts_of(session, venue.id)
    by_court = store.report_courts(session, venue.id, first, last)
    steps: dict[tuple[int, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    windows = [w for w in (domain.opening_window(rules, day) for day in days) if w]
    counted = [c for c in courts if windows and _counted(c, windows[0][0])]
    for opens, closes in windows:
        _spread(steps, opens, closes, zone, len(counted), 1)
    open_minutes = sum(_minutes(*w) for w in windows)
    closed_minutes: dict[str, int] = collections.defaultdict(int)
    if windows:
        closed = store.report_closures(session, [c.id for c in counted], windows[0][0], windows[-1][1])
        for court in counted:  # added or retired in the period: not open before, nor after
            if gone := _out_of_service(court, windows[0][0], windows[-1][1]):
                closed[court.id] = sorted([*gone, *closed.get(court.id, [])])
        for court_id, closures in closed.items():
            for start, end in _closed_in(windows, closures):
                _spread(steps, start, end, zone, -1, 1)
                closed_minutes[court_id] += _minutes(start, end)
    for start, duration, how_many in store.report_games(session, venue.id, first, last):
        _spread(steps, start, start + dt.timedelta(minutes=duration), zone, how_many, 0)
    new, returning = store.report_players(session, venue.id, first, last)
    price_rules = {r.id: r for r in store.price_rules_of(session, venue.id)}
    by_rule = [(rule_id or "", price_rules.get(rule_id or ""), n, revenue)
               for rule_id, n, revenue in store.report_price_rules(session, venue.id, first, last)]
    per_court = []
    for court in courts:
        bookings, booked, revenue = by_court.get(court.id, (0, 0, 0))
        opened = open_minutes - closed_minutes[court.id] if court in counted else 0
        per_court.append(CourtFigures(court, bookings, booked, opened, revenue))
    return Report(
        venue, first, last, per_court, dict(sorted(steps.items())), store.report_days(session, venue.id, first, last),
        store.report_statuses(session, venue.id, first, last), new, returning,
        store.report_top_players(session, venue.id, first, last, TOP_PLAYERS), by_rule)


def as_csv(numbers: Report) -> bytes:
    """The report as one CSV table: a row per figure, named by its section and key."""
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    table.writerow(["section", "key", "bookings", "booked_minutes", "open_minutes", "amount_paisa"])
    table.writerow(["venue", numbers.venue.id, "", "", "", numbers.revenue_paisa])
    for c in numbers.courts:
        table.writerow(["court", c.court.name, c.bookings, c.booked_minutes, c.open_minutes, c.revenue_paisa])
    for (weekday, clock), (booked, open_) in numbers.steps.items():
        table.writerow(["step", f"{weekday} {clock}", "", booked, open_, ""])
    for day, bookings, revenue in numbers.days:
        table.writerow(["day", day.isoformat(), bookings, "", "", revenue])
    for status, count in numbers.statuses:
        table.writerow(["status", status, count, "", "", ""])
    table.writerow(["players", "new", numbers.new_players, "", "", ""])
    table.writerow(["players", "returning", numbers.returning_players, "", "", ""])
    table.writerow(["no_show_rate", f"{numbers.no_show_rate:.4f}", "", "", "", ""])
    for player, bookings, spent in numbers.top_players:
        table.writerow(["top_player", player, bookings, "", "", spent])
    for rule_id, _rule, bookings, revenue in numbers.price_rules:
        table.writerow(["price_rule", rule_id or "base", bookings, "", "", revenue])
    return out.getvalue().encode()
