"""payment_svc's tables and queries: bookings as payments knows them (from booking's events), their
shares, payment attempts, the append-only ledger, refunds to send, callbacks counted and
payers whose account closed.

The ledger is append-only (the migration adds triggers that refuse UPDATE and DELETE) and a share
is captured, refunded and charged a fee at most once each (partial unique indexes): the database,
not one process, keeps money from counting twice. Functions flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import (JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, case, func, or_, select,
                        text, update)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from mesh import pager
from mesh.db import new_id, rows_of
from mesh.sqltypes import UtcDateTime
from payment_svc.domain import Entry, EntryKind, PaymentState, ShareState


class Base(DeclarativeBase):
    pass


class Booking(Base):
    """A booking as booking_svc announced it (payments' own copy), or a membership plan to pay online
    (`membership_id` set)."""

    __tablename__ = "bookings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    venue_id: Mapped[str] = mapped_column(String(36), index=True)
    booker_id: Mapped[str] = mapped_column(String(36))
    player_ids: Mapped[list[str]] = mapped_column(JSON)
    start_time: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The venue's opening day of the game, as booking_svc gives it (a membership plan's: the day it fell due).
    local_date: Mapped[dt.date] = mapped_column(Date)
    price_paisa: Mapped[int] = mapped_column(BigInteger)
    # What of the price is paid online (the venue's mode when booked); the rest at the venue.
    online_paisa: Mapped[int] = mapped_column(BigInteger)
    commission_paisa: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    # Each player's share price in the order of player_ids, as booking_svc announced them (migration
    # 0005; None: equal shares).
    player_prices: Mapped[list[int] | None] = mapped_column(JSON)
    # Players who left late, in the order they left, whose paid share still pays for their place until
    # a newcomer takes it (migration 0008; None: nobody).
    held_ids: Mapped[list[str] | None] = mapped_column(JSON)
    # Leaver → the newcomer who took their place and has not paid yet: the leaver is refunded once the
    # newcomer's share is paid (migration 0009; None: nobody).
    taker_ids: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # Players or price changed while a payment was pending: the bill follows once it settles.
    rebalance_due: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set on a membership plan's bill (migration 0006): its id is booking's payment due, not a booking.
    membership_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_bookings_venue_day", "venue_id", "local_date", "id"),)


class VenuePayment(Base):
    """How a venue is paid; a venue with no row is paid at the venue."""

    __tablename__ = "venue_payments"

    venue_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20))
    deposit_percent: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Share(Base):
    """One player's part of a booking's price."""

    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    player_id: Mapped[str] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer)
    amount_paisa: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20))
    due_by: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    paid_by: Mapped[str | None] = mapped_column(String(36))
    payment_id: Mapped[str | None] = mapped_column(String(36))

    @property
    def share_state(self) -> ShareState:
        return ShareState(self.state)


class Payment(Base):
    """One attempt to pay through a wallet; `reference` is ours and unique per attempt."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    payer_id: Mapped[str] = mapped_column(String(36), index=True)
    wallet: Mapped[str] = mapped_column(String(20))
    amount_paisa: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    mobile_number: Mapped[str] = mapped_column(String(11))
    share_ids: Mapped[list[str]] = mapped_column(JSON)
    provider_reference: Mapped[str] = mapped_column(String(64), default="")
    provider_message: Mapped[str] = mapped_column(String(200), default="")
    # Paid on the provider's own page (hosted checkout), not by a charge we sent.
    hosted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The membership whose bill the attempt pays (migration 0006); None for a booking's.
    membership_id: Mapped[str | None] = mapped_column(String(36))
    # When the settlement job next asks the provider about a pending attempt.
    next_inquiry_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_payments_pending", "next_inquiry_at",
              postgresql_where=text("state = 'pending'"), sqlite_where=text("state = 'pending'")),
    )

    @property
    def payment_state(self) -> PaymentState:
        return PaymentState(self.state)


class LedgerEntry(Base):
    """An immutable record of money moving: captured, refunded, fee kept, or commission."""

    __tablename__ = "ledger_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), index=True)
    share_id: Mapped[str | None] = mapped_column(String(36))
    payment_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    amount_paisa: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = tuple(
        Index(f"ux_ledger_{kind}_once", "share_id", unique=True,
              postgresql_where=text(f"kind = '{kind}'"), sqlite_where=text(f"kind = '{kind}'"))
        for kind in (EntryKind.CAPTURED, EntryKind.REFUNDED, EntryKind.FEE))


