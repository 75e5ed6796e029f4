"""Memberships: an owner's plans (price, period, grace days, and what members get: a price off their
own share — by court, day and time or across the board —, booking further ahead, more bookings a
day, free cancelling until later); a player joins or renews a plan to pay it online (a
`MembershipDue`, payment_svc's bill of the same id: MembershipPaymentDue) or the owner records a
payment at the desk; either makes a player a member or extends them by one period (MembershipPaid),
once per due (a second payment of it goes back: MembershipPaymentWithdrawn); a member sees their
memberships and the owner the venue's members, each with its state (active, grace, expired); the
job reminds members to renew (MembershipRenewalDue) and tells them when it expired
(MembershipExpired); a plan its owner retires is told to its members, not renewed any more
(MembershipPlanRetired). `benefits_of` is what bookings and availability ask of a player's memberships.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Sequence

from sqlalchemy import exc
from sqlalchemy.orm import Session

from booking_svc import domain, events, membership, store
from booking_svc.service import rows
from booking_svc.store import MembershipView
from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, new_id
from mesh.errors import FailedPrecondition, NotFound
from mesh.pager import Page


def plan_terms(plan: store.MembershipPlan) -> membership.PlanTerms:
    prices = tuple(membership.MemberPrice(
        r["court_id"], frozenset(r["weekdays"]), domain.parse_hhmm(r["start"], "plan.price_rules.start"),
        domain.parse_hhmm(r["end"], "plan.price_rules.end"), r["amount_off_paisa"], r["percent_off"])
        for r in plan.price_rules)
    return membership.PlanTerms(plan.percent_off, prices, max(1, plan.lottery_weight), plan.extra_horizon_days,
                                plan.extra_bookings_per_day, plan.free_until_hours)


_BENEFITS = "member_benefits"  # in a session's info: (venue id, player id) → Benefits, read in its transaction


def benefits_of_players(session: Session, venue_id: str, player_ids: Sequence[str],
                        now: dt.datetime) -> dict[str, membership.Benefits]:
    """Each player's benefits at the venue from their live memberships (active or in grace): read once
    per transaction (a booking checks the booker's, then prices every player's share), in one query."""
    known = session.info.setdefault(_BENEFITS, {})
    missing = [p for p in dict.fromkeys(player_ids) if (venue_id, p) not in known]
    if missing:
        plans: dict[str, list[membership.PlanTerms]] = {p: [] for p in missing}
        for player_id, plan, until in store.member_plans(session, venue_id, missing):
            if membership.state(until, plan.grace_days, now) != membership.EXPIRED:
                plans[player_id].append(plan_terms(plan))
        known.update({(venue_id, p): membership.Benefits(tuple(terms)) for p, terms in plans.items()})
    return {p: known[(venue_id, p)] for p in player_ids}


def holds_no_membership(session: Session, venue_id: str, player_id: str) -> None:
    """The player holds no membership of the venue, as the transaction already read (a booking's first
    look): their benefits there are none, with no query of their memberships."""
    session.info.setdefault(_BENEFITS, {})[(venue_id, player_id)] = membership.Benefits()


def benefits_of(session: Session, venue_id: str, player_id: str | None, now: dt.datetime) -> membership.Benefits:
    """What the player's memberships at the venue give them now (nothing for nobody signed in)."""
    if not player_id:
        return membership.Benefits()
    return benefits_of_players(session, venue_id, [player_id], now)[player_id]


def lottery_weight(session: Session, venue_id: str, player_id: str, now: dt.datetime) -> int:
    """How many entries the player's lottery entry at the venue counts as: 1, or more by a plan."""
    return benefits_of(session, venue_id, player_id, now).lottery_weight


def player_prices(session: Session, venue: store.Venue, court_id: str, start: dt.datetime, court_price: int,
                  player_ids: Sequence[str], now: dt.datetime) -> list[tuple[str, int]]:
    """Each player's share of a game (the booker first), a member's own share at their member price."""
    benefits = benefits_of_players(session, venue.id, player_ids, now)
    local_start = start.astimezone(domain.ZoneInfo(venue.time_zone))
    discounts = [benefits[p].discount(court_price, court_id, local_start) for p in player_ids]
    return list(zip(player_ids, membership.share_prices(court_price, discounts)))


