"""The person's own data, whole, for the platform's data export: the bills of their bookings (as
GetBill shows them to a player of the booking), their payment attempts and the refunds to them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork
from payment_svc import store
from payment_svc.service.bills import BillView, bill_of


@dataclasses.dataclass(frozen=True)
class PaymentExport:
    bills: list[BillView]
    payments: list[store.Payment]
    refunds: list[store.Refund]
    exported_at: dt.datetime


def export_data(uow: UnitOfWork, caller: Caller, clock: Callable[[], dt.datetime] = utcnow) -> PaymentExport:
    """Everything about the caller, read in one transaction."""
    me = caller.user_id
    with uow.session(read_only=True) as session:
        return PaymentExport(bills=[bill_of(session, b) for b in store.bookings_of_person(session, me)],
                             payments=store.payments_by(session, me), refunds=store.refunds_to(session, me),
                             exported_at=clock())
