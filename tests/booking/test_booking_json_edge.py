"""GET /api/bookings/availability and GET /api/bookings/venues through the real Envoy edge: the JSON
booking_svc keeps and the edge passes through is, byte for byte, what the edge's transcoder prints for
GetAvailability's and ListVenues' answers (envoy/envoy.yaml's print_options), for every kind of answer a
client can get."""

import uuid

import grpc
import pytest
import requests
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_testkit import iso, local_day, local_dt
from padel_testkit import eventually
from mesh.convert import edge_json
from test_booking_edge import TIMEOUT, book, create_venue, new_user
from test_booking_owners_edge import call

# Names the JSON must escape (quotes, a backslash, markup) or carry as they are (non-ASCII).
ODD_NAME = 'Court "Ü" <1> & \\ pa\u00addel 🎾'


@pytest.fixture(scope="module")
def club(platform):
    """A venue with prices (a free hour among them), a closure, a booking, members-only evenings on
    its first court and a member; its second court left at the default environment."""
    owner, member, guest = new_user(), new_user(), new_user()
    venue = create_venue(platform, owner, courts=[{"name": ODD_NAME, "environment": "COURT_ENVIRONMENT_INDOOR"},
                                                  {"name": "Court 2"}])
    venue_id, court = venue["venue_id"], venue["courts"][0]["court_id"]
    owner_headers = platform.headers(owner, roles=("venue_owner",))
    day = local_day(3)
    steps = [
        requests.put(f"{platform.url}/api/bookings/venues/{venue_id}/prices", headers=owner_headers, timeout=TIMEOUT,
                     json={"base_hourly_price": {"amount_paisa": "600000", "currency": "PKR"},
                           "rules": [{"start": "18:00", "end": "23:00", "hourly_price": {"amount_paisa": "800000"}},
                                     {"start": "08:00", "end": "09:00", "hourly_price": {"amount_paisa": "0"}}]}),
        requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/courts/{court}/closures", headers=owner_headers,
                      timeout=TIMEOUT, json={"start_time": iso(day, "12:00"), "end_time": iso(day, "14:00"),
                                             "reason": "resurfacing"}),
        book(platform, guest, court, day, "10:00"),
        requests.put(f"{platform.url}/api/bookings/venues/{venue_id}", headers=owner_headers, timeout=TIMEOUT,
                     json={"venue": {"member_hours": [{"court_id": court, "start": "18:00", "end": "21:00",
                                                       "opens_to_all_minutes": 60}]},
                           "update_mask": "member_hours"}),
    ]
    for step in steps:
        assert step.status_code == 200, step.text
    plan = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/membership-plans", headers=owner_headers,
                         timeout=TIMEOUT, json={"plan": {"name": "Evenings", "price": {"amount_paisa": "400000"},
                                                         "period": "MEMBERSHIP_PERIOD_QUARTERLY"}})
    assert plan.status_code == 200, plan.text
    joined = requests.post(f"{platform.url}/api/bookings/venues/{venue_id}/members", headers=owner_headers,
                           timeout=TIMEOUT, json={"plan_id": plan.json()["plan"]["plan_id"], "player_id": member})
    assert joined.status_code == 200, joined.text
    return {"venue_id": venue_id, "court": court, "day": day, "member": member, "guest": guest}


def asked(club, **query) -> dict:
    return {"venue_id": club["venue_id"], "date": club["day"].isoformat(), "duration_minutes": 60, **query}


def cases(club) -> list[tuple[str, dict, str | None]]:
    """(what, query, caller): an empty day, the day with its prices, closure and booking, one court,
    and the members-only evenings as nobody signed in, a non-member and a member see them."""
    return [
        ("empty day (past the horizon)", asked(club, date=local_day(60).isoformat()), None),
        ("a day: prices, a closure, a booking", asked(club, duration_minutes=90), None),
        ("members-only, nobody signed in", asked(club, court_id=club["court"]), None),
        ("members-only, a non-member", asked(club, court_id=club["court"]), club["guest"]),
        ("members-only, a member", asked(club, court_id=club["court"]), club["member"]),
        ("the whole day, a member", asked(club), club["member"]),
    ]


def test_availability_over_rest_is_the_json_the_edge_prints_for_the_grpc_answer(platform, club):
    with grpc.insecure_channel(platform.address("booking")) as channel:
        stub = booking_service_pb2_grpc.BookingServiceStub(channel)
        for what, query, caller in cases(club):
            headers = platform.headers(caller) if caller else {}
            rest = requests.get(f"{platform.url}/api/bookings/availability", params=query, headers=headers,
                                timeout=TIMEOUT)
            assert rest.status_code == 200, (what, rest.text)
            structured = stub.GetAvailability(api.GetAvailabilityRequest(**query), timeout=TIMEOUT,
                                              metadata=tuple(headers.items()))
            assert rest.headers["content-type"] == "application/json", what
            assert rest.content == edge_json(structured).data, what
    closed = [s for c in structured.courts for s in c.slots if s.closed_to_caller]
    assert not closed and any(s.members_only for c in structured.courts for s in c.slots)


