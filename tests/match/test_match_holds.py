"""Open matches on a free slot (issue 15): the court is held for the match, booked once enough players
joined (2 more than 12 h ahead, 3 more than 3 h ahead) and released otherwise, its players told; the
seated players are the booking's players (on a court the organiser booked: added and taken off beside
the organiser's own invitees). booking_svc and match_svc run in process and settle the hold
through their real events; match_svc's clock is moved to pass the deadline."""

import datetime as dt
import uuid

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from padel.auth.v1 import events_pb2 as auth_events
from padel.booking.v1 import booking_pb2 as b
from padel.booking.v1 import booking_service_pb2 as booking_api
from padel.match.v1 import events_pb2 as match_events
from padel.match.v1 import match_pb2 as m
from padel.match.v1 import match_service_pb2 as api

from booking_testkit import local_day, local_dt, stamp
from match_testkit import rpc_error
from mesh import plumbing
from mesh.convert import timestamp, to_datetime
from mesh.outbox import OutboxEvent
from mesh.redis import make_redis
from padel_testkit import eventually, publish_event


def free_court(matches, **venue) -> str:
    created = matches.courts.create_venue(str(uuid.uuid4()), name=f"Hold Club {uuid.uuid4().hex[:6]}", **venue)
    return created.courts[0].court_id


def open_on_slot(matches, organiser: str, court_id: str, day, clock: str = "19:00") -> m.Match:
    slot = api.CourtSlot(court_id=court_id, start_time=stamp(day, clock), duration_minutes=60)
    match = matches.stub.OpenMatch(api.OpenMatchRequest(slot=slot, kind=m.MATCH_KIND_FRIENDLY,
                                                        gender_mode=m.GENDER_MODE_OPEN),
                                   metadata=matches.player(organiser)).match
    # The hold runs minutes until booking_svc hears the match opened, then to the match's deadline.
    eventually(lambda: booking(matches, match).hold_expires_at == match.court_held_until,
               "booking_svc hears the match opened")
    return match


def booking(matches, match: m.Match) -> b.Booking:
    return matches.courts.stub.GetBooking(booking_api.GetBookingRequest(booking_id=match.booking_id),
                                          metadata=matches.player(match.organiser_id)).booking


def get(matches, match: m.Match) -> m.Match:
    return matches.stub.GetMatch(api.GetMatchRequest(match_id=match.match_id),
                                 metadata=matches.player(match.organiser_id)).match


def test_a_match_on_a_free_slot_holds_the_court_books_it_when_two_are_in_and_seats_are_its_players(matches):
    organiser, second, third = (matches.new_player(3.0) for _ in range(3))
    court, day = free_court(matches), local_day(3)
    match = open_on_slot(matches, organiser, court, day)
    deadline = local_dt(day, "19:00") - dt.timedelta(hours=3)
    assert not match.court_booked and to_datetime(match.court_held_until) == deadline
    held = booking(matches, match)
    # Held (pending, though the venue confirms at once) until the match's deadline; the court is taken.
    assert held.status == b.BOOKING_STATUS_PENDING and to_datetime(held.hold_expires_at) == deadline
    assert "19:00" not in matches.courts.starts(held.venue_id, day)[court]
    taken = rpc_error(open_on_slot, matches, matches.new_player(3.0), court, day)
    assert taken.code() == grpc.StatusCode.ABORTED

    matches.join(match.match_id, second)  # two players, three days ahead: the court is booked
    confirmed = eventually(lambda: (got := booking(matches, match)).status == b.BOOKING_STATUS_CONFIRMED and got,
                           "booking_svc books the held court")
    assert list(confirmed.participant_ids) == [second]
    assert [(i.player_id, i.state) for i in confirmed.invitations] == [(second, b.INVITATION_STATE_ACCEPTED)]
    assert get(matches, match).court_booked

    matches.join(match.match_id, third)
    eventually(lambda: list(booking(matches, match).participant_ids) == [second, third], "the third is a player")
    matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(second))
    eventually(lambda: list(booking(matches, match).participant_ids) == [third], "who left is no longer a player")
    # The booking's players are the match's: booking_svc refuses to change them by hand.
    refused = rpc_error(matches.courts.stub.UpdateBooking, booking_api.UpdateBookingRequest(
        booking_id=match.booking_id, participant_ids=[], update_mask=FieldMask(paths=["participant_ids"])),
        metadata=matches.player(organiser))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION


