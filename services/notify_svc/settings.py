"""notify_svc's settings: what every service has, plus message links, reminders, retries, template
limits and providers.

Every provider is optional: a channel whose provider is not configured writes its messages to the
local outbox folder (`<data_dir>/outbox/`) instead, so the embedded shape needs no account anywhere.
"""

import dataclasses
import pathlib

from mesh.settings import Env, ServiceSettings, edge_url

NAME = "notify"


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotifySettings(ServiceSettings):
    app_base_url: str = "http://127.0.0.1:3000"
    reminder_lead_minutes: int = 120
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 5
    poll_seconds: float = 1.0  # the delivery job's rounds at least this far apart
    longest_wait_seconds: float = 30.0  # … and at most this far apart (work another replica left)
    send_timeout_seconds: float = 10.0
    template_render_seconds: float = 2.0
    template_memory_mib: int = 128
    outbox_dir: pathlib.Path = pathlib.Path("data/outbox")
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "Padel Platform <no-reply@padel.local>"
    smtp_starttls: bool = False
    sms_base_url: str = ""
    sms_account_sid: str = ""
    sms_auth_token: str = ""
    sms_from: str = ""
    whatsapp_base_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_phone_number_id: str = ""
    whatsapp_token: str = ""
    fcm_base_url: str = "https://fcm.googleapis.com"
    fcm_service_account_file: str = ""  # the Firebase project's service-account key (JSON)
    fcm_project_id: str = ""  # the service account's own project unless set

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "NotifySettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        return cls(
            **fields,
            app_base_url=env.str("PADEL_NOTIFY_APP_BASE_URL", edge_url(env)).rstrip("/"),
            reminder_lead_minutes=env.int("PADEL_NOTIFY_REMINDER_LEAD_MINUTES", 120, 0, 10080),
            retry_base_seconds=env.float("PADEL_NOTIFY_RETRY_BASE_SECONDS", 30.0),
            retry_max_seconds=env.float("PADEL_NOTIFY_RETRY_MAX_SECONDS", 3600.0),
            max_attempts=env.int("PADEL_NOTIFY_MAX_ATTEMPTS", 5, 1, 100),
            poll_seconds=env.float("PADEL_NOTIFY_POLL_SECONDS", 1.0),
            longest_wait_seconds=env.float("PADEL_NOTIFY_LONGEST_WAIT_SECONDS", 30.0),
            send_timeout_seconds=env.float("PADEL_NOTIFY_SEND_TIMEOUT_SECONDS", 10.0),
            template_render_seconds=env.float("PADEL_NOTIFY_TEMPLATE_RENDER_SECONDS", 2.0),
            template_memory_mib=env.int("PADEL_NOTIFY_TEMPLATE_MEMORY_MIB", 128, 16, 4096),
            outbox_dir=pathlib.Path(env.str("PADEL_NOTIFY_OUTBOX_DIR", str(base.data_dir / "outbox"))),
            smtp_host=env.str("PADEL_NOTIFY_SMTP_HOST"),
            smtp_port=env.int("PADEL_NOTIFY_SMTP_PORT", 587, 1, 65535),
            smtp_user=env.str("PADEL_NOTIFY_SMTP_USER"),
            smtp_password=env.str("PADEL_NOTIFY_SMTP_PASSWORD"),
            smtp_from=env.str("PADEL_NOTIFY_SMTP_FROM", "Padel Platform <no-reply@padel.local>"),
            smtp_starttls=env.bool("PADEL_NOTIFY_SMTP_STARTTLS", False),
            sms_base_url=env.str("PADEL_NOTIFY_SMS_BASE_URL").rstrip("/"),
            sms_account_sid=env.str("PADEL_NOTIFY_SMS_ACCOUNT_SID"),
            sms_auth_token=env.str("PADEL_NOTIFY_SMS_AUTH_TOKEN"),
            sms_from=env.str("PADEL_NOTIFY_SMS_FROM"),
            whatsapp_base_url=env.str("PADEL_NOTIFY_WHATSAPP_BASE_URL", "https://graph.facebook.com/v21.0").rstrip("/"),
            whatsapp_phone_number_id=env.str("PADEL_NOTIFY_WHATSAPP_PHONE_NUMBER_ID"),
            whatsapp_token=env.str("PADEL_NOTIFY_WHATSAPP_TOKEN"),
            fcm_base_url=env.str("PADEL_NOTIFY_FCM_BASE_URL", "https://fcm.googleapis.com").rstrip("/"),
            fcm_service_account_file=env.str("PADEL_NOTIFY_FCM_SERVICE_ACCOUNT_FILE"),
            fcm_project_id=env.str("PADEL_NOTIFY_FCM_PROJECT_ID"),
        )
