"""The rules of memberships (pure): paid periods, states, and the member's share."""

import datetime as dt

from booking_svc import membership

UTC = dt.timezone.utc


def test_a_membership_is_active_then_in_grace_then_expired_and_a_payment_extends_it_from_its_end():
    now = dt.datetime(2027, 1, 31, 12, tzinfo=UTC)
    until = membership.paid_until(None, "monthly", now)
    assert until == dt.datetime(2027, 2, 28, 12, tzinfo=UTC)  # the month's last day when it is shorter
    assert membership.paid_until(until, "quarterly", now) == dt.datetime(2027, 5, 28, 12, tzinfo=UTC)
    assert membership.paid_until(until, "yearly", until + dt.timedelta(days=40)) == dt.datetime(
        2028, 4, 9, 12, tzinfo=UTC)  # lapsed: a new period starts at the payment
    assert membership.state(until, 7, until - dt.timedelta(seconds=1)) == "active"
    assert membership.state(until, 7, until + dt.timedelta(days=6)) == "grace"
    assert membership.state(until, 7, until + dt.timedelta(days=7)) == "expired"


def test_the_percent_off_applies_to_a_quarter_of_the_court():
    assert membership.member_discount(600_000, 20) == 30_000
    assert membership.member_discount(600_000, 100) == 150_000
    assert membership.member_discount(600_000, 0) == 0