@pytest.fixture(params=["sqlite", "postgresql"])
def any_matches(request):
    """match_svc and booking_svc on SQLite, then on PostgreSQL (the hold job's locking query)."""
    return request.getfixturevalue("matches" if request.param == "sqlite" else "matches_postgres")


def test_within_twelve_hours_a_held_match_needs_three_and_one_short_at_its_deadline_is_released(any_matches):
    matches = any_matches
    organiser, second = matches.new_player(3.0), matches.new_player(3.0)
    court, day = free_court(matches), local_day(3)
    match = open_on_slot(matches, organiser, court, day)
    start = local_dt(day, "19:00")
    with matches.at(start - dt.timedelta(hours=6)):
        matches.join(match.match_id, second)  # two, six hours ahead: not enough
        assert not get(matches, match).court_booked
    with matches.at(start - dt.timedelta(hours=3)):  # the deadline: the job releases the match
        released = eventually(lambda: (got := get(matches, match)).status == m.MATCH_STATUS_RELEASED and got,
                              "the hold job releases the match")
        late = rpc_error(matches.join, match.match_id, matches.new_player(3.0))
        assert late.code() == grpc.StatusCode.FAILED_PRECONDITION and "did not fill in time" in late.details()
    assert not released.court_booked
    cancelled = eventually(lambda: (got := booking(matches, match)).status == b.BOOKING_STATUS_CANCELLED and got,
                           "booking_svc gives the held court back")
    assert cancelled.cancellation.refund.amount_paisa == cancelled.price.amount_paisa  # nothing to pay
    assert "19:00" in matches.courts.starts(cancelled.venue_id, day)[court]
    with matches.job.database.session() as session:
        told = session.query(OutboxEvent).filter_by(event_type="padel.match.v1.MatchReleased").all()
    assert len(told) == 1
    assert list(match_events.MatchReleased.FromString(told[0].payload).match.player_ids) == [organiser, second]
    assert list(matches.stub.ListOpenMatches(api.ListOpenMatchesRequest(venue_id=match.venue_id)).matches) == []


def test_a_hold_run_out_in_booking_releases_its_match_and_a_hold_given_up_calls_it_off(matches):
    court, day = free_court(matches, courts=2), local_day(3)
    expiring = open_on_slot(matches, matches.new_player(3.0), court, day, "18:00")
    given_up = open_on_slot(matches, matches.new_player(3.0), court, day, "20:00")
    deadline = local_dt(day, "18:00") - dt.timedelta(hours=3)
    with matches.courts.at(deadline):  # booking_svc finds the hold run out (match's clock is not there yet)
        matches.courts.book(str(uuid.uuid4()), court, day, "22:00")  # booking the court expires its run-out holds
        eventually(lambda: get(matches, expiring).status == m.MATCH_STATUS_RELEASED, "the match is released")
    matches.courts.stub.CancelBooking(booking_api.CancelBookingRequest(booking_id=given_up.booking_id, reason="rain"),
                                      metadata=matches.player(given_up.organiser_id))
    eventually(lambda: get(matches, given_up).status == m.MATCH_STATUS_CANCELLED, "the match is called off")


def test_requests_to_join_a_match_released_or_called_off_end_at_once_their_askers_told_why(matches):
    """A match released or called off kept its open requests: their askers heard nothing until its start,
    then that it had started before every player approved them, of a match nobody played."""
    court, day = free_court(matches, courts=2), local_day(3)
    expiring = open_on_slot(matches, matches.new_player(3.0), court, day, "18:00")
    given_up = open_on_slot(matches, matches.new_player(3.0), court, day, "20:00")
    askers = {match.match_id: matches.new_player(5.0) for match in (expiring, given_up)}
    for match_id, asker in askers.items():
        matches.stub.AskToJoin(api.AskToJoinRequest(match_id=match_id), metadata=matches.player(asker))
    with matches.courts.at(local_dt(day, "18:00") - dt.timedelta(hours=3)):  # the first hold runs out
        matches.courts.book(str(uuid.uuid4()), court, day, "22:00")
        eventually(lambda: get(matches, expiring).status == m.MATCH_STATUS_RELEASED, "the match is released")
    matches.courts.stub.CancelBooking(booking_api.CancelBookingRequest(booking_id=given_up.booking_id, reason="rain"),
                                      metadata=matches.player(given_up.organiser_id))
    eventually(lambda: get(matches, given_up).status == m.MATCH_STATUS_CANCELLED, "the match is called off")

    assert [list(get(matches, match).join_requests) for match in (expiring, given_up)] == [[], []]
    with matches.job.database.session() as session:
        told = session.query(OutboxEvent).filter_by(event_type="padel.match.v1.JoinRequestEnded").all()
    ended = [match_events.JoinRequestEnded.FromString(row.payload) for row in told]
    assert sorted((e.match.match_id, e.player_id, e.refused_by, e.called_off) for e in ended) == sorted(
        (match_id, asker, "", True) for match_id, asker in askers.items())


