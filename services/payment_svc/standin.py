"""The local provider stand-in: one small HTTP server speaking JazzCash's and Easypaisa's request,
answer and callback shapes, so the embedded platform takes payments with no merchant account.
`padel run` starts it (`python -m payment_svc.standin`) when no provider base URL is set.

Outcomes are scripted by the wallet's number, 0300000000N (any other number pays):
  1 success · 2 decline · 3 pending, then success (the provider calls us back a second later)
  4 timeout (the answer comes after the caller gave up; the money moved) · 5 HTTP 503, then success
It checks the credentials and JazzCash's pp_SecureHash of what it is sent, as the real ones do.

It also serves both hosted checkout pages, so a newcomer can click through one in a browser: JazzCash's
page redirection form (/CustomerPortal/transactionmanagement/merchantform/) and Easypaisa's Index.jsf.
Each shows the amount, a wallet number to type (the same scripts: …2 declines, …3 approves a second
later, any other number pays) and Pay / Cancel; then it sends the browser back as the provider does
(JazzCash: a signed form posted to pp_ReturnURL; Easypaisa: postBackURL?auth_token=…, Confirm.jsf,
then postBackURL?success=…&orderRefNumber=…).
"""

from __future__ import annotations

import html
import json
import logging
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from mesh import logs
from mesh.settings import Env, edge_url
from payment_svc import pages
from payment_svc.providers import Checkout, easypaisa, jazzcash
from payment_svc.settings import STANDIN_PORT, PaymentSettings

log = logging.getLogger("padel.payment.standin")
SUCCESS, DECLINE, PENDING_THEN_SUCCESS, TIMEOUT, OUTAGE_THEN_SUCCESS = "1", "2", "3", "4", "5"
NOTICE_PATH = "/easypay-service/ipn/"
# Where the stand-in's hosted pages post the player's choice (the real pages have their own).
JAZZCASH_PAGE_DONE = "/CustomerPortal/transactionmanagement/standin-done"
EASYPAISA_PAGE_DONE = "/easypay/standin-done"


class Ledger:
    """The stand-in's own record of transactions: reference → what happened."""

    def __init__(self):
        self.lock = threading.Lock()
        self.transactions: dict[str, dict] = {}

    def open(self, reference: str, amount: int, number: str) -> dict:
        script = number[-1] if number.startswith("030000000") else SUCCESS
        with self.lock:
            return self.transactions.setdefault(reference, {
                "amount": amount, "script": script, "inquiries": 0, "refunded": 0, "id": uuid.uuid4().hex[:12].upper(),
                "state": {DECLINE: "declined", PENDING_THEN_SUCCESS: "pending"}.get(script, "paid")})

    def inquire(self, reference: str) -> dict | None:
        with self.lock:
            found = self.transactions.get(reference)
            if found is not None:
                found["inquiries"] += 1
            return dict(found) if found else None

    def refund(self, reference: str, amount: int) -> bool:
        with self.lock:
            found = self.transactions.get(reference)
            if found is None or found["state"] != "paid" or found["refunded"] + amount > found["amount"]:
                return False
            found["refunded"] += amount
            return True

    def approve(self, reference: str) -> None:
        with self.lock:
            self.transactions[reference]["state"] = "paid"

    def decline(self, reference: str) -> None:
        with self.lock:
            self.transactions[reference]["state"] = "declined"


