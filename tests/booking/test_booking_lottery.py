"""A prime slot's lottery on a real database (SQLite and PostgreSQL) with a clock the test moves:
the slot is closed to booking while entries are open, one draw reproducible from its seed picks the
winner, who is booked, and the others wait for the slot in drawn order."""

import datetime as dt
import threading

import pytest

from booking_svc import convert, lottery, store
from booking_svc.jobs import BookingJob
from booking_svc.service.lotteries import Lotteries
from booking_svc.service.memberships import Memberships
from booking_svc.service.waitlist import Waitlist
from booking_testkit import Clock, Desk, local_day, local_dt, outbox_messages, someone, waits_for_a_lock
from mesh.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied


def a_prime_slot(database, name: str, duration: int = 60):
    """(clock, desk, lotteries, owner, court, start, lottery): a new venue's prime slot three days
    ahead at 20:00, sold by a lottery whose entries close in an hour."""
    clock = Clock()
    desk = Desk(database, clock)
    lotteries = Lotteries(desk.bookings, clock)
    made = desk.venue(name=name)
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    start = local_dt(local_day(3), "20:00").astimezone(dt.timezone.utc)
    prime = lotteries.create(database, owner, made.venue.id, made.courts[0].id, start, duration,
                             clock.now + dt.timedelta(hours=1))
    return clock, desk, lotteries, owner, made.courts[0].id, start, prime


def test_a_lottery_draw_is_reproducible_from_its_seed_and_the_rest_go_to_the_waitlist(database):
    clock = Clock()
    desk = Desk(database, clock)
    lotteries, waitlist = Lotteries(desk.bookings, clock), Waitlist(desk.bookings, clock)
    made = desk.venue(name="Prime Padel")
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    court = made.courts[0].id
    start = local_dt(local_day(3), "20:00").astimezone(dt.timezone.utc)
    closes = clock.now + dt.timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        lotteries.create(database, someone("player"), made.venue.id, court, start, 90, closes)
    prime = lotteries.create(database, owner, made.venue.id, court, start, 90, closes)
    with pytest.raises(InvalidArgument, match="closed"):
        desk.book(someone("player"), court, start)

    players = [someone("player") for _ in range(4)]
    # The first player's plan counts their entry three times.
    memberships = Memberships(clock)
    gold = memberships.create_plan(database, owner, made.venue.id, "Gold", 500_000, "monthly", 7, 0, 3)
    memberships.record_payment(database, owner, made.venue.id, gold.id, players[0].user_id)
    for player in players:
        clock.now += dt.timedelta(seconds=1)
        lotteries.enter(database, player, prime.id)
    with pytest.raises(AlreadyExists):
        lotteries.enter(database, players[0], prime.id)
    with pytest.raises(FailedPrecondition, match="still open"):
        lotteries.draw(database, owner, prime.id)

    clock.now = closes
    with pytest.raises(FailedPrecondition, match="closed"):
        lotteries.enter(database, someone("player"), prime.id)
    drawn, entries = lotteries.draw(database, owner, prime.id)
    assert [e.weight for e in entries] == [3, 1, 1, 1]
    # Anyone with the seed and the entries in joining order draws the same order again.
    assert lottery.draw(drawn.seed, [(e.id, e.weight) for e in entries]) == drawn.drawn_order
    # What anyone is shown (player ids and weights in joining order, the seed) re-runs the draw too.
    shown = convert.lottery(drawn, entries, clock.now)
    assert shown.state == "drawn" and [(e.player_id, e.weight) for e in shown.entries] == [
        (p.user_id, w) for p, w in zip(players, [3, 1, 1, 1])]
    assert lottery.draw(shown.seed, [(e.player_id, e.weight) for e in shown.entries]) == list(shown.drawn_player_ids)
    by_entry = {e.id: e.player_id for e in entries}
    order = [by_entry[entry_id] for entry_id in drawn.drawn_order]
    admin = someone("admin")
    won = desk.bookings.get(database, admin, drawn.booking_id).booking
    assert (won.player_id, won.status, won.start_time) == (order[0], "confirmed", start)
    with pytest.raises(FailedPrecondition, match="drawn already"):
        lotteries.draw(database, owner, prime.id)
    # Every entrant is told: the winner of their booking, the others of their place in line.
    [told] = [m for _, m in outbox_messages(database, "LotteryDrawn") if m.lottery_id == prime.id]
    assert (told.winner_id, list(told.waiting_ids), told.booking.booking_id, told.seed) == (
        order[0], order[1:], won.id, drawn.seed)
    # The booking's own events name the lottery: notify tells its winner of the win alone.
    assert [(name, m.lottery_id) for name, m in outbox_messages(database, "Booking")
            if m.booking.booking_id == won.id] == [("BookingCreated", prime.id), ("BookingConfirmed", prime.id)]

    winner = next(p for p in players if p.user_id == order[0])
    desk.bookings.cancel(database, winner, won.id, "")
    waitlist.offer_freed(database, court, won.start_time, won.end_time)
    runner_up = next(p for p in players if p.user_id == order[1])
    [entry] = waitlist.list_mine(database, runner_up, 0, "").items
    assert entry.entry.state == "offered" and entry.offer.start_time == start
    third = next(p for p in players if p.user_id == order[2])
    assert waitlist.list_mine(database, third, 0, "").items[0].entry.state == "waiting"