def test_nobody_is_told_a_player_left_a_match_released_or_called_off(matches):
    """Leaving, being removed from or deleting one's account out of a match that is off (released unfilled,
    or called off with its court) frees the seat and tells nobody: PlayerLeft told the players still seated
    that someone left a match nobody plays."""
    organiser, second = matches.new_player(3.0), matches.new_player(3.0)
    court, day = free_court(matches), local_day(3)
    released = open_on_slot(matches, organiser, court, day)
    start = local_dt(day, "19:00")
    with matches.at(start - dt.timedelta(hours=6)):
        matches.join(released.match_id, second)  # two, six hours ahead: not enough
    with matches.at(start - dt.timedelta(hours=3)):
        eventually(lambda: get(matches, released).status == m.MATCH_STATUS_RELEASED, "the hold job releases the match")
        matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=released.match_id), metadata=matches.player(second))
    cancelled = matches.open(matches.new_player(3.0))
    leaver, removed, deleted = (matches.new_player(3.0) for _ in range(3))
    for player in (leaver, removed, deleted):
        matches.join(cancelled.match_id, player)
    matches.courts.stub.CancelBooking(booking_api.CancelBookingRequest(booking_id=cancelled.booking_id, reason="rain"),
                                      metadata=matches.player(cancelled.organiser_id))
    eventually(lambda: get(matches, cancelled).status == m.MATCH_STATUS_CANCELLED, "the match is called off")
    matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=cancelled.match_id), metadata=matches.player(leaver))
    matches.stub.RemovePlayer(api.RemovePlayerRequest(match_id=cancelled.match_id, player_id=removed),
                              metadata=matches.player(cancelled.organiser_id))
    publish_event(make_redis(""), plumbing.stream("auth"), auth_events.AccountDeleted(user_id=deleted),
                  handled_by="match")

    assert [[s.player_id for s in get(matches, match).seats] for match in (released, cancelled)] == [
        [organiser], [cancelled.organiser_id]]
    with matches.job.database.session() as session:
        told = session.query(OutboxEvent).filter_by(event_type="padel.match.v1.PlayerLeft").all()
    assert [e for row in told if (e := match_events.PlayerLeft.FromString(row.payload)).match.match_id in (
        released.match_id, cancelled.match_id)] == []


def test_a_match_on_a_free_slot_opens_before_its_deadline_and_names_a_bad_slot(matches):
    organiser = matches.new_player(3.0)
    court, day = free_court(matches), local_day(3)
    with matches.at(local_dt(day, "19:00") - dt.timedelta(hours=2)):
        soon = rpc_error(open_on_slot, matches, organiser, court, day)
    assert soon.code() == grpc.StatusCode.INVALID_ARGUMENT and "slot.start_time" in soon.details()
    off_grid = rpc_error(open_on_slot, matches, organiser, court, day, "19:10")
    assert off_grid.code() == grpc.StatusCode.INVALID_ARGUMENT and "slot.start_time" in off_grid.details()
    neither = rpc_error(matches.stub.OpenMatch, api.OpenMatchRequest(kind=m.MATCH_KIND_FRIENDLY,
                                                                     gender_mode=m.GENDER_MODE_OPEN),
                        metadata=matches.player(organiser))
    assert neither.code() == grpc.StatusCode.INVALID_ARGUMENT and "booking_id" in neither.details()
    # The first hour of year 1 is a time JSON carries (0001-01-01T01:00:00Z): its deadline was a 500.
    dawn = api.CourtSlot(court_id=court, start_time=timestamp(dt.datetime(1, 1, 1, 1, tzinfo=dt.timezone.utc)),
                         duration_minutes=60)
    past = rpc_error(matches.stub.OpenMatch, api.OpenMatchRequest(slot=dawn, kind=m.MATCH_KIND_FRIENDLY,
                                                                  gender_mode=m.GENDER_MODE_OPEN),
                     metadata=matches.player(organiser))
    assert past.code() == grpc.StatusCode.INVALID_ARGUMENT and "slot.start_time" in past.details()


