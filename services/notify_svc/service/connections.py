"""What players hear about connections between them (user_svc's ConnectionRequested and
ConnectionAccepted): the person asked hears who wants to connect, the one who asked hears the yes.

Connections are a kind of their own in user_svc's preferences (`templates.KINDS`), so a player may
silence them and still hear of games; they follow the recipient's channels.

The other player is named as user_svc named them; a player whose profile was made by their own
first call, before auth's registration reached user_svc, has no name there yet, and is named as
notify knows them from that registration (auth's stream is read before user_svc's) rather than as
"A player".
"""

from __future__ import annotations

from mesh.db import UnitOfWork
from notify_svc import store
from notify_svc.domain import SOMEONE
from notify_svc.service.deliveries import Deliveries


class Connections:
    def __init__(self, deliveries: Deliveries):
        self.deliveries = deliveries

    def requested(self, uow: UnitOfWork, requester_id: str, requester_name: str, addressee_id: str) -> None:
        """Tells the addressee "X wants to connect"."""
        with uow.session() as session:
            self.deliveries.queue(session, addressee_id, "connection_requested", {
                "requester_name": requester_name or store.display_name(session, requester_id) or SOMEONE})

    def accepted(self, uow: UnitOfWork, requester_id: str, addressee_id: str, addressee_name: str) -> None:
        """Tells the requester that the player they asked accepted."""
        with uow.session() as session:
            self.deliveries.queue(session, requester_id, "connection_accepted", {
                "addressee_name": addressee_name or store.display_name(session, addressee_id) or SOMEONE})