def view_of(session: Session, member: store.Membership, now: dt.datetime,
            plan: store.MembershipPlan | None = None) -> MembershipView:
    plan = plan or session.get(store.MembershipPlan, member.plan_id)
    due = store.open_due(session, member.plan_id, member.player_id, lock=False)  # only its id is shown
    return MembershipView(member, plan, membership.state(member.paid_until, plan.grace_days, now),
                          bill_id=due.id if due else "")


def venue_plan(session: Session, venue_id: str, plan_id: str, lock: bool | dict[str, bool] = True) -> store.MembershipPlan:
    """The venue's plan, its row locked (on PostgreSQL; SQLite's one writer at a time serializes
    anyway): for update by default, shared by those that add to it (`offered_plan`), so a payment or
    a join and the plan's retirement come one after the other (the retirement then tells the member,
    or the payment finds the plan retired), while joins do not wait for each other."""
    plan = session.get(store.MembershipPlan, plan_id, with_for_update=lock)
    if plan is None or plan.venue_id != venue_id:
        raise NotFound(f"no membership plan {plan_id} at this venue")
    return plan


def offered_plan(session: Session, venue_id: str, plan_id: str) -> store.MembershipPlan:
    """A plan players may join or renew (not retired)."""
    plan = venue_plan(session, venue_id, plan_id, lock={"read": True})
    if plan.retired_at is not None:
        raise FailedPrecondition(f"membership plan {plan.name!r} is retired: nobody joins or renews it")
    return plan


def withdraw(session: Session, due: store.MembershipDue, now: dt.datetime) -> None:
    """The due no longer stands (one paid online too: the owner ended the membership before its
    period began): payment_svc voids its bill and gives back whatever it took. One paid at the desk
    stays paid; money that came online for it all the same goes back."""
    if due.state == membership.DUE or due.payment_id:
        due.state, due.settled_at = membership.WITHDRAWN, now
    events.membership_payment_withdrawn(session, due)


def lapsed(due: store.MembershipDue, member: store.Membership | None, plan: store.MembershipPlan,
           now: dt.datetime) -> bool:
    """A renewal's payment whose membership expired since it was opened (see `membership.lapsed`)."""
    return member is not None and membership.lapsed(due.created_at, member.paid_until, plan.grace_days, now)


def standing_due(session: Session, plan: store.MembershipPlan, player_id: str, member: store.Membership | None,
                 now: dt.datetime) -> store.MembershipDue | None:
    """The player's open due of the plan, unless its membership expired since it was opened (paying it
    would restart the membership from that day) or the owner changed the plan's price since (the player
    would be asked the old one): that one is withdrawn (its bill voided)."""
    due = store.open_due(session, plan.id, player_id)
    if due is not None and (lapsed(due, member, plan, now) or due.amount_paisa != plan.price_paisa):
        withdraw(session, due, now)
        session.flush()
        return None
    return due


