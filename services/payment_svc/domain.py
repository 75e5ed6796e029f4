"""payment_svc's pure rules: states, how a price is split into shares, which shares a payment
covers, how a cancellation fee is shared out, what a ledger adds up to, and who may see what.

Money is integer paisa everywhere; nothing here does I/O or knows protobuf or SQL.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Collection, Iterable, Sequence

from mesh.caller import Caller
from mesh.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied


class PaymentState(enum.StrEnum):
    PENDING = "pending"
    CAPTURED = "captured"
    DECLINED = "declined"


class ShareState(enum.StrEnum):
    DUE = "due"
    PAID = "paid"
    OWED_BY_BOOKER = "owed_by_booker"
    REFUNDED = "refunded"
    VOID = "void"


class EntryKind(enum.StrEnum):
    """The ledger's four kinds of entry. Amounts are positive, except a commission entry that gives
    back commission on money refunded (a reversal, never an edit)."""

    CAPTURED = "captured"
    REFUNDED = "refunded"
    FEE = "fee"
    COMMISSION = "commission"


class PaymentMode(enum.StrEnum):
    AT_VENUE = "at_venue"
    DEPOSIT = "deposit"
    FULL = "full"


class VenueFeeReason(enum.StrEnum):
    LATE_CANCELLATION = "late_cancellation"
    NO_SHOW = "no_show"


class VenueFeeState(enum.StrEnum):
    DUE = "due"
    COLLECTED = "collected"


class Wallet(enum.StrEnum):
    JAZZCASH = "jazzcash"
    EASYPAISA = "easypaisa"


# The booking statuses payments acts on (booking_svc's names).
BOOKING_PENDING, BOOKING_CANCELLED, BOOKING_NO_SHOW = "pending", "cancelled", "no_show"
UNPAID = (ShareState.DUE, ShareState.OWED_BY_BOOKER)
NO_VENUE_FEE = "no fee is due at the venue for this booking"


def online_part(mode: PaymentMode, deposit_percent: int, price: int) -> int:
    """What of `price` is paid online under the venue's mode; the rest is paid at the venue."""
    if mode == PaymentMode.FULL:
        return price
    if mode == PaymentMode.DEPOSIT:
        return price * deposit_percent // 100
    return 0


def venue_fee_due(price: int, online: int, fee: int, kept_online: int) -> int:
    """What of a cancellation fee is charged at the venue: only a booking with a part paid there
    owes one; what the fee kept of money paid online counts first, and at most the part paid at the
    venue is asked for."""
    return max(0, min(fee - kept_online, price - online))


def no_show_fee(price: int, online: int) -> int:
    """Nobody came: the part of the price that was to be paid at the venue is due there all the same."""
    return max(0, price - online)


@dataclass(frozen=True)
class VenueFacts:
    """What payments needs to know of a venue (asked of booking_svc)."""

    owner_id: str
    holds_bookings: bool  # bookings wait (PENDING, with a hold) instead of confirming at once


def check_venue_payment(caller: Caller, venue: VenueFacts, mode: PaymentMode, deposit_percent: int) -> None:
    if caller.user_id != venue.owner_id and not caller.is_admin:
        raise PermissionDenied("only the venue's owner or an admin chooses how it is paid")
    if mode == PaymentMode.DEPOSIT and not deposit_percent:
        raise InvalidArgument.field("deposit_percent", "a deposit is 1 to 99 percent of the price")
    if mode != PaymentMode.AT_VENUE and not venue.holds_bookings:
        raise FailedPrecondition("online payment needs the venue to hold bookings until paid: set its "
                                 "confirmation_mode to CONFIRMATION_MODE_MANUAL (the hold is the payment deadline)",
                                 reason="VENUE_CONFIRMS_AT_ONCE")


def split_price(price: int, players: int) -> list[int]:
    """Equal shares of `price`; the booker (first) takes the paisa that do not divide evenly."""
    base, rest = divmod(price, players)
    return [base + rest] + [base] * (players - 1)


def player_shares(online: int, players: int, player_prices: Sequence[int] = ()) -> list[int]:
    """What each player (the booker first) pays of the online part: in proportion to the share prices
    booking_svc gave (a member's own share is cheaper; with the whole price online, exactly those), or
    without them equal shares, the odd paisa on the booker's."""
    if len(player_prices) == players and sum(player_prices):
        return share_out(online, player_prices)
    return split_price(online, players)


