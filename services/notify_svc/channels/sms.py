"""SMS through a Twilio-compatible API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded."""

from __future__ import annotations

from notify_svc.channels import OutgoingMessage
from notify_svc.channels.http import post


class TwilioSms:
    def __init__(self, settings):
        self.url = f"{settings.sms_base_url}/2010-04-01/Accounts/{settings.sms_account_sid}/Messages.json"
        self.auth = (settings.sms_account_sid, settings.sms_auth_token)
        self.sender = settings.sms_from
        self.timeout = settings.send_timeout_seconds

    def send(self, message: OutgoingMessage) -> str:
        answer = post("SMS provider", self.url, timeout=self.timeout, auth=self.auth,
                      data={"To": message.to, "From": self.sender, "Body": message.body})
        return str(answer.get("sid", ""))