def _checkout_page(title: str, action: str, hidden: dict[str, str], amount_paisa: int, number: str) -> str:
    """A hosted payment page: the amount, a wallet number to type, Pay or Cancel."""
    fields = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in hidden.items())
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f'<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>{html.escape(title)}</h1>'
            f'<p>Local provider stand-in: no money moves. Pay Rs {amount_paisa // 100:,}.{amount_paisa % 100:02d}</p>'
            f'<form method="post" action="{html.escape(action)}">{fields}'
            f'<label>Wallet number <input name="mobile_number" value="{html.escape(number or "03000000001")}"></label>'
            f'<p>03000000002 declines, 03000000003 approves a second later, any other number pays.</p>'
            f'<button name="choice" value="pay">Pay</button> <button name="choice" value="cancel">Cancel</button>'
            f'</form></body></html>')


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, settings: PaymentSettings, easypaisa_ipn_url: str, delay_seconds: float):
        super().__init__(address, Handler)
        self.settings = settings
        self.easypaisa_ipn_url = easypaisa_ipn_url
        self.delay_seconds = delay_seconds
        self.ledger = Ledger()
        # Hosted checkouts opened on the stand-in's pages: reference → the form that opened them;
        # Easypaisa's auth tokens → reference.
        self.checkouts: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, str] = {}

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        log.info("%s %s", self.command, self.path.split("?")[0])

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _html(self, status: int, page: str, location: str = "") -> None:
        data = page.encode()
        self.send_response(status)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        if location:
            self.send_header("location", location)
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("content-length") or 0)
        return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8", "replace"), keep_blank_values=True))

    def _body(self) -> dict:
        length = int(self.headers.get("content-length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        return body if isinstance(body, dict) else {}

    def do_GET(self):
        if self.path.startswith(NOTICE_PATH):
            reference = self.path[len(NOTICE_PATH):]
            found = self.server.ledger.inquire(reference)
            if found is None:
                return self._reply(404, {"error": "no such order"})
            return self._reply(200, {
                "order_id": reference, "store_id": self.server.settings.easypaisa_store_id,
                "transaction_id": found["id"], "transaction_status": found["state"].upper(),
                "transaction_amount": easypaisa.rupees(found["amount"]), "payment_method": "MA"})
        self._reply(404, {"error": "unknown path"})

    def do_POST(self):
        pages = {jazzcash.CHECKOUT_PATH: self._jazzcash_page, JAZZCASH_PAGE_DONE: self._jazzcash_page_done,
                 easypaisa.CHECKOUT_PATH: self._easypaisa_page, EASYPAISA_PAGE_DONE: self._easypaisa_page_done,
                 easypaisa.CONFIRM_PATH: self._easypaisa_confirm}
        if self.path in pages:
            return pages[self.path](self._form())
        routes = {jazzcash.WALLET_PATH: self._jazzcash_charge, jazzcash.INQUIRY_PATH: self._jazzcash_inquiry,
                  jazzcash.REFUND_PATH: self._jazzcash_refund, easypaisa.INITIATE_PATH: self._easypaisa_charge,
                  easypaisa.INQUIRY_PATH: self._easypaisa_inquiry, easypaisa.REFUND_PATH: self._easypaisa_refund}
        route = routes.get(self.path)
        if route is None:
            return self._reply(404, {"error": "unknown path"})
        route(self._body())

    # -- JazzCash ----------------------------------------------------------------------------------

    def _jazzcash(self, fields: dict) -> None:
        salt = self.server.settings.jazzcash_integrity_salt
        self._reply(200, jazzcash.signed({k: str(v) for k, v in fields.items()}, salt))

    def _jazzcash_refused(self, body: dict) -> bool:
        settings = self.server.settings
        if (body.get("pp_MerchantID") != settings.jazzcash_merchant_id
                or body.get("pp_Password") != settings.jazzcash_password
                or not jazzcash.verified(body, settings.jazzcash_integrity_salt)):
            self._jazzcash({"pp_ResponseCode": "110", "pp_ResponseMessage": "Please provide valid credentials and hash"})
            return True
        return False

    def _jazzcash_charge(self, body: dict) -> None:
        if self._jazzcash_refused(body):
            return
        reference, amount = body.get("pp_TxnRefNo", ""), int(body.get("pp_Amount") or 0)
        found = self.server.ledger.open(reference, amount, body.get("pp_MobileNumber", ""))
        if self._scripted_fault(found):
            return
        code, message = {"paid": ("000", "Thank you for Using JazzCash, your transaction was successful."),
                         "declined": ("999", "The wallet declined the transaction."),
                         "pending": ("157", "Transaction is pending: approve it on the phone.")}[found["state"]]
        self._jazzcash({"pp_ResponseCode": code, "pp_ResponseMessage": message, "pp_TxnRefNo": reference,
                        "pp_Amount": str(amount), "pp_RetreivalReferenceNo": found["id"]})
        if found["script"] == PENDING_THEN_SUCCESS:
            self._later(lambda: self._jazzcash_callback(reference, amount, found["id"]))

    def _jazzcash_callback(self, reference: str, amount: int, retrieval: str) -> None:
        self.server.ledger.approve(reference)
        form = jazzcash.signed({"pp_TxnRefNo": reference, "pp_Amount": str(amount), "pp_ResponseCode": "000",
                                "pp_ResponseMessage": "Thank you for Using JazzCash", "pp_TxnCurrency": "PKR",
                                "pp_RetreivalReferenceNo": retrieval, "pp_MerchantID": self.server.settings.jazzcash_merchant_id},
                               self.server.settings.jazzcash_integrity_salt)
        requests.post(self.server.settings.jazzcash_return_url, data=form, timeout=10)

    def _jazzcash_inquiry(self, body: dict) -> None:
        if self._jazzcash_refused(body):
            return
        reference = body.get("pp_TxnRefNo", "")
        found = self.server.ledger.inquire(reference)
        if found is None:  # never received: JazzCash answers that it has no such transaction
            return self._jazzcash({"pp_ResponseCode": jazzcash.NO_SUCH_TRANSACTION, "pp_TxnRefNo": reference,
                                   "pp_ResponseMessage": "No transaction found"})
        if found["script"] == OUTAGE_THEN_SUCCESS and found["inquiries"] == 1:
            return self._reply(503, {"error": "service unavailable"})
        self._jazzcash({"pp_ResponseCode": "000", "pp_ResponseMessage": "Inquiry successful", "pp_TxnRefNo": reference,
                        "pp_PaymentResponseCode": {"paid": "121", "pending": "157"}.get(found["state"], "199"),
                        "pp_Amount": str(found["amount"]), "pp_RefundedAmount": str(found["refunded"]),
                        "pp_RetreivalReferenceNo": found["id"]})

    def _jazzcash_refund(self, body: dict) -> None:
        if self._jazzcash_refused(body):
            return
        if body.get("pp_MerchantMPIN") != self.server.settings.jazzcash_mpin:
            return self._jazzcash({"pp_ResponseCode": "110", "pp_ResponseMessage": "Invalid MPIN"})
        done = self.server.ledger.refund(body.get("pp_TxnRefNo", ""), int(body.get("pp_Amount") or 0))
        self._jazzcash({"pp_ResponseCode": "000" if done else "999", "pp_TxnRefNo": body.get("pp_TxnRefNo", ""),
                        "pp_ResponseMessage": "Refund successful" if done else "Refund not possible",
                        "pp_RetreivalReferenceNo": uuid.uuid4().hex[:12].upper()})

    def _jazzcash_page(self, form: dict[str, str]) -> None:
        """Page redirection: the form is checked (merchant, password, pp_SecureHash) as JazzCash does."""
        if self._jazzcash_refused_page(form):
            return
        self.server.checkouts[form.get("pp_TxnRefNo", "")] = form
        self._html(200, _checkout_page("JazzCash checkout", JAZZCASH_PAGE_DONE, {"pp_TxnRefNo": form.get("pp_TxnRefNo", "")},
                                       int(form.get("pp_Amount") or 0), ""))

    def _jazzcash_refused_page(self, form: dict[str, str]) -> bool:
        settings = self.server.settings
        if (form.get("pp_MerchantID") != settings.jazzcash_merchant_id or form.get("pp_Password") != settings.jazzcash_password
                or not jazzcash.verified(form, settings.jazzcash_integrity_salt) or not form.get("pp_ReturnURL")):
            self._html(400, "<p>Invalid merchant credentials or pp_SecureHash.</p>")
            return True
        return False

    def _jazzcash_page_done(self, choice: dict[str, str]) -> None:
        opened = self.server.checkouts.get(choice.get("pp_TxnRefNo", ""))
        if opened is None:
            return self._html(404, "<p>No such checkout.</p>")
        reference, amount = opened["pp_TxnRefNo"], int(opened.get("pp_Amount") or 0)
        found = self._hosted_outcome(reference, amount, choice)
        paid = found["state"] == "paid"
        back = jazzcash.signed({
            "pp_Version": opened.get("pp_Version", ""), "pp_TxnType": opened.get("pp_TxnType", ""),
            "pp_Language": "EN", "pp_MerchantID": opened["pp_MerchantID"], "pp_TxnRefNo": reference,
            "pp_Amount": str(amount), "pp_TxnCurrency": "PKR", "pp_TxnDateTime": opened.get("pp_TxnDateTime", ""),
            "pp_BillReference": opened.get("pp_BillReference", ""),
            "pp_ResponseCode": {"paid": "000", "pending": "157"}.get(found["state"], "999"),
            "pp_ResponseMessage": "Thank you for Using JazzCash, your transaction was successful." if paid
            else {"pending": "Transaction is pending"}.get(found["state"], "Transaction cancelled by the customer"),
            "pp_RetreivalReferenceNo": found["id"] if paid else ""}, self.server.settings.jazzcash_integrity_salt)
        self._html(200, pages.onward(Checkout(opened["pp_ReturnURL"], back), "Back to the merchant"))

    def _hosted_outcome(self, reference: str, amount: int, choice: dict[str, str]) -> dict:
        """The player's choice on a hosted page, in the stand-in's ledger (the number's script too)."""
        found = self.server.ledger.open(reference, amount, choice.get("mobile_number", ""))
        if choice.get("choice") != "pay":
            self.server.ledger.decline(reference)
        elif found["script"] == PENDING_THEN_SUCCESS:
            self._later(lambda: self.server.ledger.approve(reference))
        return self.server.ledger.inquire(reference)

    # -- Easypaisa ---------------------------------------------------------------------------------

    def _easypaisa_page(self, form: dict[str, str]) -> None:
        """Index.jsf: the store and merchantHashedReq (the other fields, encrypted) are checked."""
        settings = self.server.settings
        signed_fields = {k: v for k, v in form.items() if k != "merchantHashedReq"}
        if (form.get("storeId") != settings.easypaisa_store_id or not form.get("postBackURL")
                or form.get("merchantHashedReq") != easypaisa.hashed_request(signed_fields, settings.easypaisa_hash_key)):
            return self._html(400, "<p>Invalid store or merchantHashedReq.</p>")
        self.server.checkouts[form.get("orderRefNum", "")] = form
        self._html(200, _checkout_page("Easypaisa checkout", EASYPAISA_PAGE_DONE, {"orderRefNum": form.get("orderRefNum", "")},
                                       easypaisa.paisa(form.get("amount", "")) or 0, form.get("mobileNum", "")))

    def _easypaisa_page_done(self, choice: dict[str, str]) -> None:
        opened = self.server.checkouts.get(choice.get("orderRefNum", ""))
        if opened is None:
            return self._html(404, "<p>No such checkout.</p>")
        self._hosted_outcome(opened["orderRefNum"], easypaisa.paisa(opened["amount"]) or 0, choice)
        token = uuid.uuid4().hex
        self.server.tokens[token] = opened["orderRefNum"]
        self._html(303, "", location=opened["postBackURL"] + "?" + urllib.parse.urlencode({"auth_token": token}))

    def _easypaisa_confirm(self, form: dict[str, str]) -> None:
        """Confirm.jsf: the token we gave, back with the postBackURL; the player goes there with the result."""
        reference = self.server.tokens.pop(form.get("auth_token", ""), None)
        if reference is None or not form.get("postBackURL"):
            return self._html(400, "<p>Unknown or used auth_token.</p>")
        found = self.server.ledger.inquire(reference)
        result = {"success": "true" if found["state"] == "paid" else "false", "orderRefNumber": reference}
        self._html(303, "", location=form["postBackURL"] + "?" + urllib.parse.urlencode(result))


    def _easypaisa_refused(self, body: dict) -> bool:
        settings = self.server.settings
        expected = easypaisa.credentials(settings.easypaisa_username, settings.easypaisa_password)
        if self.headers.get("Credentials") != expected or body.get("storeId") != settings.easypaisa_store_id:
            self._reply(200, {"responseCode": "0003", "responseDesc": "Invalid credentials"})
            return True
        return False

    def _easypaisa_charge(self, body: dict) -> None:
        if self._easypaisa_refused(body):
            return
        reference = body.get("orderId", "")
        found = self.server.ledger.open(reference, easypaisa.paisa(body.get("transactionAmount")) or 0,
                                        body.get("mobileAccountNo", ""))
        if self._scripted_fault(found):
            return
        code, message = {"paid": ("0000", "SUCCESS"), "declined": ("0013", "Insufficient balance"),
                         "pending": ("0001", "Transaction pending approval")}[found["state"]]
        self._reply(200, {"responseCode": code, "responseDesc": message, "orderId": reference,
                          "storeId": body.get("storeId"), "transactionId": found["id"],
                          "transactionAmount": body.get("transactionAmount")})
        if found["script"] == PENDING_THEN_SUCCESS:
            self._later(lambda: self._easypaisa_ipn(reference))

    def _easypaisa_ipn(self, reference: str) -> None:
        self.server.ledger.approve(reference)
        # On the host payment_svc knows as Easypaisa's (it fetches notices from there only).
        notice = self.server.settings.easypaisa_base_url + NOTICE_PATH + reference
        requests.get(self.server.easypaisa_ipn_url, params={"url": notice}, timeout=10)

    def _easypaisa_inquiry(self, body: dict) -> None:
        if self._easypaisa_refused(body):
            return
        found = self.server.ledger.inquire(body.get("orderId", ""))
        if found is None:  # never received: Easypaisa answers that it has no such order
            return self._reply(200, {"responseCode": easypaisa.NO_SUCH_ORDER, "responseDesc": "Record not found"})
        if found["script"] == OUTAGE_THEN_SUCCESS and found["inquiries"] == 1:
            return self._reply(503, {"error": "service unavailable"})
        self._reply(200, {"responseCode": "0000", "orderId": body.get("orderId"),
                          "transactionStatus": found["state"].upper(),
                          "transactionAmount": easypaisa.rupees(found["amount"]),
                          "refundedAmount": easypaisa.rupees(found["refunded"]), "transactionId": found["id"]})

    def _easypaisa_refund(self, body: dict) -> None:
        if self._easypaisa_refused(body):
            return
        done = self.server.ledger.refund(body.get("orderId", ""), easypaisa.paisa(body.get("transactionAmount")) or 0)
        self._reply(200, {"responseCode": "0000" if done else "0009",
                          "responseDesc": "SUCCESS" if done else "Refund not possible",
                          "transactionId": uuid.uuid4().hex[:12].upper()})

    # -- scripts -----------------------------------------------------------------------------------

    def _scripted_fault(self, found: dict) -> bool:
        if found["script"] == OUTAGE_THEN_SUCCESS:
            self._reply(503, {"error": "service unavailable"})
            return True
        if found["script"] == TIMEOUT:
            time.sleep(self.server.delay_seconds)  # the caller has given up by now
        return False

    def _later(self, call) -> None:
        def run():
            time.sleep(1.0)
            try:
                call()
            except requests.RequestException as error:
                log.warning("callback not delivered: %s", type(error).__name__)

        threading.Thread(target=run, daemon=True).start()


def listen_address(env: Env) -> tuple[str, int]:
    """Where the stand-in listens: loopback on this machine; 0.0.0.0 in a cluster (k8s/components/payment-standin),
    where payment_svc reaches it as a Service."""
    return (env.str("PADEL_PAYMENT_STANDIN_HOST", "127.0.0.1"),
            env.int("PADEL_PAYMENT_STANDIN_PORT", STANDIN_PORT, 0, 65535))


def ipn_url(env: Env) -> str:
    """Where it sends Easypaisa's IPN: the edge's callback route."""
    return env.str("PADEL_PAYMENT_EASYPAISA_IPN_URL", edge_url(env) + "/api/payments/callbacks/easypaisa")


def build(settings: PaymentSettings, env: Env) -> StandIn:
    return StandIn(listen_address(env), settings, ipn_url(env),
                   env.float("PADEL_PAYMENT_STANDIN_DELAY_SECONDS", settings.provider_timeout_seconds + 2))


def main() -> None:
    settings = PaymentSettings.from_env()
    logs.configure("payment-standin", settings.log_level)
    standin = build(settings, Env())
    log.info("provider stand-in serving", extra={"url": standin.base_url})
    standin.serve_forever()


if __name__ == "__main__":
    main()