def test_the_job_draws_once_entries_close_and_a_refused_winner_passes_the_slot_on(database, monkeypatch):
    clock = Clock()
    desk = Desk(database, clock)
    lotteries = Lotteries(desk.bookings, clock)
    made = desk.venue(name="Daily Limit Padel", max_live_bookings_per_day=1)
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    court = made.courts[0].id
    start = local_dt(local_day(3), "20:00").astimezone(dt.timezone.utc)
    closes = clock.now + dt.timedelta(hours=1)
    prime = lotteries.create(database, owner, made.venue.id, court, start, 90, closes)
    busy, free = someone("player"), someone("player")
    for player in (busy, free):
        clock.now += dt.timedelta(seconds=1)
        lotteries.enter(database, player, prime.id)
    desk.book(busy, court, local_dt(local_day(3), "10:00").astimezone(dt.timezone.utc))  # their one game that day
    # A seed that draws the first entrant (the one the daily limit refuses) first.
    seed = next(s for s in map(str, range(100)) if lottery.draw(s, [("busy", 1), ("free", 1)])[0] == "busy")
    monkeypatch.setattr(lottery, "new_seed", lambda: seed)

    assert lotteries.draw_due(database) == 0  # entries still open
    clock.now = closes
    assert lotteries.draw_due(database) == 1
    assert lotteries.draw_due(database) == 0  # drawn once
    drawn, entries = lotteries.get(database, prime.id)
    won = desk.bookings.get(database, someone("admin"), drawn.booking_id).booking
    assert (won.player_id, won.start_time, drawn.seed) == (free.user_id, start, seed)
    [told] = [m for _, m in outbox_messages(database, "LotteryDrawn") if m.lottery_id == prime.id]
    assert (told.winner_id, list(told.waiting_ids)) == (free.user_id, [busy.user_id])
    with pytest.raises(FailedPrecondition, match="drawn already"):
        lotteries.draw(database, owner, prime.id)


def test_a_lottery_nobody_entered_goes_back_on_sale_and_nobody_is_told(database):
    clock, desk, lotteries, _owner, court, start, prime = a_prime_slot(database, "Quiet Padel")
    clock.now += dt.timedelta(hours=1)
    assert lotteries.draw_due(database) == 1
    drawn, _ = lotteries.get(database, prime.id)
    assert convert.lottery(drawn, [], clock.now).state == "released"
    assert desk.book(someone("player"), court, start).start_time == start  # anyone books it now
    assert not [m for _, m in outbox_messages(database, "LotteryDrawn") if m.lottery_id == prime.id]


