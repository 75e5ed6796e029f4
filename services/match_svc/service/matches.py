"""Open matches: opening one on a booked court, browsing, and the life of its four places (join, ask
and approve, leave, remove, no-shows). Each use case runs in the unit of work its caller gives."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from match_svc import domain, events, rating, store
from match_svc.domain import Gender, GenderMode, Kind, ResultStatus, Side, Status, TimeOfDay
from match_svc.service.levels import Levels
from mesh import pager
from mesh.caller import Caller
from mesh.clock import Clock
from mesh.db import UnitOfWork
from mesh.errors import FailedPrecondition, NotFound


class CourtBookings(Protocol):
    """Where the organiser's booking is looked up, or a free court held for a match (booking_svc, asked
    as the caller)."""

    def lookup(self, caller: Caller, booking_id: str) -> domain.CourtBooking: ...

    def hold(self, caller: Caller, match_id: str, slot: domain.Slot, until: dt.datetime) -> domain.CourtBooking: ...


class PlayerDirectory(Protocol):
    """The findable players the caller may see, by level and city (user_svc's search, asked as the
    caller: never a player who is not findable or is blocked either way)."""

    def findable(self, caller: Caller, city: str, low: float, high: float, limit: int) -> list[domain.FoundPlayer]: ...


def find_match(session, match_id: str, *, for_update: bool = True) -> store.Match:
    row = store.match(session, match_id, for_update=for_update)
    if row is None:
        raise NotFound(f"match {match_id} not found")
    return row


def _rating(session, player_id: str) -> store.Rating:
    row = store.rating(session, player_id, for_update=True)
    if row is None:
        raise FailedPrecondition("answer the level questionnaire first (POST /api/matches/questionnaire), "
                                 "or give your skill_level in your profile", reason="NO_LEVEL")
    return row


def _newcomer(session, caller: Caller, match_id: str, now: dt.datetime) -> tuple[store.Match, Gender, float]:
    """The match a player wants in (locked), with their gender and level, once they may play in it at all;
    the try is counted (domain.check_tries)."""
    row = find_match(session, match_id)
    domain.check_open(Status(row.status), row.start_time, now, row.held_until)
    domain.check_not_in(row.places, caller.user_id)
    player = _rating(session, caller.user_id)
    gender = Gender(player.gender)
    domain.check_gender(GenderMode(row.gender_mode), gender)
    domain.check_tries(store.count_try(session, row.id, caller.user_id))  # undone with the transaction if refused
    return row, gender, rating.level_of(player.mu)


def _request(row: store.Match, player_id: str) -> store.JoinRequest:
    request = next((r for r in row.join_requests if r.player_id == player_id), None)
    if request is None:
        raise NotFound(f"no request of player {player_id} to join this match")
    return request


def _candidate(player: domain.FoundPlayer, rated: store.Rating | None,
               latest: tuple[str, dt.datetime] | None) -> domain.Candidate:
    """A found player as the ranking reads them: match_svc's level and partner record when it has
    them, else their profile's level at a self-assessment's reliability and no record; their
    profile's city, else their latest match's."""
    match_city, joined_at = latest or ("", None)
    city_key = player.city_key or match_city
    if rated is None:
        skill = rating.self_assessed_skill(player.level)
        return domain.Candidate(player.player_id, skill.level, skill.reliability, city_key, joined_at, 0, 0, 0)
    skill = rating.Skill(rated.mu, rated.sigma)
    active = max(moment for moment in (joined_at, rated.updated_at) if moment is not None)
    return domain.Candidate(player.player_id, skill.level, skill.reliability, city_key, active, rated.matches_played,
                            rated.no_shows, rated.late_drop_outs)


# How many findable players near the match's level the ranking reads at most.
SUGGESTION_POOL = 300


class Matches:
    def __init__(self, courts: CourtBookings, players: PlayerDirectory, levels: Levels, leave_cutoff: dt.timedelta,
                 clock: Clock, fill: domain.FillRule = domain.FillRule()):
        self.courts = courts
        self.players = players
        self.levels = levels
        self.leave_cutoff = leave_cutoff
        self.clock = clock
        self.fill = fill

    def open(self, uow: UnitOfWork, caller: Caller, booking_id: str, kind: Kind, gender_mode: GenderMode,
             level_spread: float, slot: domain.Slot | None = None) -> store.Match:
        """The organiser takes place A1 of a new match on their confirmed booking, or on a free slot
        whose court booking_svc holds for the match until the fill rule's deadline (booked once enough
        players joined, released otherwise: the two services settle that through events)."""
        self.levels.start_from_profile(uow, caller)  # before any transaction: it may ask user_svc
        now = self.clock()
        match_id, held_until = store.new_id(), None
        if slot is None:
            booking = self.courts.lookup(caller, booking_id)  # before the transaction: a peer call holds no lock
            domain.check_may_open(caller, booking, now)
        else:
            self.fill.check_may_hold(slot.start_time, now)
            with uow.session() as session:  # what would refuse the match refuses it before the court is held
                domain.check_gender(gender_mode, Gender(_rating(session, caller.user_id).gender))
            held_until = self.fill.deadline(slot.start_time)
            booking = self.courts.hold(caller, match_id, slot, held_until)
        with uow.session() as session:
            organiser = _rating(session, caller.user_id)
            gender = Gender(organiser.gender)
            domain.check_gender(gender_mode, gender)
            level = rating.level_of(organiser.mu)
            low, high = domain.level_range(level, level_spread)
            row = store.add_match(session, store.Match(
                id=match_id, organiser_id=caller.user_id, booking_id=booking.booking_id,
                venue_id=booking.venue_id, venue_name=booking.venue_name, city=booking.city,
                city_key=booking.city.strip().lower(), court_id=booking.court_id, court_name=booking.court_name,
                start_time=booking.start_time, end_time=booking.end_time, time_zone=booking.time_zone,
                local_date=booking.local_date, local_start=booking.local_start, kind=kind.value,
                gender_mode=gender_mode.value, min_level=low, max_level=high, status=Status.OPEN.value,
                free_places=domain.PLACES, created_at=now, updated_at=now, held_until=held_until,
                court_booked=slot is None, seats=[], join_requests=[]))
            self._seat(session, row, Side.A, caller.user_id, gender, level, now)
            events.match_opened(session, row)
            self._book_if_filled(session, row, now)
            return row

    def browse(self, uow: UnitOfWork, *, city: str, venue_id: str, date: str, time_of_day: TimeOfDay | None,
               level: float, min_free_places: int, page_size: int, page_token: str) -> pager.Page:
        with uow.session(read_only=True) as session:
            return store.open_matches(session, self.clock(), city=city, venue_id=venue_id, date=date,
                                      time_of_day=time_of_day, level=level, min_free_places=min_free_places,
                                      page_size=page_size, page_token=page_token)

    def get(self, uow: UnitOfWork, caller: Caller, match_id: str) -> tuple[store.Match, dict[str, store.Rating] | None]:
        """The match; for its organiser also each seated player's partner record (whom to keep or
        remove), which nobody else sees (None)."""
        with uow.session(read_only=True) as session:
            row = find_match(session, match_id, for_update=False)
            if caller.user_id != row.organiser_id:
                return row, None
            return row, store.ratings_of(session, [s.player_id for s in row.seats])

    def join(self, uow: UnitOfWork, caller: Caller, match_id: str, side: Side | None) -> store.Match:
        """A free place for a player whose level is in the range; the database settles a race."""
        self.levels.start_from_profile(uow, caller)
        now = self.clock()
        with uow.session() as session:
            row, gender, level = _newcomer(session, caller, match_id, now)
            if not domain.fits(level, row.min_level, row.max_level):
                raise FailedPrecondition(f"your level {level:.2f} is outside {row.min_level:.2f}–{row.max_level:.2f}: "
                                         "ask to join instead", reason="LEVEL_OUT_OF_RANGE")
            # A request they made while out of range is answered: left, it could seat them again unasked.
            # Gone before they sit, so the requests their place ends are only others'.
            for request in [r for r in row.join_requests if r.player_id == caller.user_id]:
                row.join_requests.remove(request)
            self._seat(session, row, self._side(row, side, gender), caller.user_id, gender, level, now)
            events.player_joined(session, row, caller.user_id)
            self._book_if_filled(session, row, now)
            return row

    def ask(self, uow: UnitOfWork, caller: Caller, match_id: str, side: Side | None) -> store.Match:
        """A player outside the range asks; every player already in must approve."""
        self.levels.start_from_profile(uow, caller)
        now = self.clock()
        with uow.session() as session:
            row, gender, level = _newcomer(session, caller, match_id, now)
            self._side(row, side, gender)  # a place they could be given, or the request would wait for nothing
            if domain.fits(level, row.min_level, row.max_level):
                raise FailedPrecondition("your level is in the match's range: join directly", reason="LEVEL_FITS")
            if any(r.player_id == caller.user_id for r in row.join_requests):
                raise FailedPrecondition("you asked to join this match already")
            row.join_requests.append(store.JoinRequest(
                match_id=row.id, player_id=caller.user_id, side=side.value if side else "", level=level,
                approved_by=[], requested_at=now))
            row.updated_at = now
            session.flush()
            events.join_requested(session, row, caller.user_id, level)
            return row

    def approve(self, uow: UnitOfWork, caller: Caller, match_id: str, player_id: str) -> store.Match:
        """One seated player's yes; the last one grants the request (`_grant_if_approved`)."""
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            domain.check_open(Status(row.status), row.start_time, now, row.held_until)
            domain.check_seated(row.places, caller.user_id)
            request = _request(row, player_id)
            request.approved_by = sorted({*request.approved_by, caller.user_id})
            row.updated_at = now
            self._grant_if_approved(session, row, request, now)
            session.flush()
            return row

    def _grant_if_approved(self, session, row: store.Match, request: store.JoinRequest, now: dt.datetime) -> None:
        """Once every seated player said yes, the asking player is seated, or, when their gender no longer
        fits the match (changed since they asked), the request ends, the asker told."""
        if not {p.player_id for p in row.places} <= set(request.approved_by):
            return
        gender = Gender(_rating(session, request.player_id).gender)
        wanted = Side(request.side) if request.side else None
        row.join_requests.remove(request)
        try:  # their gender may have changed since they asked: the mode's rule, not the approver's fault
            domain.check_gender(GenderMode(row.gender_mode), gender)
            side = self._side(row, wanted, gender)
        except FailedPrecondition:
            session.flush()
            events.join_request_ended(session, row, request.player_id, refused_by="", gender_no_longer_fits=True)
            return
        self._seat(session, row, side, request.player_id, gender, request.level, now)
        events.player_joined(session, row, request.player_id, approved=True)
        self._book_if_filled(session, row, now)

    def _grant_approved(self, session, row: store.Match, now: dt.datetime) -> None:
        """A player left without answering a request every player still seated approved: theirs was the
        yes it waited for, so it is granted now (while the match takes players)."""
        try:
            domain.check_open(Status(row.status), row.start_time, now, row.held_until)
        except FailedPrecondition:
            return
        for request in list(row.join_requests):
            if request in row.join_requests:  # a seat granted may have filled the match, ending the rest
                self._grant_if_approved(session, row, request, now)

    def refuse(self, uow: UnitOfWork, caller: Caller, match_id: str, player_id: str) -> store.Match:
        """One seated player's no ends the request (every seated player must approve); the asking player
        is told and may ask again later."""
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            domain.check_seated(row.places, caller.user_id)
            row.join_requests.remove(_request(row, player_id))
            row.updated_at = now
            session.flush()
            events.join_request_ended(session, row, player_id, refused_by=caller.user_id)
            return row

    def withdraw(self, uow: UnitOfWork, caller: Caller, match_id: str) -> store.Match:
        """The asking player takes their request back."""
        with uow.session() as session:
            row = find_match(session, match_id)
            row.join_requests.remove(_request(row, caller.user_id))
            row.updated_at = self.clock()
            session.flush()
            return row

    def leave(self, uow: UnitOfWork, caller: Caller, match_id: str) -> store.Match:
        """Frees the caller's place; after the cut-off it is recorded as a late drop-out (domain.is_late)."""
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            domain.check_before_start(row.start_time, now)
            if caller.user_id == row.organiser_id:
                raise FailedPrecondition("the organiser holds the court booking and cannot leave their match")
            late = domain.is_late(Status(row.status), row.start_time, now, self.leave_cutoff)
            self._unseat(session, row, caller.user_id, now)
            if late:
                _rating(session, caller.user_id).late_drop_outs += 1
            self._left(session, row, caller.user_id, removed_by="", late=late)
            self._grant_approved(session, row, now)
            return row

    def remove(self, uow: UnitOfWork, caller: Caller, match_id: str, player_id: str) -> store.Match:
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            domain.check_organiser(caller, row.organiser_id)
            domain.check_before_start(row.start_time, now)
            if player_id == row.organiser_id:
                raise FailedPrecondition("the organiser cannot remove themselves")
            self._unseat(session, row, player_id, now)
            self._left(session, row, player_id, removed_by=caller.user_id, late=False)
            self._grant_approved(session, row, now)
            return row

    def report_no_show(self, uow: UnitOfWork, caller: Caller, match_id: str, player_id: str) -> store.Rating:
        """The organiser records, once play has started, that a player did not come (once per match);
        a match called off was played by nobody."""
        now = self.clock()
        with uow.session() as session:
            row = find_match(session, match_id)
            domain.check_organiser(caller, row.organiser_id)
            domain.check_not_called_off(Status(row.status))
            if now < row.start_time:
                raise FailedPrecondition("a no-show is reported once the match has started")
            seat = row.seat_of(player_id)
            if seat is None:
                raise NotFound(f"player {player_id} has no place in this match")
            if seat.no_show:
                raise FailedPrecondition("this no-show is recorded already")
            if row.result_status == ResultStatus.CONFIRMED.value:
                raise FailedPrecondition("the match's result is confirmed: its four players played it and their "
                                         "levels moved")
            seat.no_show = True
            player = _rating(session, player_id)
            player.no_shows += 1
            session.flush()
            return player

    def suggest(self, uow: UnitOfWork, caller: Caller, match_id: str, limit: int) -> list[domain.Suggestion]:
        """Players to fill the match's places, best first, with their scores (domain.suggestion_score).
        The candidates are the findable players user_svc's search gives the caller near the match's
        level range, so never one who is not findable or is blocked either way; never a player in the
        match or asking to join it, nor one the gender mode leaves out. A player match_svc has no level
        for counts at their profile's level, with a self-assessment's reliability."""
        with uow.session(read_only=True) as session:
            row = find_match(session, match_id, for_update=False)
            domain.check_seated(row.places, caller.user_id)
            excluded = {s.player_id for s in row.seats} | {r.player_id for r in row.join_requests}
        reach = domain.SUGGESTION_LEVEL_REACH
        found = self.players.findable(caller, row.city_key, max(0.0, row.min_level - reach),
                                      min(rating.LEVEL_MAX, row.max_level + reach), SUGGESTION_POOL)
        found = [player for player in found if player.player_id not in excluded]
        now = self.clock()
        with uow.session(read_only=True) as session:
            ratings = store.ratings_of(session, [player.player_id for player in found])
            latest = store.latest_seats(session, [player.player_id for player in found])
        candidates = []
        for player in found:
            rated = ratings.get(player.player_id)
            if not domain.may_play(GenderMode(row.gender_mode), Gender(rated.gender) if rated else Gender.UNSPECIFIED):
                continue
            candidate = _candidate(player, rated, latest.get(player.player_id))
            score = domain.suggestion_score(candidate, row.min_level, row.max_level, row.city_key, now)
            candidates.append(domain.Suggestion(candidate, score, domain.same_city(candidate, row.city_key)))
        candidates.sort(key=lambda s: (-s.score, s.candidate.player_id))
        return candidates[:limit]

    def booking_cancelled(self, uow: UnitOfWork, booking_id: str, ran_out: bool,
                          cancelled_at: dt.datetime | None = None) -> None:
        """The court is gone: the match on it is called off and its players told (once); a match whose
        held court `ran_out` (booking_svc let the hold expire, nobody cancelled it) at its deadline is
        released (it did not fill). A hold that ran out before the deadline (`cancelled_at`, booking_svc's
        time: it never heard the match opened) calls the match off: the players are told the court
        booking went, not that too few joined."""
        now = self.clock()
        with uow.session() as session:
            row = store.match_of_booking(session, booking_id, for_update=True)
            if row is None or row.status in (Status.CANCELLED.value, Status.RELEASED.value):
                return
            early = cancelled_at is not None and row.held_until is not None and cancelled_at < row.held_until
            if not row.court_booked and ran_out and not early:
                self._release(session, row, now)
                return
            row.status, row.updated_at = Status.CANCELLED.value, now
            session.flush()
            self._end_requests(session, row, called_off=True)
            events.match_cancelled(session, row)

    def holds_court(self, uow: UnitOfWork, match_id: str, booking_id: str) -> bool:
        """booking_svc's question about a hold it has not heard opened: whether the match exists on that
        booking, neither called off nor released (its MatchOpened may be waiting in the outbox)."""
        with uow.session(read_only=True) as session:
            row = store.match_of_booking(session, booking_id)
            return (row is not None and row.id == match_id
                    and row.status not in (Status.CANCELLED.value, Status.RELEASED.value))

    def booking_confirmed(self, uow: UnitOfWork, booking_id: str) -> None:
        """The held court was booked another way (paid in full, or confirmed by the venue): the match keeps it."""
        with uow.session() as session:
            row = store.match_of_booking(session, booking_id, for_update=True)
            if row is not None and not row.court_booked and row.status != Status.RELEASED.value:
                row.court_booked, row.held_until, row.updated_at = True, None, self.clock()
                session.flush()

    def release_unfilled(self, uow: UnitOfWork) -> int:
        """Matches on a held court still short of players at their deadline are released: booking_svc
        gives the court back and the players are told (MatchReleased)."""
        now = self.clock()
        with uow.session() as session:
            due = store.holds_due(session, now)
            for row in due:
                self._release(session, row, now)
            return len(due)

    def end_started_requests(self, uow: UnitOfWork) -> int:
        """Requests to join a match that has started end, their askers told; how many matches had some
        (those of a match called off ended when it was)."""
        now = self.clock()
        with uow.session() as session:
            due = store.requests_past_start(session, now)
            for row in due:
                self._end_requests(session, row)
            return len(due)

    def account_deleted(self, uow: UnitOfWork, player_id: str) -> None:
        """A deleted account leaves every match not started yet and withdraws its requests (its own
        matches end with its bookings, which booking_svc cancels)."""
        now = self.clock()
        with uow.session() as session:
            for row in store.matches_ahead_of(session, player_id, now):
                for request in [r for r in row.join_requests if r.player_id == player_id]:
                    row.join_requests.remove(request)
                if row.seat_of(player_id) is not None and player_id != row.organiser_id:
                    self._unseat(session, row, player_id, now)
                    self._left(session, row, player_id, removed_by="", late=False)
                    self._grant_approved(session, row, now)
            session.flush()

    def _book_if_filled(self, session, row: store.Match, now: dt.datetime) -> None:
        """A match on a held court that has the players the fill rule asks for books its court
        (MatchHoldFilled: booking_svc confirms the hold)."""
        if not row.court_booked and self.fill.filled(len(row.seats), row.start_time, now):
            row.court_booked, row.held_until, row.updated_at = True, None, now
            session.flush()
            events.hold_filled(session, row)

    @staticmethod
    def _release(session, row: store.Match, now: dt.datetime) -> None:
        row.status, row.updated_at = Status.RELEASED.value, now
        session.flush()
        Matches._end_requests(session, row, called_off=True)
        events.match_released(session, row)

    @staticmethod
    def _side(row: store.Match, wanted: Side | None, gender: Gender) -> Side:
        return domain.free_place(row.places, wanted, GenderMode(row.gender_mode), gender)

    @staticmethod
    def _seat(session, row: store.Match, side: Side, player_id: str, gender: Gender, level: float,
              now: dt.datetime) -> None:
        store.take_seat(session, row, side, player_id, gender, level, now)
        row.free_places = domain.PLACES - len(row.seats)
        row.status = (Status.FULL if row.free_places == 0 else Status.OPEN).value
        row.updated_at = now
        session.flush()
        Matches._end_requests_without_place(session, row)

    @staticmethod
    def _end_requests(session, row: store.Match, called_off: bool = False) -> None:
        """The match's open requests end (it started, or was `called_off`: cancelled or released), the
        askers told."""
        for request in list(row.join_requests):
            row.join_requests.remove(request)
            session.flush()
            events.join_request_ended(session, row, request.player_id, refused_by="", called_off=called_off)

    @staticmethod
    def _end_requests_without_place(session, row: store.Match) -> None:
        """Once a place is taken, the requests no free place can answer end, their askers told: the match
        filled, or (`place_taken`) the side they asked for did, or, mixed, the places left are for the other
        gender. Left, they would wait for approvals that could never seat them."""
        askers = store.ratings_of(session, [r.player_id for r in row.join_requests])
        for request in list(row.join_requests):
            rated = askers.get(request.player_id)
            gender = Gender(rated.gender) if rated else Gender.UNSPECIFIED
            wanted = Side(request.side) if request.side else None
            if domain.may_take_place(row.places, wanted, GenderMode(row.gender_mode), gender):
                continue
            row.join_requests.remove(request)
            session.flush()
            events.join_request_ended(session, row, request.player_id, refused_by="",
                                      place_taken=row.free_places > 0)

    @staticmethod
    def _left(session, row: store.Match, player_id: str, removed_by: str, late: bool) -> None:
        """PlayerLeft tells the players still seated (and booking_svc, the booking's players) that a place
        is free; of a match called off or released nobody is told: it is off for everyone already."""
        if not domain.is_called_off(Status(row.status)):
            events.player_left(session, row, player_id, removed_by=removed_by, late=late)

    @staticmethod
    def _unseat(session, row: store.Match, player_id: str, now: dt.datetime) -> None:
        seat = row.seat_of(player_id)
        if seat is None:
            raise NotFound(f"player {player_id} has no place in this match")
        if row.result_status is not None:
            raise FailedPrecondition("the match has a result")
        store.free_seat(session, row, seat)
        row.free_places = domain.PLACES - len(row.seats)
        if row.status == Status.FULL.value:  # a match called off or released stays so
            row.status = Status.OPEN.value
        row.updated_at = now
        session.flush()
