"""Open matches (issue 15) through the real server, from match_svc's real event messages: the seated
players hear who joined, asks to join or left and that the match filled or was cancelled, the other
side is asked to confirm a result, and a player hears their level move; from booking_svc's, a court
held for a match is told only once it is booked."""

from __future__ import annotations

import datetime as dt
import uuid

from notify_standins import eventually, prefer, publish, register, snapshot, stamp
from padel.booking.v1 import booking_pb2
from padel.booking.v1 import events_pb2 as booking_events
from padel.match.v1 import events_pb2 as match_events
from padel.match.v1 import match_pb2
from padel.notify.v1 import notify_service_pb2 as pb
from padel.user.v1 import user_pb2

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: smtp, provider, notify_env, embedded_redis, notify

KARACHI = dt.timezone(dt.timedelta(hours=5))


def inbox(notify, token_issuer, user_id: str):
    listed = notify.stub.ListInbox(pb.ListInboxRequest(page_size=100), metadata=token_issuer.metadata(user_id))
    return list(reversed(listed.messages))


def kinds(notify, token_issuer, user_id: str) -> list[str]:
    return [m.kind for m in inbox(notify, token_issuer, user_id)]


def seated(match_id: str, start: dt.datetime, players: list[str], organiser: str) -> match_events.MatchSnapshot:
    return match_events.MatchSnapshot(
        match_id=match_id, organiser_id=organiser, venue_name="Padel Arena DHA", court_name="Court 2",
        start_time=stamp(start), time_zone="Asia/Karachi", player_ids=players, free_places=4 - len(players),
        kind=match_pb2.MATCH_KIND_COMPETITIVE)


def test_the_seated_players_follow_their_match(notify, smtp, token_issuer):
    organiser, second, third, fourth, asker = (str(uuid.uuid4()) for _ in range(5))
    register(notify.redis, organiser, "organiser@example.pk")
    prefer(notify.redis, organiser, [user_pb2.CHANNEL_EMAIL], kinds=[user_pb2.NOTIFICATION_KIND_MATCH_INVITES])
    register(notify.redis, fourth, "fourth@example.pk")  # named Ayesha Khan by the stand-in registration
    match_id = str(uuid.uuid4())
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)

    def at(players: list[str]) -> match_events.MatchSnapshot:
        return seated(match_id, start, players, organiser)

    publish(notify.redis, "match", match_events.PlayerJoined(match=at([organiser, second]), player_id=second))
    publish(notify.redis, "match", match_events.JoinRequested(match=at([organiser, second]), player_id=asker,
                                                              level=4.5))
    publish(notify.redis, "match", match_events.PlayerJoined(match=at([organiser, second, third]), player_id=third))
    joined = match_events.PlayerJoined(match=at([organiser, second, third, fourth]), player_id=fourth)
    event_id = publish(notify.redis, "match", joined)
    publish(notify.redis, "match", joined, event_id)  # redelivered: told once
    publish(notify.redis, "match", match_events.MatchFilled(match=at([organiser, second, third, fourth])))
    publish(notify.redis, "match", match_events.PlayerLeft(match=at([organiser, second, fourth]), player_id=third,
                                                           removed_by=organiser, late=True))
    publish(notify.redis, "match", match_events.MatchCancelled(match=at([organiser, second, fourth])), wait=True)

    assert kinds(notify, token_issuer, organiser) == [
        "match_player_joined", "match_join_requested", "match_player_joined", "match_player_joined", "match_filled",
        "match_player_left", "match_cancelled"]
    assert kinds(notify, token_issuer, second) == [
        "match_join_requested", "match_player_joined", "match_player_joined", "match_filled", "match_player_left",
        "match_cancelled"]
    assert kinds(notify, token_issuer, third) == ["match_player_joined", "match_filled", "match_player_removed"]
    assert kinds(notify, token_issuer, fourth) == ["match_filled", "match_player_left", "match_cancelled"]
    assert kinds(notify, token_issuer, asker) == []  # not seated: asked nothing

    told = inbox(notify, token_issuer, organiser)
    assert told[1].body.startswith("Hi Ayesha, A player (level 4.50) asks for a place in the match on Court 2 at "
                                   "Padel Arena DHA")
    assert told[3].title.startswith("Ayesha Khan joined your match: Padel Arena DHA")
    assert "Places still free: 0." in told[3].body
    assert f"{start.astimezone(KARACHI):%H:%M}" in told[6].title
    # By the organiser's own channels: every one by email too.
    mails = eventually(lambda: smtp.to("organiser@example.pk") if len(smtp.to("organiser@example.pk")) >= 7 else None)
    assert any(mail["Subject"].startswith("Match cancelled: Padel Arena DHA") for mail in mails)


