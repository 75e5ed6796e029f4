"""GET /api/bookings/availability through the real Envoy edge: the JSON booking_svc keeps and the
edge passes through is, byte for byte, what the edge's transcoder prints for GetAvailability's answer
(envoy/envoy.yaml's print_options), for every kind of answer a client can get."""

import grpc
import pytest
import requests
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_testkit import iso, local_day
from mesh.convert import edge_json
from test_booking_edge import TIMEOUT, book, create_venue, new_user

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
