"""Reviews on a real database (SQLite and PostgreSQL), with a clock the test moves so a game can be
played: only its players review, once each, after it; the owner answers; an admin hides abuse."""

import dataclasses
import datetime as dt

import pytest

from booking_svc.service.reviews import Reviews
from booking_testkit import EVERY_DAY, Clock, Desk, local_day, local_dt, outbox_messages, someone
from mesh.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied


def test_the_players_of_a_played_game_rate_the_venue_once_and_abuse_can_be_hidden(database, players, token_issuer):
    clock = Clock()
    desk, reviews = Desk(database, clock, players.address), Reviews(clock)
    made = desk.venue(name="Rated Padel")
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    booker = someone("player")
    # The booker asks user_svc with their own token whether the partner (a known player) may be invited.
    booker = dataclasses.replace(booker, token=token_issuer.token(booker.user_id))
    partner, stranger = someone("player", user_id=players.new()), someone("player")
    unanswered = someone("player", user_id=players.new())  # invited, never said they would play
    start = local_dt(local_day(2), "18:00").astimezone(dt.timezone.utc)
    game = desk.bookings.book(database, booker, made.courts[0].id, start, 60, [partner.user_id, unanswered.user_id],
                              "", "k-review-1").booking
    desk.bookings.answer_invitation(database, partner, game.id, accept=True)
    with pytest.raises(FailedPrecondition):
        reviews.write(database, booker, game.id, 5, "too early")
    clock.now = start + dt.timedelta(minutes=5)
    desk.bookings.check_in(database, owner, game.id)
    desk.bookings.complete(database, owner, game.id)

    first = reviews.write(database, booker, game.id, 5, "great lights")
    reviews.write(database, partner, game.id, 2, "slippery glass")
    with pytest.raises(AlreadyExists):
        reviews.write(database, booker, game.id, 1, "changed my mind")
    for outsider in (stranger, unanswered):
        with pytest.raises(PermissionDenied):
            reviews.write(database, outsider, game.id, 1, "never played there")
    shown = reviews.of_venue(database, made.venue.id, 0, "")
    assert (shown.average, shown.count) == (3.5, 2)

    def venue_ratings():
        """The rating on the venue as it is read alone, in a search and in the owner's list."""
        alone = desk.venues.get(database, made.venue.id)
        [found] = desk.venues.search(database, "", "Rated Padel", None, 0, 0, "").items
        [own] = desk.venues.list_mine(database, owner, 0, "").items
        return {(v.rating_average, v.rating_count) for v in (alone, found, own)}

    assert venue_ratings() == {(3.5, 2)}

    with pytest.raises(PermissionDenied):
        reviews.answer(database, booker, first.id, "thanks!")
    assert reviews.answer(database, owner, first.id, "thank you, see you soon").answer == "thank you, see you soon"
    with pytest.raises(PermissionDenied):
        reviews.hide(database, owner, shown.page.items[0].id, "I do not like it")
    partner_review = next(r for r in shown.page.items if r.player_id == partner.user_id)
    reviews.hide(database, someone("admin"), partner_review.id, "abuse")
    shown = reviews.of_venue(database, made.venue.id, 0, "")
    assert (shown.average, shown.count) == (5.0, 1)
    # The owner hears of each new review, its writer of the answer.
    told = [(name, m.review.player_id, m.review.venue_owner_id, m.review.answer)
            for name, m in outbox_messages(database, "Review") if m.review.venue_id == made.venue.id]
    assert told == [("ReviewWritten", booker.user_id, owner.user_id, ""),
                    ("ReviewWritten", partner.user_id, owner.user_id, ""),
                    ("ReviewAnswered", booker.user_id, owner.user_id, "thank you, see you soon")]
    assert venue_ratings() == {(5.0, 1)}  # the hidden review counts no more
    assert [(r.player_id, r.answer) for r in shown.page.items] == [(booker.user_id, "thank you, see you soon")]


def test_venue_search_lists_the_best_rated_first_page_by_page(database):
    clock = Clock()
    desk, reviews = Desk(database, clock), Reviews(clock)
    city = f"Rated Town {clock.now.timestamp()}"
    start = local_dt(local_day(2), "18:00").astimezone(dt.timezone.utc)
    made = {}
    for name, rating in (("Three Stars", 3), ("Unrated", None), ("Five Stars", 5)):
        venue = desk.venues.create(database, someone("venue_owner"), {"name": name, "city": city,
                                                                        "opening_hours": EVERY_DAY}, [{"name": "Court 1"}])
        made[name] = venue.venue.id
        if rating:
            owner, player = someone("venue_owner", user_id=venue.venue.owner_id), someone("player")
            clock.now = dt.datetime.now(dt.timezone.utc)
            game = desk.book(player, venue.courts[0].id, start)
            clock.now = start + dt.timedelta(minutes=5)
            desk.bookings.check_in(database, owner, game.id)
            desk.bookings.complete(database, owner, game.id)
            reviews.write(database, player, game.id, rating, "")

    names, token = [], ""
    while True:
        page = desk.venues.search(database, city, "", None, 0, 1, token, by_rating=True)
        names += [v.venue.name for v in page.items]
        if not (token := page.next_page_token):
            break
    assert names == ["Five Stars", "Three Stars", "Unrated"]
    by_name = desk.venues.search(database, city, "", None, 0, 0, "").items
    assert [(v.venue.name, v.rating_average, v.rating_count) for v in by_name] == [
        ("Five Stars", 5.0, 1), ("Three Stars", 3.0, 1), ("Unrated", 0.0, 0)]
    with pytest.raises(InvalidArgument, match="order_by_rating"):
        desk.venues.search(database, city, "", (24.8, 67.0), 0, 1, "", by_rating=True)


def test_a_venues_owner_does_not_review_their_own_venue(database):
    """An owner who books their own court, plays and marks the game done rated their venue 5 of 5,
    game after game, lifting the average players choose by."""
    clock = Clock()
    desk, reviews = Desk(database, clock), Reviews(clock)
    made = desk.venue(name="Self Rated Padel")
    owner = someone("venue_owner", user_id=made.venue.owner_id)
    start = local_dt(local_day(2), "18:00").astimezone(dt.timezone.utc)
    game = desk.book(owner, made.courts[0].id, start)
    clock.now = start + dt.timedelta(minutes=5)
    desk.bookings.check_in(database, owner, game.id)
    desk.bookings.complete(database, owner, game.id)
    with pytest.raises(PermissionDenied, match="own venue"):
        reviews.write(database, owner, game.id, 5, "best courts in town")
    assert (reviews.of_venue(database, made.venue.id, 0, "").count) == 0
