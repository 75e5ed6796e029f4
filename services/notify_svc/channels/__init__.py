"""Ways a message leaves the platform, all behind one interface: `send(message) -> provider id`.

A channel raises `TemporaryFailure` when trying again later may work (HTTP 5xx/429, timeouts,
refused connections, SMTP 4xx) and `PermanentFailure` when it will not (HTTP 4xx, SMTP 5xx); the
delivery job (`service.Deliveries.send_due`) turns those into a retry or a failed delivery. In-app
messages never leave: `Deliveries.queue` writes them straight into the inbox.

`build(settings)` picks the provider of each channel from configuration; a channel with no
provider configured writes to the local outbox folder, so the embedded shape works offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    delivery_id: str
    channel: str
    to: str
    subject: str
    body: str
    html: bool
    calendar: str = ""  # an iCalendar text to attach (email only), e.g. a booking's entry
    traceparent: str | None = None  # the trace of the work that queued it (mesh.tracing)


class TemporaryFailure(Exception):
    """The provider may accept the message later; the text is safe to log (no secrets)."""


class PermanentFailure(Exception):
    """The provider refused the message for good; the text is safe to log (no secrets). `status` is
    the provider's HTTP status, when it answered over HTTP."""

    def __init__(self, text: str, *, status: int = 0):
        super().__init__(text)
        self.status = status


class AddressGone(PermanentFailure):
    """The address exists no more (FCM: the app was uninstalled or the token expired): forget it."""


class Channel(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Hands the message to the provider; returns the provider's message id."""
        ...


def build(settings) -> dict[str, Channel]:
    from notify_svc.channels.email import SmtpEmail
    from notify_svc.channels.outbox import OutboxFolder
    from notify_svc.channels.push import FcmPush
    from notify_svc.channels.sms import TwilioSms
    from notify_svc.channels.whatsapp import WhatsAppCloud

    outbox = OutboxFolder(settings.outbox_dir, settings.smtp_from)
    return {
        "email": SmtpEmail(settings) if settings.smtp_host else outbox,
        "sms": TwilioSms(settings) if settings.sms_base_url else outbox,
        "whatsapp": WhatsAppCloud(settings) if settings.whatsapp_phone_number_id else outbox,
        "push": FcmPush(settings) if settings.fcm_service_account_file else outbox,
    }
