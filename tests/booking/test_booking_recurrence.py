"""The games of a series from its RFC 5545 rule, in the venue's time zone (pure)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from booking_svc import recurrence
from booking_svc.recurrence import Recurrence
from mesh.errors import InvalidArgument

KARACHI, BERLIN = ZoneInfo("Asia/Karachi"), ZoneInfo("Europe/Berlin")
MONDAY_19 = dt.datetime(2027, 3, 1, 19, 0, tzinfo=KARACHI)


def local(starts, zone=KARACHI):
    return [s.astimezone(zone).strftime("%a %Y-%m-%d %H:%M") for s in starts]


def test_every_two_weeks_on_two_weekdays_until_a_date_skipping_an_exception():
    rule = Recurrence(2, (1, 4), dt.date(2027, 3, 25), 0, frozenset({dt.date(2027, 3, 15)}))
    assert local(recurrence.games(rule, MONDAY_19, KARACHI)) == [
        "Mon 2027-03-01 19:00", "Thu 2027-03-04 19:00", "Thu 2027-03-18 19:00"]
    text = recurrence.rfc5545(rule, MONDAY_19, KARACHI)
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270325T235959;BYDAY=MO,TH" in text
    assert "EXDATE:20270315T190000" in text


def test_a_game_keeps_its_local_time_across_a_change_of_daylight_saving_time():
    first = dt.datetime(2027, 3, 20, 19, 0, tzinfo=BERLIN)  # Berlin moves its clocks on 28 March
    starts = recurrence.games(Recurrence(1, (), None, 2, frozenset()), first, BERLIN)
    assert local(starts, BERLIN) == ["Sat 2027-03-20 19:00", "Sat 2027-03-27 19:00"]
    assert [s.hour for s in starts] == [18, 18]
    later = recurrence.games(Recurrence(1, (), None, 3, frozenset()), first, BERLIN)[2]
    assert later.astimezone(dt.timezone.utc).hour == 17


def test_a_rule_needs_until_or_count_and_gives_at_most_two_years_of_games():
    with pytest.raises(InvalidArgument, match="recurrence.until"):
        recurrence.check(Recurrence(1, (), None, 0, frozenset()))
    with pytest.raises(InvalidArgument, match="recurrence.until"):
        recurrence.check(Recurrence(1, (), dt.date(2027, 4, 1), 3, frozenset()))
    with pytest.raises(InvalidArgument, match="at most 104 games"):
        recurrence.games(Recurrence(1, (1, 3, 5), dt.date(2028, 12, 31), 0, frozenset()), MONDAY_19, KARACHI)
