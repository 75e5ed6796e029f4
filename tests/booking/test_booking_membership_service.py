"""Memberships' benefits, members-only hours and renewal reminders through the use cases, on a real
database (SQLite and PostgreSQL) with a clock the test moves."""

import datetime as dt

import pytest
from booking_svc.jobs import BookingJob
from booking_svc.service.memberships import Memberships
from booking_testkit import Clock, Desk, local_day, local_dt, outbox_messages, someone
from mesh.errors import FailedPrecondition, InvalidArgument
from padel_testkit import executed

HOUR = 600_000  # the venue's court-hour: PKR 6,000, a player's quarter PKR 1,500


def membership_events(database, player_id: str) -> list[tuple[str, str]]:
    """(event name, membership state) of the membership events about `player_id`, oldest first."""
    return [(name, message.membership.state) for name, message in outbox_messages(database, "Membership")
            if name in ("MembershipPaid", "MembershipRenewalDue", "MembershipExpired")
            and message.membership.player_id == player_id]


class Club:
    """A venue (2 bookings a day, 14 days ahead, free cancelling until 24 h before) with a plan whose
    benefits the test chooses, and one member of it."""

    def __init__(self, database, **benefits):
        self.clock = Clock()
        self.desk = Desk(database, self.clock)
        self.memberships = Memberships(self.clock, notice=dt.timedelta(days=7))
        self.venue = self.desk.venue(name="Members Club", base_hourly_price_paisa=HOUR,
                                     member_hours=benefits.pop("member_hours", []))
        self.owner = someone("venue_owner", user_id=self.venue.venue.owner_id)
        self.court = self.venue.courts[0].id
        self.plan = self.memberships.create_plan(database, self.owner, self.venue.venue.id, "Gold", 500_000,
                                                 "monthly", 7, benefits.pop("percent_off", 0), benefits=benefits)
        self.member, self.guest = someone("player"), someone("player")
        self.paid = self.memberships.record_payment(database, self.owner, self.venue.venue.id, self.plan.id,
                                                    self.member.user_id)

    def book(self, who, day: dt.date, clock: str, participants=()):
        start = local_dt(day, clock).astimezone(dt.timezone.utc)
        return self.desk.bookings.book(self.desk.db, who, self.court, start, 60, list(participants), "",
                                       f"{who.user_id}-{start.isoformat()}").booking


def test_a_member_price_rule_by_day_and_time_lowers_only_the_members_share(database):
    day = local_day(3)
    club = Club(database, price_rules=[
        {"court_id": None, "weekdays": [day.isoweekday()], "start": "08:00", "end": "12:00",
         "amount_off_paisa": 50_000, "percent_off": 0}], percent_off=10)
    morning = club.book(club.member, day, "09:00")
    evening = club.book(club.member, day, "18:00")
    guests = club.book(club.guest, day, "10:00")
    # In the window PKR 500 off the member's own quarter; outside it the plan's 10 % (PKR 150).
    assert (morning.price_paisa, evening.price_paisa, guests.price_paisa) == (HOUR - 50_000, HOUR - 15_000, HOUR)
    assert morning.player_prices == [[club.member.user_id, HOUR - 50_000]]
    assert morning.court_price_paisa == HOUR


def test_a_booking_reads_memberships_only_of_a_player_who_holds_one_at_that_venue(database):
    """The booking's first look says whether the booker holds any membership of the venue: a member
    there has theirs read and priced; elsewhere the same member, and a guest, have none read."""
    club = Club(database, percent_off=10)
    elsewhere = club.desk.venue(name="Elsewhere", base_hourly_price_paisa=HOUR).courts[0].id

    def book(who, court, clock):
        start, made = local_dt(local_day(3), clock).astimezone(dt.timezone.utc), []
        sent = executed(database, lambda: made.append(club.desk.bookings.book(
            database, who, court, start, 60, [], "", f"{who.user_id}-{court}").booking))
        return made[0].price_paisa, len([s for s in sent if "FROM memberships" in s and "EXISTS" not in s])

    assert book(club.member, club.court, "10:00") == (HOUR - 15_000, 1)  # 10 % off their quarter
    assert book(club.member, elsewhere, "10:00") == (HOUR, 0)
    assert book(club.guest, club.court, "11:00") == (HOUR, 0)


