"""payment_svc's settings: what every service has, plus the two wallets' hosts and credentials, the
share deadline and the settlement job.

With no provider base URL set, both wallets point at the local provider stand-in that `padel run`
starts (payment_svc.standin) with its test credentials, so the embedded shape needs no account
anywhere. Secrets are `repr=False`: a settings object printed or logged never shows them.
"""

import dataclasses
from dataclasses import field

from mesh.settings import Env, ServiceSettings, SettingsError, edge_url, reach_host

NAME = "payment"
STANDIN_PORT = 3020
# The stand-in's test credentials (payment_svc.standin checks the same).
STANDIN_JAZZCASH = ("MC_STANDIN", "standin-password", "standin-salt")
STANDIN_JAZZCASH_MPIN = "0000"
STANDIN_EASYPAISA = ("standin-store", "standin-user", "standin-password", "standin-hash-key")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentSettings(ServiceSettings):
    jazzcash_base_url: str = ""
    jazzcash_merchant_id: str = ""
    jazzcash_password: str = field(default="", repr=False)
    jazzcash_integrity_salt: str = field(default="", repr=False)
    jazzcash_return_url: str = ""
    # The merchant's MPIN, asked by JazzCash's mobile-wallet refund.
    jazzcash_mpin: str = field(default="", repr=False)
    easypaisa_base_url: str = ""
    easypaisa_store_id: str = ""
    easypaisa_username: str = ""
    easypaisa_password: str = field(default="", repr=False)
    # The AES key of Easypaisa's hosted checkout (merchantHashedReq): 16, 24 or 32 characters.
    easypaisa_hash_key: str = field(default="", repr=False)
    # Where the wallets' payment pages send the player back: <this>/jazzcash and <this>/easypaisa.
    checkout_return_url: str = ""
    # The providers' host as the player's browser reaches it (their base URL unless set: a dev
    # cluster's stand-in is reached through a port-forward).
    checkout_page_url: str = ""
    # How long a provider call may take before the payment is left pending for the inquiry job.
    provider_timeout_seconds: float = 10.0
    # How long invited players have to pay their share (shorter than the venues' holds, so the booker
    # has time to cover what falls to them), and how long before play it falls due at the latest.
    share_window_seconds: float = 600.0
    share_lead_minutes: int = 120
    # How often the settlement job asks about pending payments, sends refunds and moves unpaid shares.
    job_interval_seconds: float = 5.0

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "PaymentSettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        standin = f"http://{reach_host(env)}:{env.int('PADEL_PAYMENT_STANDIN_PORT', STANDIN_PORT, 1, 65535)}"
        jazzcash_url = env.str("PADEL_PAYMENT_JAZZCASH_BASE_URL", standin).rstrip("/")
        easypaisa_url = env.str("PADEL_PAYMENT_EASYPAISA_BASE_URL", standin).rstrip("/")
        # Names written out whole: tests/ops checks every variable a manifest sets is read somewhere.
        jazzcash = _credentials(env, jazzcash_url == standin, STANDIN_JAZZCASH, "PADEL_PAYMENT_JAZZCASH_MERCHANT_ID",
                                "PADEL_PAYMENT_JAZZCASH_PASSWORD", "PADEL_PAYMENT_JAZZCASH_INTEGRITY_SALT")
        easypaisa = _credentials(env, easypaisa_url == standin, STANDIN_EASYPAISA, "PADEL_PAYMENT_EASYPAISA_STORE_ID",
                                 "PADEL_PAYMENT_EASYPAISA_USERNAME", "PADEL_PAYMENT_EASYPAISA_PASSWORD",
                                 "PADEL_PAYMENT_EASYPAISA_HASH_KEY")
        if len(easypaisa[3]) not in (16, 24, 32):
            raise SettingsError("PADEL_PAYMENT_EASYPAISA_HASH_KEY: Easypaisa's hash key is 16, 24 or 32 characters")
        return cls(
            **fields,
            jazzcash_base_url=jazzcash_url,
            jazzcash_merchant_id=jazzcash[0], jazzcash_password=jazzcash[1], jazzcash_integrity_salt=jazzcash[2],
            jazzcash_mpin=env.str("PADEL_PAYMENT_JAZZCASH_MPIN", STANDIN_JAZZCASH_MPIN if jazzcash_url == standin else ""),
            jazzcash_return_url=env.str("PADEL_PAYMENT_JAZZCASH_RETURN_URL",
                                        edge_url(env) + "/api/payments/callbacks/jazzcash"),
            easypaisa_base_url=easypaisa_url,
            easypaisa_store_id=easypaisa[0], easypaisa_username=easypaisa[1], easypaisa_password=easypaisa[2],
            easypaisa_hash_key=easypaisa[3],
            checkout_return_url=env.str("PADEL_PAYMENT_CHECKOUT_RETURN_URL",
                                        edge_url(env) + "/api/payments/checkout").rstrip("/"),
            checkout_page_url=env.str("PADEL_PAYMENT_CHECKOUT_PAGE_URL").rstrip("/"),
            provider_timeout_seconds=_positive(env, "PADEL_PAYMENT_PROVIDER_TIMEOUT_SECONDS", 10.0),
            share_window_seconds=_positive(env, "PADEL_PAYMENT_SHARE_WINDOW_SECONDS", 600.0),
            share_lead_minutes=env.int("PADEL_PAYMENT_SHARE_LEAD_MINUTES", 120, 0, 10080),
            job_interval_seconds=_positive(env, "PADEL_PAYMENT_JOB_INTERVAL_SECONDS", 5.0),
        )


def _credentials(env: Env, at_standin: bool, standin: tuple[str, ...], *variables: str) -> tuple[str, ...]:
    """A real provider needs every credential set; the stand-in has test ones."""
    if at_standin:
        return tuple(env.str(variable, default) for variable, default in zip(variables, standin))
    return tuple(env.required(variable) for variable in variables)


def _positive(env: Env, name: str, default: float) -> float:
    value = env.float(name, default)
    if value <= 0:
        raise SettingsError(f"{name}: expected a positive number, got {value}")
    return value