class Memberships:
    """`batch` is how many memberships the renewal pass takes (and locks) in one transaction."""

    def __init__(self, clock: Callable[[], dt.datetime] = utcnow, notice: dt.timedelta = dt.timedelta(days=7),
                 batch: int = 200, commission_percent: int = 0):
        self.clock = clock
        self.notice = notice
        self.batch = batch
        # The platform's share of a plan paid online, as of a booking's price.
        self.commission_percent = commission_percent

    def create_plan(self, uow: UnitOfWork, caller: Caller, venue_id: str, name: str, price_paisa: int, period: str,
                    grace_days: int, percent_off: int, lottery_weight: int = 1,
                    benefits: dict[str, Any] | None = None) -> store.MembershipPlan:
        """A plan; `benefits` are its price_rules, extra_horizon_days, extra_bookings_per_day and
        free_until_hours (checked by `convert.plan_benefits`)."""
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            benefits = benefits or {}
            rows.check_window_courts([c.id for c in store.courts_of(session, venue.id)],
                                     benefits.get("price_rules", []), "plan.price_rules")
            plan = store.MembershipPlan(id=new_id(), venue_id=venue_id, name=name, price_paisa=price_paisa,
                                        period=period, grace_days=grace_days, percent_off=percent_off,
                                        lottery_weight=max(1, lottery_weight), created_at=self.clock(), **benefits)
            session.add(plan)
            session.flush()
            return plan

    def list_plans(self, uow: UnitOfWork, venue_id: str) -> list[store.MembershipPlan]:
        """The plans the venue offers, for anyone choosing one."""
        with uow.session(read_only=True) as session:
            return store.offered_plans(session, rows.venue(session, venue_id).id)

    def update_plan(self, uow: UnitOfWork, caller: Caller, venue_id: str, plan_id: str,
                    columns: dict[str, Any]) -> store.MembershipPlan:
        """The owner changes a plan's price or benefits: members get the benefits at once (they are
        read from the plan), the price from their next payment (one still open at the old price is
        withdrawn when the player joins or is reminded again: `standing_due`)."""
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            plan = venue_plan(session, venue_id, plan_id)
            rows.check_window_courts([c.id for c in store.courts_of(session, venue.id)],
                                     columns.get("price_rules", []), "plan.price_rules")
            for name, value in columns.items():
                setattr(plan, name, value)
            session.flush()
            return plan

    def retire_plan(self, uow: UnitOfWork, caller: Caller, venue_id: str, plan_id: str) -> store.MembershipPlan:
        """The owner stops offering the plan; its memberships run to the end of their paid period and
        grace days. Nobody joins or renews it any more: its payments still due are withdrawn (payment_svc
        voids their bills). Each current member is told (MembershipPlanRetired), once: a second retire
        changes nothing."""
        now = self.clock()
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            plan = venue_plan(session, venue_id, plan_id)
            if plan.retired_at is None:
                plan.retired_at = now
                renewing = set()
                for due in store.open_dues_of_plan(session, plan.id):
                    withdraw(session, due, now)
                    renewing.add(due.player_id)
                for member in store.current_members(session, plan, now):
                    view = MembershipView(member, plan, membership.state(member.paid_until, plan.grace_days, now))
                    events.membership_plan_retired(session, view, venue, member.player_id in renewing)
            session.flush()
            return plan

    def join(self, uow: UnitOfWork, caller: Caller, venue_id: str, plan_id: str) -> store.MembershipDue:
        """The caller joins the plan, or renews it, to pay online: a due of the plan's price, whose
        bill payment_svc opens (MembershipPaymentDue). Asked again while unpaid: the same due (a new one if the plan's price changed since)."""
        now = self.clock()
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            plan = offered_plan(session, venue_id, plan_id)
            if not plan.price_paisa:
                raise FailedPrecondition(f"membership plan {plan.name!r} is free: the venue's owner records it",
                                         reason="PLAN_FREE")
            return self._open_due(session, venue, plan, caller.user_id, now)

    def _open_due(self, session: Session, venue: store.Venue, plan: store.MembershipPlan, player_id: str,
                  now: dt.datetime) -> store.MembershipDue:
        """The player's payment of the plan still due, or a new one announced to payment_svc. Two
        asking at once: the database keeps one open due (`ux_membership_dues_open`), the loser reads
        the winner's. A renewal left open past the membership's grace days is withdrawn first (the
        reminder job's expiry does so too): joining again is a new payment."""
        member = store.membership_of(session, plan.id, player_id)
        due = standing_due(session, plan, player_id, member, now)
        if due is not None:
            return due
        due = store.MembershipDue(id=new_id(), membership_id=member.id if member else new_id(),
                                  plan_id=plan.id, venue_id=venue.id, player_id=player_id,
                                  amount_paisa=plan.price_paisa, state=membership.DUE, created_at=now)
        try:
            with session.begin_nested():
                session.add(due)
        except exc.IntegrityError:
            first = store.open_due(session, plan.id, player_id)
            if first is None:
                raise
            return first
        events.membership_payment_due(session, due, plan, venue,
                                      domain.percent_of(due.amount_paisa, self.commission_percent))
        return due

    @staticmethod
    def payment_of(uow: UnitOfWork, caller: Caller, bill_id: str) -> tuple[store.MembershipDue, store.MembershipPlan,
                                                                             store.Venue]:
        """A payment due as its player sees it, with its plan and venue (the pay page names them);
        nobody else's (NotFound, as for one that does not exist)."""
        with uow.session(read_only=True) as session:
            due = session.get(store.MembershipDue, bill_id)
            if due is None or due.player_id != caller.user_id:
                raise NotFound(f"no membership payment {bill_id} of yours")
            return due, session.get(store.MembershipPlan, due.plan_id), session.get(store.Venue, due.venue_id)

    def paid_online(self, uow: UnitOfWork, bill_id: str, payment_id: str) -> None:
        """payment_svc captured the due's bill (PaymentCaptured): the membership starts or runs one
        period longer, once. The same capture again changes nothing; a due paid at the desk or
        withdrawn meanwhile is withdrawn again, so payment_svc gives that money back."""
        now = self.clock()
        with uow.session() as session:
            due = session.get(store.MembershipDue, bill_id, with_for_update=True)
            if due is None or due.payment_id == payment_id:
                return
            plan = session.get(store.MembershipPlan, due.plan_id)
            # A renewal paid after the membership expired (before the job withdrew it) goes back too.
            if due.state != membership.DUE or lapsed(due, store.membership_of(session, plan.id, due.player_id),
                                                     plan, now):
                withdraw(session, due, now)
                return
            due.payment_id = payment_id
            self._extend(session, session.get(store.Venue, due.venue_id), plan, due.player_id, now, due)

    def record_payment(self, uow: UnitOfWork, caller: Caller, venue_id: str, plan_id: str,
                       player_id: str) -> MembershipView:
        """The owner marks the plan paid at the desk (or gives it by hand): a new member, or one more
        period. An online payment of it still due is settled by this one: its bill is withdrawn."""
        now = self.clock()
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            plan = offered_plan(session, venue_id, plan_id)
            due = store.open_due(session, plan.id, player_id)
            if due is not None:
                withdraw(session, due, now)
            return self._extend(session, venue, plan, player_id, now, due)

    @staticmethod
    def _extend(session: Session, venue: store.Venue, plan: store.MembershipPlan, player_id: str,
                now: dt.datetime, due: store.MembershipDue | None) -> MembershipView:
        """One period more (from the end of a running membership, else from now) and the member told:
        the one way a payment, online or at the desk, counts."""
        member = store.membership_of(session, plan.id, player_id)
        renewed = member is not None
        if member is None:
            member = store.Membership(id=due.membership_id if due else new_id(), plan_id=plan.id,
                                      venue_id=venue.id, player_id=player_id, paid_until=None, created_at=now)
            session.add(member)
        if due is not None:
            due.state, due.settled_at = membership.PAID, now
            due.period_start = membership.period_start(member.paid_until, now)
        member.paid_until = membership.paid_until(member.paid_until, plan.period, now)
        session.flush()
        view = view_of(session, member, now, plan)
        events.membership_paid(session, view, venue, renewed)
        return view

    def end_membership(self, uow: UnitOfWork, caller: Caller, venue_id: str, membership_id: str) -> MembershipView:
        """The owner ends a membership now: its paid period and grace days end at once, the reminder
        job has nothing more to send for it, and the member is told."""
        now = self.clock()
        with uow.session() as session:
            venue = rows.venue(session, venue_id)
            domain.check_may_manage(caller, venue.owner_id)
            member = session.get(store.Membership, membership_id, with_for_update=True)
            if member is None or member.venue_id != venue_id:
                raise NotFound(f"no membership {membership_id} at this venue")
            view = view_of(session, member, now)
            if view.state == membership.EXPIRED:
                return view
            member.paid_until = now - dt.timedelta(days=view.plan.grace_days)
            member.due_reminded_for = member.grace_reminded_for = member.expiry_told_for = member.paid_until
            # What is still due is not asked for any more, and a period paid online that has not
            # started goes back whole (the period under way is the owner's to settle, as at the desk).
            for due in store.dues_of_membership(session, member.id):
                if due.state == membership.DUE or (due.state == membership.PAID and due.payment_id
                                                   and due.period_start > now):
                    withdraw(session, due, now)
            session.flush()
            view = view_of(session, member, now, view.plan)
            events.membership_expired(session, view, venue)
            return view

    def close_account(self, uow: UnitOfWork, user_id: str) -> None:
        """auth's AccountDeleted: the person's plan payments still due are withdrawn (their bills void,
        as a closed account's bookings are cancelled); paid memberships stay for the venue's history."""
        now = self.clock()
        with uow.session() as session:
            for due in store.open_dues_of(session, user_id):
                withdraw(session, due, now)

    def list_mine(self, uow: UnitOfWork, caller: Caller, page_size: int, page_token: str) -> Page[MembershipView]:
        now = self.clock()
        with uow.session(read_only=True) as session:
            found = store.memberships_page(session, caller.user_id, page_size, page_token)
            return Page([view_of(session, m, now) for m in found.items], found.next_page_token)

    def list_venue_members(self, uow: UnitOfWork, caller: Caller, venue_id: str, page_size: int,
                           page_token: str) -> Page[MembershipView]:
        """The venue's members (the owner or an admin), newest first, with plan, state and name."""
        now = self.clock()
        with uow.session(read_only=True) as session:
            domain.check_may_manage(caller, rows.venue(session, venue_id).owner_id)
            found = store.venue_memberships_page(session, venue_id, page_size, page_token)
            known = {p.id: p for p in store.players_of(session, list({m.player_id for m in found.items}))}
            views = [dataclasses.replace(view_of(session, m, now), player=known.get(m.player_id))
                     for m in found.items]
            return Page(views, found.next_page_token)

    def remind_renewals(self, uow: UnitOfWork) -> int:
        """The job's work: each membership owed a message now gets it once per paid period —
        MembershipRenewalDue `notice` before its period ends and again when its grace days begin,
        MembershipExpired when they ran out. One pass goes through every such membership, a batch
        per transaction (in the order of their period's end), until none is left. A reminder (of a paid
        plan still offered: no other is reminded) opens the renewal's payment (its bill_id: notify's pay link), as
        JoinMembershipPlan would; the expiry withdraws it if still unpaid."""
        now = self.clock()
        sent, after = 0, None
        while True:
            with uow.session() as session:
                taken = store.memberships_to_remind(session, now, self.notice, self.batch, after)
                for member, plan in taken:
                    sent += self._remind(session, member, plan, now)
                if len(taken) < self.batch:
                    return sent
                after = (taken[-1][0].paid_until, taken[-1][0].id)

    def _remind(self, session: Session, member: store.Membership, plan: store.MembershipPlan,
                now: dt.datetime) -> int:
        """Sends the message the membership is owed now, if any (1 when sent)."""
        due = membership.reminder_due(member.paid_until, plan.grace_days, self.notice, now,
                                      member.due_reminded_for, member.grace_reminded_for, member.expiry_told_for)
        if due is None or (due != "expired" and (not plan.price_paisa or plan.retired_at is not None)):
            # A free plan is renewed by the owner only, a retired one by nobody (joining either is
            # refused): no reminder to act on, only the expiry.
            return 0
        venue = session.get(store.Venue, member.venue_id)
        if due == "expired":  # the renewal left unpaid is withdrawn: the player joins again to come back
            standing_due(session, plan, member.player_id, member, now)
        else:
            self._open_due(session, venue, plan, member.player_id, now)
        view = view_of(session, member, now, plan)
        if due == "expired":
            member.expiry_told_for = member.paid_until
            events.membership_expired(session, view, venue)
        else:
            if due == "due":
                member.due_reminded_for = member.paid_until
            else:  # in grace: the "due" reminder is not sent any more for this period
                member.grace_reminded_for = member.due_reminded_for = member.paid_until
            events.membership_renewal_due(session, view, venue)
        return 1