def test_booking_acts_only_on_the_hold_of_the_match_an_event_names_and_the_venue_may_book_a_hold(matches):
    organiser, owner = matches.new_player(3.0), str(uuid.uuid4())
    court = matches.courts.create_venue(owner, name=f"Hold Club {uuid.uuid4().hex[:6]}", instant=False).courts[0].court_id
    day = local_day(3)
    pending = matches.courts.book(organiser, court, day, "10:00")
    match = open_on_slot(matches, organiser, court, day)
    client = make_redis("")
    for forged in (m_event(pending.booking_id, match.match_id, organiser),
                   m_event(match.booking_id, str(uuid.uuid4()), organiser),
                   m_event(match.booking_id, match.match_id, str(uuid.uuid4()))):
        publish_event(client, plumbing.stream("match"), forged, handled_by="booking")
    assert booking(matches, match).status == b.BOOKING_STATUS_PENDING
    mine = matches.courts.stub.GetBooking(booking_api.GetBookingRequest(booking_id=pending.booking_id),
                                          metadata=matches.player(organiser)).booking
    assert mine.status == b.BOOKING_STATUS_PENDING
    # The venue confirms the hold by hand: the court is the match's, and no deadline releases it.
    matches.courts.stub.ConfirmBooking(booking_api.ConfirmBookingRequest(booking_id=match.booking_id),
                                       metadata=matches.courts.owner(owner))
    booked = eventually(lambda: (got := get(matches, match)).court_booked and got, "match_svc hears of it")
    assert not booked.HasField("court_held_until")


def test_seats_of_a_match_on_the_organisers_booking_join_it_and_leave_it_beside_the_organisers_guests(any_matches):
    matches = any_matches
    organiser, guest, friend, second, third = (matches.new_player(3.0) for _ in range(5))
    court, day = free_court(matches), local_day(3)
    own = matches.courts.book(organiser, court, day, "19:00", participant_ids=[guest, friend])
    match = matches.stub.OpenMatch(api.OpenMatchRequest(booking_id=own.booking_id, kind=m.MATCH_KIND_FRIENDLY,
                                                        gender_mode=m.GENDER_MODE_OPEN),
                                   metadata=matches.player(organiser)).match

    def players() -> dict[str, int]:
        return {i.player_id: i.state for i in booking(matches, match).invitations}

    matches.join(match.match_id, second)
    matches.join(match.match_id, friend)  # the organiser's invitee takes a seat: their invitation is accepted
    accepted, pending = b.INVITATION_STATE_ACCEPTED, b.INVITATION_STATE_PENDING
    eventually(lambda: players() == {guest: pending, friend: accepted, second: accepted}, "seats join the booking")
    for leaver in (second, friend):
        matches.stub.LeaveMatch(api.LeaveMatchRequest(match_id=match.match_id), metadata=matches.player(leaver))
    matches.join(match.match_id, third)
    # Who the match added is off again; the organiser's invitees stay, the one who left the match too.
    eventually(lambda: players() == {guest: pending, friend: accepted, third: accepted}, "the second is off")
    matches.stub.RemovePlayer(api.RemovePlayerRequest(match_id=match.match_id, player_id=third),
                              metadata=matches.player(organiser))
    eventually(lambda: players() == {guest: pending, friend: accepted}, "a removed player is off")
    assert sorted(booking(matches, match).participant_ids) == sorted([guest, friend])


def test_a_seat_event_changes_only_the_booking_its_organiser_made_for_that_match(matches):
    organiser, other, stranger = matches.new_player(3.0), matches.new_player(3.0), str(uuid.uuid4())
    court, day = free_court(matches), local_day(3)
    theirs = matches.courts.book(other, court, day, "10:00")
    held = open_on_slot(matches, other, court, day)
    own = matches.courts.book(organiser, court, day, "12:00")
    client = make_redis("")
    for forged in (joined(theirs.booking_id, str(uuid.uuid4()), organiser, stranger),  # not the organiser's booking
                   joined(held.booking_id, str(uuid.uuid4()), other, stranger),  # another match's hold
                   joined(own.booking_id, str(uuid.uuid4()), stranger, stranger),  # not the organiser's booking
                   match_events.MatchReleased(match=m_event(own.booking_id, str(uuid.uuid4()), organiser).match)):
        publish_event(client, plumbing.stream("match"), forged, handled_by="booking")
    for booking_id, booker, status in ((theirs.booking_id, other, b.BOOKING_STATUS_CONFIRMED),
                                       (held.booking_id, other, b.BOOKING_STATUS_PENDING),
                                       (own.booking_id, organiser, b.BOOKING_STATUS_CONFIRMED)):  # no event frees it
        got = matches.courts.stub.GetBooking(booking_api.GetBookingRequest(booking_id=booking_id),
                                             metadata=matches.player(booker)).booking
        assert (got.status, list(got.participant_ids)) == (status, [])


