"""The small pages a player's browser sees around a hosted checkout: the result once back from the
wallet's page, and a form that posts itself on to the provider's next step. Plain HTML, every value
escaped; no script but the one line that submits the form (a button does it without scripts)."""

from __future__ import annotations

import html

from payment_svc.domain import PaymentState
from payment_svc.providers import Checkout

HEADLINES = {PaymentState.CAPTURED: "Payment received", PaymentState.DECLINED: "Payment not taken",
             PaymentState.PENDING: "Payment being confirmed"}
LINES = {PaymentState.CAPTURED: "Your share of the court is paid. A receipt is on its way.",
         PaymentState.DECLINED: "The wallet did not pay; nothing was taken. You can try again from the booking.",
         PaymentState.PENDING: "The wallet has not confirmed yet; the booking's bill shows it once it does."}


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">{body}</body></html>')


def result(state: PaymentState, amount_paisa: int, reference: str, provider_reference: str) -> str:
    rupees = f"Rs {amount_paisa // 100:,}.{amount_paisa % 100:02d}"
    return _page(HEADLINES[state], (
        f'<h1 data-status="{state.value}">{html.escape(HEADLINES[state])}</h1><p>{html.escape(LINES[state])}</p>'
        f'<p>Amount: {rupees}<br>Reference: {html.escape(reference)}'
        + (f'<br>Wallet reference: {html.escape(provider_reference)}' if provider_reference else "") + "</p>"))


def onward(form: Checkout, title: str) -> str:
    """A form the browser posts on at once (`title` says where to, for a browser without scripts)."""
    fields = "".join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                     for name, value in form.fields.items())
    return _page(title, (
        f'<form id="onward" method="post" action="{html.escape(form.url)}">{fields}'
        f'<p>{html.escape(title)}</p><button type="submit">Continue</button></form>'
        '<script>document.getElementById("onward").submit()</script>'))