def test_the_other_side_confirms_a_result_and_a_player_hears_their_level_move(notify, token_issuer):
    a1, a2, b1, b2 = (str(uuid.uuid4()) for _ in range(4))
    match = seated(str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2), [a1, a2, b1, b2], a1)
    result = match_pb2.Result(sets=[match_pb2.SetScore(side_a_games=6, side_b_games=4),
                                    match_pb2.SetScore(side_a_games=7, side_b_games=5)], recorded_by=a1)
    publish(notify.redis, "match", match_events.ResultRecorded(match=match, result=result, confirmer_ids=[b1, b2]))
    publish(notify.redis, "match", match_events.LevelChanged(player_id=a2, match_id=match.match_id, level_before=3.1,
                                                             level_after=3.25, reliability_after=0.6), wait=True)

    for confirmer in (b1, b2):
        [asked] = inbox(notify, token_issuer, confirmer)
        assert asked.kind == "match_result_recorded" and asked.title == "Confirm the result: 6-4, 7-5"
    assert kinds(notify, token_issuer, a1) == []  # who recorded it confirms nothing
    [level] = inbox(notify, token_issuer, a2)
    assert level.title == "Your level is now 3.25" and "from 3.10 to 3.25" in level.body


def test_the_players_of_a_released_match_hear_the_court_was_given_back(notify, token_issuer):
    organiser, second, stranger = (str(uuid.uuid4()) for _ in range(3))
    match = seated(str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=3), [organiser, second],
                   organiser)
    publish(notify.redis, "match", match_events.MatchReleased(match=match), wait=True)

    for player in (organiser, second):
        [told] = inbox(notify, token_issuer, player)
        assert told.kind == "match_released" and told.title.startswith("Match not on: Padel Arena DHA")
        assert "not enough players joined" in told.body and "given back" in told.body
    assert kinds(notify, token_issuer, stranger) == []


def test_a_matchs_court_hold_is_no_booking_to_tell_of_until_the_match_books_it(notify, token_issuer):
    """booking_svc holds a free court for a match with a pending booking of the organiser's (match_id
    set) and confirms it when the match fills or cancels it when it does not: the held court is no
    booking yet, so neither the organiser ("received", "cancelled") nor the owner ("confirm it",
    "cancelled") hears of the hold or its release (the players hear MatchReleased); the court booked
    for the match is told as any booking: confirmed to the organiser, new to the owner, an invitation
    to the seated players, and its later cancellation to everyone."""
    organiser, second, owner = (str(uuid.uuid4()) for _ in range(3))
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)

    def hold(status, participants=()) -> booking_events.BookingSnapshot:
        return snapshot(organiser, start, booking_id=booking_id, status=status, participants=participants,
                        venue_owner_id=owner, match_id=match_id)

    booking_id, match_id = str(uuid.uuid4()), str(uuid.uuid4())
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=hold(booking_pb2.BOOKING_STATUS_PENDING)))
    publish(notify.redis, "booking", booking_events.BookingParticipantsChanged(
        booking=hold(booking_pb2.BOOKING_STATUS_PENDING, [second]), added_ids=[second]))
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=hold(booking_pb2.BOOKING_STATUS_CANCELLED, [second]), cancellation=booking_pb2.Cancellation(
            reason="the open match did not fill in time: the court is free again")), wait=True)
    for user_id in (organiser, second, owner):
        assert kinds(notify, token_issuer, user_id) == []

    booking_id, match_id = str(uuid.uuid4()), str(uuid.uuid4())
    publish(notify.redis, "booking", booking_events.BookingCreated(booking=hold(booking_pb2.BOOKING_STATUS_PENDING)))
    publish(notify.redis, "booking", booking_events.BookingConfirmed(
        booking=hold(booking_pb2.BOOKING_STATUS_CONFIRMED, [second])), wait=True)
    assert kinds(notify, token_issuer, organiser) == ["booking_confirmed"]
    assert kinds(notify, token_issuer, owner) == ["venue_booking_new"]
    assert kinds(notify, token_issuer, second) == ["booking_invitation"]
    publish(notify.redis, "booking", booking_events.BookingCancelled(
        booking=hold(booking_pb2.BOOKING_STATUS_CANCELLED, [second]),
        cancellation=booking_pb2.Cancellation(reason="plans changed", cancelled_by=organiser)), wait=True)
    assert kinds(notify, token_issuer, organiser) == ["booking_confirmed", "booking_cancelled"]
    assert kinds(notify, token_issuer, owner) == ["venue_booking_new", "venue_booking_cancelled"]
    assert kinds(notify, token_issuer, second) == ["booking_invitation", "invitation_cancelled"]