def test_a_plan_gives_booking_further_ahead_more_bookings_a_day_and_free_cancelling_until_later(database):
    club = Club(database, extra_horizon_days=7, extra_bookings_per_day=1, free_until_hours=2)
    far = local_day(18)
    for who, shown in ((club.member, True), (club.guest, False), (None, False)):
        _venue, courts, _access = club.desk.availability.slots_for(database, club.venue.venue.id, far, 60,
                                                                   caller_id=who and who.user_id)
        assert bool(courts[0][1]) is shown
    assert club.book(club.member, far, "10:00").status == "confirmed"
    with pytest.raises(InvalidArgument, match="bookings open 14 days ahead"):
        club.book(club.guest, far, "11:00")
    day = local_day(1)
    for clock in ("09:00", "10:00", "11:00"):  # the venue allows 2 a day; the plan one more
        club.book(club.member, day, clock)
    for clock in ("12:00", "13:00"):
        club.book(club.guest, day, clock)
    with pytest.raises(FailedPrecondition, match="you already hold 2 bookings"):
        club.book(club.guest, day, "14:00")
    game = club.book(club.member, local_day(2), "20:00")
    club.clock.now = local_dt(local_day(2), "12:00").astimezone(dt.timezone.utc)  # 8 hours before
    preview = club.desk.bookings.cancellation_preview(database, club.member, game.id)
    assert preview.fee_paisa == 0 and "free" in preview.note


def test_members_only_hours_refuse_a_non_member_until_they_open_to_everyone_and_accept_a_member(database):
    day = local_day(3)
    club = Club(database, member_hours=[{"court_id": None, "weekdays": [], "start": "18:00", "end": "21:00",
                                         "opens_to_all_minutes": 24 * 60}])
    _venue, courts, access = club.desk.availability.slots_for(database, club.venue.venue.id, day, 60,
                                                              caller_id=club.guest.user_id)
    evening = local_dt(day, "19:00").astimezone(dt.timezone.utc)
    opens = evening - dt.timedelta(days=1)
    assert access[(club.court, evening)] == (opens, True)
    assert (club.court, local_dt(day, "17:00").astimezone(dt.timezone.utc)) not in access
    *_, for_member = club.desk.availability.slots_for(database, club.venue.venue.id, day, 60,
                                                      caller_id=club.member.user_id)
    assert for_member[(club.court, evening)] == (opens, False)

    with pytest.raises(FailedPrecondition, match="for the venue's members until") as refused:
        club.book(club.guest, day, "19:00")
    assert refused.value.reason == "MEMBERS_ONLY"
    assert club.book(club.member, day, "19:00").status == "confirmed"
    assert club.book(club.guest, day, "17:00").status == "confirmed"  # outside the window
    later = local_dt(day, "20:00").astimezone(dt.timezone.utc)
    club.clock.now = later - dt.timedelta(days=1)  # a day before its start, 20:00 opens to everyone
    assert club.book(club.guest, day, "20:00").status == "confirmed"


