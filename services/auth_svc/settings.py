"""auth_svc's settings: what every service has, plus its signing keys."""

import dataclasses
import pathlib

from mesh.settings import Env, ServiceSettings, SettingsError

NAME = "auth"


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuthSettings(ServiceSettings):
    signing_key_file: pathlib.Path
    previous_public_key_files: tuple[pathlib.Path, ...] = ()

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
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        return cls(**fields, signing_key_file=pathlib.Path(key_file), previous_public_key_files=previous)