def test_an_asker_hears_they_are_in_or_refused_or_no_longer_fit_or_outpaced_or_that_the_match_filled_started_or_is_off(
        notify, token_issuer):
    organiser, second, approved, refused, late, started, unfit, outpaced, off = (str(uuid.uuid4()) for _ in range(9))
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    match_id = str(uuid.uuid4())
    publish(notify.redis, "match", match_events.PlayerJoined(
        match=seated(match_id, start, [organiser, second, approved], organiser), player_id=approved, approved=True))
    publish(notify.redis, "match", match_events.JoinRequestEnded(
        match=seated(match_id, start, [organiser, second, approved], organiser), player_id=refused, refused_by=second))
    publish(notify.redis, "match", match_events.JoinRequestEnded(
        match=seated(match_id, start, [organiser, second, approved, str(uuid.uuid4())], organiser), player_id=late))
    publish(notify.redis, "match", match_events.JoinRequestEnded(
        match=seated(match_id, start, [organiser, second, approved], organiser), player_id=unfit,
        gender_no_longer_fits=True))
    publish(notify.redis, "match", match_events.JoinRequestEnded(
        match=seated(match_id, start, [organiser, second, approved], organiser), player_id=outpaced, place_taken=True))
    publish(notify.redis, "match", match_events.JoinRequestEnded(
        match=seated(match_id, start, [organiser, second, approved], organiser), player_id=off, called_off=True))
    publish(notify.redis, "match", match_events.JoinRequestEnded(
        match=seated(str(uuid.uuid4()), start, [organiser, second], organiser), player_id=started), wait=True)

    [told] = inbox(notify, token_issuer, approved)
    assert told.kind == "match_request_approved" and told.title.startswith("You're in: Padel Arena DHA")
    assert kinds(notify, token_issuer, refused) == ["match_request_refused"]
    assert kinds(notify, token_issuer, late) == ["match_request_ended_full"]
    assert kinds(notify, token_issuer, started) == ["match_request_ended_started"]
    [ended] = inbox(notify, token_issuer, unfit)
    assert ended.kind == "match_request_ended_gender" and "gender you set since asking" in ended.body
    [ended] = inbox(notify, token_issuer, outpaced)  # not "the match started": it has a place left
    assert ended.kind == "match_request_ended_place_taken" and "took the place you asked for" in ended.body
    [ended] = inbox(notify, token_issuer, off)  # not "the match started" at its start, of a match never played
    assert ended.kind == "match_request_ended_called_off" and "will not be played" in ended.body
    assert kinds(notify, token_issuer, organiser) == ["match_player_joined"]  # a refusal is the asker's news only


def test_a_disputed_result_is_told_to_its_recorder_and_a_confirmed_one_to_the_four(notify, token_issuer):
    a1, a2, b1, b2 = (str(uuid.uuid4()) for _ in range(4))
    match = seated(str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2), [a1, a2, b1, b2], a1)
    sets = [match_pb2.SetScore(side_a_games=6, side_b_games=4), match_pb2.SetScore(side_a_games=7, side_b_games=5)]
    publish(notify.redis, "match", match_events.ResultSettled(match=match, result=match_pb2.Result(
        sets=sets, recorded_by=a1, answered_by=b1, status=match_pb2.RESULT_STATUS_DISPUTED)), wait=True)
    [disputed] = inbox(notify, token_issuer, a1)
    assert disputed.kind == "match_result_disputed" and disputed.title == "Your result was disputed: 6-4, 7-5"
    assert [kinds(notify, token_issuer, p) for p in (a2, b1, b2)] == [[], [], []]

    other = seated(str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=30), [a1, a2, b1, b2], a1)
    # Confirmed by the job (nobody answered): all four hear it.
    publish(notify.redis, "match", match_events.ResultSettled(match=other, result=match_pb2.Result(
        sets=sets, recorded_by=a1, status=match_pb2.RESULT_STATUS_CONFIRMED)), wait=True)
    for player in (a2, b1, b2):
        assert kinds(notify, token_issuer, player) == ["match_result_confirmed"]
    assert inbox(notify, token_issuer, a1)[-1].title == "Result confirmed: 6-4, 7-5"