def test_the_job_reminds_a_member_to_renew_before_the_end_and_in_grace_then_tells_the_expiry_once(database):
    club = Club(database)
    job = BookingJob(club.desk.bookings, database, interval_seconds=60, memberships=club.memberships)
    until = club.paid.membership.paid_until
    member = club.member.user_id
    assert membership_events(database, member) == [("MembershipPaid", "active")]

    club.clock.now = until - dt.timedelta(days=8)
    job.run_once()
    assert len(membership_events(database, member)) == 1  # not yet
    club.clock.now = until - dt.timedelta(days=6)
    job.run_once()
    job.run_once()  # once per period
    club.clock.now = until + dt.timedelta(days=1)
    job.run_once()
    club.clock.now = until + dt.timedelta(days=7, hours=1)
    job.run_once()
    job.run_once()
    assert membership_events(database, member) == [
        ("MembershipPaid", "active"), ("MembershipRenewalDue", "active"), ("MembershipRenewalDue", "grace"),
        ("MembershipExpired", "expired")]

    # Paid again: a new period, reminded again before its end.
    renewed = club.memberships.record_payment(database, club.owner, club.venue.venue.id, club.plan.id, member)
    club.clock.now = renewed.membership.paid_until - dt.timedelta(days=1)
    job.run_once()
    assert membership_events(database, member)[-2:] == [("MembershipPaid", "active"),
                                                        ("MembershipRenewalDue", "active")]


def test_a_member_of_a_free_plan_is_not_asked_to_renew_what_only_the_owner_can_and_hears_of_the_expiry(database):
    """A free plan is given by the owner at the desk (joining it online is refused), so its member
    gets no renewal reminder they could not act on; they are still told when it expired."""
    club = Club(database)
    coach = club.memberships.create_plan(database, club.owner, club.venue.venue.id, "Coaches", 0, "monthly", 7, 0)
    given = club.memberships.record_payment(database, club.owner, club.venue.venue.id, coach.id, club.guest.user_id)
    with pytest.raises(FailedPrecondition, match="free"):
        club.memberships.join(database, club.guest, club.venue.venue.id, coach.id)
    job = BookingJob(club.desk.bookings, database, interval_seconds=60, memberships=club.memberships)
    until = given.membership.paid_until
    for moment in (until - dt.timedelta(days=6), until + dt.timedelta(days=1), until + dt.timedelta(days=7, hours=1)):
        club.clock.now = moment
        job.run_once()
    assert membership_events(database, club.guest.user_id) == [("MembershipPaid", "active"),
                                                               ("MembershipExpired", "expired")]


def test_one_renewal_pass_reminds_every_member_due_batch_by_batch(database):
    club = Club(database)
    club.memberships.batch = 2  # five members due, in three batches of one pass
    others = [someone("player").user_id for _ in range(4)]
    for other in others:
        club.memberships.record_payment(database, club.owner, club.venue.venue.id, club.plan.id, other)
    job = BookingJob(club.desk.bookings, database, interval_seconds=60, memberships=club.memberships)
    club.clock.now = club.paid.membership.paid_until - dt.timedelta(days=6)

    job.run_once()
    for member in [club.member.user_id, *others]:
        assert membership_events(database, member) == [("MembershipPaid", "active"), ("MembershipRenewalDue", "active")]
    assert club.memberships.remind_renewals(database) == 0  # once per period: the next pass owes nothing


def test_the_owner_lists_the_venues_members_with_plan_state_and_pages(database):
    club = Club(database)
    others = [someone("player") for _ in range(2)]
    for other in others:
        club.memberships.record_payment(database, club.owner, club.venue.venue.id, club.plan.id, other.user_id)
    first = club.memberships.list_venue_members(database, club.owner, club.venue.venue.id, 2, "")
    rest = club.memberships.list_venue_members(database, club.owner, club.venue.venue.id, 2, first.next_page_token)
    listed = [v.membership.player_id for v in [*first.items, *rest.items]]
    assert sorted(listed) == sorted([club.member.user_id, *(o.user_id for o in others)])
    assert len(first.items) == 2 and not rest.next_page_token
    assert {(v.plan.name, v.state) for v in first.items} == {("Gold", "active")}
    with pytest.raises(Exception, match="only the venue's owner"):
        club.memberships.list_venue_members(database, club.member, club.venue.venue.id, 2, "")
