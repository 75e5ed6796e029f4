"""What players hear about connections between them (user_svc's ConnectionRequested and
ConnectionAccepted): the person asked hears who wants to connect, the one who asked hears the yes.

user_svc's preferences have no kind of their own for connections, so these travel with match
invitations (people who want to play with you) and follow that switch and the recipient's channels.
"""

from __future__ import annotations

from mesh.db import UnitOfWork
from notify_svc.domain import SOMEONE
from notify_svc.service.deliveries import Deliveries


class Connections:
    def __init__(self, deliveries: Deliveries):
        self.deliveries = deliveries

    def requested(self, uow: UnitOfWork, requester_name: str, addressee_id: str) -> None:
        """Tells the addressee "X wants to connect"."""
        with uow.session() as session:
            self.deliveries.queue(session, addressee_id, "connection_requested",
                                  {"requester_name": requester_name or SOMEONE})

    def accepted(self, uow: UnitOfWork, requester_id: str, addressee_name: str) -> None:
        """Tells the requester that the player they asked accepted."""
        with uow.session() as session:
            self.deliveries.queue(session, requester_id, "connection_accepted",
                                  {"addressee_name": addressee_name or SOMEONE})
