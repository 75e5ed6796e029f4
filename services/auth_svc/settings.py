"""auth_svc's settings: what every service has, plus signing keys, token lifetimes, password
hashing cost, login throttling, the first admin, the demo venue owner and Google sign-in."""

import dataclasses
import pathlib

from mesh.settings import Env, ServiceSettings, SettingsError

NAME = "auth"
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v3/certs"


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuthSettings(ServiceSettings):
    signing_key_file: pathlib.Path
    previous_public_key_files: tuple[pathlib.Path, ...] = ()
    access_token_seconds: int = 15 * 60
    refresh_token_seconds: int = 7 * 24 * 3600
    verification_token_seconds: int = 48 * 3600
    reset_token_seconds: int = 3600
    bcrypt_rounds: int = 11
    login_max_failures_per_account: int = 5
    login_max_failures_per_client: int = 50
    login_failure_window_seconds: int = 15 * 60
    login_first_delay_seconds: int = 30
    login_alert_failures: int = 10
    revocation_check_seconds: float = 1.0
    admin_email: str = ""
    admin_password: str = dataclasses.field(default="", repr=False)  # a secret: never in a repr or log
    # The demo venue owner `padel run` creates (mesh.settings.DEMO_OWNER_ID); empty: none.
    demo_owner_email: str = ""
    demo_owner_password: str = dataclasses.field(default="", repr=False)  # a secret: never in a repr or log
    google_client_id: str = ""
    google_jwks_url: str = GOOGLE_CERTS_URL
    # Keys the hash kept of a deleted account's email; empty: generated into the data folder.
    erasure_pepper: str = dataclasses.field(default="", repr=False)  # a secret: never in a repr or log

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "AuthSettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        key_file = env.str("PADEL_AUTH_SIGNING_KEY_FILE", str(base.data_dir / "auth" / "signing-key.pem"))
        previous = tuple(pathlib.Path(p.strip()) for p in env.str("PADEL_AUTH_PREVIOUS_PUBLIC_KEY_FILES").split(",")
                         if p.strip())
        for path in previous:
            if not path.is_file():
                raise SettingsError(f"PADEL_AUTH_PREVIOUS_PUBLIC_KEY_FILES: no such file {path}")
        admin_email = env.str("PADEL_AUTH_ADMIN_EMAIL")
        admin_password = env.str("PADEL_AUTH_ADMIN_PASSWORD")
        if bool(admin_email) != bool(admin_password):
            raise SettingsError("PADEL_AUTH_ADMIN_EMAIL and PADEL_AUTH_ADMIN_PASSWORD: set both or neither")
        demo_owner_email = env.str("PADEL_AUTH_DEMO_OWNER_EMAIL")
        demo_owner_password = env.str("PADEL_AUTH_DEMO_OWNER_PASSWORD")
        if bool(demo_owner_email) != bool(demo_owner_password):
            raise SettingsError("PADEL_AUTH_DEMO_OWNER_EMAIL and PADEL_AUTH_DEMO_OWNER_PASSWORD: set both or neither")
        revocation_check_seconds = env.float("PADEL_AUTH_REVOCATION_CHECK_SECONDS", 1.0)
        if not 0 < revocation_check_seconds <= 60:
            raise SettingsError(f"PADEL_AUTH_REVOCATION_CHECK_SECONDS: expected a number in (0, 60], "
                                f"got {revocation_check_seconds}")
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        return cls(
            **fields,
            signing_key_file=pathlib.Path(key_file),
            previous_public_key_files=previous,
            access_token_seconds=env.int("PADEL_AUTH_ACCESS_TOKEN_SECONDS", 15 * 60, 30, 24 * 3600),
            refresh_token_seconds=env.int("PADEL_AUTH_REFRESH_TOKEN_SECONDS", 7 * 24 * 3600, 60, 90 * 24 * 3600),
            verification_token_seconds=env.int("PADEL_AUTH_VERIFICATION_TOKEN_SECONDS", 48 * 3600, 60, 30 * 24 * 3600),
            reset_token_seconds=env.int("PADEL_AUTH_RESET_TOKEN_SECONDS", 3600, 60, 7 * 24 * 3600),
            # bcrypt's own bounds; 11 takes ~120 ms on the reference 2-core machine.
            bcrypt_rounds=env.int("PADEL_AUTH_BCRYPT_ROUNDS", 11, 4, 31),
            login_max_failures_per_account=env.int("PADEL_AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, 1, 1000),
            # Higher than per account: many players share one address behind carrier NAT.
            login_max_failures_per_client=env.int("PADEL_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT", 50, 1, 100_000),
            login_failure_window_seconds=env.int("PADEL_AUTH_LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, 1, 24 * 3600),
            login_first_delay_seconds=env.int("PADEL_AUTH_LOGIN_FIRST_DELAY_SECONDS", 30, 1, 24 * 3600),
            login_alert_failures=env.int("PADEL_AUTH_LOGIN_ALERT_FAILURES", 10, 1, 100_000),
            # How long every service may refuse sign-ins after Redis lost its data.
            revocation_check_seconds=revocation_check_seconds,
            admin_email=admin_email,
            admin_password=admin_password,
            demo_owner_email=demo_owner_email,
            demo_owner_password=demo_owner_password,
            google_client_id=env.str("PADEL_AUTH_GOOGLE_CLIENT_ID"),
            google_jwks_url=env.str("PADEL_AUTH_GOOGLE_JWKS_URL", GOOGLE_CERTS_URL),
            erasure_pepper=env.str("PADEL_AUTH_ERASURE_PEPPER"),
        )
