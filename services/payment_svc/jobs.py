"""The settlement job: asks the providers about pending payments (inquiry), sends refunds due, and
moves unpaid shares past their deadline to the booker. Every replica runs it; each pending payment
or refund is claimed by one replica at a time (store.claim), and counting is idempotent anyway."""

import logging

from mesh.db import Database
from mesh.jobs import PeriodicJob
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments
from payment_svc.service.refunds import Refunds

log = logging.getLogger("padel.payment.jobs")


class Settlement(PeriodicJob):
    def __init__(self, database: Database, bills: Bills, payments: Payments, refunds: Refunds, interval_seconds: float):
        super().__init__("payment-settlement", interval_seconds)
        self.database = database
        self.bills = bills
        self.payments = payments
        self.refunds = refunds

    def work(self) -> bool:
        if not self.payments.settlement_due(self.database):
            return False
        settled = self.payments.inquire_pending(self.database)
        refunded = self.refunds.send_due(self.database)
        fallen = self.bills.fall_due(self.database)
        if settled or refunded or fallen:
            log.info("settlement", extra={"settled": settled, "refunded": refunded, "shares_to_booker": fallen})
        return False
