"""`padel.status.v1.AccountPagesService`: the pages the links in auth's emails open, served by the
edge directory.

`GET /verify-email?token=…` sends the token to `POST /api/auth/verify-email` and says whether the
email is verified; `GET /reset-password?token=…` asks for a new password (twice) and sends it with
the token to `POST /api/auth/reset-password`, showing the server's reason when it refuses;
`GET /forgot-password` (linked from the "someone tried to register your email" email) asks
`POST /api/auth/forgot-password` for a reset link; `GET /bookings/{booking_id}/pay` (notify's
share-payment request, or a membership plan's payment: its bill id) signs the player in
(`POST /api/auth/login`), shows their share of the booking (`GET /api/payments/bookings/{booking_id}`;
for a membership plan's bill, the plan and venue it pays for from
`GET /api/bookings/membership-payments/{bill_id}`) and starts the wallet's hosted checkout
(`POST /api/payments/bookings/{booking_id}/checkout`), posting its form to the wallet's page. Plain HTML and a few lines of JavaScript,
nothing fetched from elsewhere. The token stays in the browser: the script reads it from the page's
address and removes it from there (and from the history), the page is never cached and sends no
referrer, and its content security policy lets only its own inline script and style run and only
the edge be called.
"""

import base64
import hashlib
import html

from google.api import httpbody_pb2
from padel.status.v1 import account_pages_service_pb2 as pb
from padel.status.v1 import account_pages_service_pb2_grpc

