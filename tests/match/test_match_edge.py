"""Open matches over REST/JSON through the real Envoy edge (`platform`: SQLite, Redis stand-in): a match
opened on a booked court, players joining (one out of range asks and is approved, another is refused and
withdraws), the last place raced by 20 players of whom exactly one wins (each seated player owes a share
of the organiser's booking, and one who leaves no longer does), and matches played on the platform's
test clock: a confirmed result moves the levels as the model says (and the profiles show them), a
disputed or a friendly one moves nothing; suggestions leave out players who are not findable or are
blocked; a match opened on a free slot, whose court is booked once enough players joined and whose
seated players each owe their share, and one that does not fill in time: released by match's hold job on
the test clock, its court free again and its players told; a player cannot hold a court themselves
(HoldCourtForMatch is internal: the edge refuses it)."""

import datetime as dt
import uuid
from concurrent import futures

import grpc
import pytest
import requests
from google.protobuf import json_format
from padel.booking.v1 import booking_service_pb2, booking_service_pb2_grpc
from padel.match.v1 import match_service_pb2, match_service_pb2_grpc

from booking_testkit import iso, local_day, local_dt, platform_headers
from match_svc import rating
from padel_testkit import eventually
from test_booking_edge import TIMEOUT, book, create_venue, free_starts


