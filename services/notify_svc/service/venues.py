"""What people hear about a venue's business beyond single bookings (issue 16): a series booked or
cancelled, told once with its dates (its games' own events tell nobody); the owner hears of a new
review and its writer of the owner's answer; the owner gets the weekly summary of their venue (a prime
slot's draw is told with the winner's booking, `service.bookings`).

Everyone hears these on their own channels, under booking confirmations (the closest of user_svc's
kinds); cancellations, draws and a series at the owner's venue are essential (templates.KINDS), reviews
and the weekly summary follow the owner's choice.
"""

from __future__ import annotations

from mesh.db import UnitOfWork
from notify_svc.domain import SOMEONE, Money, Series, WeeklySummary, charge_variables
from notify_svc.service.deliveries import Deliveries


class VenueNews:
    def __init__(self, deliveries: Deliveries):
        self.deliveries = deliveries

    def series_booked(self, uow: UnitOfWork, series: Series, price: Money, clashes: int, confirmed: bool,
                      booked_by: str = "") -> None:
        """The player hears the series' games in one message (confirmed, or waiting for the venue), the
        owner the same with who booked, unless they booked it for the player."""
        extra = {"price": price.text(), "skipped": str(clashes)}
        with uow.session() as session:
            self.deliveries.queue(session, series.player_id, "series_booked" if confirmed else "series_requested",
                                  {**series.variables(), **extra})
            if (owner := series.owner_to_tell()) and owner != booked_by:
                self.deliveries.queue(session, owner, "venue_series_booked", {**series.owner_variables(), **extra})

    def series_cancelled(self, uow: UnitOfWork, series: Series, reason: str, fee: Money, refund: Money,
                         cancelled_by: str = "") -> None:
        """The player hears the fee (or that there is none); the owner hears unless they cancelled."""
        with uow.session() as session:
            self.deliveries.queue(session, series.player_id, "series_cancelled",
                                  {**series.variables(), "reason": reason, **charge_variables(fee, refund)})
            if (owner := series.owner_to_tell()) and owner != cancelled_by:
                self.deliveries.queue(session, owner, "venue_series_cancelled",
                                      {**series.owner_variables(), "reason": reason})

    def review_written(self, uow: UnitOfWork, owner_id: str, venue_name: str, player_name: str, rating: int,
                       text: str) -> None:
        """The venue's owner hears of a new review (nobody, from a sender that does not name them)."""
        if not owner_id:
            return
        with uow.session() as session:
            self.deliveries.queue(session, owner_id, "venue_review_written", {
                "venue_name": venue_name, "player_name": player_name or SOMEONE, "rating": str(rating),
                "text": text})

    def review_answered(self, uow: UnitOfWork, player_id: str, venue_name: str, rating: int, answer: str) -> None:
        with uow.session() as session:
            self.deliveries.queue(session, player_id, "review_answered",
                                  {"venue_name": venue_name, "rating": str(rating), "answer": answer})

    def weekly_summary(self, uow: UnitOfWork, summary: WeeklySummary) -> None:
        with uow.session() as session:
            self.deliveries.queue(session, summary.venue_owner_id, "venue_weekly_summary", summary.variables())