# Relative paths: the pages are at the edge's root, so `api/auth/…` is `/api/auth/…` under whatever
# prefix a proxy puts in front of the edge.
VERIFY_EMAIL_ROUTE = "api/auth/verify-email"
RESET_PASSWORD_ROUTE = "api/auth/reset-password"
FORGOT_PASSWORD_ROUTE = "api/auth/forgot-password"
# The pay page is two levels down (`/bookings/{id}/pay`), hence `../../`.
LOGIN_ROUTE = "../../api/auth/login"
BILL_ROUTE = "../../api/payments/bookings/"
MEMBERSHIP_PAYMENT_ROUTE = "../../api/bookings/membership-payments/"
STYLE = """body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f4;color:#1d2b1f}
main{max-width:26rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:.5rem;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
label{display:block;margin:.8rem 0 .3rem}
input,select{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}
.refused{color:#a31515}.done{color:#1b6e2a}"""
# Shared by the pages: the token from the address (then removed from it), and the call with its
# outcome shown, a refusal in the server's words (google.rpc.Status: its field violations, else
# its message).
OUTCOME_SCRIPT = """var outcome = document.getElementById("outcome");
function show(text, kind) { outcome.textContent = text; outcome.className = kind || ""; }
function reason(body) {
  var found = [];
  ((body && body.details) || []).forEach(function (detail) {
    (detail.field_violations || []).forEach(function (v) { found.push((LABELS[v.field] || v.field) + ": " + v.description); });
  });
  return found.length ? found.join("; ") : ((body && body.message) || "the platform refused it");
}
function send(route, request, done, refused) {
  return fetch(route, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(request)})
    .then(function (answer) {
      return answer.json().catch(function () { return {}; }).then(function (body) {
        if (answer.ok) { show(done(body), "done"); } else { show(refused + " " + reason(body), "refused"); }
        return answer.ok;
      });
    }, function () { show(UNREACHABLE, "refused"); return false; });
}
var UNREACHABLE = "The platform could not be reached; try again in a moment.";
"""
COMMON_SCRIPT = """var token = new URLSearchParams(window.location.search).get("token") || "";
history.replaceState(null, "", window.location.pathname);
var NO_TOKEN = "This link has no token: open the link from the email again.";
""" + OUTCOME_SCRIPT
# The player signs in, sees their share (or, as the booker, what falls to them) and, while it is
# due, starts the hosted checkout and posts its fields to the wallet's page as a browser form.
PAY_SCRIPT = OUTCOME_SCRIPT + """var LABELS = {email: "Email", password: "Password", booking_id: "The link",
  wallet: "Wallet", mobile_number: "Mobile number"};
var booking = window.location.pathname.split("/").slice(-2)[0];
var BILL = "%(bill)s" + booking;
var STATUS = {SHARE_STATUS_DUE: "due", SHARE_STATUS_PAID: "paid", SHARE_STATUS_OWED_BY_BOOKER: "now owed by the booker",
  SHARE_STATUS_REFUNDED: "refunded", SHARE_STATUS_VOID: "no longer owed (the booking was cancelled)"};
// A membership plan's bill (its id a payment due's): the page names the plan and venue it pays for.
var MEMBERSHIP_STATUS = {SHARE_STATUS_VOID: "no longer owed (the payment was withdrawn)"};
var access = "";
var signin = document.getElementById("signin"), pay = document.getElementById("pay");
var share = document.getElementById("share"), heading = document.getElementById("heading");
var what = document.getElementById("what");
function membership(bill) {
  if (!bill.membership_id) { return Promise.resolve("Your share: "); }
  return call("GET", "%(membership)s" + booking).then(function (due) {
    heading.textContent = "Pay your membership";
    document.title = "Pay your membership · Padel Platform";
    what.textContent = "Membership plan " + due.plan.name + " at " + due.venue_name;
    return "The plan's price: ";
  });
}
function call(method, route, request) {
  var headers = {"content-type": "application/json"};
  if (access) { headers.authorization = "Bearer " + access; }
  return fetch(route, {method: method, headers: headers, body: request ? JSON.stringify(request) : undefined})
    .then(function (answer) {
      return answer.json().catch(function () { return {}; }).then(function (body) {
        if (!answer.ok) { throw new Error(reason(body)); }
        return body;
      });
    }, function () { throw new Error(UNREACHABLE); });
}
function rupees(money) { return "PKR " + (Number((money && money.amount_paisa) || 0) / 100).toLocaleString("en-PK"); }
signin.addEventListener("submit", function (event) {
  event.preventDefault();
  show("Signing in…");
  access = "";
  call("POST", "%(login)s", {email: signin.elements.email.value, password: signin.elements.password.value})
    .catch(function (error) { throw new Error("Not signed in: " + error.message); })
    .then(function (body) {
      access = body.tokens.access_token;
      var me = body.account.user_id;
      return call("GET", BILL).then(function (answer) {
        var bill = answer.bill, mine = (bill.shares || []).filter(function (s) { return s.player_id === me; })[0];
        var owed = me === bill.booker_id ? Number((bill.owed_by_booker || {}).amount_paisa || 0) : 0;
        signin.hidden = true;
        if (!mine && !owed) { show("Your account has no share in this booking.", "refused"); return; }
        return membership(bill).then(function (label) {
          var due = owed ? bill.owed_by_booker : mine.amount;
          var status = owed ? "due" : ((bill.membership_id && MEMBERSHIP_STATUS[mine.status]) ||
                                       STATUS[mine.status] || mine.status);
          share.textContent = label + rupees(due) + ", " + status + ".";
          pay.hidden = !(owed || mine.status === "SHARE_STATUS_DUE");
          show(pay.hidden ? "Nothing to pay." : "", pay.hidden ? "done" : "");
        });
      }, function (error) { throw new Error("Your share cannot be shown: " + error.message); });
    })
    .catch(function (error) { show(error.message, "refused"); });
});
pay.addEventListener("submit", function (event) {
  event.preventDefault();
  show("Opening the wallet's payment page…");
  call("POST", BILL + "%(checkout)s", {wallet: pay.elements.wallet.value, mobile_number: pay.elements.mobile_number.value})
    .then(function (body) {
      var wallet = document.createElement("form");
      wallet.method = "POST";
      wallet.action = body.checkout.url;
      Object.keys(body.checkout.fields || {}).forEach(function (name) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = name;
        field.value = body.checkout.fields[name];
        wallet.appendChild(field);
      });
      document.body.appendChild(wallet);
      wallet.submit();
    })
    .catch(function (error) { show("The payment could not start: " + error.message, "refused"); });
});
""" % {"bill": BILL_ROUTE, "login": LOGIN_ROUTE, "checkout": "/checkout", "membership": MEMBERSHIP_PAYMENT_ROUTE}
VERIFY_SCRIPT = COMMON_SCRIPT + """var LABELS = {token: "The link"};
if (!token) {
  show(NO_TOKEN, "refused");
} else {
  send("%(route)s", {token: token}, function (body) {
    return "Your email " + body.account.email + " is verified. You can close this page.";
  }, "Not verified.");
}
""" % {"route": VERIFY_EMAIL_ROUTE}
RESET_SCRIPT = COMMON_SCRIPT + """var LABELS = {token: "The link", new_password: "New password"};
var form = document.getElementById("reset");
if (!token) {
  show(NO_TOKEN, "refused");
  form.hidden = true;
}
form.addEventListener("submit", function (event) {
  event.preventDefault();
  var password = form.elements.new_password.value;
  if (password !== form.elements.repeated.value) {
    show("The two passwords differ.", "refused");
    return;
  }
  show("Saving…");
  send("%(route)s", {token: token, new_password: password}, function () {
    return "Your password is changed and every session is signed out. Sign in with the new password.";
  }, "Not changed.").then(function (changed) { form.hidden = changed; });
});
""" % {"route": RESET_PASSWORD_ROUTE}
FORGOT_SCRIPT = COMMON_SCRIPT + """var LABELS = {email: "Email"};
var form = document.getElementById("forgot");
form.addEventListener("submit", function (event) {
  event.preventDefault();
  show("Sending…");
  send("%(route)s", {email: form.elements.email.value}, function () {
    return "If this email has an account, a link to choose a new password is on its way.";
  }, "Not sent.").then(function (sent) { form.hidden = sent; });
});
""" % {"route": FORGOT_PASSWORD_ROUTE}
VERIFY_BODY = """<h1>Verify your email</h1>
<p id="outcome" role="status">Verifying…</p>"""
RESET_BODY = """<h1>Choose a new password</h1>
<form id="reset">
<label for="new_password">New password (at least 8 characters)</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="8" required>
<label for="repeated">The same again</label>
<input id="repeated" name="repeated" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Change the password</button>
</form>
<p id="outcome" role="status"></p>"""
PAY_BODY = """<h1 id="heading">Pay your share</h1>
<p id="what">Booking <code>%(booking)s</code></p>
<form id="signin">
<label for="email">Your email</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p id="share"></p>
<form id="pay" hidden>
<label for="wallet">Pay with</label>
<select id="wallet" name="wallet">
<option value="WALLET_JAZZCASH">JazzCash</option>
<option value="WALLET_EASYPAISA">Easypaisa</option>
</select>
<label for="mobile_number">Your wallet's mobile number (03xxxxxxxxx)</label>
<input id="mobile_number" name="mobile_number" type="tel" autocomplete="tel" pattern="03[0-9]{9}" required>
<button type="submit">Pay</button>
</form>
<p id="outcome" role="status"></p>"""
FORGOT_BODY = """<h1>Forgot your password?</h1>
<form id="forgot">
<label for="email">Your email</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<button type="submit">Email me a link</button>
</form>
<p id="outcome" role="status"></p>"""


