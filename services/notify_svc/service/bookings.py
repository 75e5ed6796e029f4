"""What players hear about bookings, and their reminders.

The player who booked hears about every step of their booking; the venue's owner hears of a new
booking (pending their confirmation, or confirmed at once), a move, a cancellation or a run-out
hold, and a no-show, each with the player's name and phone (never twice when they booked it, never
of their own move, cancellation or no-show mark). Invited players (the booking's
participant_ids) hear about it once it is confirmed: an invitation, then a move, a cancellation or
being taken off the list; everybody gets a reminder, `reminder_lead` before play. A booking's
reminder rows are also notify's record of whom it has told, so a repeated confirmation invites
nobody twice. A court held for an open match (match_id) is no booking to tell of until the match
books it (confirmed): then the organiser, the owner and the seated players hear of it as of any.

Every booking email carries the booking's calendar entry (.ics): added with the confirmation or the
invitation (or a lottery's win), updated with a move, removed with a cancellation or a withdrawal
(`notify_svc.calendar`).
The same entries make up each player's calendar feed (`service.calendars`).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Sequence

from sqlalchemy.orm import Session

from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.settings import DEFAULT_TIME_ZONE
from notify_svc import calendar, domain, store
from notify_svc.domain import Booking, Money, local_text
from notify_svc.service.deliveries import Attachment, Deliveries


class Bookings:
    def __init__(self, deliveries: Deliveries, *, reminder_lead: dt.timedelta = dt.timedelta(hours=2),
                 organizer: str = "", clock: Callable[[], dt.datetime] = utcnow):
        self.deliveries = deliveries
        self.reminder_lead = reminder_lead
        self.organizer = organizer  # the email address calendar entries name as their organizer
        self.clock = clock

    # use cases

    def created(self, uow: UnitOfWork, booking: Booking, in_series: bool = False, booked_by: str = "",
                lottery_won: bool = False) -> None:
        """A new booking. One waiting for the venue's confirmation: the player hears it was received.
        One confirmed at once: nothing here, since booking_svc publishes BookingConfirmed with it and
        the player hears one "Booking confirmed", not "received" and "confirmed" (issue 12). The hold
        of a waitlist offer is no booking yet: the player hears of the offer (WaitlistOffered); nor is
        a court held for an open match (told once the match books it); a game of a series is told
        with its series (SeriesBooked). The venue's owner who booked it for a customer (`booked_by`) is
        not told of their own booking; the winner of a lottery hears of their win (LotteryDrawn)."""
        if booking.waitlist_offer_id or booking.match_id or in_series:
            return
        with uow.session() as session:
            self._announce(session, booking, booked_by, tell_player=not lottery_won)

    def confirmed(self, uow: UnitOfWork, booking: Booking, in_series: bool = False, lottery_won: bool = False) -> None:
        """Confirmed (at once or by the venue): the player hears it (of a game booked with its series,
        SeriesBooked tells; of a lottery's win confirmed at once, LotteryDrawn), the invited players
        are invited. A court held for an open match is a booking only now, when the match books it:
        its owner hears of it as a new booking."""
        with uow.session() as session:
            reminders = store.reminders_of(session, booking.booking_id)  # before anything is added: one flush
            # The player's calendar entry (a series' game: in the feed; a lottery's win: its message adds it).
            entry = None if lottery_won else self._entry(session, booking, booking.player_id)
            if not (in_series or lottery_won):
                self._tell_player(session, "booking_confirmed", booking, calendar=entry)
            if booking.match_id:
                self._tell_owner(session, "venue_booking_new", booking)
            self._keep_players_posted(session, booking, reminders, previous_start_time=None)

    def lottery_drawn(self, uow: UnitOfWork, won: Booking, waiting_ids: list[str]) -> None:
        """The winner hears the slot is theirs: booked, with its calendar entry, or (at a venue that
        confirms by hand) awaiting the venue's confirmation, whose message adds the entry; each other
        entrant hears their place in the slot's waitlist."""
        slot = {k: v for k, v in won.variables().items() if k in ("venue_name", "court_name", "date", "start_time",
                                                                  "end_time")}
        with uow.session() as session:
            entry = self._entry(session, won, won.player_id) if won.confirmed else None
            self._tell_player(session, "lottery_won", won, {"pending": "" if won.confirmed else "yes"},
                              calendar=entry)
            for place, player_id in enumerate(waiting_ids, start=1):
                self.deliveries.queue(session, player_id, "lottery_lost", {**slot, "place": str(place)})

    def moved(self, uow: UnitOfWork, booking: Booking, previous_start: dt.datetime | None, *,
              moved_by: str = "") -> None:
        """A new court or time (the event carries the list of players as it is now); the owner hears
        unless they moved it themselves."""
        previous = {"previous_start_time": local_text(previous_start, booking.time_zone)["stamp"]
                    if previous_start else ""}
        with uow.session() as session:
            reminders = store.reminders_of(session, booking.booking_id) if booking.confirmed else []
            entry = self._entry(session, booking, booking.player_id) if booking.confirmed else None
            self._tell_player(session, "booking_rescheduled", booking, previous, calendar=entry)
            self._tell_owner(session, "venue_booking_rescheduled", booking, previous, actor=moved_by)
            if booking.confirmed:
                self._keep_players_posted(session, booking, reminders,
                                          previous_start_time=previous["previous_start_time"])
            else:
                self._cancel_reminders(session, booking.booking_id)

    def players_changed(self, uow: UnitOfWork, booking: Booking) -> None:
        """Only the list of invited players changed: a confirmed booking invites the new ones and
        withdraws the removed ones; a pending one tells nobody yet (its confirmation invites)."""
        if booking.confirmed:
            with uow.session() as session:
                self._keep_players_posted(session, booking, store.reminders_of(session, booking.booking_id),
                                          previous_start_time=None)

    def cancelled(self, uow: UnitOfWork, booking: Booking, reason: str, fee: Money, refund: Money, *,
                  fee_due_at_venue: bool = False, cancelled_by: str = "", in_series: bool = False) -> None:
        """The player hears the reason and the fee (due at the venue, when paid there) or that there is
        none; every invited player who was told hears the reason; the owner hears unless they
        cancelled it themselves (of games cancelled with their series, the player and the owner hear
        once, by SeriesCancelled).
        A waitlist offer's hold, run out or given up, ends silently: it was never a booking (the
        player hears "offer passed on" from WaitlistOfferExpired); so does a court held for an open
        match that never booked it (its players hear MatchReleased)."""
        if booking.waitlist_offer_id:
            return
        with uow.session() as session:
            if booking.match_id and store.reminder(session, booking.booking_id, booking.player_id) is None:
                return  # notify never told of it as booked: the confirmation left the booker's reminder
            told = self._told(booking, store.reminders_of(session, booking.booking_id))
            self._cancel_reminders(session, booking.booking_id)
            removed = self._removed(session, booking.booking_id, booking.player_id)
            for user_id in told:
                self.deliveries.queue(session, user_id, "invitation_cancelled", {**booking.variables(), "reason": reason},
                                      calendar=self._removed(session, booking.booking_id, user_id))
            if in_series:
                return
            self._tell_player(session, "booking_cancelled", booking,
                              {"reason": reason, **domain.charge_variables(fee, refund, fee_due_at_venue)},
                              calendar=removed)
            if reason == domain.EXPIRED:
                self._tell_owner(session, "venue_booking_expired", booking)
            else:
                self._tell_owner(session, "venue_booking_cancelled", booking, {"reason": reason}, actor=cancelled_by)

    def completed(self, uow: UnitOfWork, booking_id: str) -> None:
        """Played: nobody is reminded any more."""
        with uow.session() as session:
            self._cancel_reminders(session, booking_id)

    def no_show(self, uow: UnitOfWork, booking: Booking, *, marked_by: str = "") -> None:
        """Missed: nobody is reminded any more, the player hears about it, and the owner unless they
        marked it themselves."""
        with uow.session() as session:
            self._cancel_reminders(session, booking.booking_id)
            self._tell_player(session, "booking_no_show", booking)
            self._tell_owner(session, "venue_booking_no_show", booking, actor=marked_by)

    def waitlist_offered(self, uow: UnitOfWork, booking: Booking, expires_at: dt.datetime | None) -> None:
        """The first waiting player hears that the freed slot is theirs to accept until `expires_at`."""
        until = local_text(expires_at, booking.time_zone)["stamp"] if expires_at else ""
        with uow.session() as session:
            self._tell_player(session, "waitlist_offered", booking, {"expires_at": until})

    def waitlist_offer_expired(self, uow: UnitOfWork, booking: Booking) -> None:
        """The offered player did not accept in time: the slot passed on, they wait in line again."""
        with uow.session() as session:
            self._tell_player(session, "waitlist_offer_expired", booking)

    def waitlist_offer_accepted(self, uow: UnitOfWork, booking: Booking) -> None:
        """The offered slot became the player's booking: announced as a new one (its hold never was);
        confirmed at once, the player hears BookingConfirmed's message."""
        with uow.session() as session:
            self._announce(session, booking)

    def invitation_answered(self, uow: UnitOfWork, booking: Booking, invitee_id: str, accepted: bool) -> None:
        """The player who booked hears that an invited player will play or not; one who declined is
        reminded of nothing (their invitation message they had already)."""
        with uow.session() as session:
            self._tell_player(session, "invitation_accepted" if accepted else "invitation_declined", booking,
                              {"invitee_name": store.display_name(session, invitee_id) or domain.SOMEONE})
            if not accepted:
                self._cancel_reminders(session, booking.booking_id, invitee_id)

    def left_late(self, uow: UnitOfWork, booking: Booking, leaver_ids: Sequence[str]) -> None:
        """Players who left after the venue's free-cancellation time (booking_svc's judgement) hear
        that a share they paid keeps paying for their place until someone takes it and pays."""
        if not leaver_ids:
            return
        with uow.session() as session:
            for leaver in leaver_ids:
                self.deliveries.queue(session, leaver, "left_late", booking.variables())

    def release_due_reminders(self, uow: UnitOfWork, limit: int = 100) -> int:
        """Turns due reminders into messages, in the transaction that marks them sent; how many.
        When none is due, one read and no write transaction (the job looks every poll)."""
        with uow.session(read_only=True) as session:
            first_due = store.first_reminder_due(session)
        if first_due is None or first_due > self.clock():
            return 0
        with uow.session() as session:
            due = store.claim_due_reminders(session, self.clock(), limit)
            for reminder in due:
                start = local_text(reminder.start_time, reminder.time_zone)
                end = local_text(reminder.end_time, reminder.time_zone)
                self.deliveries.queue(session, reminder.user_id, "booking_reminder", {
                    "venue_name": reminder.venue_name, "court_name": reminder.court_name, "date": start["date"],
                    "start_time": start["time"], "end_time": end["time"], "booking_id": reminder.booking_id})
                reminder.status, reminder.updated_at = store.REMINDER_SENT, self.clock()
            return len(due)

    def next_reminder_in(self, uow: UnitOfWork) -> float | None:
        """Seconds until the first pending reminder is due (0 or less: due now); None when none is."""
        with uow.session(read_only=True) as session:
            first_due = store.first_reminder_due(session)
        return None if first_due is None else (first_due - self.clock()).total_seconds()

    # steps inside one use case's transaction

    def _announce(self, session: Session, booking: Booking, booked_by: str = "", tell_player: bool = True) -> None:
        """A new booking: the owner hears of it (pending their confirmation, or confirmed) unless they
        booked it, the player that it was received when it waits for the venue's confirmation."""
        self._tell_owner(session, "venue_booking_new" if booking.confirmed else "venue_booking_pending", booking,
                         actor=booked_by)
        if tell_player and not booking.confirmed:
            self._tell_player(session, "booking_created", booking)

    def _tell_player(self, session: Session, kind: str, booking: Booking, extra: dict[str, str] | None = None,
                     *, calendar: Attachment | None = None) -> None:
        """Tells the player who booked."""
        self.deliveries.queue(session, booking.player_id, kind, {**booking.variables(), **(extra or {})},
                              calendar=calendar)

    def _tell_owner(self, session: Session, kind: str, booking: Booking, extra: dict[str, str] | None = None,
                    *, actor: str = "") -> None:
        """Tells the venue's owner, by their own preferences (nobody when unknown, when the owner
        booked, or when the owner is the `actor` whose own action this is)."""
        owner = booking.owner_to_tell()
        if owner and owner != actor:
            self.deliveries.queue(session, owner, kind, {**booking.owner_variables(), **(extra or {})})

    def _entry(self, session: Session, booking: Booking, user_id: str) -> Attachment | None:
        """The player's calendar entry of the booking as it is now, added or updated (a higher
        SEQUENCE), and what makes its .ics text to attach; None for a deleted account, whose calendar
        is gone."""
        recipient = store.recipient_to_tell(session, user_id)
        if recipient is not None and recipient.deleted_at is not None:
            return None
        at = self.clock()
        entry = store.calendar_entry(session, booking.booking_id, user_id)
        if entry is None:
            entry = store.add_calendar_entry(session, store.CalendarEntry(
                booking_id=booking.booking_id, user_id=user_id, sequence=0))
        else:
            entry.sequence += 1
        entry.venue_name, entry.court_name = booking.venue_name, booking.court_name
        entry.venue_address, entry.venue_phone = booking.venue_address[:300], booking.venue_phone[:32]
        entry.start_time, entry.end_time, entry.cancelled, entry.updated_at = \
            booking.start_time, booking.end_time, False, at
        return self._attachment(entry)

    def _removed(self, session: Session, booking_id: str, user_id: str) -> Attachment | None:
        """The player's calendar entry of the booking, cancelled (METHOD:CANCEL, a higher SEQUENCE),
        and what makes its .ics text; None when they never had one."""
        entry = store.calendar_entry(session, booking_id, user_id)
        if entry is None:
            return None
        entry.sequence, entry.cancelled, entry.updated_at = entry.sequence + 1, True, self.clock()
        return self._attachment(entry)

    def _attachment(self, entry: store.CalendarEntry) -> Attachment:
        """The entry's .ics text, made only if an email is queued (most of the cost of telling an
        in-app-only player of a booking); the text is of the entry as the message is queued."""
        return lambda: calendar.booking_entry(entry, self.organizer)

    def _cancel_reminders(self, session: Session, booking_id: str, user_id: str = "") -> None:
        """Cancels every pending reminder of the booking (cancelled, played, missed), or only
        `user_id`'s (they declined)."""
        for reminder in store.reminders_of(session, booking_id):
            if reminder.status == store.REMINDER_PENDING and user_id in ("", reminder.user_id):
                reminder.status, reminder.updated_at = store.REMINDER_CANCELLED, self.clock()

    def _told(self, booking: Booking, reminders: Iterable[store.Reminder]) -> list[str]:
        """Invited players notify has told about the booking and not yet taken off it, by its reminders."""
        return [row.user_id for row in reminders
                if row.user_id != booking.player_id and row.status != store.REMINDER_CANCELLED]

    def _keep_players_posted(self, session: Session, booking: Booking, read: list[store.Reminder], *,
                             previous_start_time: str | None) -> None:
        """Invites players not told yet, tells the others about a move (`previous_start_time` set)
        unless they already know the new time,
        withdraws the invitation of players no longer listed, and (re)schedules everyone's reminder.
        `read`: the booking's reminders, read once by the caller before its transaction added anything
        (who was told, who knows the time, whose to (re)schedule), so that no read here flushes the
        event's other writes: they go together at the commit."""
        reminders = {row.user_id: row for row in read}
        told, listed = self._told(booking, reminders.values()), set(booking.participant_ids)
        variables = booking.variables()
        for user_id in booking.participant_ids:
            if user_id not in told:
                self.deliveries.queue(session, user_id, "booking_invitation", variables,
                                      calendar=self._entry(session, booking, user_id))
            elif previous_start_time is not None and not self._knows_the_time(booking, reminders.get(user_id)):
                self.deliveries.queue(session, user_id, "invitation_rescheduled",
                                      {**variables, "previous_start_time": previous_start_time},
                                      calendar=self._entry(session, booking, user_id))
        for user_id in told:
            if user_id not in listed:
                self.deliveries.queue(session, user_id, "invitation_withdrawn", variables,
                                      calendar=self._removed(session, booking.booking_id, user_id))
                reminder = reminders[user_id]
                reminder.status, reminder.updated_at = store.REMINDER_CANCELLED, self.clock()
        for user_id in (booking.player_id, *booking.participant_ids):
            reminders[user_id] = self._schedule_reminder(session, booking, user_id, reminders.get(user_id))

    def _knows_the_time(self, booking: Booking, reminder: store.Reminder | None) -> bool:
        """Whether the player was last told of the booking at its present time (an invitation sent
        with the move, InvitationSent before BookingRescheduled): no news of the move for them."""
        return reminder is not None and reminder.start_time == booking.start_time

    def _schedule_reminder(self, session: Session, booking: Booking, user_id: str,
                           reminder: store.Reminder | None) -> store.Reminder | None:
        """One reminder per booking and player (`reminder`: theirs so far), `reminder_lead` before
        play; a moved booking moves it. Returns their reminder as it is now (None: a deleted account had none)."""
        recipient = store.recipient_to_tell(session, user_id)
        if recipient is not None and recipient.deleted_at is not None:
            return reminder  # a deleted account is reminded of nothing
        at = self.clock()
        if reminder is None:
            reminder = store.add_reminder(session, store.Reminder(booking_id=booking.booking_id, user_id=user_id,
                                                                 status=store.REMINDER_PENDING))
        elif reminder.status == store.REMINDER_SENT and reminder.start_time == booking.start_time:
            return reminder  # already reminded about this very start time
        reminder.venue_name, reminder.court_name = booking.venue_name, booking.court_name
        reminder.time_zone = booking.time_zone or DEFAULT_TIME_ZONE
        reminder.start_time, reminder.end_time = booking.start_time, booking.end_time
        reminder.remind_at = booking.start_time - self.reminder_lead
        # Play already started: no point in a reminder any more.
        reminder.status = store.REMINDER_PENDING if booking.start_time > at else store.REMINDER_CANCELLED
        reminder.updated_at = at
        self.deliveries.new_work(session)  # it may be due before anything the delivery job knows of
        return reminder
