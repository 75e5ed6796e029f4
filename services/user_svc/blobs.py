"""Where avatar files live: a small blob-store interface and its filesystem implementation.

The domain only puts, gets and deletes named blobs, so an object store (S3, GCS) can replace the
folder without touching the rules.
"""

import os
import pathlib
import re
import tempfile
from typing import Protocol

# Names are made by the service (user id + random suffix); anything else is a bug, not a path.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class BlobStore(Protocol):
    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes | None: ...

    def delete(self, name: str) -> None: ...


class FileBlobStore:
    """Blobs as files in one folder; writes are atomic (temporary file, then rename)."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder

    def _path(self, name: str) -> pathlib.Path:
        if not _SAFE_NAME.match(name) or ".." in name:
            raise ValueError(f"bad blob name {name!r}")
        return self.folder / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        # A reader (the web server serving avatars) never sees a half-written file.
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            pathlib.Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)
