"""JazzCash: the mobile-wallet API (v2.0, with CNIC), its status inquiry and refund, the hosted
checkout (HTTP POST page redirection, v1.1), and the signed form it posts back to our return URL.

Page redirection, as JazzCash's merchant guide and its public integrations show it: the player's
browser posts pp_Version 1.1, pp_TxnType, pp_Language, pp_MerchantID, pp_Password, pp_TxnRefNo,
pp_Amount (paisa), pp_TxnCurrency, pp_TxnDateTime, pp_BillReference, pp_Description,
pp_TxnExpiryDateTime, pp_ReturnURL and pp_SecureHash to /CustomerPortal/transactionmanagement/merchantform/;
JazzCash posts the result back through the browser to pp_ReturnURL, signed the same way.

Every request and answer carries `pp_SecureHash`: HMAC-SHA256 keyed with the merchant's integrity
salt over the salt, then the non-empty `pp_*`/`ppmpf_*` values sorted by field name, joined with
`&`; hex, upper-case. An answer or callback counts only when the hash recomputed over what came
matches (compared in constant time). `000` is success; any other code is "not paid yet" and the
inquiry decides.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Mapping

from payment_svc.domain import PaymentState, Wallet
from payment_svc.providers import (Charge, Checkout, ForgedCallback, Http, NoSuchTransaction, Outcome, ProviderDown,
                                   RefundRefused, local_time)

SUCCESS = "000"
# Inquiry: pp_PaymentResponseCode of a completed payment, and of one still waiting for the payer.
PAID, WAITING = "121", "157"
# Inquiry: pp_ResponseCode when JazzCash has no transaction with the reference (never received).
NO_SUCH_TRANSACTION = "199"
TIME_FORMAT = "%Y%m%d%H%M%S"
WALLET_PATH = "/ApplicationAPI/API/2.0/Purchase/DoMWalletTransaction"
INQUIRY_PATH = "/ApplicationAPI/API/PaymentInquiry/Inquire"
# The mobile-wallet refund, as JazzCash's public integrations call it (with the merchant's MPIN).
REFUND_PATH = "/ApplicationAPI/API/Purchase/domwalletrefundtransaction"
CHECKOUT_PATH = "/CustomerPortal/transactionmanagement/merchantform/"


def secure_hash(fields: Mapping[str, str], salt: str) -> str:
    """pp_SecureHash of `fields` (the hash field itself and empty values left out)."""
    values = [str(fields[name]) for name in sorted(fields)
              if name.lower().startswith(("pp_", "ppmpf_")) and name != "pp_SecureHash" and str(fields[name]) != ""]
    message = "&".join([salt, *values])
    return hmac.new(salt.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


def signed(fields: dict[str, str], salt: str) -> dict[str, str]:
    return {**fields, "pp_SecureHash": secure_hash(fields, salt)}


def verified(fields: Mapping[str, str], salt: str) -> bool:
    received = str(fields.get("pp_SecureHash", "")).upper()
    return bool(received) and hmac.compare_digest(received.encode(), secure_hash(fields, salt).encode())


def _amount(raw: str) -> int | None:
    return int(raw) if str(raw).isdigit() else None


class JazzCash:
    wallet = Wallet.JAZZCASH

    def __init__(self, base_url: str, merchant_id: str, password: str, salt: str, return_url: str, http: Http,
                 checkout_return_url: str = "", page_url: str = "", mpin: str = ""):
        self.base_url = base_url
        # The merchant's MPIN: JazzCash asks it of every mobile-wallet refund.
        self._mpin = mpin
        self.merchant_id = merchant_id
        self._password = password
        self._salt = salt
        self.return_url = return_url
        self.http = http
        # Where JazzCash's page sends the player back (pp_ReturnURL of a hosted checkout).
        self.checkout_return_url = checkout_return_url
        # JazzCash's host as the player's browser reaches it.
        self.page_url = page_url or base_url

    def _call(self, path: str, fields: dict[str, str]) -> dict:
        answer = self.http.post(self.base_url + path, signed(fields, self._salt))
        if not verified(answer, self._salt):
            # Not the provider's answer (or altered on the way): as good as no answer.
            raise ProviderDown("JazzCash answer failed its pp_SecureHash check")
        return answer

    def _merchant(self) -> dict[str, str]:
        return {"pp_MerchantID": self.merchant_id, "pp_Password": self._password}

    def charge(self, charge: Charge) -> Outcome:
        answer = self._call(WALLET_PATH, {
            "pp_Language": "EN", **self._merchant(), "pp_TxnRefNo": charge.reference,
            "pp_MobileNumber": charge.mobile_number, "pp_CNIC": charge.cnic_last_six,
            "pp_Amount": str(charge.amount), "pp_TxnCurrency": "PKR",
            "pp_TxnDateTime": local_time(charge.created, TIME_FORMAT),
            "pp_TxnExpiryDateTime": local_time(charge.expires, TIME_FORMAT),
            "pp_BillReference": charge.reference, "pp_Description": charge.description,
        })
        return self._outcome(answer, charge.reference)

    def checkout(self, charge: Charge) -> Checkout:
        """The page-redirection form; the merchant's password travels in it as JazzCash documents."""
        fields = {
            "pp_Version": "1.1", "pp_TxnType": "MWALLET", "pp_Language": "EN", **self._merchant(),
            "pp_TxnRefNo": charge.reference, "pp_Amount": str(charge.amount), "pp_TxnCurrency": "PKR",
            "pp_TxnDateTime": local_time(charge.created, TIME_FORMAT),
            "pp_TxnExpiryDateTime": local_time(charge.expires, TIME_FORMAT),
            "pp_BillReference": charge.reference, "pp_Description": charge.description,
            "pp_ReturnURL": self.checkout_return_url,
        }
        return Checkout(self.page_url + CHECKOUT_PATH, signed(fields, self._salt))

    def _outcome(self, fields: Mapping[str, str], reference: str, callback_key: str = "") -> Outcome:
        if fields.get("pp_TxnRefNo", reference) != reference:
            raise ProviderDown("JazzCash answered about another transaction")
        code = str(fields.get("pp_ResponseCode", ""))
        return Outcome(reference, PaymentState.CAPTURED if code == SUCCESS else None,
                       _amount(fields.get("pp_Amount", "")), str(fields.get("pp_RetreivalReferenceNo", "")),
                       str(fields.get("pp_ResponseMessage", ""))[:200], callback_key)

    def inquire(self, reference: str, mobile_number: str) -> Outcome:
        answer = self._inquiry(reference)
        if answer.get("pp_ResponseCode") != SUCCESS:
            raise ProviderDown(f"JazzCash inquiry answered {answer.get('pp_ResponseCode')!r}")
        code = str(answer.get("pp_PaymentResponseCode", ""))
        state = PaymentState.CAPTURED if code == PAID else None if code == WAITING else PaymentState.DECLINED
        return Outcome(reference, state, _amount(answer.get("pp_Amount", "")),
                       str(answer.get("pp_RetreivalReferenceNo", "")), str(answer.get("pp_ResponseMessage", ""))[:200])

    def _inquiry(self, reference: str) -> dict:
        answer = self._call(INQUIRY_PATH, {**self._merchant(), "pp_TxnRefNo": reference})
        if answer.get("pp_ResponseCode") == NO_SUCH_TRANSACTION:
            raise NoSuchTransaction(f"JazzCash has no transaction {reference}")
        return answer

    def refunded(self, reference: str, mobile_number: str) -> int:
        answer = self._inquiry(reference)
        if answer.get("pp_ResponseCode") != SUCCESS:
            raise ProviderDown(f"JazzCash inquiry answered {answer.get('pp_ResponseCode')!r}")
        return _amount(answer.get("pp_RefundedAmount", "0")) or 0

    def refund(self, reference: str, refund_reference: str, amount: int) -> str:
        answer = self._call(REFUND_PATH, {**self._merchant(), "pp_MerchantMPIN": self._mpin, "pp_TxnRefNo": reference,
                                          "pp_Amount": str(amount), "pp_TxnCurrency": "PKR"})
        if answer.get("pp_ResponseCode") != SUCCESS:
            raise RefundRefused(str(answer.get("pp_ResponseMessage", ""))[:200])
        return str(answer.get("pp_RetreivalReferenceNo", "") or refund_reference)

    def callback(self, fields: Mapping[str, str]) -> Outcome:
        """The outcome a return-URL post says, once its pp_SecureHash checks out."""
        if not verified(fields, self._salt):
            raise ForgedCallback("JazzCash callback: pp_SecureHash does not match")
        reference = str(fields.get("pp_TxnRefNo", ""))
        # Two posts with the same signed fields are one callback delivered twice.
        key = hashlib.sha256(str(fields["pp_SecureHash"]).upper().encode()).hexdigest()
        return self._outcome(fields, reference, key)
