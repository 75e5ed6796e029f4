"""WhatsApp through the WhatsApp Business Cloud API: POST {base}/{phone_number_id}/messages, JSON."""

from __future__ import annotations

from notify_svc.channels import OutgoingMessage
from notify_svc.channels.http import post


class WhatsAppCloud:
    def __init__(self, settings):
        self.url = f"{settings.whatsapp_base_url}/{settings.whatsapp_phone_number_id}/messages"
        self.headers = {"Authorization": f"Bearer {settings.whatsapp_token}"}
        self.timeout = settings.send_timeout_seconds

    def send(self, message: OutgoingMessage) -> str:
        answer = post("WhatsApp", self.url, timeout=self.timeout, headers=self.headers,
                      json={"messaging_product": "whatsapp", "to": message.to, "type": "text",
                            "text": {"body": message.body}})
        return str((answer.get("messages") or [{}])[0].get("id", ""))
