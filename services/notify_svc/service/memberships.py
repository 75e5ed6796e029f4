"""What members hear about their memberships (booking_svc's MembershipPaid, MembershipRenewalDue,
MembershipExpired and MembershipPlanRetired, issue 16): the start or renewal with the date it runs
until, the reminder to renew before the period ends and again when its grace days begin, the end of
the benefits, and their plan retired by the venue (until when it lasts, and that it is not renewed).
Each goes to the member's channels and the in-app inbox, with dates in the venue's zone.
"""

from __future__ import annotations

from mesh.db import UnitOfWork
from notify_svc.domain import Membership, local_text
from notify_svc.service.deliveries import Deliveries
from notify_svc.service.payments import PAY_PATH


def _variables(member: Membership) -> dict[str, str]:
    return {"venue_name": member.venue_name, "plan_name": member.plan_name, "price": member.price.text(),
            "paid_until": local_text(member.paid_until, member.time_zone)["stamp"],
            "grace_ends_at": local_text(member.grace_ends_at, member.time_zone)["stamp"]}


class Memberships:
    def __init__(self, deliveries: Deliveries, *, app_base_url: str = "http://127.0.0.1:3000"):
        self.deliveries = deliveries
        self.app_base_url = app_base_url

    def paid(self, uow: UnitOfWork, member: Membership, renewed: bool) -> None:
        """The member's receipt: the plan started or renewed, until when."""
        with uow.session() as session:
            self.deliveries.queue(session, member.player_id, "membership_paid",
                                  {**_variables(member), "renewed": "yes" if renewed else ""})

    def renewal_due(self, uow: UnitOfWork, member: Membership) -> None:
        """Reminds the member to renew: the period ends soon, or ended and the grace days run; with a
        link to pay the renewal online (the edge's pay page, as for a share) when it is due there."""
        link = self.app_base_url + PAY_PATH.format(booking_id=member.bill_id) if member.bill_id else ""
        with uow.session() as session:
            self.deliveries.queue(session, member.player_id, "membership_renewal_due",
                                  {**_variables(member), "in_grace": "yes" if member.state == "grace" else "",
                                   "link": link})

    def expired(self, uow: UnitOfWork, member: Membership) -> None:
        with uow.session() as session:
            self.deliveries.queue(session, member.player_id, "membership_expired", _variables(member))

    def plan_retired(self, uow: UnitOfWork, member: Membership, renewal_withdrawn: bool) -> None:
        """The venue retired the member's plan: their benefits last to the end of the period (and grace
        days) and it cannot be renewed; a renewal they had opened is withdrawn (payment_svc's refund of
        anything paid on it comes with its own receipt)."""
        with uow.session() as session:
            self.deliveries.queue(session, member.player_id, "membership_plan_retired",
                                  {**_variables(member), "in_grace": "yes" if member.state == "grace" else "",
                                   "renewal_withdrawn": "yes" if renewal_withdrawn else ""})
