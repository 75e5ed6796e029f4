"""The owner's weekly summary through the real Envoy edge: games booked over REST in next week, the
platform's test clock moved to the Monday 08:00 after it (booking's job runs every second), and the
owner's inbox message with the week's headline numbers."""

import datetime as dt

from booking_testkit import local_day, local_dt
from notify_svc.domain import money_text
from test_booking_edge import book, create_venue, new_user, told


def test_the_owner_reads_the_weeks_bookings_revenue_and_new_players_on_the_monday_after(platform):
    owner, players = new_user(), [new_user(), new_user()]
    venue = create_venue(platform, owner)
    court = venue["courts"][0]["court_id"]
    # Next week (Monday to Sunday, all of it ahead whatever today is), and its summary's moment.
    monday = local_day(7 - local_day(0).weekday())
    made = []
    for player, day in zip(players, (monday + dt.timedelta(days=1), monday + dt.timedelta(days=3))):
        answer = book(platform, player, court, day, "18:00")
        assert answer.status_code == 200, answer.text
        made.append(answer.json()["booking"])
    net = sum(int(b["price"]["amount_paisa"]) - int(b.get("commission", {}).get("amount_paisa", 0)) for b in made)

    with platform.clock_at(local_dt(monday + dt.timedelta(days=7), "08:01")):
        summary = told(platform, owner, "venue_weekly_summary")
    rupees = money_text(net, "PKR")
    assert summary["title"] == f"Your week at {venue['name']}: 2 bookings, {rupees}"
    assert f"{rupees} net revenue, no-shows 0%, 2 new players. Rating: no reviews yet." in summary["body"]
