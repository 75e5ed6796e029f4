"""ExportBookingData: everything booking keeps about the caller, and nothing of anyone else's."""

import uuid

import pytest
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api

from booking_testkit import _booking_client, local_day, stamp


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def inviting(request, start_service, token_issuer, players):
    """booking_svc asking user_svc who may be invited, on SQLite and on PostgreSQL (the export's
    queries read JSON lists, which the two databases store differently)."""
    env = {"PADEL_USER_ADDR": players.address}
    if request.param == "postgres":
        env["PADEL_BOOKING_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return _booking_client(start_service, token_issuer, **env)


def _export(booking, user_id: str) -> api.ExportBookingDataResponse:
    return booking.stub.ExportBookingData(api.ExportBookingDataRequest(), metadata=booking.player(user_id))


def test_the_export_holds_the_callers_bookings_invitations_and_waitlist_but_not_other_peoples(inviting, players):
    booking = inviting
    owner = str(uuid.uuid4())
    venue = booking.create_venue(owner)
    court, day = venue.courts[0].court_id, local_day(2)
    sara, bilal, stranger = players.new("Sara"), players.new("Bilal"), players.new("Someone Else")
    sara_game = booking.book(sara, court, day, "10:00", participant_ids=[bilal], special_requests="two rackets")
    theirs = booking.book(stranger, court, day, "18:00")
    booking.stub.JoinWaitlist(api.JoinWaitlistRequest(venue_id=venue.venue_id, court_id=court,
                                                      window_start=stamp(day, "18:00"), window_end=stamp(day, "20:00"),
                                                      duration_minutes=60), metadata=booking.player(sara))

    monthly = pb.MembershipPlan(name="Monthly", price=pb.Money(amount_paisa=500_000, currency="PKR"),
                                period=pb.MEMBERSHIP_PERIOD_MONTHLY, grace_days=3, percent_off=10)
    plan = booking.stub.CreateMembershipPlan(api.CreateMembershipPlanRequest(venue_id=venue.venue_id, plan=monthly),
                                             metadata=booking.owner(owner)).plan
    booking.stub.RecordMembershipPayment(api.RecordMembershipPaymentRequest(
        venue_id=venue.venue_id, plan_id=plan.plan_id, player_id=sara), metadata=booking.owner(owner))

    mine = _export(booking, sara)
    assert [b.booking_id for b in mine.bookings] == [sara_game.booking_id]
    assert mine.bookings[0].special_requests == "two rackets" and not mine.bookings[0].invited
    assert [i.player_id for i in mine.bookings[0].invitations] == [bilal]
    assert [(e.venue_id, e.state) for e in mine.waitlist_entries] == [(venue.venue_id, "waiting")]
    assert [(m.plan.name, m.player_id) for m in mine.memberships] == [("Monthly", sara)]
    assert not mine.venues and mine.exported_at.seconds > 0

    invited = _export(booking, bilal)  # the game Bilal was invited to, marked so
    assert [(b.booking_id, b.invited) for b in invited.bookings] == [(sara_game.booking_id, True)]
    assert not invited.waitlist_entries

    other = _export(booking, stranger)  # neither Sara's game nor her place in line
    assert [b.booking_id for b in other.bookings] == [theirs.booking_id] and not other.waitlist_entries
    assert not other.memberships

    owned = _export(booking, owner)  # an owner's venues are theirs; their players' bookings are not
    assert [v.venue_id for v in owned.venues] == [venue.venue_id] and not owned.bookings and not owned.memberships
    assert owned.venues[0].courts[0].court_id == court
