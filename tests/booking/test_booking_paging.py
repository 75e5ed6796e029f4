"""Every list of BookingService pages through `mesh.pager` in SQL, on SQLite and PostgreSQL: venues by
name and nearest first, a venue's closures and price rules, a player's bookings. Pages follow each
other without a gap or a repeat, and a token of another list is INVALID_ARGUMENT naming page_token."""

import datetime as dt
import uuid

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc.jobs import BookingJob
from booking_testkit import BookingClient, local_day, rpc_error, stamp

KARACHI_CENTRE = pb.GeoPoint(latitude=24.86, longitude=67.00)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def paging(request, start_service, token_issuer) -> BookingClient:
    env = {}
    if request.param == "postgres":
        env = {"PADEL_BOOKING_DATABASE_URL": request.getfixturevalue("make_postgres_db")()}
    host, channel = start_service("booking", **env)
    bookings = next(worker.bookings for worker in host.workers if isinstance(worker, BookingJob))
    return BookingClient(booking_service_pb2_grpc.BookingServiceStub(channel), token_issuer, bookings)


def every_page(call, request, items: str, metadata=()) -> list[list]:
    """The pages of a list RPC, following next_page_token until it is empty."""
    pages = []
    while True:
        answer = call(request, metadata=metadata)
        pages.append(list(getattr(answer, items)))
        if not answer.next_page_token:
            return pages
        request.page_token = answer.next_page_token


def test_venues_by_name_come_in_pages_in_name_order(paging):
    tag, owner = uuid.uuid4().hex[:8], str(uuid.uuid4())
    names = [f"{letter} Padel {tag}" for letter in "EBDAC"]
    for name in names:
        paging.create_venue(owner, name=name)
    pages = every_page(paging.stub.ListVenues, api.ListVenuesRequest(query=tag, page_size=2), "venues")
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [v.name for page in pages for v in page] == sorted(names)


def test_venues_near_a_point_come_in_pages_nearest_first_within_the_radius(paging):
    tag, owner = uuid.uuid4().hex[:8], str(uuid.uuid4())
    # Northwards from the centre, about 2.2 km apart; two share a spot (the id breaks the tie);
    # one is in Lahore, far outside the radius, and one has no location at all.
    spots = {f"North {k} {tag}": (24.86 + 0.02 * k, 67.00) for k in (4, 1, 5, 3)}
    spots[f"Twin {tag}"] = spots[f"North 3 {tag}"]
    for name, location in spots.items():
        paging.create_venue(owner, name=name, location=location)
    paging.create_venue(owner, name=f"Lahore {tag}", city="Lahore", location=(31.52, 74.35))
    nowhere = paging.create_venue(owner, name=f"Nowhere {tag}")
    paging.stub.UpdateVenue(api.UpdateVenueRequest(venue_id=nowhere.venue_id, venue=pb.Venue(),
                                                   update_mask=FieldMask(paths=["location"])),
                            metadata=paging.owner(owner))

    request = api.ListVenuesRequest(query=tag, near=KARACHI_CENTRE, radius_km=20, page_size=2)
    pages = every_page(paging.stub.ListVenues, request, "venues")
    found = [v for page in pages for v in page]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(v.name for v in found) == sorted(spots)  # each once: no repeat across pages
    names = [v.name for v in found]
    assert names[0] == f"North 1 {tag}" and names[3:] == [f"North 4 {tag}", f"North 5 {tag}"]
    assert {names[1], names[2]} == {f"North 3 {tag}", f"Twin {tag}"}  # the twins on two pages
    distances = [v.distance_km for v in found]
    assert distances == sorted(distances) and 2 < distances[0] < 2.5 and distances[-1] < 12
    # The default radius (25 km) keeps them too; 5 km keeps only the nearest two.
    assert len(paging.stub.ListVenues(api.ListVenuesRequest(query=tag, near=KARACHI_CENTRE)).venues) == 5
    close = paging.stub.ListVenues(api.ListVenuesRequest(query=tag, near=KARACHI_CENTRE, radius_km=5)).venues
    assert [v.name for v in close] == [f"North 1 {tag}"]


