"""Easypaisa: the mobile-account API (v4) with its inquiry and refund, the IPN, and the hosted
checkout (Easypay's plug-in integration).

Hosted checkout, as Easypay's merchant integration guide describes it, in three browser steps:
(1) the browser posts storeId, amount, postBackURL, orderRefNum, expiryDate, autoRedirect,
paymentMethod, mobileNum and merchantHashedReq to /easypay/Index.jsf; (2) Easypaisa sends the player
to postBackURL?auth_token=…, and we post auth_token and postBackURL on to /easypay/Confirm.jsf; (3)
Easypaisa sends the player to postBackURL with the order's result (`success`, or `status`, and
`orderRefNumber`). That last redirect is unsigned: it is only a hint, and the order's state is
asked of Easypaisa (inquiry) before anything counts.

Easypaisa's IPN carries no signature: it calls our URL with `?url=<an Easypaisa URL>`; we fetch
that URL only if it is on Easypaisa's own host (the configured base URL's scheme, host and port)
and take the notice it returns, which the use case checks against the order, store and amount.
One notice is one `transaction_id` in one status (a replay has the same both).
"""

from __future__ import annotations

import base64
import urllib.parse

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from payment_svc.domain import PaymentState, Wallet
from payment_svc.providers import (Charge, Checkout, ForgedCallback, Http, NoSuchTransaction, Outcome, ProviderDown,
                                   RefundRefused, local_time)

SUCCESS = "0000"
# Inquiry: responseCode when Easypaisa has no order with the reference (never received).
NO_SUCH_ORDER = "0003"
INITIATE_PATH = "/easypay-service/rest/v4/initiate-ma-transaction"
INQUIRY_PATH = "/easypay-service/rest/v4/inquire-transaction"
REFUND_PATH = "/easypay-service/rest/v4/refund-transaction"
CHECKOUT_PATH = "/easypay/Index.jsf"
CONFIRM_PATH = "/easypay/Confirm.jsf"
CHECKOUT_EXPIRY_FORMAT = "%Y%m%d %H%M%S"
STATES = {"PAID": PaymentState.CAPTURED, "FAILED": PaymentState.DECLINED, "DECLINED": PaymentState.DECLINED,
          "EXPIRED": PaymentState.DECLINED, "REVERSED": PaymentState.DECLINED}


def rupees(paisa: int) -> str:
    """Easypaisa amounts are rupees with two decimals, written from integer paisa (never a float)."""
    return f"{paisa // 100}.{paisa % 100:02d}"


def paisa(raw) -> int | None:
    whole, _, fraction = str(raw).partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 2:
        return None
    return int(whole) * 100 + int((fraction or "0").ljust(2, "0"))


def checkout_amount(paisa: int) -> str:
    """The hosted checkout's amount: rupees with at least one decimal ("1500.0", "1500.25")."""
    rupees_ = f"{paisa // 100}.{paisa % 100:02d}".rstrip("0")
    return rupees_ + "0" if rupees_.endswith(".") else rupees_


def hashed_request(fields: dict[str, str], hash_key: str) -> str:
    """merchantHashedReq: the fields' key=value pairs sorted by key, joined with `&` (not URL-encoded),
    encrypted with AES/ECB/PKCS5 under the merchant's hash key, Base64."""
    plain = "&".join(f"{key}={fields[key]}" for key in sorted(fields)).encode()
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(hash_key.encode()), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()).decode()


def claims_paid(success: str, status: str) -> bool:
    """What the final redirect claims: `success=true` (the guide), or `status=0000` (older versions)."""
    return success.lower() == "true" or status == SUCCESS


