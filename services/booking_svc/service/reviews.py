"""Reviews: after a completed game each of its players may rate the venue (1–5) with a short text,
once per game (the database refuses a second); the venue's owner answers; an admin hides abuse.
A venue's average and count are computed by the database over the visible reviews.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable

from sqlalchemy import exc

from booking_svc import domain, events, store
from booking_svc.service import rows
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, new_id
from mesh.errors import AlreadyExists
from mesh.pager import Page

REVIEWED = "you already reviewed this game"


@dataclasses.dataclass
class VenueReviews:
    """One page of a venue's visible reviews, with its average rating and count."""

    page: Page[store.Review]
    average: float
    count: int


class Reviews:
    def __init__(self, clock: Callable[[], dt.datetime] = utcnow):
        self.clock = clock

    def write(self, uow: UnitOfWork, caller: Caller, booking_id: str, rating: int, text: str) -> store.Review:
        try:
            with uow.session() as session:
                view = rows.booking(session, booking_id)
                booking = view.booking
                # Of the invited players, only those who said they would play (an unanswered one may not have).
                played = [i.player_id for i in booking.invitations if i.answer is domain.InvitationState.ACCEPTED]
                domain.check_may_review(caller, booking.player_id, played, booking.state, view.venue.owner_id)
                review = store.Review(id=new_id(), venue_id=booking.venue_id, booking_id=booking.id,
                                      player_id=caller.user_id, rating=rating, text=text, answer="", hidden=False,
                                      hidden_reason="", created_at=self.clock())
                session.add(review)
                session.flush()
                events.review_written(session, review, view.venue,
                                      session.get(store.Player, caller.user_id))
                return review
        except exc.IntegrityError:
            raise AlreadyExists(REVIEWED) from None

    @staticmethod
    def of_venue(uow: UnitOfWork, venue_id: str, page_size: int, page_token: str) -> VenueReviews:
        with uow.session(read_only=True) as session:
            rows.venue(session, venue_id)
            average, count = store.venue_rating(session, venue_id)
            return VenueReviews(store.visible_reviews(session, venue_id, page_size, page_token), average, count)

    @staticmethod
    def answer(uow: UnitOfWork, caller: Caller, review_id: str, answer: str) -> store.Review:
        with uow.session() as session:
            review = rows.one(session, store.Review, review_id, "review")
            venue = rows.venue(session, review.venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            review.answer = answer
            session.flush()
            events.review_answered(session, review, venue, session.get(store.Player, review.player_id))
            return review

    @staticmethod
    def hide(uow: UnitOfWork, caller: Caller, review_id: str, reason: str) -> None:
        domain.check_may_hide_reviews(caller)
        with uow.session() as session:
            review = rows.one(session, store.Review, review_id, "review")
            review.hidden, review.hidden_reason = True, reason