def test_a_token_of_another_list_is_refused_naming_page_token(paging):
    tag, owner = uuid.uuid4().hex[:8], str(uuid.uuid4())
    for k in range(3):
        venue = paging.create_venue(owner, name=f"Club {k} {tag}")
    by_name = paging.stub.ListVenues(api.ListVenuesRequest(query=tag, page_size=1)).next_page_token
    assert by_name
    for call, request, metadata in [
        (paging.stub.ListVenues, api.ListVenuesRequest(query=tag, near=KARACHI_CENTRE, page_token=by_name), ()),
        (paging.stub.ListClosures, api.ListClosuresRequest(venue_id=venue.venue_id, page_token=by_name),
         paging.owner(owner)),
        (paging.stub.ListPriceRules, api.ListPriceRulesRequest(venue_id=venue.venue_id, page_token=by_name), ()),
        (paging.stub.ListBookings, api.ListBookingsRequest(page_token=by_name), paging.player(owner)),
        (paging.stub.ListVenues, api.ListVenuesRequest(query=tag, page_token=by_name[:-4] + "AAAA"), ()),
    ]:
        error = rpc_error(call, request, metadata=metadata)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in error.details(), call


def test_closures_come_in_pages_by_start(paging):
    owner = str(uuid.uuid4())
    venue = paging.create_venue(owner)
    court, day = venue.courts[0].court_id, local_day(2)
    made = [paging.stub.AddClosure(api.AddClosureRequest(
        venue_id=venue.venue_id, court_id=court, start_time=stamp(day, start), end_time=stamp(day, end)),
        metadata=paging.owner(owner)).closure.closure_id
        for start, end in (("14:00", "15:00"), ("08:00", "09:00"), ("11:00", "12:00"))]
    pages = every_page(paging.stub.ListClosures, api.ListClosuresRequest(venue_id=venue.venue_id, page_size=2),
                       "closures", metadata=paging.owner(owner))
    assert [[c.closure_id for c in page] for page in pages] == [[made[1], made[2]], [made[0]]]


def test_price_rules_come_in_pages_in_the_owners_order_each_with_the_base_price(paging):
    owner = str(uuid.uuid4())
    venue = paging.create_venue(owner)
    hours = [f"{h:02d}:00" for h in range(24)]
    rules = [pb.PriceRule(start=hours[h], end=hours[(h + 1) % 24], hourly_price=pb.Money(amount_paisa=100_000 + h))
             for h in range(24)]
    paging.stub.SetPriceRules(api.SetPriceRulesRequest(venue_id=venue.venue_id, rules=rules,
                                                       base_hourly_price=pb.Money(amount_paisa=500_000)),
                              metadata=paging.owner(owner))
    first = paging.stub.ListPriceRules(api.ListPriceRulesRequest(venue_id=venue.venue_id))  # 20 by default
    rest = paging.stub.ListPriceRules(api.ListPriceRulesRequest(venue_id=venue.venue_id,
                                                                page_token=first.next_page_token))
    assert (len(first.rules), len(rest.rules), rest.next_page_token) == (20, 4, "")
    assert [r.start for r in [*first.rules, *rest.rules]] == hours
    assert first.base_hourly_price.amount_paisa == rest.base_hourly_price.amount_paisa == 500_000


def test_past_bookings_come_in_pages_latest_first(paging):
    venue = paging.create_venue(str(uuid.uuid4()), max_per_day=5)
    player = str(uuid.uuid4())
    made = [paging.book(player, venue.courts[0].court_id, local_day(2), clock) for clock in ("09:00", "12:00", "15:00")]
    # Once all three are over, they are the past: the latest first.
    with paging.at(made[-1].end_time.ToDatetime(tzinfo=dt.timezone.utc)):
        pages = every_page(paging.stub.ListBookings, api.ListBookingsRequest(past=True, page_size=2), "bookings",
                           metadata=paging.player(player))
    assert [[b.booking_id for b in page] for page in pages] == [[made[2].booking_id, made[1].booking_id],
                                                                [made[0].booking_id]]