def credentials(username: str, password: str) -> str:
    """The `Credentials` header of Easypaisa's API: base64 of user:password."""
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class Easypaisa:
    wallet = Wallet.EASYPAISA

    def __init__(self, base_url: str, store_id: str, username: str, password: str, http: Http,
                 hash_key: str = "", checkout_return_url: str = "", page_url: str = ""):
        self.base_url = base_url
        self.store_id = store_id
        self._credentials = credentials(username, password)
        self.http = http
        self._hash_key = hash_key
        # Our postBackURL: where Easypaisa's page sends the player, with a token, then the result.
        self.checkout_return_url = checkout_return_url
        # Easypaisa's host as the player's browser reaches it.
        self.page_url = page_url or base_url

    def _call(self, path: str, body: dict) -> dict:
        return self.http.post(self.base_url + path, body, headers={"Credentials": self._credentials})

    def charge(self, charge: Charge) -> Outcome:
        answer = self._call(INITIATE_PATH, {
            "orderId": charge.reference, "storeId": self.store_id, "transactionAmount": rupees(charge.amount),
            "transactionType": "MA", "mobileAccountNo": charge.mobile_number, "emailAddress": ""})
        paid = answer.get("responseCode") == SUCCESS
        return Outcome(charge.reference, PaymentState.CAPTURED if paid else None,
                       paisa(answer.get("transactionAmount", rupees(charge.amount))) if paid else None,
                       str(answer.get("transactionId", "")), str(answer.get("responseDesc", ""))[:200])

    def checkout(self, charge: Charge) -> Checkout:
        fields = {"storeId": self.store_id, "amount": checkout_amount(charge.amount),
                  "postBackURL": self.checkout_return_url, "orderRefNum": charge.reference,
                  "expiryDate": local_time(charge.expires, CHECKOUT_EXPIRY_FORMAT), "autoRedirect": "1",
                  "paymentMethod": "MA_PAYMENT_METHOD"}
        if charge.mobile_number:
            fields["mobileNum"] = charge.mobile_number
        return Checkout(self.page_url + CHECKOUT_PATH,
                        {**fields, "merchantHashedReq": hashed_request(fields, self._hash_key)})

    def confirmation(self, auth_token: str) -> Checkout:
        """Step 2 of the hosted checkout: the token Easypaisa gave the player, posted on to Confirm.jsf."""
        return Checkout(self.page_url + CONFIRM_PATH, {"auth_token": auth_token, "postBackURL": self.checkout_return_url})

    def _inquiry(self, reference: str, mobile_number: str) -> dict:
        answer = self._call(INQUIRY_PATH, {"orderId": reference, "storeId": self.store_id, "accountNum": mobile_number})
        if answer.get("responseCode") == NO_SUCH_ORDER:
            raise NoSuchTransaction(f"Easypaisa has no order {reference}")
        if answer.get("responseCode") != SUCCESS:
            raise ProviderDown(f"Easypaisa inquiry answered {answer.get('responseCode')!r}")
        return answer

    def refunded(self, reference: str, mobile_number: str) -> int:
        return paisa(self._inquiry(reference, mobile_number).get("refundedAmount", "0")) or 0

    def inquire(self, reference: str, mobile_number: str) -> Outcome:
        answer = self._inquiry(reference, mobile_number)
        state = STATES.get(str(answer.get("transactionStatus", "")).upper())
        return Outcome(reference, state, paisa(answer.get("transactionAmount", "")),
                       str(answer.get("transactionId", "")), str(answer.get("transactionStatus", ""))[:200])

    def refund(self, reference: str, refund_reference: str, amount: int) -> str:
        answer = self._call(REFUND_PATH, {"orderId": reference, "storeId": self.store_id,
                                          "transactionAmount": rupees(amount), "refundReference": refund_reference})
        if answer.get("responseCode") != SUCCESS:
            raise RefundRefused(str(answer.get("responseDesc", ""))[:200])
        return str(answer.get("transactionId", "") or refund_reference)

    def notice(self, url: str) -> Outcome:
        """The IPN's notice, fetched back from Easypaisa's own host."""
        if _origin(url) != _origin(self.base_url):
            raise ForgedCallback("Easypaisa IPN: the notice is not on Easypaisa's host")
        notice = self.http.get(url)
        if str(notice.get("store_id", "")) != self.store_id:
            raise ForgedCallback("Easypaisa IPN: the notice is for another store")
        transaction = str(notice.get("transaction_id", ""))
        if not transaction:
            raise ForgedCallback("Easypaisa IPN: the notice names no transaction")
        status = str(notice.get("transaction_status", "")).upper()
        # One notice per transaction and status: the PAID notice after a PENDING one is news.
        return Outcome(str(notice.get("order_id", "")), STATES.get(status), paisa(notice.get("transaction_amount", "")),
                       transaction, status[:200], callback_key=f"{transaction}:{status}"[:64])
