"""The embedded default of every channel: one readable file per message in a local folder, plus a log line.

Emails are kept as .eml files (open them in any mail program or a text editor), other channels as
.txt files, so a newcomer can read the verification email of the account they just registered.
"""

from __future__ import annotations

import datetime as dt
import logging
import pathlib

from notify_svc.channels import OutgoingMessage
from notify_svc.channels.email import compose

log = logging.getLogger(__name__)


class OutboxFolder:
    def __init__(self, folder: pathlib.Path, sender: str):
        self.folder = folder
        self.sender = sender

    def send(self, message: OutgoingMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
        if message.channel == "email":
            path = self.folder / f"{stamp}-email-{message.delivery_id}.eml"
            content = bytes(compose(message, self.sender))
        else:
            path = self.folder / f"{stamp}-{message.channel}-{message.delivery_id}.txt"
            content = (f"Channel: {message.channel}\nTo: {message.to}\nSubject: {message.subject}\n\n"
                       f"{message.body}\n").encode()
        # Written aside and renamed, so whoever watches the folder never reads half a message.
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        partial.replace(path)
        # The path, not the text: messages carry one-time tokens that have no place in logs.
        log.info("message written to the outbox folder", extra={"channel": message.channel, "file": str(path)})
        return path.name