def joined(booking_id: str, match_id: str, organiser_id: str, player_id: str) -> match_events.PlayerJoined:
    return match_events.PlayerJoined(player_id=player_id, match=match_events.MatchSnapshot(
        match_id=match_id, organiser_id=organiser_id, booking_id=booking_id, player_ids=[organiser_id, player_id]))


def m_event(booking_id: str, match_id: str, organiser_id: str) -> match_events.MatchHoldFilled:
    return match_events.MatchHoldFilled(match=match_events.MatchSnapshot(
        match_id=match_id, organiser_id=organiser_id, booking_id=booking_id, player_ids=[organiser_id]))


def in_minutes(minutes: int) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)


def open_unheard(matches, organiser: str, court_id: str, day, clock: str = "19:00") -> m.Match:
    """A match opened on a free slot while match_svc's relay is stopped: booking_svc does not hear it."""
    matches.relay.stop(flush=False)
    slot = api.CourtSlot(court_id=court_id, start_time=stamp(day, clock), duration_minutes=60)
    match = matches.stub.OpenMatch(api.OpenMatchRequest(slot=slot, kind=m.MATCH_KIND_FRIENDLY,
                                                        gender_mode=m.GENDER_MODE_OPEN),
                                   metadata=matches.player(organiser)).match
    assert booking(matches, match).hold_expires_at != match.court_held_until  # minutes, waiting for MatchOpened
    return match


def test_a_match_booking_does_not_hear_opened_keeps_its_court_as_match_svc_says_it_exists(any_matches):
    """match_svc's relay is down past the minutes a hold waits: booking_svc's job asks match_svc, which
    has the match, so the court stays held to the match's deadline; a hold no match has still goes."""
    matches = any_matches
    organiser, squatter, other = matches.new_player(3.0), str(uuid.uuid4()), str(uuid.uuid4())
    court, day = free_court(matches), local_day(3)
    match = open_unheard(matches, organiser, court, day, "19:00")
    squatted = matches.courts.stub.HoldCourtForMatch(booking_api.HoldCourtForMatchRequest(
        match_id=str(uuid.uuid4()), court_id=court, start_time=stamp(day, "17:00"), duration_minutes=60,
        hold_until=timestamp(local_dt(day, "14:00"))), metadata=matches.player(squatter)).booking
    with matches.courts.at(in_minutes(2)):
        matches.booking_job.run_once()
    with matches.courts.at(in_minutes(6)):
        matches.booking_job.run_once()
        assert matches.courts.book(other, court, day, "17:00").status == b.BOOKING_STATUS_CONFIRMED
        assert rpc_error(matches.courts.book, other, court, day, "19:00").code() == grpc.StatusCode.ABORTED
    kept = booking(matches, match)
    assert kept.status == b.BOOKING_STATUS_PENDING and kept.hold_expires_at == match.court_held_until
    assert matches.courts.stub.GetBooking(booking_api.GetBookingRequest(booking_id=squatted.booking_id),
                                          metadata=matches.player(squatter)).booking.status \
        == b.BOOKING_STATUS_CANCELLED
    assert matches.join(match.match_id, matches.new_player(3.0)).status == m.MATCH_STATUS_OPEN


def test_a_held_court_lost_before_the_deadline_calls_the_match_off_rather_than_saying_it_did_not_fill(matches):
    """The hold ran out in booking_svc long before the match's deadline (booking_svc never heard the match
    opened and nothing kept it): the players are told the court booking went, not that too few joined."""
    organiser = matches.new_player(3.0)
    court, day = free_court(matches), local_day(3)
    match = open_unheard(matches, organiser, court, day, "19:00")
    with matches.courts.at(in_minutes(6)):  # no job pass: booking the court expires its run-out hold
        matches.courts.book(str(uuid.uuid4()), court, day, "21:00")
    eventually(lambda: get(matches, match).status == m.MATCH_STATUS_CANCELLED, "the match is called off")
    late = rpc_error(matches.join, match.match_id, matches.new_player(3.0))
    assert "did not fill in time" not in late.details() and "cancelled" in late.details()
    with matches.job.database.session() as session:
        told = [e.event_type for e in session.query(OutboxEvent).all()
                if e.event_type in ("padel.match.v1.MatchCancelled", "padel.match.v1.MatchReleased")]
    assert told == ["padel.match.v1.MatchCancelled"]
