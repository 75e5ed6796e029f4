"""Reviews over REST through the real Envoy edge: what can be checked before a game is played, and on
the platform's test clock a game really played (booking's job completes it) that its two players
review, the owner answers and an admin hides, the venue's rating and the search by rating following."""

import uuid

import requests

from booking_testkit import iso, local_day, local_dt
from padel_testkit import eventually
from test_booking_edge import TIMEOUT, book, create_venue, new_user
from test_booking_owners_edge import a_player, call


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


def test_the_two_players_of_a_played_game_review_it_the_owner_answers_and_an_admin_hides_abuse(platform):
    owner, booker, stranger = new_user(), new_user(), new_user()
    partner = a_player(platform, "Partner")  # known to user_svc, so the booker may invite them
    city = f"Reviewtown{uuid.uuid4().hex[:8]}"
    rated, rival = create_venue(platform, owner, city=city), create_venue(platform, new_user(), city=city)
    day = local_day(2)
    made = call(platform, "POST", "/api/bookings/book", booker,
                json={"court_id": rated["courts"][0]["court_id"], "start_time": iso(day, "18:00"),
                      "duration_minutes": 60, "participant_ids": [partner], "idempotency_key": uuid.uuid4().hex})
    assert made.status_code == 200, made.text
    game = made.json()["booking"]["booking_id"]
    assert call(platform, "POST", f"/api/bookings/bookings/{game}/invitation:accept", partner).status_code == 200
    other = book(platform, new_user(), rival["courts"][0]["court_id"], day, "18:00").json()["booking"]
    review = f"/api/bookings/bookings/{game}/review"
    early = call(platform, "POST", review, booker, json={"rating": 5, "text": "lovely"})
    assert early.status_code == 400 and early.json()["message"] == "a game is reviewed once it has been played"

    def status(booking_id: str, player: str) -> str:
        return call(platform, "GET", f"/api/bookings/bookings/{booking_id}", player).json()["booking"]["status"]

    # Half an hour past the games' end: booking's job (every second on the test platform) completes them.
    with platform.clock_at(local_dt(day, "19:30")):
        eventually(lambda: status(game, booker) == status(other["booking_id"], other["player_id"])
                   == "BOOKING_STATUS_COMPLETED", "the job completes the played games", timeout=20)

    written = call(platform, "POST", review, booker, json={"rating": 5, "text": "great lights"})
    assert written.status_code == 200, written.text
    assert call(platform, "POST", review, partner, json={"rating": 2, "text": "slippery glass"}).status_code == 200
    again = call(platform, "POST", review, booker, json={"rating": 1, "text": "changed my mind"})
    assert again.status_code == 409 and again.json()["message"] == "you already reviewed this game"
    assert call(platform, "POST", review, stranger, json={"rating": 1}).status_code == 403
    rival_review = call(platform, "POST", f"/api/bookings/bookings/{other['booking_id']}/review",
                        other["player_id"], json={"rating": 4})
    assert rival_review.status_code == 200, rival_review.text

    def listed() -> tuple[list[tuple], str, float]:
        answer = requests.get(f"{platform.url}/api/bookings/venues/{rated['venue_id']}/reviews", timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        shown = answer.json()
        return ([(r["player_id"], r["rating"], r.get("answer", "")) for r in shown.get("reviews", [])],
                shown["review_count"], shown["average_rating"])

    def by_rating() -> list[tuple]:
        answer = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                              params={"city": city, "order_by_rating": "true"})
        assert answer.status_code == 200, answer.text
        return [(v["venue_id"], v["rating_average"], v["rating_count"]) for v in answer.json()["venues"]]

    assert listed() == ([(partner, 2, ""), (booker, 5, "")], "2", 3.5)
    assert by_rating() == [(rival["venue_id"], 4, "1"), (rated["venue_id"], 3.5, "2")]

    booker_review = written.json()["review"]["review_id"]
    meddler = call(platform, "POST", f"/api/bookings/reviews/{booker_review}/answer", partner, json={"answer": "me"})
    assert meddler.status_code == 403
    answered = call(platform, "POST", f"/api/bookings/reviews/{booker_review}/answer", owner, ("venue_owner",),
                    json={"answer": "thank you, see you soon"})
    assert answered.status_code == 200, answered.text
    partner_review = next(r["review_id"] for r in requests.get(
        f"{platform.url}/api/bookings/venues/{rated['venue_id']}/reviews", timeout=TIMEOUT).json()["reviews"]
        if r["player_id"] == partner)
    hide = f"/api/bookings/reviews/{partner_review}/hide"
    assert call(platform, "POST", hide, owner, ("venue_owner",), json={"reason": "I do not like it"}).status_code == 403
    hidden = call(platform, "POST", hide, new_user(), ("admin",), json={"reason": "abuse"})
    assert hidden.status_code == 200, hidden.text

    # The hidden review is gone from the list and the average; the venue now leads the search by rating.
    assert listed() == ([(booker, 5, "thank you, see you soon")], "1", 5)
    assert by_rating() == [(rated["venue_id"], 5, "1"), (rival["venue_id"], 4, "1")]
    alone = requests.get(f"{platform.url}/api/bookings/venues/{rated['venue_id']}", timeout=TIMEOUT).json()["venue"]
    assert (alone["rating_average"], alone["rating_count"]) == (5, "1")
