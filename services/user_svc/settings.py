"""user_svc's settings: what every service has, plus where avatars are kept and served."""

import dataclasses
import pathlib

from mesh.settings import Env, ServiceSettings

NAME = "user"


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserSettings(ServiceSettings):
    # Folder of the filesystem blob store holding processed avatar files.
    avatar_dir: pathlib.Path
    # Prefix of an avatar's public URL; the file name is appended. The default is GetAvatar's REST
    # path on the edge (a relative URL); a CDN in front of the edge or the folder can replace it.
    avatar_base_url: str = "/api/users/avatars/"

    @classmethod
    def from_env(cls, name: str = NAME, environ=None) -> "UserSettings":
        base = ServiceSettings.from_env(name, environ)
        env = Env(environ)
        avatar_dir = pathlib.Path(env.str("PADEL_USER_AVATAR_DIR", str(base.data_dir / "avatars"))).resolve()
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(ServiceSettings)}
        return cls(**fields, avatar_dir=avatar_dir,
                   avatar_base_url=env.str("PADEL_USER_AVATAR_BASE_URL", cls.avatar_base_url))