def post(platform, player: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.post(f"{platform.url}/api/matches/{path}", json=body or {}, timeout=TIMEOUT,
                         headers=platform_headers(platform, player))


def player_at(platform, level: float) -> str:
    player = str(uuid.uuid4())
    answer = post(platform, player, "questionnaire", {"years_played": 10, "self_assessment": level})
    assert answer.status_code == 200, answer.text
    assert answer.json()["level"]["level"] == level and answer.json()["level"]["reliability"] < 0.25
    return player


def paid_online(platform, owner: str, venue: dict) -> None:
    """The venue takes the whole price online: every player of a booking owes a share."""
    answer = requests.put(f"{platform.url}/api/payments/venues/{venue['venue_id']}/payment", timeout=TIMEOUT,
                          json={"mode": "PAYMENT_MODE_FULL"}, headers=platform.headers(owner, ("venue_owner",)))
    assert answer.status_code == 200, answer.text


def shares(platform, booking_id: str, booker: str) -> dict[str, int]:
    """What each player of the booking owes (nothing before payments billed it)."""
    answer = requests.get(f"{platform.url}/api/payments/bookings/{booking_id}", timeout=TIMEOUT,
                          headers=platform_headers(platform, booker))
    return {s["player_id"]: int(s["amount"]["amount_paisa"]) for s in answer.json()["bill"]["shares"]} \
        if answer.status_code == 200 else {}


def test_players_fill_an_open_match_and_twenty_race_for_the_last_place(platform):
    owner, organiser = str(uuid.uuid4()), player_at(platform, 3.0)
    venue = create_venue(platform, owner, city="Islamabad", confirmation_mode="CONFIRMATION_MODE_MANUAL",
                         hold_minutes=30)
    paid_online(platform, owner, venue)
    booked = book(platform, organiser, venue["courts"][0]["court_id"], local_day(4), "18:00")
    assert booked.status_code == 200, booked.text
    booking_id, price = booked.json()["booking"]["booking_id"], int(booked.json()["booking"]["price"]["amount_paisa"])
    confirmed = requests.post(f"{platform.url}/api/bookings/bookings/{booking_id}/confirm", json={}, timeout=TIMEOUT,
                              headers=platform.headers(owner, ("venue_owner",)))  # the venue trusts them to pay
    assert confirmed.status_code == 200, confirmed.text
    opened = post(platform, organiser, "open", {"booking_id": booking_id,
                                                "kind": "MATCH_KIND_COMPETITIVE", "gender_mode": "GENDER_MODE_OPEN"})
    assert opened.status_code == 200, opened.text
    match_id = opened.json()["match"]["match_id"]

    listed = requests.get(f"{platform.url}/api/matches/open", timeout=TIMEOUT,
                          params={"city": "Islamabad", "level": 3.2, "venue_id": venue["venue_id"]})
    assert listed.status_code == 200, listed.text
    assert [m["match_id"] for m in listed.json()["matches"]] == [match_id]
    assert listed.json()["matches"][0]["free_places"] == 3

    second = player_at(platform, 3.4)
    assert post(platform, second, f"{match_id}/join", {"side": "SIDE_A"}).status_code == 200
    strong = player_at(platform, 5.5)
    refused = post(platform, strong, f"{match_id}/join")
    assert refused.status_code == 400 and "ask to join" in refused.json()["message"]
    assert post(platform, strong, f"{match_id}/requests", {"side": "SIDE_B"}).status_code == 200
    # Another asker is refused by one seated player, may ask again, and withdraws.
    stronger = player_at(platform, 6.0)
    assert post(platform, stronger, f"{match_id}/requests").status_code == 200
    refusal = post(platform, second, f"{match_id}/requests/{stronger}/refuse")
    assert refusal.status_code == 200, refusal.text
    assert [r["player_id"] for r in refusal.json()["match"]["join_requests"]] == [strong]
    assert post(platform, stronger, f"{match_id}/requests").status_code == 200
    withdrawn = post(platform, stronger, f"{match_id}/requests/withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    assert [r["player_id"] for r in withdrawn.json()["match"]["join_requests"]] == [strong]
    gender = requests.put(f"{platform.url}/api/matches/players/me/gender", json={"gender": "GENDER_WOMAN"},
                          timeout=TIMEOUT, headers=platform_headers(platform, stronger))
    assert gender.status_code == 200 and gender.json()["level"]["gender"] == "GENDER_WOMAN", gender.text
    assert post(platform, organiser, f"{match_id}/requests/{strong}/approve").status_code == 200
    approved = post(platform, second, f"{match_id}/requests/{strong}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["match"]["free_places"] == 1
    assert {s["player_id"]: s["side"] for s in approved.json()["match"]["seats"]} == {
        organiser: "SIDE_A", second: "SIDE_A", strong: "SIDE_B"}

    racers = [player_at(platform, 3.0) for _ in range(20)]
    with futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda racer: post(platform, racer, f"{match_id}/join"), racers))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * 19, [a.text for a in answers if a.status_code not in (200, 409)]
    winner = racers[[a.status_code for a in answers].index(200)]

    got = requests.get(f"{platform.url}/api/matches/{match_id}", timeout=TIMEOUT,
                       headers=platform_headers(platform, organiser))
    assert got.status_code == 200, got.text
    match = got.json()["match"]
    assert match["status"] == "MATCH_STATUS_FULL" and match["free_places"] == 0
    assert sorted(s["player_id"] for s in match["seats"]) == sorted([organiser, second, strong, winner])
    # A full match is no longer listed as open.
    listed = requests.get(f"{platform.url}/api/matches/open", timeout=TIMEOUT, params={"venue_id": venue["venue_id"]})
    assert listed.json()["matches"] == []
    counted = {line.split(" ")[0]: float(line.split(" ")[1])
               for line in requests.get(platform.metrics_url("match"), timeout=TIMEOUT).text.splitlines()
               if line.startswith("padel_match")}
    assert counted['padel_matches_opened_total{kind="competitive"}'] >= 1
    assert counted["padel_match_places_taken_total"] >= 3 and counted["padel_matches_filled_total"] >= 1

    # The seated players are players of the organiser's booking: each owes a quarter; who leaves owes nothing.
    assert price % 12 == 0
    seated = [organiser, second, strong, winner]
    assert eventually(lambda: len(shares(platform, booking_id, organiser)) == 4 and shares(
        platform, booking_id, organiser), "payments bills the seated players") == {p: price // 4 for p in seated}
    assert post(platform, winner, f"{match_id}/leave").status_code == 200
    assert eventually(lambda: winner not in (now := shares(platform, booking_id, organiser)) and now,
                      "the leaver's share is gone") == {p: price // 3 for p in seated[:3]}


def self_assessed_player(platform, skill_level: float, **profile) -> str:
    """A player who gave their profile a skill_level (and `profile`) and never answered match's questionnaire."""
    player = str(uuid.uuid4())
    fields = {"skill_level": skill_level, **profile}
    answer = requests.put(f"{platform.url}/api/users/profile", headers=platform_headers(platform, player),
                          timeout=TIMEOUT, json={"profile": fields, "update_mask": ",".join(fields)})
    assert answer.status_code == 200, answer.text
    return player


def level_of(platform, player: str) -> dict:
    answer = requests.get(f"{platform.url}/api/matches/players/{player}/level", timeout=TIMEOUT,
                          headers=platform_headers(platform, player))
    assert answer.status_code == 200, answer.text
    return answer.json()


def shown_level(platform, player: str) -> dict | None:
    """The level the player's own profile shows (user_svc's copy of match_svc's)."""
    answer = requests.get(f"{platform.url}/api/users/profile", headers=platform_headers(platform, player),
                          timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["profile"].get("match_level")


def test_a_block_either_way_hides_a_players_level_history_and_record_as_other_lookups_do(platform):
    """A level (with its history, gender and partner record) was shown to anyone once the player had
    one, even to a player they blocked or who blocked them: only a level started from a profile asked
    user_svc. A block now hides it both ways, as user_svc hides the profile (404)."""
    blocker, blocked, stranger = (player_at(platform, level) for level in (3.0, 3.5, 4.0))
    for player in (blocker, blocked, stranger):  # each has a profile, as a registered player does
        assert requests.put(f"{platform.url}/api/users/profile", headers=platform_headers(platform, player),
                            timeout=TIMEOUT, json={"profile": {"display_name": f"Player {player[:8]}"},
                                                   "update_mask": "display_name"}).status_code == 200
    assert requests.post(f"{platform.url}/api/users/connections/{blocked}/block", timeout=TIMEOUT,
                         headers=platform_headers(platform, blocker)).status_code == 200

    def level(of: str, asker: str) -> requests.Response:
        return requests.get(f"{platform.url}/api/matches/players/{of}/level", timeout=TIMEOUT,
                            headers=platform_headers(platform, asker))

    for of, asker in ((blocker, blocked), (blocked, blocker)):
        hidden = level(of, asker)
        assert hidden.status_code == 404, hidden.text
        assert "level" not in hidden.json() and "record" not in hidden.json()
    # Anyone else, and the player themself, still see it.
    for of, asker in ((blocker, stranger), (blocked, stranger), (blocker, blocker), (blocked, blocked)):
        shown = level(of, asker)
        assert shown.status_code == 200, shown.text
        assert shown.json()["level"]["player_id"] == of and "record" in shown.json()


def test_a_played_result_moves_levels_as_the_model_says_a_disputed_or_friendly_one_moves_nothing(platform):
    # Two players start from the questionnaire, their two opponents from their profiles' skill_level.
    organiser, partner = player_at(platform, 3.0), player_at(platform, 3.4)
    rivals = [self_assessed_player(platform, 3.2), self_assessed_player(platform, 2.8)]
    court = create_venue(platform, str(uuid.uuid4()), city="Lahore")["courts"][0]["court_id"]

    def full_match(days_ahead: int, kind: str) -> dict:
        booked = book(platform, organiser, court, local_day(days_ahead), "18:00")
        assert booked.status_code == 200, booked.text
        opened = post(platform, organiser, "open", {"booking_id": booked.json()["booking"]["booking_id"], "kind": kind,
                                                    "gender_mode": "GENDER_MODE_OPEN", "level_spread": 1.0})
        assert opened.status_code == 200, opened.text
        match_id = opened.json()["match"]["match_id"]
        for player, side in ((partner, "SIDE_A"), (rivals[0], "SIDE_B"), (rivals[1], "SIDE_B")):
            joined = post(platform, player, f"{match_id}/join", {"side": side})
            assert joined.status_code == 200, joined.text
        assert joined.json()["match"]["status"] == "MATCH_STATUS_FULL"
        return joined.json()["match"]

    competitive = full_match(2, "MATCH_KIND_COMPETITIVE")
    disputed = full_match(3, "MATCH_KIND_COMPETITIVE")
    friendly = full_match(4, "MATCH_KIND_FRIENDLY")
    players = [organiser, partner, *rivals]
    before = {p: level_of(platform, p)["level"] for p in players}
    assert before[rivals[0]]["start"] == "LEVEL_START_PROFILE" and before[rivals[0]]["level"] == pytest.approx(3.2)
    assert before[rivals[0]]["reliability"] == pytest.approx(0.1)
    assert before[organiser]["start"] == "LEVEL_START_QUESTIONNAIRE"
    # The profile shows match_svc's level beside the player's own estimate.
    shown = eventually(lambda: shown_level(platform, rivals[1]), "the profile shows the starting level")
    assert shown["level"] == pytest.approx(2.8) and shown["reliability"] == pytest.approx(0.1)

    # Suggestions are the findable players user_svc lets the organiser find: never one who is not
    # findable, whom the organiser blocked or who blocked the organiser.
    word = uuid.uuid4().hex[:8]
    findable, hidden, blocked, blocker = (
        self_assessed_player(platform, 3.0, display_name=f"{name} {word}", city="CITY_LAHORE", **extra)
        for name, extra in (("Findable", {}), ("Hidden", {"findable": False}), ("Blocked", {}), ("Blocker", {})))
    for who, whom in ((organiser, blocked), (blocker, organiser)):
        assert requests.post(f"{platform.url}/api/users/connections/{whom}/block", timeout=TIMEOUT,
                             headers=platform_headers(platform, who)).status_code == 200

    def suggested() -> set[str]:
        answer = requests.get(f"{platform.url}/api/matches/{competitive['match_id']}/suggestions", timeout=TIMEOUT,
                              params={"max_suggestions": 50}, headers=platform_headers(platform, organiser))
        assert answer.status_code == 200, answer.text
        return {s["player_id"] for s in answer.json().get("suggestions", [])}

    eventually(lambda: findable in suggested(), "the findable player is suggested")
    assert not {hidden, blocked, blocker, *players} & suggested()
    # A player never in a match shows the organiser the level their profile starts them at; one who
    # blocked the organiser shows nothing.
    asked = {who: requests.get(f"{platform.url}/api/matches/players/{who}/level", timeout=TIMEOUT,
                               headers=platform_headers(platform, organiser)) for who in (findable, blocker)}
    assert asked[findable].status_code == 200, asked[findable].text
    assert asked[findable].json()["level"]["start"] == "LEVEL_START_PROFILE"
    assert asked[findable].json()["level"]["level"] == pytest.approx(3.0) and asked[blocker].status_code == 404

    def answer(match: dict, recorder: str, answerer: str, verb: str) -> dict:
        recorded = post(platform, recorder, f"{match['match_id']}/result", {"sets": [
            {"side_a_games": 6, "side_b_games": 4}, {"side_a_games": 6, "side_b_games": 3}]})
        assert recorded.status_code == 200, recorded.text
        answered = post(platform, answerer, f"{match['match_id']}/result/{verb}")
        assert answered.status_code == 200, answered.text
        return answered.json()["match"]["result"]

    too_early = post(platform, organiser, f"{competitive['match_id']}/result", {"sets": [
        {"side_a_games": 6, "side_b_games": 4}, {"side_a_games": 6, "side_b_games": 3}]})
    assert too_early.status_code == 400 and "not started" in too_early.json()["message"]
    # The test clock plays the three matches: match_svc's time is after the last one's end.
    with platform.clock_at(dt.datetime.fromisoformat(friendly["end_time"]) + dt.timedelta(minutes=10)):
        assert answer(competitive, organiser, rivals[0], "confirm")["status"] == "RESULT_STATUS_CONFIRMED"
        start = [rating.Skill(rating.mu_of(before[p]["level"]), (1 - before[p]["reliability"]) * rating.SIGMA_UNKNOWN)
                 for p in players]
        side_a, side_b = rating.rate((start[0], start[1]), (start[2], start[3]), "A")
        expected = dict(zip(players, [*side_a, *side_b]))
        moved = {p: level_of(platform, p) for p in players}
        for player in players:
            assert moved[player]["level"]["level"] == pytest.approx(expected[player].level)
            assert moved[player]["level"]["reliability"] == pytest.approx(expected[player].reliability)
            assert moved[player]["history"][0]["match_id"] == competitive["match_id"]
        assert moved[organiser]["level"]["level"] > before[organiser]["level"]
        assert moved[rivals[0]]["level"]["level"] < before[rivals[0]]["level"]

        assert answer(disputed, partner, rivals[1], "dispute")["status"] == "RESULT_STATUS_DISPUTED"
        assert answer(friendly, rivals[0], organiser, "confirm")["status"] == "RESULT_STATUS_CONFIRMED"
    for player in players:
        after = level_of(platform, player)
        assert after["level"]["level"] == moved[player]["level"]["level"]
        assert after["level"]["reliability"] == moved[player]["level"]["reliability"]
        assert after["level"]["matches_counted"] == 1 and after["history"][0]["match_id"] == competitive["match_id"]
        # The friendly match counts as played in the partner record, the disputed one does not.
        assert after["record"]["matches_played"] == 2
    # Each profile shows the level the confirmed match gave.
    for player in players:
        eventually(lambda: (shown_level(platform, player) or {}).get("level") == pytest.approx(
            expected[player].level), f"the profile of {player} shows the new level")


def hold_of(platform, organiser: str, match: dict) -> dict:
    answer = requests.get(f"{platform.url}/api/bookings/bookings/{match['booking_id']}", timeout=TIMEOUT,
                          headers=platform_headers(platform, organiser))
    assert answer.status_code == 200, answer.text
    return answer.json()["booking"]


def test_a_match_on_a_free_slot_is_booked_once_two_are_in_and_each_seated_player_owes_a_share(platform):
    owner, organiser = str(uuid.uuid4()), player_at(platform, 3.0)
    venue = create_venue(platform, owner, city="Islamabad", confirmation_mode="CONFIRMATION_MODE_MANUAL",
                         hold_minutes=30)
    paid_online(platform, owner, venue)
    slot = {"court_id": venue["courts"][0]["court_id"], "start_time": iso(local_day(5), "20:00"), "duration_minutes": 60}
    opened = post(platform, organiser, "open", {"slot": slot, "kind": "MATCH_KIND_FRIENDLY",
                                                "gender_mode": "GENDER_MODE_OPEN"})
    assert opened.status_code == 200, opened.text
    match = opened.json()["match"]
    assert not match.get("court_booked") and match["court_held_until"]

    def booking() -> dict:
        return hold_of(platform, organiser, match)

    def shares_now() -> dict[str, int]:
        return shares(platform, match["booking_id"], organiser)

    assert booking()["status"] == "BOOKING_STATUS_PENDING"
    assert eventually(shares_now, "payments bills the held court") == {organiser: 600000}
    second, third = player_at(platform, 3.2), player_at(platform, 2.8)
    assert post(platform, second, f"{match['match_id']}/join").status_code == 200
    eventually(lambda: booking()["status"] == "BOOKING_STATUS_CONFIRMED", "two players five days ahead book the court")
    assert booking()["participant_ids"] == [second]
    assert eventually(lambda: len(shares_now()) == 2 and shares_now()) == {organiser: 300000, second: 300000}
    assert post(platform, third, f"{match['match_id']}/join").status_code == 200
    assert eventually(lambda: len(shares_now()) == 3 and shares_now()) == {
        organiser: 200000, second: 200000, third: 200000}
    assert post(platform, second, f"{match['match_id']}/leave").status_code == 200
    assert eventually(lambda: second not in (now := shares_now()) and now) == {organiser: 300000, third: 300000}


def test_a_player_cannot_hold_a_court_through_the_edge_only_match_svc_can(platform):
    """HoldCourtForMatch is internal: refused as an unknown route over REST and native gRPC, while
    opening a match on that free slot through the edge still holds the court (match_svc asks it)."""
    owner, organiser = str(uuid.uuid4()), player_at(platform, 3.0)
    venue = create_venue(platform, owner, city="Islamabad", hold_minutes=30)
    slot = {"court_id": venue["courts"][0]["court_id"], "start_time": iso(local_day(6), "19:00"), "duration_minutes": 60}
    # What match_svc asks: a match of the caller's that was never opened would hold the court.
    request = {"match_id": str(uuid.uuid4()), **slot, "hold_until": iso(local_day(6), "16:00")}
    headers = platform_headers(platform, organiser)
    for path in ("/api/bookings/match-holds", "/padel.booking.v1.BookingService/HoldCourtForMatch"):
        refused = requests.post(f"{platform.url}{path}", json=request, timeout=TIMEOUT, headers=headers)
        assert refused.status_code == 404 and refused.json()["code"] == grpc.StatusCode.NOT_FOUND.value[0], refused.text
    with grpc.insecure_channel(platform.edge) as channel:
        hold = booking_service_pb2_grpc.BookingServiceStub(channel).HoldCourtForMatch
        with pytest.raises(grpc.RpcError) as error:
            hold(json_format.ParseDict(request, booking_service_pb2.HoldCourtForMatchRequest()),
                 metadata=tuple(headers.items()), timeout=TIMEOUT)
        assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED
    opened = post(platform, organiser, "open", {"slot": slot, "kind": "MATCH_KIND_FRIENDLY",
                                                "gender_mode": "GENDER_MODE_OPEN"})
    assert opened.status_code == 200, opened.text
    assert hold_of(platform, organiser, opened.json()["match"])["status"] == "BOOKING_STATUS_PENDING"


def test_the_edge_does_not_route_the_question_booking_svc_asks_match_svc_about_a_hold(platform):
    """CheckCourtHold is internal (booking_svc's job asks match_svc at its own port): the edge answers it
    as a method no one serves, with a token or without (then the edge asks for one first)."""
    request = match_service_pb2.CheckCourtHoldRequest(match_id=str(uuid.uuid4()), booking_id=str(uuid.uuid4()))
    signed_in = tuple(platform_headers(platform, player_at(platform, 3.0)).items())
    with grpc.insecure_channel(platform.edge) as channel:
        check = match_service_pb2_grpc.MatchServiceStub(channel).CheckCourtHold
        for metadata, code in ((signed_in, grpc.StatusCode.UNIMPLEMENTED), (None, grpc.StatusCode.UNAUTHENTICATED)):
            with pytest.raises(grpc.RpcError) as error:
                check(request, metadata=metadata, timeout=TIMEOUT)
            assert error.value.code() == code


def inbox_kinds(platform, user_id: str) -> list[str]:
    answer = requests.get(f"{platform.url}/api/notifications/inbox", params={"page_size": 100}, timeout=TIMEOUT,
                          headers=platform_headers(platform, user_id))
    assert answer.status_code == 200, answer.text
    return [m["kind"] for m in answer.json().get("messages", [])]


def test_a_free_slot_match_that_does_not_fill_is_released_the_court_freed_and_its_players_told(platform):
    owner, organiser, second = str(uuid.uuid4()), player_at(platform, 3.0), player_at(platform, 3.2)
    venue = create_venue(platform, owner, city="Multan")
    court, day = venue["courts"][0]["court_id"], local_day(1)
    opened = post(platform, organiser, "open", {
        "slot": {"court_id": court, "start_time": iso(day, "21:00"), "duration_minutes": 60},
        "kind": "MATCH_KIND_FRIENDLY", "gender_mode": "GENDER_MODE_OPEN"})
    assert opened.status_code == 200, opened.text
    match_id, start = opened.json()["match"]["match_id"], local_dt(day, "21:00")
    assert "21:00" not in free_starts(platform, venue["venue_id"], day)[court]
    eventually(lambda: hold_of(platform, organiser, opened.json()["match"]).get("hold_expires_at")
               == opened.json()["match"]["court_held_until"], "booking_svc keeps the hold once it hears the match opened")

    def match() -> dict:
        answer = requests.get(f"{platform.url}/api/matches/{match_id}", timeout=TIMEOUT,
                              headers=platform_headers(platform, organiser))
        assert answer.status_code == 200, answer.text
        return answer.json()["match"]

    # Six hours before play a second player is not enough: within 12 h the court is booked with three.
    with platform.clock_at(start - dt.timedelta(hours=6)):
        joined = post(platform, second, f"{match_id}/join")
        assert joined.status_code == 200, joined.text
        assert not joined.json()["match"].get("court_booked")
    # Past the deadline, 3 h before play, the hold job (every second on this platform) releases it.
    with platform.clock_at(start - dt.timedelta(hours=3) + dt.timedelta(minutes=1)):
        eventually(lambda: match()["status"] == "MATCH_STATUS_RELEASED", "the hold job releases the match")
    eventually(lambda: "21:00" in free_starts(platform, venue["venue_id"], day)[court],
               "booking_svc cancels the hold: the court is free again")
    for player in (organiser, second):
        eventually(lambda: "match_released" in inbox_kinds(platform, player), f"{player} is told of the release")
    # The freed court is another player's to book; once they hear of it, notify has read the hold's
    # cancellation before it: the hold was never told as a booking, received or cancelled.
    rebooked = book(platform, str(uuid.uuid4()), court, day, "21:00")
    assert rebooked.status_code == 200, rebooked.text
    eventually(lambda: "booking_confirmed" in inbox_kinds(platform, rebooked.json()["booking"]["player_id"]),
               "the player who booked the freed court hears it")
    assert not {"booking_created", "booking_cancelled"} & set(inbox_kinds(platform, organiser))
    assert not {"venue_booking_pending", "venue_booking_cancelled", "venue_booking_expired"} & set(
        inbox_kinds(platform, owner))


def test_a_request_for_a_side_that_fills_ends_and_its_asker_is_told_once(platform):
    """A player asked for side B, then two others took side B's places: the request stayed pending though
    no approval could ever seat them (the last one failed SIDE_FULL), and they were never told."""
    organiser = player_at(platform, 3.0)
    court = create_venue(platform, str(uuid.uuid4()), city="Peshawar")["courts"][0]["court_id"]
    booked = book(platform, organiser, court, local_day(5), "18:00")
    assert booked.status_code == 200, booked.text
    opened = post(platform, organiser, "open", {"booking_id": booked.json()["booking"]["booking_id"],
                                                "kind": "MATCH_KIND_FRIENDLY", "gender_mode": "GENDER_MODE_OPEN"})
    assert opened.status_code == 200, opened.text
    match_id = opened.json()["match"]["match_id"]
    for_b, for_any = player_at(platform, 5.5), player_at(platform, 6.0)
    assert post(platform, for_b, f"{match_id}/requests", {"side": "SIDE_B"}).status_code == 200
    assert post(platform, for_any, f"{match_id}/requests").status_code == 200
    side_b = [player_at(platform, level) for level in (3.0, 3.2)]
    for player in side_b:
        joined = post(platform, player, f"{match_id}/join", {"side": "SIDE_B"})
        assert joined.status_code == 200, joined.text
    assert joined.json()["match"]["free_places"] == 1
    assert [r["player_id"] for r in joined.json()["match"]["join_requests"]] == [for_any]  # side A has room
    eventually(lambda: "match_request_ended_place_taken" in inbox_kinds(platform, for_b), "the asker is told")

    for seated in (organiser, *side_b):  # the asker for any side takes side A's last place
        approved = post(platform, seated, f"{match_id}/requests/{for_any}/approve")
        assert approved.status_code == 200, approved.text
    assert {s["player_id"]: s["side"] for s in approved.json()["match"]["seats"]}[for_any] == "SIDE_A"
    assert approved.json()["match"]["status"] == "MATCH_STATUS_FULL"
    eventually(lambda: "match_request_approved" in inbox_kinds(platform, for_any), "the approved asker is told")
    assert inbox_kinds(platform, for_b) == ["match_request_ended_place_taken"]  # not told again when it filled


def test_bad_input_is_refused_naming_the_field(platform):
    player = player_at(platform, 3.0)
    bad = post(platform, player, "questionnaire", {"years_played": 3, "self_assessment": 9})
    assert bad.status_code == 400 and "self_assessment" in bad.text
    bad = requests.get(f"{platform.url}/api/matches/open", params={"date": "tomorrow"}, timeout=TIMEOUT)
    assert bad.status_code == 400 and "date" in bad.text
    unknown = requests.get(f"{platform.url}/api/matches/{uuid.uuid4()}", timeout=TIMEOUT,
                           headers=platform_headers(platform, player))
    assert unknown.status_code == 404
    assert requests.get(f"{platform.url}/api/matches/{uuid.uuid4()}", timeout=TIMEOUT).status_code == 401


def test_match_svc_runs_in_the_platform_with_health_reflection_status_and_metrics(platform):
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    with grpc.insecure_channel(platform.address("match")) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="padel.match.v1.MatchService"), timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        answers = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        listed = {s.name for answer in answers for s in answer.list_services_response.service}
    assert "padel.match.v1.MatchService" in listed
    status = requests.get(f"{platform.url}/api/status", timeout=TIMEOUT).json()
    assert {"name": "match", "address": platform.address("match")}.items() <= next(
        s for s in status["services"] if s["name"] == "match").items()
    player_at(platform, 2.0)
    metrics = requests.get(platform.metrics_url("match"), timeout=TIMEOUT).text
    assert ('grpc_server_handled_total{grpc_code="OK",grpc_method="AnswerQuestionnaire",'
            'grpc_service="padel.match.v1.MatchService",grpc_type="unary"}') in metrics


def test_a_match_player_who_paid_and_leaves_late_is_refunded_only_once_a_newcomer_takes_their_place_and_pays(platform):
    owner, organiser = str(uuid.uuid4()), player_at(platform, 3.0)
    late, idle, newcomer = (player_at(platform, 3.0) for _ in range(3))
    # The venue's policy: cancelling is free until 720 hours before play, so leaving four days ahead is late.
    venue = create_venue(platform, owner, city="Multan", confirmation_mode="CONFIRMATION_MODE_MANUAL", hold_minutes=30)
    paid_online(platform, owner, venue)
    booked = book(platform, organiser, venue["courts"][0]["court_id"], local_day(4), "18:00")
    assert booked.status_code == 200, booked.text
    booking_id, price = booked.json()["booking"]["booking_id"], int(booked.json()["booking"]["price"]["amount_paisa"])
    assert requests.post(f"{platform.url}/api/bookings/bookings/{booking_id}/confirm", json={}, timeout=TIMEOUT,
                         headers=platform.headers(owner, ("venue_owner",))).status_code == 200
    opened = post(platform, organiser, "open", {"booking_id": booking_id, "kind": "MATCH_KIND_FRIENDLY",
                                                "gender_mode": "GENDER_MODE_OPEN"})
    assert opened.status_code == 200, opened.text
    match_id = opened.json()["match"]["match_id"]

    def bill() -> dict[str, list[tuple[str, int]]]:
        answer = requests.get(f"{platform.url}/api/payments/bookings/{booking_id}", timeout=TIMEOUT,
                              headers=platform_headers(platform, organiser))
        found: dict[str, list[tuple[str, int]]] = {}
        for share in answer.json()["bill"]["shares"] if answer.status_code == 200 else ():
            found.setdefault(share["player_id"], []).append((share["status"], int(share["amount"]["amount_paisa"])))
        return found

    for player in (late, idle):
        assert post(platform, player, f"{match_id}/join").status_code == 200
    eventually(lambda: len(bill()) == 3, "each seated player owes a share")
    paid = requests.post(f"{platform.url}/api/payments/bookings/{booking_id}/pay", timeout=TIMEOUT,
                         headers=platform_headers(platform, late),
                         json={"wallet": "WALLET_JAZZCASH", "mobile_number": "03000000001", "cnic_last_six": "345678"})
    assert paid.json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED", paid.text
    third = bill()[late][0][1]

    assert post(platform, late, f"{match_id}/leave").status_code == 200
    assert post(platform, idle, f"{match_id}/leave").status_code == 200  # payments hears of it after the first
    after = eventually(lambda: (now := bill())[idle][-1][0] == "SHARE_STATUS_VOID" and now, "both have left")
    # The late leaver's money still pays for their place: the organiser owes the rest, not the whole price.
    assert after[late] == [("SHARE_STATUS_PAID", third)]
    assert [a for status, a in after[organiser] if status == "SHARE_STATUS_DUE"] == [price - third]

    assert post(platform, newcomer, f"{match_id}/join").status_code == 200  # someone takes the place
    taken = eventually(lambda: newcomer in (now := bill()) and now, "the newcomer owes a share")
    assert [a for status, a in taken[newcomer] if status == "SHARE_STATUS_DUE"] == [price // 2]
    assert taken[late] == [("SHARE_STATUS_PAID", third)]  # until the newcomer pays, the place is the leaver's
    paid = requests.post(f"{platform.url}/api/payments/bookings/{booking_id}/pay", timeout=TIMEOUT,
                         headers=platform_headers(platform, newcomer),
                         json={"wallet": "WALLET_JAZZCASH", "mobile_number": "03000000001", "cnic_last_six": "345678"})
    assert paid.json()["payment"]["status"] == "PAYMENT_STATUS_CAPTURED", paid.text
    eventually(lambda: bill()[late][-1][0] == "SHARE_STATUS_REFUNDED",
               "the late leaver is paid back once the newcomer who took their place paid")