class Refund(Base):
    """Money to give back to the wallet a share came from, until the provider confirms it."""

    __tablename__ = "refunds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    share_id: Mapped[str] = mapped_column(String(36), unique=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"))
    amount_paisa: Mapped[int] = mapped_column(BigInteger)
    fee_paisa: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    next_try_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # Counted before each call: a refund sent before (its answer perhaps lost) is looked up first.
    tries: Mapped[int] = mapped_column(Integer, default=0)
    # The provider's reference of the refund (the receipt shows it).
    provider_reference: Mapped[str] = mapped_column(String(64), default="")
    # Refused by the provider: not retried; the venue or support settles it.
    failed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    failure: Mapped[str] = mapped_column(String(200), default="")


class VenueFee(Base):
    """A fee due at the venue for a booking paid there (late cancellation, no-show); once per booking."""

    __tablename__ = "venue_fees"

    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    amount_paisa: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    collected_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    collected_by: Mapped[str | None] = mapped_column(String(36))


class Callback(Base):
    """A provider callback that counted; a second delivery of the same one is a replay."""

    __tablename__ = "callbacks"

    wallet: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    payment_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ClosedPayer(Base):
    """A payer whose account was deleted (auth's AccountDeleted; migration 0007). An attempt of theirs
    pending then keeps its wallet number while the provider may be asked about it; settling erases it."""

    __tablename__ = "closed_payers"

    payer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


# -- queries --------------------------------------------------------------------------------------

def bill_opening(session: Session, venue_id: str, booking_id: str) -> tuple[str | None, int, bool]:
    """A new booking's bill, before it is opened, in one statement of columns (no ORM loading): the
    venue's payment mode and deposit percent (None, 0: no row, paid at the venue) and whether the
    booking has a bill already."""
    mode, deposit, billed = session.execute(select(
        select(VenuePayment.mode).where(VenuePayment.venue_id == venue_id).scalar_subquery(),
        select(VenuePayment.deposit_percent).where(VenuePayment.venue_id == venue_id).scalar_subquery(),
        select(Booking.id).where(Booking.id == booking_id).exists())).one()
    return mode, deposit or 0, bool(billed)


def add_booking(session: Session, booking: Booking) -> Booking:
    """A new bill's booking, added; `booking_to_change` then finds it in the session."""
    session.add(booking)
    session.info.setdefault(_ADDED_BOOKINGS, {})[booking.id] = booking  # held: the session's own map is weak
    return booking


def booking_to_change(session: Session, booking_id: str) -> Booking | None:
    """The booking, locked until the commit. One this transaction added (its BookingCreated handled
    in the same consumer transaction as the BookingConfirmed that follows it) is locked already and
    comes from the session, with no statement."""
    added = session.info.get(_ADDED_BOOKINGS, {}).get(booking_id)
    return added if added is not None else session.get(Booking, booking_id, with_for_update=True)


_ADDED_BOOKINGS = "payment.added_bookings"  # in a session's info: the bookings its transaction added, by id


def shares_of(session: Session, booking_id: str) -> list[Share]:
    return list(session.scalars(select(Share).where(Share.booking_id == booking_id).order_by(Share.position)))


def entries_of(session: Session, booking_id: str) -> list[LedgerEntry]:
    return list(session.scalars(select(LedgerEntry).where(LedgerEntry.booking_id == booking_id)
                                .order_by(LedgerEntry.created_at, LedgerEntry.id)))


def as_entries(rows: list[LedgerEntry]) -> list[Entry]:
    return [Entry(EntryKind(row.kind), row.amount_paisa) for row in rows]


def record(session: Session, booking_id: str, kind: EntryKind, amount: int, now: dt.datetime,
           share_id: str | None = None, payment_id: str | None = None) -> None:
    """Appends one ledger entry (a capture, refund or fee of a share counts once: the database refuses a second)."""
    session.add(LedgerEntry(id=new_id(), booking_id=booking_id, share_id=share_id, payment_id=payment_id,
                            kind=kind.value, amount_paisa=amount, created_at=now))
    session.flush()


def plan_refund(session: Session, booking_id: str, share: Share, amount: int, fee: int, now: dt.datetime) -> None:
    """A refund of `amount` of a paid share, for the settlement job to send to its wallet."""
    session.add(Refund(id=new_id(), booking_id=booking_id, share_id=share.id, payment_id=share.payment_id,
                       amount_paisa=amount, fee_paisa=fee, reference=new_reference("R"), next_try_at=now,
                       created_at=now, tries=0, provider_reference="", failure=""))


