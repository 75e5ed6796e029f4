"""What players hear about money (payment_svc's events, issue 14): a receipt for a captured payment
and for each refunded share (or word that it failed), the invited player's request to pay their share, and what a booker owes
once their invited players' shares fell to them.

Each goes to the player's own channels and the in-app inbox. user_svc's preferences have no kind for
payments; the closest is booking confirmations, and every one of these is essential (money is never
news to drop), so switching that kind off does not silence them.
"""

from __future__ import annotations

import datetime as dt

from mesh.db import UnitOfWork
from notify_svc.domain import Money, local_text
from notify_svc.service.deliveries import Deliveries


# The page where a player pays their share of a booking (the link in the payment request), served by
# the edge (edge/account_pages.py).
PAY_PATH = "/bookings/{booking_id}/pay"


class Payments:
    def __init__(self, deliveries: Deliveries, *, app_base_url: str = "http://127.0.0.1:3000"):
        self.deliveries = deliveries
        self.app_base_url = app_base_url

    def captured(self, uow: UnitOfWork, payer_id: str, booking_id: str, amount: Money, wallet: str,
                 provider_reference: str, membership: bool = False) -> None:
        """The payer's receipt: what was paid (a booking's share, or a membership plan), from which
        wallet, and the provider's reference."""
        with uow.session() as session:
            self.deliveries.queue(session, payer_id, "payment_receipt", {
                "booking_id": booking_id, "amount": amount.text(), "wallet": wallet,
                "provider_reference": provider_reference, "membership": "yes" if membership else ""})

    def refunded(self, uow: UnitOfWork, payer_id: str, booking_id: str, refund: Money, fee: Money, wallet: str,
                 provider_reference: str, membership: bool = False) -> None:
        """The payer's refund receipt for one share: what went back to which wallet, what was kept; for
        a share the late-cancellation fee kept whole, that nothing goes back."""
        with uow.session() as session:
            self.deliveries.queue(session, payer_id, "refund_receipt" if refund.amount_paisa else "late_fee_kept", {
                "booking_id": booking_id, "amount": refund.text(), "fee": fee.text(), "wallet": wallet,
                "provider_reference": provider_reference, "membership": "yes" if membership else ""})

    def refund_failed(self, uow: UnitOfWork, payer_id: str, owner_id: str, booking_id: str, refund: Money,
                      wallet: str, refund_reference: str, membership: bool = False) -> None:
        """A refund the provider refused (of a booking's share, or a membership plan's payment): the
        payer hears the venue or support settles it, and the venue's owner (when known) that it is
        theirs to settle."""
        variables = {"booking_id": booking_id, "amount": refund.text(), "wallet": wallet,
                     "provider_reference": refund_reference, "membership": "yes" if membership else ""}
        with uow.session() as session:
            self.deliveries.queue(session, payer_id, "refund_failed", variables)
            if owner_id:
                self.deliveries.queue(session, owner_id, "refund_failed_venue", variables)

    def share_requested(self, uow: UnitOfWork, player_id: str, booking_id: str, amount: Money,
                        due_by: dt.datetime | None) -> None:
        """Asks an invited player to pay their share, by its deadline, with a link to the app's page for it."""
        with uow.session() as session:
            self.deliveries.queue(session, player_id, "share_payment_requested", {
                "booking_id": booking_id, "amount": amount.text(),
                "due_by": local_text(due_by, "")["stamp"] if due_by else "",
                "link": self.app_base_url + PAY_PATH.format(booking_id=booking_id)})

    def owed_by_booker(self, uow: UnitOfWork, booker_id: str, booking_id: str, owed: Money, shares: int) -> None:
        """Tells the booker what they now owe for the shares not paid in time."""
        with uow.session() as session:
            self.deliveries.queue(session, booker_id, "shares_owed", {
                "booking_id": booking_id, "amount": owed.text(), "shares": str(shares)})
