"""Builds payment_svc's gRPC server from the mesh runtime: the servicer over the use cases, the two
wallets behind one provider interface, the outbox relay, the consumer of booking's events and the
settlement job as background workers."""

import datetime as dt
import pathlib

from padel.payment.v1 import payment_service_pb2_grpc

from mesh import plumbing, server
from payment_svc import consumers, venues
from payment_svc.domain import Wallet
from payment_svc.jobs import Settlement
from payment_svc.providers import Http
from payment_svc.providers.easypaisa import Easypaisa
from payment_svc.providers.jazzcash import JazzCash
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments
from payment_svc.service.payouts import Payouts
from payment_svc.service.refunds import Refunds
from payment_svc.service.venue_fees import VenueFees
from payment_svc.service.venue_payments import VenuePayments
from payment_svc.servicer import PaymentServicer
from payment_svc.settings import NAME, PaymentSettings

MIGRATIONS = pathlib.Path(__file__).parent / "migrations"


def providers(settings: PaymentSettings) -> dict[Wallet, object]:
    http = Http(settings.provider_timeout_seconds)
    return {
        Wallet.JAZZCASH: JazzCash(settings.jazzcash_base_url, settings.jazzcash_merchant_id,
                                  settings.jazzcash_password, settings.jazzcash_integrity_salt,
                                  settings.jazzcash_return_url, http, settings.checkout_return_url + "/jazzcash",
                                  settings.checkout_page_url, settings.jazzcash_mpin),
        Wallet.EASYPAISA: Easypaisa(settings.easypaisa_base_url, settings.easypaisa_store_id,
                                    settings.easypaisa_username, settings.easypaisa_password, http,
                                    settings.easypaisa_hash_key, settings.checkout_return_url + "/easypaisa",
                                    settings.checkout_page_url),
    }


def settings_from_env(environ=None) -> PaymentSettings:
    return PaymentSettings.from_env(NAME, environ)


def build_server(settings: PaymentSettings) -> tuple[server.Host, int]:
    parts = plumbing.build(settings, MIGRATIONS)
    wallets = providers(settings)
    # One clock for the whole ledger (shares due, charges, refunds, fees): a payment's times are compared
    # with each other, so they are all business time and follow the test clock (mesh.clock); only the
    # jobs' polling interval is real seconds.
    clock = parts.clock
    bills = Bills(dt.timedelta(seconds=settings.share_window_seconds),
                  dt.timedelta(minutes=settings.share_lead_minutes), clock)
    venue = venues.venue_lookup(settings.addresses["booking"])
    refunds = Refunds(wallets, clock, venue)
    payments = Payments(wallets, clock, bills=bills)
    settlement = Settlement(parts.database, bills, payments, refunds, settings.job_interval_seconds)
    venue_fees = VenueFees(venue, clock)
    servicer = PaymentServicer(parts.database, bills, payments, Payouts(venue), VenuePayments(venue, clock), venue_fees)
    return server.build(
        NAME, settings,
        servicers=[(payment_service_pb2_grpc.add_PaymentServiceServicer_to_server, servicer)],
        service_names=[settings.grpc_service],
        verifier=parts.verifier, database=parts.database,
        workers=[parts.relay, consumers.consumer(parts.database, parts.redis, bills, payments, refunds, venue_fees),
                 settlement])


def main() -> None:
    server.serve(NAME, build_server, settings_from_env())