def plan_payment_refund(session: Session, payment: Payment, now: dt.datetime) -> None:
    """A whole attempt to give back that paid no share (it came after the shares were settled
    otherwise); the refund's share_id is the attempt's id, as no share is refunded."""
    session.add(Refund(id=new_id(), booking_id=payment.booking_id, share_id=payment.id, payment_id=payment.id,
                       amount_paisa=payment.amount_paisa, fee_paisa=0, reference=new_reference("R"), next_try_at=now,
                       created_at=now, tries=0, provider_reference="", failure=""))


def refunding(session: Session, booking_id: str) -> set[str]:
    """The booking's shares with a refund planned or sent (a paid share goes back once)."""
    return set(session.scalars(select(Refund.share_id).where(Refund.booking_id == booking_id)))


def refunded_of_payment(session: Session, payment_id: str) -> int:
    """What of an attempt our ledger counts given back."""
    return session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_paisa), 0)).where(
        LedgerEntry.payment_id == payment_id, LedgerEntry.kind == EntryKind.REFUNDED.value))


def failed_refunds_of(session: Session, booking_id: str) -> int:
    """What of a booking's refunds the providers refused (left to the venue or support)."""
    return session.scalar(select(func.coalesce(func.sum(Refund.amount_paisa), 0)).where(
        Refund.booking_id == booking_id, Refund.failed_at.is_not(None)))


def finish_refund(session: Session, refund_id: str, now: dt.datetime, provider_reference: str) -> bool:
    """Marks a refund made; False when it was counted (or failed) already: a refund is recorded once."""
    return session.execute(update(Refund).where(Refund.id == refund_id, Refund.sent_at.is_(None),
                                                Refund.failed_at.is_(None))
                           .values(sent_at=now, provider_reference=provider_reference)
                           .execution_options(synchronize_session=False)).rowcount == 1


def fail_refund(session: Session, refund_id: str, now: dt.datetime, failure: str) -> bool:
    """Marks a refund the provider refused; False when it was settled already."""
    return session.execute(update(Refund).where(Refund.id == refund_id, Refund.sent_at.is_(None),
                                                Refund.failed_at.is_(None))
                           .values(failed_at=now, failure=failure)
                           .execution_options(synchronize_session=False)).rowcount == 1


def has_pending_payment(session: Session, booking_id: str) -> bool:
    return session.scalar(select(Payment.id).where(Payment.booking_id == booking_id,
                                                   Payment.state == PaymentState.PENDING.value).limit(1)) is not None


def payment_by_reference(session: Session, reference: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.reference == reference))


def settle(session: Session, payment: Payment, state: PaymentState, now: dt.datetime,
           was: PaymentState = PaymentState.PENDING) -> bool:
    """Moves an attempt from `was` (pending) to `state`; False when someone else settled it first
    (then nothing changes here: a capture happens once even when a callback and an inquiry race)."""
    moved = session.execute(update(Payment).where(Payment.id == payment.id, Payment.state == was.value)
                            .values(state=state.value, next_inquiry_at=None, updated_at=now)
                            .execution_options(synchronize_session=False)).rowcount
    if moved:
        # A statement of its own, after the row is locked: it sees a close that committed meanwhile.
        session.execute(update(Payment).where(Payment.id == payment.id, Payment.mobile_number != "",
                                              select(ClosedPayer).where(ClosedPayer.payer_id == Payment.payer_id)
                                              .exists())
                        .values(mobile_number="").execution_options(synchronize_session=False))
    session.refresh(payment)
    return moved == 1


def open_payment_for(session: Session, booking_id: str, share_ids: list[str]) -> Payment | None:
    """A pending attempt that already covers one of these shares."""
    pending = session.scalars(select(Payment).where(Payment.booking_id == booking_id,
                                                    Payment.state == PaymentState.PENDING.value))
    return next((p for p in pending if set(p.share_ids) & set(share_ids)), None)


def _pending_payments(now: dt.datetime):
    return select(Payment).where(Payment.state == PaymentState.PENDING.value, Payment.next_inquiry_at <= now)


def _refunds_to_send(now: dt.datetime):
    return select(Refund).where(Refund.sent_at.is_(None), Refund.failed_at.is_(None), Refund.next_try_at <= now)


