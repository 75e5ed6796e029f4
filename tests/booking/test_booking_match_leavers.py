"""A match player who leaves the booking's match (match_svc's PlayerLeft, through `MatchHolds.seated`)
is announced in BookingParticipantsChanged as having left late when it is after the venue's
free-cancellation time by its policy (the one cancelling the booking follows), so payments keeps
their paid share; leaving in time, or being removed by the organiser, is not late. An invited player
who accepted and declines late is announced so in InvitationDeclined, by the same judgement. Service
layer on SQLite and PostgreSQL, the clock moved."""

import datetime as dt
import uuid

import pytest

from booking_svc.service.match_holds import MatchHolds
from booking_testkit import Anyone, Clock, Desk, local_day, local_dt, outbox_messages, someone


class MatchGame:
    """A game in three days at a venue whose cancelling is free until 24 hours before, booked by its
    organiser for a match whose seated players `seat` announces (match_svc's PlayerJoined/PlayerLeft)."""

    def __init__(self, database):
        self.database, self.clock = database, Clock()
        self.desk = Desk(database, self.clock)
        self.holds = MatchHolds(self.desk.bookings, matches=None)  # `seated` never asks match_svc
        venue = self.desk.venue(name="Leavers", free_until_hours=24)
        self.organiser = someone("player")
        self.start = local_dt(local_day(3), "19:00")
        self.booking = self.desk.book(self.organiser, venue.courts[0].id, self.start)
        self.match_id = str(uuid.uuid4())

    def seat(self, players: list[str], leaver: str = "") -> None:
        self.holds.seated(self.database, self.match_id, self.booking.id, self.organiser.user_id,
                          [self.organiser.user_id, *players], leaver)


def test_a_match_player_leaving_after_the_free_cancellation_time_is_announced_as_leaving_late(database):
    game = MatchGame(database)
    early, late, removed = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    game.seat([early, late, removed])

    game.seat([late, removed], early)
    game.clock.now = game.start - dt.timedelta(hours=12)  # inside the venue's 24 hours
    game.seat([removed], late)
    game.seat([])  # removed by the organiser

    changes = [m for _name, m in outbox_messages(database, "BookingParticipantsChanged")]
    assert [(list(m.removed_ids), list(m.left_late_ids)) for m in changes[1:]] == [
        ([early], []), ([late], [late]), ([removed], [])]


@pytest.mark.parametrize("first", ["match_svc", "auth"])
@pytest.mark.parametrize("hours_ahead, late", [(12, True), (48, False)])
def test_a_match_player_who_deletes_their_account_leaves_as_they_would_whichever_event_comes_first(
        database, first, hours_ahead, late):
    """Deleting an account is the player's choice: inside the venue's free-cancellation time it is a
    late leave (payments keeps their paid share until a newcomer takes the place), in time it is not,
    whether match_svc's PlayerLeft or auth's AccountDeleted reaches booking_svc first."""
    game = MatchGame(database)
    gone, stays = str(uuid.uuid4()), str(uuid.uuid4())
    game.seat([gone, stays])
    game.clock.now = game.start - dt.timedelta(hours=hours_ahead)

    def player_left():  # match_svc's PlayerLeft for the deleted account: removed by nobody
        game.seat([stays], gone)

    def account_deleted():
        game.desk.bookings.close_account(database, gone)

    for handle in (player_left, account_deleted) if first == "match_svc" else (account_deleted, player_left):
        handle()

    left = [m for _name, m in outbox_messages(database, "BookingParticipantsChanged") if gone in m.removed_ids]
    assert [list(m.left_late_ids) for m in left] == [[gone] if late else []]


def test_a_deleted_account_is_not_seated_again_by_a_match_event_sent_before_match_svc_heard_of_it(database):
    """A newcomer's PlayerJoined that match_svc published before it handled AccountDeleted still lists
    the deleted player: booking_svc, which handled AccountDeleted first, seats the newcomer only (the
    deleted account's place is the one they take, so payments gives its held share back)."""
    game = MatchGame(database)
    gone, stays, newcomer = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    game.seat([gone, stays])
    game.clock.now = game.start - dt.timedelta(hours=12)  # inside the venue's 24 hours
    game.desk.bookings.close_account(database, gone)

    game.seat([gone, stays, newcomer])  # PlayerJoined of the newcomer, sent before match_svc heard
    game.seat([stays, newcomer], gone)  # then match_svc's PlayerLeft for the deleted account

    changes = [m for _name, m in outbox_messages(database, "BookingParticipantsChanged")][1:]
    assert [(list(m.added_ids), list(m.removed_ids), list(m.left_late_ids)) for m in changes] == [
        ([], [gone], [gone]), ([newcomer], [], [])]


def test_an_invited_player_who_accepted_and_declines_late_is_announced_as_leaving_late(database):
    """Declining after accepting is leaving the game: inside the venue's free-cancellation time it is a
    late leave as a match player's (payments keeps their paid share until a newcomer takes the place);
    declining in time, or declining an invitation never accepted, is not."""
    clock = Clock()
    desk = Desk(database, clock)
    desk.bookings.players = Anyone()
    venue = desk.venue(name="Decliners", free_until_hours=24)
    booker, early, late, unanswered = (someone("player") for _ in range(4))
    start = local_dt(local_day(3), "19:00")
    game = desk.bookings.book(database, booker, venue.courts[0].id, start, 60,
                              [early.user_id, late.user_id, unanswered.user_id], "", uuid.uuid4().hex).booking
    for player in (early, late):
        desk.bookings.answer_invitation(database, player, game.id, accept=True)

    desk.bookings.answer_invitation(database, early, game.id, accept=False)
    clock.now = start - dt.timedelta(hours=12)  # inside the venue's 24 hours
    desk.bookings.answer_invitation(database, late, game.id, accept=False)
    desk.bookings.answer_invitation(database, unanswered, game.id, accept=False)

    declines = [m for _name, m in outbox_messages(database, "InvitationDeclined")]
    assert [(m.player_id, list(m.left_late_ids)) for m in declines] == [
        (early.user_id, []), (late.user_id, [late.user_id]), (unanswered.user_id, [])]


@pytest.mark.parametrize("accepted, late", [(True, True), (False, False)])
def test_an_invited_player_who_deletes_their_account_late_leaves_late_only_if_they_had_accepted(
        database, accepted, late):
    """Deleting an account inside the free-cancellation time is a late leave for an invited player who
    had taken the place (accepted), as declining then would be; an invitation never answered is not."""
    clock = Clock()
    desk = Desk(database, clock)
    desk.bookings.players = Anyone()
    venue = desk.venue(name="Deleters", free_until_hours=24)
    booker, gone = someone("player"), someone("player")
    start = local_dt(local_day(3), "19:00")
    game = desk.bookings.book(database, booker, venue.courts[0].id, start, 60, [gone.user_id], "",
                              uuid.uuid4().hex).booking
    if accepted:
        desk.bookings.answer_invitation(database, gone, game.id, accept=True)
    clock.now = start - dt.timedelta(hours=12)

    desk.bookings.close_account(database, gone.user_id)

    left = [m for _name, m in outbox_messages(database, "BookingParticipantsChanged") if gone.user_id in m.removed_ids]
    assert [list(m.left_late_ids) for m in left] == [[gone.user_id] if late else []]
