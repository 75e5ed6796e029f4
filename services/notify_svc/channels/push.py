"""Push through FCM HTTP v1: POST {base}/v1/projects/{project}/messages:send with a bearer token.

FCM answers 404 (UNREGISTERED) for a token whose app was uninstalled or that expired: that device
is gone for good (`AddressGone`), and the delivery job forgets it."""

from __future__ import annotations

from notify_svc.channels import AddressGone, OutgoingMessage, PermanentFailure
from notify_svc.channels.http import post


class FcmPush:
    def __init__(self, settings):
        self.url = f"{settings.fcm_base_url}/v1/projects/{settings.fcm_project_id}/messages:send"
        self.headers = {"Authorization": f"Bearer {settings.fcm_token}"}
        self.timeout = settings.send_timeout_seconds

    def send(self, message: OutgoingMessage) -> str:
        try:
            answer = post("FCM", self.url, timeout=self.timeout, headers=self.headers,
                          json={"message": {"token": message.to,
                                            "notification": {"title": message.subject, "body": message.body}}})
        except PermanentFailure as refused:
            if refused.status == 404:
                raise AddressGone(f"FCM: the device is no longer registered ({refused})") from None
            raise
        return str(answer.get("name", ""))