def test_availability_errors_over_rest_are_unchanged(platform, club):
    unknown = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                           params={**asked(club), "colour": "blue"})
    assert unknown.status_code == 400, unknown.text
    bad = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                       params=asked(club, date="2026-13-01"))
    assert bad.status_code == 400 and "date" in bad.json()["message"], bad.text
    missing = requests.get(f"{platform.url}/api/bookings/availability", timeout=TIMEOUT,
                           params=asked(club, venue_id=new_user()))
    assert missing.status_code == 404 and missing.json()["message"], missing.text
    assert missing.headers["content-type"] == "application/json"


@pytest.fixture(scope="module")
def venues(platform):
    """A city of three venues: one at whole-degree coordinates with a name to escape and two reviews
    (4.5), one at fractional coordinates, one without a location."""
    city = f"Jsontown{uuid.uuid4().hex[:8]}"
    odd = create_venue(platform, new_user(), city=city, name=f'Padel "Ü" <1> & \\ pa\u00addel 🎾 {city}',
                       location={"latitude": 25, "longitude": 67})
    create_venue(platform, new_user(), city=city, name=f"Fractional {city}",
                 location={"latitude": 24.8607343, "longitude": 67.0011364})
    create_venue(platform, new_user(), city=city, name=f"Nowhere {city}", location=None)
    day, court = local_day(2), odd["courts"][0]["court_id"]
    games = {(player := new_user()): book(platform, player, court, day, start).json()["booking"]["booking_id"]
             for start in ("09:00", "11:00")}

    def status(player: str, game: str) -> str:
        return call(platform, "GET", f"/api/bookings/bookings/{game}", player).json()["booking"]["status"]

    with platform.clock_at(local_dt(day, "12:30")):  # booking's job completes the played games
        eventually(lambda: all(status(p, g) == "BOOKING_STATUS_COMPLETED" for p, g in games.items()),
                   "the job completes the played games", timeout=20)
    for (player, game), rating in zip(games.items(), (5, 4)):
        reviewed = call(platform, "POST", f"/api/bookings/bookings/{game}/review", player, json={"rating": rating})
        assert reviewed.status_code == 200, reviewed.text
    return {"city": city, "odd": odd}


def venue_cases(venues) -> list[tuple[str, dict]]:
    """(what, ListVenuesRequest fields): by name and paged (both pages), near a point (distances), by
    rating, a name to escape, and nothing found."""
    city = venues["city"]
    return [
        ("a city by name", {"city": city}),
        ("near a point", {"city": city, "near": {"latitude": 24.9, "longitude": 67.05}, "radius_km": 100.5}),
        ("by rating", {"city": city, "order_by_rating": True}),
        ("a name to escape", {"query": "Padel \"Ü\""}),
        ("a first page", {"city": city, "page_size": 2}),
        ("nothing found", {"city": f"Nowhere{uuid.uuid4().hex[:8]}"}),
    ]


def rest_params(fields: dict) -> dict:
    """The query parameters the edge reads as `fields`: a message's fields by dotted name."""
    params = {}
    for name, value in fields.items():
        if isinstance(value, dict):
            params.update({f"{name}.{k}": v for k, v in value.items()})
        else:
            params[name] = str(value).lower() if isinstance(value, bool) else value
    return params


def test_venue_search_over_rest_is_the_json_the_edge_prints_for_the_grpc_answer(platform, venues):
    with grpc.insecure_channel(platform.address("booking")) as channel:
        stub = booking_service_pb2_grpc.BookingServiceStub(channel)
        cases = venue_cases(venues)
        cases.append(("the next page", {"city": venues["city"], "page_size": 2, "page_token": stub.ListVenues(
            api.ListVenuesRequest(city=venues["city"], page_size=2), timeout=TIMEOUT).next_page_token}))
        printed = {}
        for what, fields in cases:
            rest = requests.get(f"{platform.url}/api/bookings/venues", params=rest_params(fields), timeout=TIMEOUT)
            assert rest.status_code == 200, (what, rest.text)
            structured = stub.ListVenues(api.ListVenuesRequest(**fields), timeout=TIMEOUT)
            assert rest.headers["content-type"] == "application/json", what
            assert rest.content == edge_json(structured).data, what
            printed[what] = rest.content
    # The answers hold what they are there for: whole and fractional degrees, distances, a rating.
    assert b'"location":{"latitude":25,"longitude":67}' in printed["a city by name"]
    assert b'"latitude":24.8607343,' in printed["a city by name"] and b'"rating_average":4.5,' in printed["by rating"]
    assert b'"distance_km":0,' not in printed["near a point"] and b'"distance_km":' in printed["near a point"]
    assert b'"next_page_token":"' in printed["a first page"] and printed["nothing found"] == b'{"venues":[],"next_page_token":""}'


def test_venue_search_errors_over_rest(platform, venues):
    unknown = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                           params={"city": venues["city"], "colour": "blue"})
    assert unknown.status_code == 400, unknown.text
    bad = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                       params={"city": venues["city"], "page_size": 101})
    assert bad.status_code == 400 and "page_size" in bad.json()["message"], bad.text
    far = requests.get(f"{platform.url}/api/bookings/venues", timeout=TIMEOUT,
                       params={"near.latitude": 91, "near.longitude": 0})
    assert far.status_code == 400 and "latitude" in far.json()["message"], far.text
