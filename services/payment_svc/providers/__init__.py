"""One interface over the wallets: start a charge, or the form of a hosted checkout (the provider's
own payment page), ask about it (inquiry), refund part of it, and turn a provider's callback or
return into a verified outcome. `jazzcash` and `easypaisa` implement it; the
use cases never see a provider's field names.

Date-times go to the providers in Pakistan's local time (`local_time`), as their integrations send them.

A provider that does not answer in time, or answers 5xx, raises `ProviderDown`: the payment stays
pending and the settlement job asks again. A callback that fails verification raises
`ForgedCallback`; its message never carries a secret or the received hash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from zoneinfo import ZoneInfo

import requests

from mesh.settings import DEFAULT_TIME_ZONE
from payment_svc.domain import PaymentState, Wallet

# The providers read the date-times we send as Pakistan's local time.
PROVIDER_ZONE = ZoneInfo(DEFAULT_TIME_ZONE)


def local_time(moment: dt.datetime, layout: str) -> str:
    """`moment` as the providers read it: Pakistan's wall clock, in their layout."""
    return moment.astimezone(PROVIDER_ZONE).strftime(layout)


@dataclass(frozen=True)
class Charge:
    """One attempt to take money from a wallet; `reference` is ours, unique per attempt."""

    reference: str
    amount: int
    mobile_number: str
    cnic_last_six: str
    description: str
    created: dt.datetime
    expires: dt.datetime


@dataclass(frozen=True)
class Outcome:
    """What a provider says about an attempt. `state` None: not settled yet (ask again later)."""

    reference: str
    state: PaymentState | None
    amount: int | None = None
    provider_reference: str = ""
    message: str = ""
    # Identifies one callback (a replay has the same key); empty for answers to our own calls.
    callback_key: str = ""


@dataclass(frozen=True)
class Checkout:
    """The form a player's browser posts to open the provider's payment page (or to go on to its
    next step): where, and which fields, signed as the provider asks."""

    url: str
    fields: dict[str, str]


class ProviderDown(Exception):
    """The provider did not answer usefully (timeout, unreachable, 5xx, not its format)."""


class ForgedCallback(Exception):
    """A callback that does not verify: not signed with our salt, or not from the provider's host."""


class RefundRefused(Exception):
    """The provider answered a refund with a refusal (e.g. already refunded in full)."""


class NoSuchTransaction(Exception):
    """The provider's inquiry has no transaction with our reference (it never reached the provider)."""


class Provider(Protocol):
    wallet: Wallet

    def charge(self, charge: Charge) -> Outcome: ...

    def checkout(self, charge: Charge) -> Checkout:
        """The signed form of a hosted checkout of `charge` (nothing is sent to the provider yet)."""
        ...

    def inquire(self, reference: str, mobile_number: str) -> Outcome: ...

    def refund(self, reference: str, refund_reference: str, amount: int) -> str:
        """Gives `amount` of the attempt back to its wallet; returns the provider's reference."""
        ...

    def refunded(self, reference: str, mobile_number: str) -> int:
        """How much of the attempt the provider has given back so far (its inquiry), in paisa."""
        ...


class Http:
    """JSON over HTTP with one timeout; every transport fault is `ProviderDown`."""

    def __init__(self, timeout_seconds: float):
        self.timeout = timeout_seconds
        self.session = requests.Session()

    def post(self, url: str, body: dict, headers: dict | None = None) -> dict:
        return self._json(lambda: self.session.post(url, json=body, headers=headers, timeout=self.timeout))

    def get(self, url: str) -> dict:
        return self._json(lambda: self.session.get(url, timeout=self.timeout, allow_redirects=False))

    @staticmethod
    def _json(send) -> dict:
        try:
            answer = send()
        except requests.RequestException as error:
            # The class name only: a URL in the message could carry a query with account data.
            raise ProviderDown(f"provider unreachable ({type(error).__name__})") from None
        if answer.status_code >= 500:
            raise ProviderDown(f"provider answered HTTP {answer.status_code}")
        try:
            body = answer.json()
        except ValueError:
            raise ProviderDown(f"provider answered HTTP {answer.status_code} without JSON") from None
        if not isinstance(body, dict):
            raise ProviderDown("provider answered JSON that is not an object")
        return body