def _hash(source: str) -> str:
    """A CSP source allowing exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def page(title: str, body: str, script: str, form_action: str = "'none'") -> tuple[bytes, tuple]:
    """The page's HTML and its response headers; `form_action` is where its forms may post."""
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Padel Platform</title>
<style>{STYLE}</style>
</head>
<body>
<main>
{body}
<noscript>This page needs JavaScript to talk to the platform.</noscript>
</main>
<script>{script}</script>
</body>
</html>
"""
    policy = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(STYLE)}; connect-src 'self'; "
              f"form-action {form_action}; frame-ancestors 'none'; base-uri 'none'")
    headers = (("content-security-policy", policy), ("referrer-policy", "no-referrer"),
               ("cache-control", "no-store"), ("x-content-type-options", "nosniff"))
    return document.encode(), headers


class AccountPagesServicer(account_pages_service_pb2_grpc.AccountPagesServiceServicer):
    def __init__(self):
        self.verify_email = page("Verify your email", VERIFY_BODY, VERIFY_SCRIPT)
        self.reset_password = page("Choose a new password", RESET_BODY, RESET_SCRIPT)
        self.forgot_password = page("Forgot your password?", FORGOT_BODY, FORGOT_SCRIPT)

    @staticmethod
    def _serve(built: tuple[bytes, tuple], context) -> httpbody_pb2.HttpBody:
        data, headers = built
        context.send_initial_metadata(headers)
        return httpbody_pb2.HttpBody(content_type="text/html; charset=utf-8", data=data)

    def GetVerifyEmailPage(self, request, context):
        return pb.GetVerifyEmailPageResponse(body=self._serve(self.verify_email, context))

    def GetResetPasswordPage(self, request, context):
        return pb.GetResetPasswordPageResponse(body=self._serve(self.reset_password, context))

    def GetForgotPasswordPage(self, request, context):
        return pb.GetForgotPasswordPageResponse(body=self._serve(self.forgot_password, context))

    def GetPayBookingPage(self, request, context):
        # The form posts to the wallet's page, whose address is payments' configuration, not the edge's.
        built = page("Pay your share", PAY_BODY % {"booking": html.escape(request.booking_id)}, PAY_SCRIPT, "*")
        return pb.GetPayBookingPageResponse(body=self._serve(built, context))


def servicer() -> tuple:
    """(add function, servicer) as mesh.server.build takes them."""
    return account_pages_service_pb2_grpc.add_AccountPagesServiceServicer_to_server, AccountPagesServicer()
