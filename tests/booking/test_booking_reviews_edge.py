"""Reviews over REST through the real Envoy edge: what can be checked before a game is played (the
edge's clock is real; reviews of played games are tested on the database with a moved clock)."""

import uuid

import requests

from booking_testkit import local_day
from test_booking_edge import TIMEOUT, book, create_venue, new_user


def test_only_players_review_and_only_once_the_game_is_played_and_reviews_are_public(platform):
    owner, player, stranger = new_user(), new_user(), new_user()
    venue = create_venue(platform, owner)
    game = book(platform, player, venue["courts"][0]["court_id"], local_day(2), "18:00").json()["booking"]
    review = f"{platform.url}/api/bookings/bookings/{game['booking_id']}/review"

    early = requests.post(review, json={"rating": 5, "text": "lovely"}, headers=platform.headers(player), timeout=TIMEOUT)
    assert early.status_code == 400 and early.json()["message"] == "a game is reviewed once it has been played"
    outsider = requests.post(review, json={"rating": 1}, headers=platform.headers(stranger), timeout=TIMEOUT)
    assert outsider.status_code == 403
    out_of_range = requests.post(review, json={"rating": 6}, headers=platform.headers(player), timeout=TIMEOUT)
    assert out_of_range.status_code == 400 and "rating" in out_of_range.json()["message"]

    listed = requests.get(f"{platform.url}/api/bookings/venues/{venue['venue_id']}/reviews", timeout=TIMEOUT)
    assert listed.status_code == 200, listed.text
    assert (listed.json().get("reviews", []), listed.json()["review_count"], listed.json()["average_rating"]) == (
        [], "0", 0)
    by_rating = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                             params={"query": venue["name"], "order_by_rating": "true"})
    assert [(v["venue_id"], v["rating_average"], v["rating_count"]) for v in by_rating.json()["venues"]] == [
        (venue["venue_id"], 0, "0")]  # no review yet (reviews of played games: test_booking_reviews.py)
    both = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                        params={"order_by_rating": "true", "near.latitude": 24.8, "near.longitude": 67.0})
    assert both.status_code == 400 and "order_by_rating" in both.json()["message"]
    nobody = requests.post(f"{platform.url}/api/bookings/reviews/{uuid.uuid4()}/answer", json={"answer": "thanks"},
                           headers=platform.headers(owner, roles=("venue_owner",)), timeout=TIMEOUT)
    assert nobody.status_code == 404
    not_admin = requests.post(f"{platform.url}/api/bookings/reviews/{uuid.uuid4()}/hide", json={},
                              headers=platform.headers(owner, roles=("venue_owner",)), timeout=TIMEOUT)
    assert not_admin.status_code == 403
