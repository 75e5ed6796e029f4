"""Push through FCM HTTP v1: POST {base}/v1/projects/{project}/messages:send with a bearer token.

The token is an OAuth access token of the Firebase project's service account (google-auth, scope
firebase.messaging), issued for about an hour: it is renewed before it runs out, by one sending
thread while the others wait, and dropped when FCM answers 401 (that message is tried again later,
with a new token). The project is the service account's own unless PADEL_NOTIFY_FCM_PROJECT_ID says.

FCM answers 404 (UNREGISTERED) for a token whose app was uninstalled or that expired: that device
is gone for good (`AddressGone`), and the delivery job forgets it."""

from __future__ import annotations

import functools
import threading

import google.auth.exceptions
import google.auth.transport.requests
from google.oauth2 import service_account

from notify_svc.channels import AddressGone, OutgoingMessage, PermanentFailure, TemporaryFailure
from notify_svc.channels.http import post

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"


class FcmPush:
    def __init__(self, settings):
        self.credentials = service_account.Credentials.from_service_account_file(
            str(settings.fcm_service_account_file), scopes=[SCOPE])
        project = settings.fcm_project_id or self.credentials.project_id
        if not project:
            raise ValueError("PADEL_NOTIFY_FCM_SERVICE_ACCOUNT_FILE: the file names no project_id "
                             "(set PADEL_NOTIFY_FCM_PROJECT_ID)")
        self.url = f"{settings.fcm_base_url}/v1/projects/{project}/messages:send"
        self.timeout = settings.send_timeout_seconds
        self.token_request = functools.partial(google.auth.transport.requests.Request(), timeout=self.timeout)
        self.lock = threading.Lock()

    def access_token(self) -> str:
        """A token with time left, renewed first when it has not (google-auth keeps a margin of minutes)."""
        with self.lock:
            if not self.credentials.valid:
                try:
                    self.credentials.refresh(self.token_request)
                except google.auth.exceptions.RefreshError as error:
                    refused = TemporaryFailure if error.retryable else PermanentFailure
                    raise refused(f"FCM: the service account was refused a token ({error})") from None
                except google.auth.exceptions.TransportError:
                    raise TemporaryFailure("FCM: the token endpoint is unreachable") from None
            return self.credentials.token

    def forget_token(self, token: str) -> None:
        with self.lock:
            if self.credentials.token == token:
                self.credentials.token = None

    def send(self, message: OutgoingMessage) -> str:
        token = self.access_token()
        try:
            answer = post("FCM", self.url, timeout=self.timeout, headers={"Authorization": f"Bearer {token}"},
                          json={"message": {"token": message.to,
                                            "notification": {"title": message.subject, "body": message.body}}})
        except PermanentFailure as refused:
            if refused.status == 404:
                raise AddressGone(f"FCM: the device is no longer registered ({refused})") from None
            if refused.status == 401:  # revoked or ran out early: the next try asks for a new token
                self.forget_token(token)
                raise TemporaryFailure(f"FCM did not accept the access token ({refused})") from None
            raise
        return str(answer.get("name", ""))
