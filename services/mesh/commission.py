"""The platform's commission on part of a booking's price: one rule for booking_svc (the owner's
report nets a cancellation's fee of it) and payment_svc (the ledger keeps it on what was paid online,
or on the fee a cancellation keeps), so an owner's two reports show the same money."""


def commission_on(commission: int, price: int, part: int) -> int:
    """The share of a booking's `commission` that falls on `part` of its `price` (rounded down)."""
    return commission * part // price if price else 0