def share_deadline(created: dt.datetime, start: dt.datetime, window: dt.timedelta,
                   lead: dt.timedelta) -> dt.datetime:
    """When an invited player's unpaid share falls to the booker: `window` after the booking, and
    never later than `lead` before play (nor before the booking was made)."""
    return max(created, min(created + window, start - lead))


@dataclass(frozen=True)
class ShareView:
    """What the rules need of a share."""

    share_id: str
    player_id: str
    amount: int
    state: ShareState


def shares_to_cover(shares: Sequence[ShareView], payer_id: str, booker_id: str, cover_all: bool) -> list[ShareView]:
    """The shares one payment by `payer_id` pays. The booker pays their own share and those fallen
    to them, or with `cover_all` every unpaid share; an invited player pays their own share, also
    after it fell to the booker (whoever pays first settles it)."""
    if cover_all and payer_id != booker_id:
        raise PermissionDenied("only the player who booked may pay for everyone")
    if payer_id == booker_id:
        chosen = [s for s in shares if s.state in UNPAID and (
            cover_all or s.player_id == booker_id or s.state == ShareState.OWED_BY_BOOKER)]
    else:
        chosen = [s for s in shares if s.player_id == payer_id and s.state in UNPAID]
        if not any(s.player_id == payer_id for s in shares):
            raise PermissionDenied("you have no share in this booking")
    if not chosen:
        raise FailedPrecondition("nothing is left for you to pay on this booking", reason="NOTHING_DUE")
    return chosen


def check_payable(booking_status: str, online: int, membership: bool = False) -> None:
    """`membership`: the bill is a membership plan's, whose "cancelled" is booking_svc withdrawing it."""
    if not online:
        raise FailedPrecondition("this booking is paid at the venue", reason="PAID_AT_VENUE")
    if booking_status == BOOKING_CANCELLED:
        raise FailedPrecondition(
            "this membership payment was withdrawn (paid at the desk, the membership ended or the account closed); "
            "nothing can be paid on it" if membership else "this booking was cancelled; nothing can be paid on it",
            reason="BOOKING_CANCELLED")


def may_see_bill(caller: Caller, players: Iterable[str]) -> bool:
    """A bill is its booking's players' (and admins'); to anyone else it is no bill (NOT_FOUND, as for an
    id that names none; paying it, as for a booking payments never heard of): whether a booking or a
    membership payment exists, or was cancelled, is not told."""
    return caller.user_id in players or caller.is_admin


def may_see_payment(caller: Caller, payer_id: str) -> bool:
    """A payment attempt is its payer's (and admins'); to anyone else it is no payment (NOT_FOUND, as
    for an id that names none): whether someone tried to pay is not told."""
    return caller.user_id == payer_id or caller.is_admin


def may_see_payouts(caller: Caller, owner_id: str) -> bool:
    return caller.user_id == owner_id or caller.is_admin


def check_may_see_payouts(caller: Caller, owner_id: str) -> None:
    if not may_see_payouts(caller, owner_id):
        raise PermissionDenied("payouts are shown to the venue's owner")


def check_may_collect_venue_fee(caller: Caller, owner_id: str, players: Iterable[str]) -> None:
    """The venue's owner (or an admin) records the fee collected. The booking's players, who see it on
    their bill, hear so; to anyone else there is no fee (NOT_FOUND, as for a booking with none):
    a late cancellation or a no-show is not told."""
    if may_see_payouts(caller, owner_id):
        return
    if caller.user_id in players:
        raise PermissionDenied("the venue's owner records the fee collected")
    raise NotFound(NO_VENUE_FEE)