def _shares_past_due(now: dt.datetime):
    return select(Share).join(Booking, Booking.id == Share.booking_id).where(
        Share.state == ShareState.DUE.value, Share.due_by <= now, Share.player_id != Booking.booker_id,
        Booking.status != "cancelled")


def pending_payments(session: Session, now: dt.datetime, limit: int = 50) -> list[Payment]:
    return list(session.scalars(_pending_payments(now).order_by(Payment.next_inquiry_at).limit(limit)))


def refunds_to_send(session: Session, now: dt.datetime, limit: int = 50) -> list[Refund]:
    return list(session.scalars(_refunds_to_send(now).order_by(Refund.next_try_at).limit(limit)))


def shares_past_due(session: Session, now: dt.datetime) -> list[Share]:
    return list(session.scalars(_shares_past_due(now).order_by(Share.booking_id, Share.position)))


def settlement_due(session: Session, now: dt.datetime) -> bool:
    """Whether the settlement job has anything to do at `now`: a pending payment to ask about, a
    refund to send or a share past its deadline. One read: the whole cost of an idle round."""
    return bool(session.scalar(select(or_(*(query.exists() for query in (
        _pending_payments(now), _refunds_to_send(now), _shares_past_due(now)))))))


def payout_page(session: Session, venue_id: str, day: dt.date, page_size: int, token: str) -> pager.Page:
    query = select(Booking).where(Booking.venue_id == venue_id, Booking.local_date == day)
    return pager.page(session, f"payouts:{venue_id}:{day.isoformat()}", query, [Booking.id], page_size, token)


def bookings_of_day(session: Session, venue_id: str, day: dt.date) -> list[Booking]:
    return list(session.scalars(select(Booking).where(Booking.venue_id == venue_id, Booking.local_date == day)))



def payments_of(session: Session, booking_id: str) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.booking_id == booking_id).order_by(Payment.created_at)))


# -- the person's data export: every row about them, whole ----------------------------------------------


def bookings_of_person(session: Session, player_id: str) -> list[Booking]:
    """The bookings the player made or holds a share of, by start."""
    shared = select(Share.booking_id).where(Share.player_id == player_id)
    return list(session.scalars(select(Booking).where((Booking.booker_id == player_id) | Booking.id.in_(shared))
                                .order_by(Booking.start_time, Booking.id)))


def payments_by(session: Session, payer_id: str) -> list[Payment]:
    return rows_of(session, Payment.payer_id, payer_id, Payment.created_at, Payment.id)


def refunds_to(session: Session, payer_id: str) -> list[Refund]:
    """The refunds of the payer's payments, oldest first."""
    return list(session.scalars(select(Refund).join(Payment, Payment.id == Refund.payment_id)
                                .where(Payment.payer_id == payer_id).order_by(Refund.created_at, Refund.id)))


def claim(session: Session, row: Payment | Refund, column: str, until: dt.datetime) -> bool:
    """Takes a pending inquiry or refund for this replica until `until` (a conditional update on the
    time it was due): a provider is asked by one replica at a time."""
    model = type(row)
    due = getattr(row, column)
    moved = session.execute(update(model).where(model.id == row.id, getattr(model, column) == due)
                            .values({column: until}).execution_options(synchronize_session=False)).rowcount
    return moved == 1


def new_reference(prefix: str) -> str:
    """Our transaction reference: unique per attempt (the column is unique too), at most 20
    characters as JazzCash's pp_TxnRefNo allows."""
    return prefix + secrets.token_hex(8).upper()


def close_payer(session: Session, payer_id: str, now: dt.datetime) -> int:
    """Records the closed account and erases its wallet numbers (the ledger and ids stay for the
    accounts). A pending attempt keeps its number for the provider's inquiry; settle erases it. The
    pending rows are written too, unchanged: on PostgreSQL this waits for a settlement racing it and
    then erases what that settled, and a settlement waiting for this sees the record."""
    if session.get(ClosedPayer, payer_id) is None:
        session.add(ClosedPayer(payer_id=payer_id, closed_at=now))
        session.flush()
    kept = case((Payment.state == PaymentState.PENDING.value, Payment.mobile_number), else_="")
    return session.execute(update(Payment).where(Payment.payer_id == payer_id, Payment.mobile_number != "")
                           .values(mobile_number=kept).execution_options(synchronize_session=False)).rowcount
