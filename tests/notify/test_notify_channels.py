"""Each provider channel against a local HTTP stand-in: the request it makes and how it reads refusals."""

from __future__ import annotations

import json

import pytest
from notify_standins import free_port

from notify_svc.channels import OutgoingMessage, PermanentFailure, TemporaryFailure
from notify_svc.channels.push import FcmPush
from notify_svc.channels.sms import TwilioSms
from notify_svc.channels.whatsapp import WhatsAppCloud
from notify_svc.settings import NotifySettings

pytest_plugins = ["notify_standins"]  # the stand-in fixtures: provider


def settings(base_url: str) -> NotifySettings:
    return NotifySettings.from_env(environ={
        "PADEL_NOTIFY_SMS_BASE_URL": base_url, "PADEL_NOTIFY_SMS_ACCOUNT_SID": "AC1",
        "PADEL_NOTIFY_SMS_AUTH_TOKEN": "secret", "PADEL_NOTIFY_SMS_FROM": "+1555",
        "PADEL_NOTIFY_WHATSAPP_BASE_URL": base_url, "PADEL_NOTIFY_WHATSAPP_PHONE_NUMBER_ID": "10987",
        "PADEL_NOTIFY_WHATSAPP_TOKEN": "wa-token", "PADEL_NOTIFY_FCM_BASE_URL": base_url,
        "PADEL_NOTIFY_FCM_PROJECT_ID": "padel-app", "PADEL_NOTIFY_FCM_TOKEN": "fcm-token",
        "PADEL_NOTIFY_SEND_TIMEOUT_SECONDS": "2"})


MESSAGE = OutgoingMessage("d1", "whatsapp", "+923001234567", "Booking confirmed", "See you at 18:00", False)


def test_whatsapp_cloud_api_request(provider):
    WhatsAppCloud(settings(provider.url)).send(MESSAGE)
    [request] = provider.requests
    assert request["path"] == "/10987/messages"
    assert request["headers"]["Authorization"] == "Bearer wa-token"
    assert json.loads(request["body"]) == {"messaging_product": "whatsapp", "to": "+923001234567", "type": "text",
                                           "text": {"body": "See you at 18:00"}}


def test_fcm_v1_request(provider):
    FcmPush(settings(provider.url)).send(OutgoingMessage("d2", "push", "device-token-1", "Title", "Body", False))
    [request] = provider.requests
    assert request["path"] == "/v1/projects/padel-app/messages:send"
    assert request["headers"]["Authorization"] == "Bearer fcm-token"
    assert json.loads(request["body"]) == {"message": {"token": "device-token-1",
                                                       "notification": {"title": "Title", "body": "Body"}}}


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