def share_out(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared in proportion to `weights` by largest remainder: the parts add up to `total`
    exactly (never more than each weight when total <= sum(weights))."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class Rebalance:
    """How a bill follows a change of players or price after money moved."""

    refund: list[str]  # paid shares given back whole to their wallets
    void: list[str]  # unpaid shares no longer owed
    new: list[tuple[str, int]]  # (player, amount) of the unpaid shares that replace them


def rebalance(shares: Sequence[ShareView], players: Sequence[str], booker_id: str, online: int,
              player_prices: Sequence[int] = (), held: Sequence[str] = (), taken: Sequence[str] = ()) -> Rebalance:
    """The bill of `players` for `online`, keeping every paid share as it is: a removed player's paid
    share goes back whole, unless they are `held` (they left late: their paid share keeps paying for
    their place, and the players share only the rest; once a newcomer took the place, `taken`, the
    players share all of it and the held share stays only until the newcomer's is paid); if what
    stays paid is more than the new price, whole paid shares go back,
    the booker's first, until it fits; what is left to pay is shared so that each player comes as
    close to their part (`player_shares`: by their share prices, else equal with the odd paisa on the
    booker) as their payments allow. An unpaid share that would come out the same is kept (its player
    is not asked again)."""
    live = [s for s in shares if s.state in (ShareState.PAID, *UNPAID)]
    gone = [s for s in live if s.state == ShareState.PAID and s.player_id not in players]
    refund = [s for s in gone if s.player_id not in held]
    online = max(0, online - sum(s.amount for s in gone if s.player_id in held and s.player_id not in taken))
    kept = [s for s in live if s.state == ShareState.PAID and s.player_id in players]
    for share in sorted(kept, key=lambda s: (s.player_id != booker_id, -s.amount)):
        if sum(k.amount for k in kept) <= online:
            break
        kept.remove(share)
        refund.append(share)
    targets = player_shares(online, len(players), player_prices) if players else []
    need = [max(0, target - sum(s.amount for s in kept if s.player_id == player))
            for player, target in zip(players, targets)]
    parts = share_out(max(0, online - sum(s.amount for s in kept)), need)
    unpaid = [s for s in live if s.state in UNPAID]
    new: list[tuple[str, int]] = []
    for player, amount in zip(players, parts):
        same = next((s for s in unpaid if s.player_id == player and s.amount == amount), None)
        if same is not None:
            unpaid.remove(same)
        elif amount:
            new.append((player, amount))
    return Rebalance([s.share_id for s in refund], [s.share_id for s in unpaid], new)


@dataclass(frozen=True)
class RefundPlan:
    """What a cancellation gives back of one paid share, and what its fee keeps."""

    share_id: str
    refund: int
    fee: int


def refund_plan(paid: Sequence[ShareView], fee: int, first: Collection[str] = ()) -> list[RefundPlan]:
    """The venue's cancellation fee (as booking_svc computed it, at most what was paid) is kept first
    from the shares in `first` (those the booker paid: a fee is due only when the player who booked
    cancels late, so they bear it) and only what exceeds them from the other paid shares, each time
    in proportion to their amounts; the rest of each goes back to its wallet."""
    fee = min(fee, sum(s.amount for s in paid))
    theirs = [s.amount if s.share_id in first else 0 for s in paid]
    kept = share_out(min(fee, sum(theirs)), theirs)
    rest = share_out(fee - sum(kept), [s.amount - t for s, t in zip(paid, theirs)])
    return [RefundPlan(s.share_id, s.amount - k - r, k + r) for s, k, r in zip(paid, kept, rest)]


@dataclass(frozen=True)
class Entry:
    kind: EntryKind
    amount: int


@dataclass(frozen=True)
class Balance:
    """What a set of ledger entries adds up to; every amount shown anywhere comes from here."""

    captured: int = 0
    refunded: int = 0
    fees: int = 0
    commission: int = 0

    @property
    def paid(self) -> int:
        """What the payers have in: captured less refunded."""
        return self.captured - self.refunded

    @property
    def payout(self) -> int:
        """What the venue receives: what is paid in, less the platform's commission."""
        return self.paid - self.commission


def balance(entries: Iterable[Entry]) -> Balance:
    sums = {kind: 0 for kind in EntryKind}
    for entry in entries:
        sums[entry.kind] += entry.amount
    return Balance(sums[EntryKind.CAPTURED], sums[EntryKind.REFUNDED], sums[EntryKind.FEE],
                   sums[EntryKind.COMMISSION])


@dataclass(frozen=True)
class BookingFacts:
    """A booking as booking_svc's events describe it; the booker is the first of `player_ids`."""

    booking_id: str
    venue_id: str
    booker_id: str
    player_ids: list[str]
    start: dt.datetime
    local_date: dt.date
    price: int
    commission: int
    status: str
    # Each player's share price, in the order of player_ids (empty: equal shares).
    player_prices: tuple[int, ...] = ()
    # Players this change took off who left of their own accord after the venue's free-cancellation
    # time (booking_svc judges it by the venue's policy): their paid share is not refunded until a
    # newcomer takes their place.
    left_late: tuple[str, ...] = ()
