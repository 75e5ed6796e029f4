"""Email over SMTP (smtplib): STARTTLS and login when configured; SMTP 4xx is temporary, 5xx permanent.

An HTML email goes as multipart/alternative (a plain-text part first, then the HTML), with a
booking's calendar entry (.ics) attached when the message has one."""

from __future__ import annotations

import email.message
import re
import email.utils
import smtplib

from notify_svc.channels import OutgoingMessage, PermanentFailure, TemporaryFailure
from notify_svc.channels.plaintext import plain_text


def compose(message: OutgoingMessage, sender: str) -> email.message.EmailMessage:
    """The MIME message for an email delivery (also what the outbox folder keeps)."""
    mail = email.message.EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(localtime=False)
    mail["Message-ID"] = email.utils.make_msgid(idstring=message.delivery_id, domain="padel.local")
    if message.html:
        mail.set_content(plain_text(message.body))
        mail.add_alternative(message.body, subtype="html")
    else:
        mail.set_content(message.body)
    if message.calendar:
        # The method in the content type lets a mail program offer "add to calendar" (or remove it).
        mail.add_attachment(message.calendar.encode(), maintype="text", subtype="calendar", filename="booking.ics",
                            params={"method": calendar_method(message.calendar), "charset": "utf-8"})
    return mail


def calendar_method(calendar: str) -> str:
    """The METHOD line of an iCalendar text (PUBLISH when it has none)."""
    found = re.search(r"^METHOD:(\w+)", calendar, re.MULTILINE)
    return found.group(1) if found else "PUBLISH"


def _failure(code: int, what: str) -> Exception:
    return (TemporaryFailure if 400 <= code < 500 else PermanentFailure)(f"SMTP {code}: {what}")


class SmtpEmail:
    def __init__(self, settings):
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.sender = settings.smtp_from
        self.starttls = settings.smtp_starttls
        self.timeout = settings.send_timeout_seconds

    def send(self, message: OutgoingMessage) -> str:
        mail = compose(message, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code = min(code for code, _text in error.recipients.values())
            raise _failure(code, "recipient refused") from None
        except smtplib.SMTPResponseException as error:
            raise _failure(error.smtp_code, error.smtp_error.decode(errors="replace")[:200]) from None
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"SMTP server unreachable: {type(error).__name__}") from None
        return mail["Message-ID"]
