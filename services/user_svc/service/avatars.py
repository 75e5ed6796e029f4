"""Avatars: upload (processed, stored in the blob store, named on the profile), serve, and the
URLs and removal other use cases need."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session

from mesh.caller import Caller
from mesh.clock import utcnow
from mesh.db import UnitOfWork, after_commit
from mesh.errors import NotFound
from user_svc import avatars, store
from user_svc.blobs import BlobStore
from user_svc.service.players import ensure_profile
from user_svc.service.views import ProfileView

log = logging.getLogger("padel.user")


class Avatars:
    """Avatar files in `blobs`, served under `base_url` (the file name is appended)."""

    def __init__(self, blobs: BlobStore, base_url: str):
        self.blobs = blobs
        self.base_url = base_url

    def url(self, file_name: str | None) -> str:
        return self.base_url + file_name if file_name else ""

    def view(self, session: Session, profile: store.Profile) -> ProfileView:
        """The profile with its current avatar's URL."""
        avatar = store.get_avatar(session, profile.user_id)
        return ProfileView(profile, self.url(avatar.file_name if avatar else None))

    def upload(self, uow: UnitOfWork, caller: Caller, image: bytes) -> str:
        """Store the re-encoded image and return its URL; the previous file is deleted.

        Uploads of one player take turns on their profile row: each finds the avatar the one
        before it committed and replaces it, so every upload succeeds and the last one wins. The
        file is written first (a committed row always points at an existing file) and removed
        again if the row is not committed; a replaced file goes once the new row is committed.
        """
        processed = avatars.process(image)
        file_name = f"{caller.user_id}-{uuid.uuid4().hex[:12]}.{processed.extension}"
        self.blobs.put(file_name, processed.data)
        try:
            with uow.session() as session:
                profile = ensure_profile(session, caller.user_id, for_update=True)
                avatar = store.get_avatar(session, caller.user_id)
                if avatar is None:
                    avatar = store.Avatar(user_id=caller.user_id)
                    session.add(avatar)
                else:
                    self._remove_file_after_commit(session, avatar.file_name)
                avatar.file_name = file_name
                avatar.content_type = processed.content_type
                avatar.source_format = processed.source_format
                avatar.width, avatar.height = processed.width, processed.height
                avatar.size_bytes = len(processed.data)
                avatar.created_at = profile.updated_at = utcnow()
        except BaseException:
            self.blobs.delete(file_name)
            raise
        return self.url(file_name)

    def get(self, uow: UnitOfWork, file_name: str) -> tuple[bytes, str]:
        """The bytes and content type of a player's current avatar, by the file name in its URL.

        Only the file the profile points at now is served: a replaced or deleted avatar is gone
        even if removing its file failed."""
        user_id = file_name.rsplit("-", 1)[0]  # names are "<user_id>-<random>.<extension>"
        with uow.session(read_only=True) as session:
            avatar = store.get_avatar(session, user_id)
            content_type = avatar.content_type if avatar and avatar.file_name == file_name else None
        data = self.blobs.get(file_name) if content_type else None
        if data is None:
            raise NotFound("no such avatar")
        return data, content_type

    def erase(self, session: Session, user_id: str) -> None:
        """The player's avatar goes: its row now, its file once the transaction commits."""
        avatar = store.get_avatar(session, user_id)
        if avatar is not None:
            session.delete(avatar)
            self._remove_file_after_commit(session, avatar.file_name)

    def _remove_file_after_commit(self, session: Session, file_name: str) -> None:
        """The avatar file no row names once this transaction commits goes then (it stays if the
        transaction rolls back: the row still names it)."""

        def remove() -> None:
            try:
                self.blobs.delete(file_name)
            except Exception:  # noqa: BLE001 - the change is committed; a stray file is served to nobody
                log.exception("avatar file %s could not be removed", file_name)

        after_commit(session, remove)
