"""Memberships: an owner's plans (price, period, grace days, percent off the member's own share);
the owner records a payment (until payment_svc exists), which makes a player a member or extends
them by one period; a member sees their memberships with their state (active, grace, expired);
`member_discount` is what a booking of a member saves.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy.orm import Session

from booking_svc import domain, membership, store
from booking_svc.service import rows
from booking_svc.store import MembershipView
from mesh.caller import Caller
from mesh.db import UnitOfWork
from mesh.errors import NotFound
from mesh.pager import Page


def _live_terms(session: Session, venue_id: str, player_id: str, now: dt.datetime) -> list[tuple[int, int]]:
    """(percent off, lottery weight) of the player's memberships at the venue, active or in grace."""
    return [(p, w) for p, w, until, grace in store.member_terms(session, venue_id, player_id)
            if membership.state(until, grace, now) != membership.EXPIRED]


def member_discount(session: Session, venue_id: str, player_id: str, court_price: int, now: dt.datetime) -> int:
    """What the player saves on a court's price at the venue: the best percent off of their
    memberships there, on their own share only."""
    percent = max((p for p, _ in _live_terms(session, venue_id, player_id, now)), default=0)
    return membership.member_discount(court_price, percent)


def lottery_weight(session: Session, venue_id: str, player_id: str, now: dt.datetime) -> int:
    """How many entries the player's lottery entry at the venue counts as: 1, or more by a plan."""
    return max([1, *(w for _, w in _live_terms(session, venue_id, player_id, now))])


class Memberships:
    def __init__(self, clock: Callable[[], dt.datetime] = rows.utcnow):
        self.clock = clock

    def create_plan(self, uow: UnitOfWork, caller: Caller, venue_id: str, name: str, price_paisa: int, period: str,
                    grace_days: int, percent_off: int, lottery_weight: int = 1) -> store.MembershipPlan:
        with uow.session() as session:
            domain.check_may_manage(caller, rows.venue(session, venue_id).owner_id)
            plan = store.MembershipPlan(id=rows.new_id(), venue_id=venue_id, name=name, price_paisa=price_paisa,
                                        period=period, grace_days=grace_days, percent_off=percent_off,
                                        lottery_weight=max(1, lottery_weight), created_at=self.clock())
            session.add(plan)
            session.flush()
            return plan

    def record_payment(self, uow: UnitOfWork, caller: Caller, venue_id: str, plan_id: str,
                       player_id: str) -> MembershipView:
        now = self.clock()
        with uow.session() as session:
            domain.check_may_manage(caller, rows.venue(session, venue_id).owner_id)
            plan = session.get(store.MembershipPlan, plan_id)
            if plan is None or plan.venue_id != venue_id:
                raise NotFound(f"no membership plan {plan_id} at this venue")
            member = store.membership_of(session, plan.id, player_id)
            if member is None:
                member = store.Membership(id=rows.new_id(), plan_id=plan.id, venue_id=venue_id, player_id=player_id,
                                          paid_until=None, created_at=now)
                session.add(member)
            member.paid_until = membership.paid_until(member.paid_until, plan.period, now)
            session.flush()
            return MembershipView(member, plan, membership.state(member.paid_until, plan.grace_days, now))

    def list_mine(self, uow: UnitOfWork, caller: Caller, page_size: int, page_token: str) -> Page[MembershipView]:
        now = self.clock()
        with uow.session(read_only=True) as session:
            found = store.memberships_page(session, caller.user_id, page_size, page_token)
            views = []
            for member in found.items:
                plan = session.get(store.MembershipPlan, member.plan_id)
                views.append(MembershipView(member, plan, membership.state(member.paid_until, plan.grace_days, now)))
            return Page(views, found.next_page_token)
