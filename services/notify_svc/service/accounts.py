"""What notify keeps about people, and the account messages auth asks for.

A user notify knows is one auth's events (registration, security links) or user_svc's preferences
spoke of; an id seen only in a booking is not (`store.known_recipient`). Nothing is remembered about,
or sent to, a deleted account (see `account_deleted`). Security messages go by email only, whatever the
preferences, and never wait for quiet hours (`domain.channels_for`).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sqlalchemy.orm import Session

from mesh.clock import utcnow
from mesh.db import UnitOfWork
from mesh.settings import DEFAULT_TIME_ZONE
from notify_svc import domain, store, templates
from notify_svc.domain import MASKED, Contact, Preferences, local_text
from notify_svc.service.deliveries import Deliveries

VERIFY_PATH = "/verify-email"
RESET_PATH = "/reset-password"
FORGOT_PATH = "/forgot-password"  # the app's page that asks auth for a reset link (no token in it)


class Accounts:
    def __init__(self, deliveries: Deliveries, *, app_base_url: str = "http://127.0.0.1:3000",
                 clock: Callable[[], dt.datetime] = utcnow):
        self.deliveries = deliveries
        self.app_base_url = app_base_url
        self.clock = clock

    # what auth and user_svc say about a person

    def registered(self, uow: UnitOfWork, user_id: str, contact: Contact) -> None:
        with uow.session() as session:
            self._remember(session, user_id, contact)

    def preferences_changed(self, uow: UnitOfWork, user_id: str, preferences: Preferences) -> None:
        with uow.session() as session:
            recipient = self._known(session, user_id)
            if recipient.deleted_at is not None:
                return
            recipient.language = preferences.language if preferences.language in templates.LANGUAGES else "en"
            recipient.channels = ",".join(preferences.channels)
            recipient.kinds = ",".join(preferences.kinds)
            recipient.quiet_hours_start = preferences.quiet_hours_start
            recipient.quiet_hours_end = preferences.quiet_hours_end
            recipient.time_zone = preferences.time_zone or DEFAULT_TIME_ZONE

    def account_deleted(self, uow: UnitOfWork, user_id: str, deleted_at: dt.datetime | None) -> None:
        """The account is gone: the person is forgotten and the row closed for good, so that events
        arriving later (a booking cancelled by policy, an invitation in flight) queue and remember
        nothing."""
        with uow.session() as session:
            recipient = self._erase(session, user_id, "recipient deleted their account")
            recipient.deleted_at = recipient.deleted_at or deleted_at or self.clock()

    def profile_deleted(self, uow: UnitOfWork, user_id: str) -> None:
        """The profile is gone but the account lives on: auth's next event brings an address back."""
        with uow.session() as session:
            self._erase(session, user_id, "recipient deleted their profile")

    # account messages

    def email_verification(self, uow: UnitOfWork, user_id: str, token: str, expires_at: dt.datetime | None,
                           contact: Contact) -> None:
        self._security_link(uow, user_id, "email_verification", VERIFY_PATH, token, expires_at, contact)

    def password_reset(self, uow: UnitOfWork, user_id: str, token: str, expires_at: dt.datetime | None,
                       contact: Contact) -> None:
        self._security_link(uow, user_id, "password_reset", RESET_PATH, token, expires_at, contact)

    def password_changed(self, uow: UnitOfWork, user_id: str, contact: Contact, changed_at: dt.datetime | None) -> None:
        with uow.session() as session:
            zone = self._remember(session, user_id, contact).time_zone
            self.deliveries.queue(session, user_id, "password_changed",
                                  {"changed_at": local_text(changed_at or self.clock(), zone)["stamp"]})

    def registration_attempted(self, uow: UnitOfWork, user_id: str, contact: Contact,
                               attempted_at: dt.datetime | None) -> None:
        """Someone tried to register the account holder's email again."""
        with uow.session() as session:
            zone = self._remember(session, user_id, contact).time_zone
            self.deliveries.queue(session, user_id, "registration_attempted", {
                "attempted_at": local_text(attempted_at or self.clock(), zone)["stamp"],
                "link": self.app_base_url + FORGOT_PATH})

    def sign_in_failures(self, uow: UnitOfWork, user_id: str, contact: Contact, failures: int,
                         last_failed_at: dt.datetime | None) -> None:
        """A burst of failed sign-ins to the account."""
        with uow.session() as session:
            zone = self._remember(session, user_id, contact).time_zone
            self.deliveries.queue(session, user_id, "sign_in_failures", {
                "failures": str(failures), "last_failed_at": local_text(last_failed_at or self.clock(), zone)["stamp"],
                "link": self.app_base_url + FORGOT_PATH})

    def _security_link(self, uow: UnitOfWork, user_id: str, kind: str, path: str, token: str,
                       expires_at: dt.datetime | None, contact: Contact) -> None:
        with uow.session() as session:
            zone = self._remember(session, user_id, contact).time_zone
            self.deliveries.queue(session, user_id, kind, {
                "link": f"{self.app_base_url}{path}?token={token}", "token": token,
                "expires_at": local_text(expires_at, zone)["stamp"] if expires_at else ""})

    # steps inside one use case's transaction

    def _erase(self, session: Session, user_id: str, why: str) -> store.Recipient:
        """Forgets a person, idempotently: addresses, names and preferences are blanked, the inbox is
        emptied, reminders are cancelled (also as an invited player) and queued deliveries fail
        unsent with `why`. The delivery log keeps each delivery's kind, channel and outcome, and no
        address, text or provider message id."""
        recipient = store.erase_recipient(session, user_id, self.clock())
        for delivery in store.deliveries_of(session, user_id):
            if delivery.status == store.QUEUED:
                delivery.status, delivery.next_attempt_at, delivery.last_error = store.FAILED, None, why
            # A provider's error text had the address masked (`without_address`); now not even that.
            delivery.last_error = delivery.last_error.replace(domain.mask(delivery.recipient), MASKED)
            delivery.recipient, delivery.subject, delivery.body, delivery.provider_message_id = "", "", "", ""
            delivery.calendar = ""
        return recipient

    def _remember(self, session: Session, user_id: str, contact: Contact) -> store.Recipient:
        """What auth's events say about a user."""
        recipient = self._known(session, user_id)
        if recipient.deleted_at is None:
            for name, limit in (("email", 320), ("phone", 32), ("first_name", 100), ("last_name", 100)):
                if getattr(contact, name):
                    setattr(recipient, name, getattr(contact, name)[:limit])  # never fail an event on a column size
        return recipient

    def _known(self, session: Session, user_id: str) -> store.Recipient:
        recipient = store.recipient_or_new(session, user_id, self.clock(), to_change=True)
        if recipient.deleted_at is None:
            recipient.known_since = recipient.known_since or self.clock()
            recipient.updated_at = self.clock()
        return recipient