def test_an_owner_cannot_lift_a_lotterys_closure_and_a_missing_one_stops_no_draw(database):
    clock, desk, lotteries, owner, court, start, prime = a_prime_slot(database, "Prime Padel")
    with pytest.raises(FailedPrecondition, match="until its draw"):
        desk.venues.delete_closure(database, owner, prime.venue_id, prime.closure_id)
    with pytest.raises(InvalidArgument, match="closed"):
        desk.book(someone("player"), court, start)  # still off sale while entries are open
    player = someone("player")
    lotteries.enter(database, player, prime.id)

    # A closure lifted before owners were kept from it: the draw goes on all the same.
    with database.session() as session:
        session.delete(session.get(store.Closure, prime.closure_id))
    clock.now += dt.timedelta(hours=1)
    drawn, _ = lotteries.draw(database, owner, prime.id)
    assert desk.bookings.get(database, player, drawn.booking_id).booking.start_time == start


def test_a_draw_that_fails_stops_neither_the_other_venues_draws_nor_the_rest_of_the_job(database, monkeypatch):
    clock = Clock()
    desk = Desk(database, clock)
    lotteries = Lotteries(desk.bookings, clock)
    job = BookingJob(desk.bookings, database, interval_seconds=60, lotteries=lotteries)
    start = local_dt(local_day(3), "20:00").astimezone(dt.timezone.utc)
    closes = clock.now + dt.timedelta(hours=1)
    draws = []
    for name in ("Broken Prime Padel", "Prime Padel"):
        made = desk.venue(name=name)
        draws.append(lotteries.create(database, someone("venue_owner", user_id=made.venue.owner_id), made.venue.id,
                                      made.courts[0].id, start, 60, closes))
    played = desk.book(someone("player"), made.courts[0].id, start - dt.timedelta(hours=2))
    broken, fine = draws
    real_draw = Lotteries._draw

    def draw_failing_for_broken(self, session, draw, now):
        if draw.id == broken.id:
            raise RuntimeError("a fault in one venue's draw")
        return real_draw(self, session, draw, now)

    monkeypatch.setattr(Lotteries, "_draw", draw_failing_for_broken)
    clock.now = start  # the game before the prime slot is over
    job.run_once()
    assert [bool(lotteries.get(database, d.id)[0].seed) for d in draws] == [False, True]
    assert desk.bookings.get(database, someone("admin"), played.id).booking.status == "completed"
    monkeypatch.undo()
    job.run_once()  # the next pass draws the one left
    assert lotteries.get(database, broken.id)[0].seed


def test_the_owner_cannot_draw_while_the_job_draws_nor_draw_again(database):
    clock, _desk, lotteries, owner, _court, _start, prime = a_prime_slot(database, "Prime Padel")
    lotteries.enter(database, someone("player"), prime.id)
    clock.now += dt.timedelta(hours=1)
    if database.is_postgres:  # the job's pass holds the lottery: the owner is told at once, nothing drawn twice
        answered: list[object] = []

        def owner_draws():
            try:
                answered.append(lotteries.draw(database, owner, prime.id))
            except Exception as error:  # noqa: BLE001 - what the owner gets back is the point
                answered.append(error)

        with database.session() as job_pass:
            assert store.lottery_to_draw(job_pass, prime.id) is not None
            racer = threading.Thread(target=owner_draws)
            racer.start()
            waited = waits_for_a_lock(database, lambda: bool(answered))
        racer.join()
        assert not waited
        [refused] = answered
        assert isinstance(refused, FailedPrecondition) and "being drawn" in str(refused)
    drawn, _ = lotteries.draw(database, owner, prime.id)
    with pytest.raises(FailedPrecondition, match="drawn already"):
        lotteries.draw(database, owner, prime.id)
    assert lotteries.get(database, prime.id)[0].seed == drawn.seed
