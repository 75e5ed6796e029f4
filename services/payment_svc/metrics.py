"""payment_svc's business counters. Labels are the wallet and an outcome or reason category, never
an account, a reference or a secret."""

from prometheus_client import Counter

CAPTURED_PAISA = Counter("padel_payment_captured_paisa", "Money captured, in paisa, by wallet.", ("wallet",))
REFUNDED_PAISA = Counter("padel_payment_refunded_paisa", "Money refunded, in paisa, by wallet.", ("wallet",))
ATTEMPTS = Counter("padel_payment_attempts", "Payment attempts settled, by wallet and outcome "
                   "(captured, declined).", ("wallet", "outcome"))
CALLBACKS_REFUSED = Counter("padel_payment_callbacks_refused", "Provider callbacks refused, by wallet and reason "
                            "(forged, replayed, amount, unknown, contradicts); a player reloading the return "
                            "page that shows the result is none.", ("wallet", "reason"))
REFUNDS_FAILED = Counter("padel_payment_refunds_failed", "Refunds the provider refused (left to the venue or "
                         "support), by wallet.", ("wallet",))
