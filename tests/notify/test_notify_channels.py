"""Each provider channel against a local HTTP stand-in: the request it makes and how it reads refusals."""

from __future__ import annotations

import json
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from notify_standins import free_port

from notify_svc.channels import OutgoingMessage, PermanentFailure, TemporaryFailure
from notify_svc.channels.push import FcmPush
from notify_svc.channels.sms import TwilioSms
from notify_svc.channels.whatsapp import WhatsAppCloud
from notify_svc.settings import NotifySettings

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: provider, firebase


def settings(base_url: str, **more: str) -> NotifySettings:
    return NotifySettings.from_env(environ={**more,
        "PADEL_NOTIFY_SMS_BASE_URL": base_url, "PADEL_NOTIFY_SMS_ACCOUNT_SID": "AC1",
        "PADEL_NOTIFY_SMS_AUTH_TOKEN": "secret", "PADEL_NOTIFY_SMS_FROM": "+1555",
        "PADEL_NOTIFY_WHATSAPP_BASE_URL": base_url, "PADEL_NOTIFY_WHATSAPP_PHONE_NUMBER_ID": "10987",
        "PADEL_NOTIFY_WHATSAPP_TOKEN": "wa-token", "PADEL_NOTIFY_FCM_BASE_URL": base_url,
        "PADEL_NOTIFY_SEND_TIMEOUT_SECONDS": "2"})


MESSAGE = OutgoingMessage("d1", "whatsapp", "+923001234567", "Booking confirmed", "See you at 18:00", False)


def test_whatsapp_cloud_api_request(provider):
    WhatsAppCloud(settings(provider.url)).send(MESSAGE)
    [request] = provider.requests
    assert request["path"] == "/10987/messages"
    assert request["headers"]["Authorization"] == "Bearer wa-token"
    assert json.loads(request["body"]) == {"messaging_product": "whatsapp", "to": "+923001234567", "type": "text",
                                           "text": {"body": "See you at 18:00"}}


def fcm(provider, firebase, **more: str) -> FcmPush:
    return FcmPush(settings(provider.url, PADEL_NOTIFY_FCM_SERVICE_ACCOUNT_FILE=str(firebase.file), **more))


def push(to: str = "device-token-1") -> OutgoingMessage:
    return OutgoingMessage("d2", "push", to, "Title", "Body", False)


def bearers(provider) -> list[str]:
    return [request["headers"]["Authorization"] for request in provider.requests]


def test_fcm_v1_request_with_the_service_accounts_token(provider, firebase):
    channel = fcm(provider, firebase)
    channel.send(push())
    channel.send(push("device-token-2"))
    assert firebase.issued == ["fcm-access-1"]  # an hour's token serves both
    [grant] = firebase.grants
    assert grant["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
    assert [r["path"] for r in provider.requests] == ["/v1/projects/padel-firebase/messages:send"] * 2
    assert bearers(provider) == ["Bearer fcm-access-1"] * 2
    assert json.loads(provider.requests[0]["body"]) == {"message": {"token": "device-token-1",
                                                                    "notification": {"title": "Title", "body": "Body"}}}


def test_fcm_project_set_apart_from_the_service_account(provider, firebase):
    fcm(provider, firebase, PADEL_NOTIFY_FCM_PROJECT_ID="padel-app").send(push())
    assert provider.requests[0]["path"] == "/v1/projects/padel-app/messages:send"


def test_a_token_that_runs_out_is_renewed_before_the_next_push(provider, firebase):
    """Issued for a minute, inside google-auth's margin of minutes: due for renewal at every push."""
    firebase.lifetime = 60
    channel = fcm(provider, firebase)
    for _ in range(3):
        channel.send(push())
    assert firebase.issued == ["fcm-access-1", "fcm-access-2", "fcm-access-3"]
    assert bearers(provider) == ["Bearer fcm-access-1", "Bearer fcm-access-2", "Bearer fcm-access-3"]


def test_a_token_fcm_refuses_is_dropped_and_the_push_tried_again_with_a_new_one(provider, firebase):
    channel = fcm(provider, firebase)
    provider.statuses = [401]
    with pytest.raises(TemporaryFailure):  # the delivery job tries this push again later
        channel.send(push())
    channel.send(push())
    assert bearers(provider) == ["Bearer fcm-access-1", "Bearer fcm-access-2"]


def test_pushes_sent_at_once_share_one_renewal(provider, firebase):
    channel = fcm(provider, firebase)
    senders = [threading.Thread(target=channel.send, args=(push(f"device-{n}"),)) for n in range(8)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert firebase.issued == ["fcm-access-1"] and bearers(provider) == ["Bearer fcm-access-1"] * 8


def test_a_service_account_the_token_endpoint_refuses_is_a_permanent_failure(provider, firebase, tmp_path):
    """Another key under the account's name: the grant's signature does not verify."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "wrong.json").write_text(json.dumps({**json.loads(firebase.file.read_text()),
                                                     "private_key": other.decode()}))
    channel = FcmPush(settings(provider.url, PADEL_NOTIFY_FCM_SERVICE_ACCOUNT_FILE=str(tmp_path / "wrong.json")))
    with pytest.raises(PermanentFailure) as refused:
        channel.send(push())
    assert "invalid_grant" in str(refused.value) and "PRIVATE KEY" not in str(refused.value)
    assert provider.requests == []


@pytest.mark.parametrize(("status", "failure"), [(429, TemporaryFailure), (500, TemporaryFailure),
                                                 (401, PermanentFailure), (404, PermanentFailure)])
def test_refusals_are_sorted_into_temporary_and_permanent(provider, status, failure):
    provider.statuses = [status]
    with pytest.raises(failure) as refused:
        TwilioSms(settings(provider.url)).send(MESSAGE)
    assert str(status) in str(refused.value) and "secret" not in str(refused.value)


def test_an_unreachable_provider_is_a_temporary_failure():
    with pytest.raises(TemporaryFailure):
        WhatsAppCloud(settings(f"http://127.0.0.1:{free_port()}")).send(MESSAGE)


def test_a_key_file_without_a_project_stops_notify_at_start_naming_the_setting(provider, firebase, tmp_path):
    key = {k: v for k, v in json.loads(firebase.file.read_text()).items() if k != "project_id"}
    (tmp_path / "no-project.json").write_text(json.dumps(key))
    with pytest.raises(ValueError, match="PADEL_NOTIFY_FCM_PROJECT_ID"):
        FcmPush(settings(provider.url, PADEL_NOTIFY_FCM_SERVICE_ACCOUNT_FILE=str(tmp_path / "no-project.json")))
