"""Payments: an attempt per Pay (our unique reference), the provider's call outside any transaction,
and one way every word from a provider is counted — the answer to our call, a verified callback, or
the settlement job's inquiry — so a payment is captured once however many of them arrive.

A provider that does not answer leaves the attempt pending; the settlement job asks it again
(inquiry) until it settles, also after a restart (the attempt is in the database).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Callable, Mapping

from mesh.caller import Caller
from mesh.db import UnitOfWork, after_commit
from mesh.errors import (AlreadyExists, Conflict, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied,
                         Unavailable)
from payment_svc import domain, events, metrics, store
from payment_svc.domain import BOOKING_CANCELLED, EntryKind, PaymentState, ShareState, Wallet
from payment_svc.providers import (Charge, Checkout, ForgedCallback, NoSuchTransaction, Outcome, Provider, ProviderDown,
                                   easypaisa)
from payment_svc.service.bills import Bills, bill_players, fully_paid, keep_commission, share_view
from payment_svc.service.refunds import give_back

log = logging.getLogger("padel.payment.payments")
# How long the payer has to approve a wallet charge on their phone.
CHARGE_EXPIRY = dt.timedelta(minutes=15)
# How long a hosted checkout's page takes payment: inside the venue's hold (15 minutes unless the
# venue set another), so a page left open never outlives the court held for it.
HOSTED_EXPIRY = dt.timedelta(minutes=10)
# The first inquiry about a pending attempt, and the longest pause between two.
FIRST_INQUIRY = dt.timedelta(seconds=2)
MAX_INQUIRY_DELAY = dt.timedelta(minutes=10)
# After an attempt expired, how long a provider that has no record of it is still asked again.
NEVER_RECEIVED_GRACE = dt.timedelta(minutes=15)


def expiry(payment: store.Payment) -> dt.timedelta:
    """How long after it started the provider takes an attempt."""
    return HOSTED_EXPIRY if payment.hosted else CHARGE_EXPIRY


class Payments:
    def __init__(self, providers: Mapping[Wallet, Provider], clock: Callable[[], dt.datetime],
                 inquiry_delay: dt.timedelta = FIRST_INQUIRY, bills: Bills | None = None):
        self.providers = providers
        self.clock = clock
        # Re-balances a bill whose players or price changed while a payment was pending.
        self.bills = bills
        # How long after an attempt starts the settlement job first asks about it.
        self.inquiry_delay = inquiry_delay

    def pay(self, uow: UnitOfWork, caller: Caller, booking_id: str, wallet: Wallet, mobile_number: str,
            cnic_last_six: str, cover_all: bool) -> store.Payment:
        if wallet == Wallet.JAZZCASH and not cnic_last_six:
            raise InvalidArgument.field("cnic_last_six", "JazzCash asks for the last six digits of the payer's CNIC")
        payment = self._open(uow, caller, booking_id, wallet, mobile_number, cover_all, hosted=False)
        try:
            outcome = self.providers[wallet].charge(self._charge(payment, cnic_last_six))
        except ProviderDown as error:
            log.warning("provider did not answer; the payment stays pending for the inquiry",
                        extra={"wallet": wallet.value, "reference": payment.reference, "error": str(error)})
            return payment
        return self.settle(uow, outcome, wallet)

    def start_checkout(self, uow: UnitOfWork, caller: Caller, booking_id: str, wallet: Wallet, mobile_number: str,
                       cover_all: bool) -> tuple[store.Payment, Checkout]:
        """A hosted checkout: the attempt, pending, and the signed form that opens the provider's
        page. The player's return (or, once the page expired, the inquiry) settles it."""
        payment = self._open(uow, caller, booking_id, wallet, mobile_number, cover_all, hosted=True)
        return payment, self.providers[wallet].checkout(self._charge(payment, ""))

    def _open(self, uow: UnitOfWork, caller: Caller, booking_id: str, wallet: Wallet, mobile_number: str,
              cover_all: bool, hosted: bool) -> store.Payment:
        """A new pending attempt of the caller's shares (or every unpaid one), with our unique reference."""
        now = self.clock()
        with uow.session() as session:
            # On PostgreSQL one Pay per booking at a time: two cannot both take the same share.
            booking = session.get(store.Booking, booking_id, with_for_update=True)
            shares = store.shares_of(session, booking_id) if booking else []
            if booking is None or not domain.may_see_bill(caller, bill_players(booking, shares)):
                raise FailedPrecondition("payments has not heard of this booking yet; try again in a moment",
                                         reason="BOOKING_NOT_KNOWN")
            domain.check_payable(booking.status, booking.online_paisa, bool(booking.membership_id))
            chosen = domain.shares_to_cover([share_view(s) for s in shares], caller.user_id, booking.booker_id, cover_all)
            ids = [s.share_id for s in chosen]
            if store.open_payment_for(session, booking_id, ids) is not None:
                raise Conflict("a payment of this share is waiting for the wallet (or its payment page); it settles "
                               "shortly", reason="PAYMENT_IN_PROGRESS")
            # A hosted attempt is first asked about once its page expired: until then the player may
            # still be paying, and the return settles it.
            first_inquiry = now + (HOSTED_EXPIRY if hosted else self.inquiry_delay)
            payment = store.Payment(
                id=store.new_id(), booking_id=booking_id, payer_id=caller.user_id, wallet=wallet.value,
                amount_paisa=sum(s.amount for s in chosen), state=PaymentState.PENDING.value,
                reference=store.new_reference("T"), mobile_number=mobile_number, share_ids=ids,
                provider_reference="", provider_message="", hosted=hosted, next_inquiry_at=first_inquiry,
                created_at=now, updated_at=now, membership_id=booking.membership_id)
            session.add(payment)
        return payment

    @staticmethod
    def _charge(payment: store.Payment, cnic_last_six: str) -> Charge:
        return Charge(payment.reference, payment.amount_paisa, payment.mobile_number, cnic_last_six,
                      f"Padel {'membership' if payment.membership_id else 'court'} {payment.booking_id[:8]}",
                      payment.created_at, payment.created_at + expiry(payment))

    def settle(self, uow: UnitOfWork, outcome: Outcome, wallet: Wallet, *, reloaded: bool = False) -> store.Payment:
        """Counts what a provider said about one of our attempts. A callback (with a key) counts once:
        its second delivery is refused (AlreadyExists), and counted and logged as a replay unless it
        came back through the player's return page (`reloaded`: the return paths judge it,
        `_counted_already`). A wrong amount, an unknown reference or a word contradicting how the
        attempt was settled is refused, logged, and changes nothing."""
        now = self.clock()
        with uow.session() as session:
            payment = store.payment_by_reference(session, outcome.reference)
            if payment is None or payment.wallet != wallet.value:
                self._refuse(wallet, "unknown", outcome)
                raise NotFound("no payment with this transaction reference")
            if outcome.callback_key:
                if session.get(store.Callback, (wallet.value, outcome.callback_key)) is not None:
                    if not reloaded:
                        self._refuse(wallet, "replayed", outcome)
                    raise AlreadyExists("this callback was counted already", reason="CALLBACK_REPLAYED")
                session.add(store.Callback(wallet=wallet.value, key=outcome.callback_key, payment_id=payment.id,
                                           received_at=now))
            # A word that settles counts only for the amount we asked; a capture that names none is refused too.
            wrong_amount = outcome.amount != payment.amount_paisa and (
                outcome.amount is not None or outcome.state == PaymentState.CAPTURED)
            if outcome.state is not None and wrong_amount:
                self._refuse(wallet, "amount", outcome)
                raise FailedPrecondition("the amount does not match the payment", reason="AMOUNT_MISMATCH")
            if outcome.state is None:
                payment.provider_message = outcome.message or payment.provider_message
                payment.updated_at = now
                return payment
            if not store.settle(session, payment, outcome.state, now):
                if payment.payment_state == outcome.state:
                    return payment  # said again (an answer and a callback): counted once already
                if outcome.state == PaymentState.CAPTURED and store.settle(session, payment, outcome.state, now,
                                                                           was=PaymentState.DECLINED):
                    return self._late_capture(session, payment, outcome, wallet, now)
                self._refuse(wallet, "contradicts", outcome)
                raise FailedPrecondition(f"the payment was {payment.state} already", reason="SETTLED_OTHERWISE")
            payment.provider_reference = outcome.provider_reference[:64]
            payment.provider_message = outcome.message
            if outcome.state == PaymentState.CAPTURED:
                self._capture(session, payment, now)
            else:
                self._rebalance_if_due(session, payment.booking_id, now)
            log.info("payment settled", extra={"wallet": wallet.value, "reference": payment.reference,
                                               "state": payment.state})
            after_commit(session, metrics.ATTEMPTS.labels(wallet.value, payment.state).inc)
            return payment

    def _late_capture(self, session, payment: store.Payment, outcome: Outcome, wallet: Wallet,
                      now: dt.datetime) -> store.Payment:
        """The provider took the money of an attempt we had settled declined: it is recorded. Its
        shares are paid by it if nothing else paid or took them meanwhile (a cancelled booking's then
        go back as any late money does); otherwise the whole of it goes back to the wallet."""
        log.warning("success after a decline: the money is recorded", extra={
            "wallet": wallet.value, "reference": payment.reference})
        payment.provider_reference = outcome.provider_reference[:64]
        payment.provider_message = outcome.message
        booking = session.get(store.Booking, payment.booking_id, with_for_update=True, populate_existing=True)
        covered = [session.get(store.Share, share_id) for share_id in payment.share_ids]
        free = domain.UNPAID + ((ShareState.VOID,) if booking.status == BOOKING_CANCELLED else ())
        others = store.open_payment_for(session, booking.id, payment.share_ids)
        if others is None and all(share is not None and share.share_state in free for share in covered):
            self._capture(session, payment, now)
        else:
            store.record(session, booking.id, EntryKind.CAPTURED, payment.amount_paisa, now, None, payment.id)
            store.plan_payment_refund(session, payment, now)
            amount = payment.amount_paisa
            after_commit(session, lambda: metrics.CAPTURED_PAISA.labels(wallet.value).inc(amount))
        after_commit(session, metrics.ATTEMPTS.labels(wallet.value, payment.state).inc)
        return payment

    @staticmethod
    def _refuse(wallet: Wallet, reason: str, outcome: Outcome) -> None:
        log.warning("provider word refused, nothing changed", extra={
            "wallet": wallet.value, "reason": reason, "reference": outcome.reference[:40]})
        metrics.CALLBACKS_REFUSED.labels(wallet.value, reason).inc()

    def _capture(self, session, payment: store.Payment, now: dt.datetime) -> None:
        # Locked as booking_changed locks it: a change of players and this settlement see each other
        # (the change defers to a pending payment; a settlement re-balances what was deferred).
        booking = session.get(store.Booking, payment.booking_id, with_for_update=True, populate_existing=True)
        covered = [session.get(store.Share, share_id) for share_id in payment.share_ids]
        for share in covered:
            share.state, share.paid_by, share.payment_id = ShareState.PAID.value, payment.payer_id, payment.id
            store.record(session, booking.id, EntryKind.CAPTURED, share.amount_paisa, now, share.id, payment.id)
        self._rebalance_if_due(session, booking.id, now)
        if self.bills is not None:
            self.bills.release_taken_places(session, booking, now)
        keep_commission(session, booking, now)
        events.captured(session, payment, fully_paid(session, booking))
        if booking.status == BOOKING_CANCELLED:
            give_back(session, booking, covered, 0, now)  # money for a booking already over goes back whole
        amount, wallet = payment.amount_paisa, payment.wallet
        after_commit(session, lambda: metrics.CAPTURED_PAISA.labels(wallet).inc(amount))

    def _rebalance_if_due(self, session, booking_id: str, now: dt.datetime) -> None:
        booking = session.get(store.Booking, booking_id, with_for_update=True, populate_existing=True)
        if (self.bills is not None and booking.rebalance_due and booking.status != BOOKING_CANCELLED
                and not store.has_pending_payment(session, booking_id)):
            self.bills.rebalance(session, booking, now)

    def jazzcash_callback(self, uow: UnitOfWork, fields: Mapping[str, str]) -> store.Payment:
        return self._callback(uow, Wallet.JAZZCASH, lambda provider: provider.callback(fields))

    def easypaisa_notice(self, uow: UnitOfWork, url: str) -> store.Payment:
        return self._callback(uow, Wallet.EASYPAISA, lambda provider: provider.notice(url))

    def jazzcash_return(self, uow: UnitOfWork, fields: Mapping[str, str]) -> store.Payment:
        """The player back from JazzCash's page: the same signed form as a callback, verified and
        counted the same way. Not paid (yet): the inquiry is asked at once (the page is done). The
        same form again (a reload, or the return after its IPN) shows how the payment settled."""
        try:
            payment = self._callback(uow, Wallet.JAZZCASH, lambda provider: provider.callback(fields), reloaded=True)
        except AlreadyExists:
            payment = self._counted_already(uow, self.providers[Wallet.JAZZCASH].callback(fields), Wallet.JAZZCASH)
        return self._ask_now_if_pending(uow, payment)

    def _counted_already(self, uow: UnitOfWork, outcome: Outcome, wallet: Wallet) -> store.Payment:
        """The payment a verified word a player's return page brought again (a reload) counted already
        is about, if it settled as that word says: no refusal, the player sees the result. Otherwise it
        is refused as a replay (counted and logged, as a callback delivered twice)."""
        with uow.session(read_only=True) as session:
            payment = store.payment_by_reference(session, outcome.reference)
        if payment is None or outcome.state not in (None, payment.payment_state):
            self._refuse(wallet, "replayed", outcome)
            raise AlreadyExists("this callback was counted already", reason="CALLBACK_REPLAYED")
        return payment

    def easypaisa_return(self, uow: UnitOfWork, auth_token: str, reference: str, success: str,
                         status: str) -> Checkout | store.Payment:
        """The player back at our postBackURL from Easypaisa's page: first with a token (step 2), which
        gets the form that confirms the checkout at Easypaisa; then with the order's result (step 3),
        which gets the payment as it stands once Easypaisa was asked. The same result again (a reload)
        shows how the payment stands, as JazzCash's return does."""
        if auth_token:
            return self.providers[Wallet.EASYPAISA].confirmation(auth_token)
        if not reference:
            raise InvalidArgument.field("orderRefNumber", "Easypaisa's return names the order (or brings an auth_token)")
        return self._easypaisa_result(uow, reference, easypaisa.claims_paid(success, status))

    def _easypaisa_result(self, uow: UnitOfWork, reference: str, claims_paid: bool) -> store.Payment:
        """The order's result. The redirect is unsigned, so Easypaisa is asked (inquiry) and only its
        answer counts; a claim of payment it contradicts is refused as forged. The same return again is
        counted once and answered with the payment as it stands, if it settled as Easypaisa's answer says."""
        wallet = Wallet.EASYPAISA
        with uow.session(read_only=True) as session:
            payment = store.payment_by_reference(session, reference)
            if payment is None or payment.wallet != wallet.value:
                self._refuse(wallet, "unknown", Outcome(reference, None))
                raise NotFound("no payment with this transaction reference")
        try:
            found = self.providers[wallet].inquire(reference, payment.mobile_number)
        except NoSuchTransaction:  # Easypaisa has no such order: nothing was paid
            found = Outcome(reference, PaymentState.DECLINED)
        except ProviderDown as error:
            log.warning("inquiry unanswered on return; the settlement job asks again",
                        extra={"wallet": wallet.value, "reference": reference, "error": str(error)})
            return payment
        if claims_paid and found.state == PaymentState.DECLINED:
            self._refuse(wallet, "forged", found)
            raise PermissionDenied("the return does not match Easypaisa's record", reason="CALLBACK_FORGED")
        # A return only captures: anyone can send the player's browser here, so a refusal is left to
        # the settlement job's inquiry once the page expired (a page still open may yet be paid).
        claim = "paid" if claims_paid else "unpaid"
        counted = replace(found, state=found.state if found.state == PaymentState.CAPTURED else None,
                          callback_key=f"return:{reference}:{claim}")
        try:
            return self.settle(uow, counted, wallet, reloaded=True)
        except AlreadyExists:
            return self._counted_already(uow, counted, wallet)

    def _ask_now_if_pending(self, uow: UnitOfWork, payment: store.Payment) -> store.Payment:
        if payment.payment_state != PaymentState.PENDING:
            return payment
        with uow.session() as session:
            row = session.get(store.Payment, payment.id)
            row.next_inquiry_at = min(row.next_inquiry_at or self.clock(), self.clock())
            return row

    def _callback(self, uow: UnitOfWork, wallet: Wallet, verify, reloaded: bool = False) -> store.Payment:
        try:
            outcome = verify(self.providers[wallet])
        except ForgedCallback as error:
            log.warning("forged callback refused, nothing changed", extra={"wallet": wallet.value, "error": str(error)})
            metrics.CALLBACKS_REFUSED.labels(wallet.value, "forged").inc()
            raise PermissionDenied("the callback does not verify", reason="CALLBACK_FORGED") from None
        except ProviderDown as error:
            raise FailedPrecondition(f"the notice could not be fetched: {error}", reason="NOTICE_UNREACHABLE") from None
        return self.settle(uow, outcome, wallet, reloaded=reloaded)

    def settlement_due(self, uow: UnitOfWork) -> bool:
        """Whether the settlement job has anything to do now (payments, refunds and shares share this
        clock): one read, so an idle round opens no write transaction."""
        with uow.session(read_only=True) as session:
            return store.settlement_due(session, self.clock())

    def inquire_pending(self, uow: UnitOfWork) -> int:
        """Asks the providers about attempts still pending; returns how many settled."""
        now = self.clock()
        with uow.session() as session:
            due = [p for p in store.pending_payments(session, now)
                   if store.claim(session, p, "next_inquiry_at", now + self._backoff(p, now))]
        settled = 0
        for payment in due:
            wallet = Wallet(payment.wallet)
            try:
                outcome = self.providers[wallet].inquire(payment.reference, payment.mobile_number)
                settled += self.settle(uow, outcome, wallet).payment_state != PaymentState.PENDING
            except NoSuchTransaction:
                settled += self._expire_if_never_received(uow, payment, wallet, now)
            except ProviderDown as error:
                log.warning("inquiry unanswered; will ask again", extra={
                    "wallet": wallet.value, "reference": payment.reference, "error": str(error)})
            except (FailedPrecondition, NotFound) as error:  # refused and logged in settle
                log.error("inquiry answer refused", extra={"reference": payment.reference, "error": error.message})
        return settled

    def _expire_if_never_received(self, uow: UnitOfWork, payment: store.Payment, wallet: Wallet,
                                  now: dt.datetime) -> bool:
        """The provider has no such transaction: once the attempt expired (and a grace for a late
        record passed) it never will, so it settles as declined (expired) and frees its shares."""
        if now < payment.created_at + expiry(payment) + NEVER_RECEIVED_GRACE:
            log.info("provider has not heard of the attempt yet; will ask again", extra={
                "wallet": wallet.value, "reference": payment.reference})
            return False
        return self.settle(uow, Outcome(payment.reference, PaymentState.DECLINED,
                                        message="expired: the provider never received it"), wallet) \
            .payment_state == PaymentState.DECLINED

    def _backoff(self, payment: store.Payment, now: dt.datetime) -> dt.timedelta:
        """The longer an attempt has been pending, the less often it is asked about."""
        return min(max(self.inquiry_delay, (now - payment.created_at) / 4), MAX_INQUIRY_DELAY)

    def cancel(self, uow: UnitOfWork, caller: Caller, payment_id: str) -> store.Payment:
        """The payer abandons their pending attempt (a hosted page left unpaid): the wallet is asked
        first, since it may have taken the money; unless it did, the attempt is declined (cancelled)
        and its shares are free at once. A page paid after all is counted as a late success."""
        payment = self.get_payment(uow, caller, payment_id)
        if payment.payer_id != caller.user_id:
            raise PermissionDenied("only the payer may cancel a payment")
        if payment.payment_state != PaymentState.PENDING:
            raise FailedPrecondition(f"the payment is {payment.state} already", reason="PAYMENT_SETTLED")
        wallet = Wallet(payment.wallet)
        try:
            found = self.providers[wallet].inquire(payment.reference, payment.mobile_number)
        except NoSuchTransaction:
            found = Outcome(payment.reference, None)
        except ProviderDown as error:
            raise Unavailable("the wallet did not answer; try again in a moment") from error
        if found.state == PaymentState.CAPTURED:
            return self.settle(uow, found, wallet)
        return self.settle(uow, Outcome(payment.reference, PaymentState.DECLINED, message="cancelled by the payer"),
                           wallet)

    def close_account(self, uow: UnitOfWork, user_id: str) -> None:
        """auth's AccountDeleted: the person's wallet numbers are erased (a pending attempt's once it
        settles); what was paid stays in the ledger."""
        with uow.session() as session:
            written = store.close_payer(session, user_id, self.clock())
        log.info("account closed", extra={"payments_seen": written})

    def get_payment(self, uow: UnitOfWork, caller: Caller, payment_id: str) -> store.Payment:
        with uow.session(read_only=True) as session:
            payment = session.get(store.Payment, payment_id)
            if payment is None or not domain.may_see_payment(caller, payment.payer_id):
                raise NotFound(f"no payment {payment_id} of yours")
            return payment
