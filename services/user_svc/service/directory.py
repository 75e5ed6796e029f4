"""Finding players to invite or connect with: by name, city and level, among the players who let
themselves be found, never across a block either way."""

from __future__ import annotations

from mesh import pager
from mesh.caller import Caller
from mesh.db import UnitOfWork
from user_svc import domain, store
from user_svc.service.avatars import Avatars
from user_svc.service.views import ProfileView


class Directory:
    """Player search; `avatars` gives each player found their avatar's URL."""

    def __init__(self, avatars: Avatars):
        self.avatars = avatars

    def search_players(self, uow: UnitOfWork, caller: Caller, query: str, city: int, min_level: float,
                       max_level: float, page_size: int, page_token: str) -> pager.Page[ProfileView]:
        """One page of the players the caller may find, by name (their public part is `convert`'s to pick)."""
        search = domain.player_search(query, city, min_level, max_level)
        with uow.session(read_only=True) as session:
            page = store.search_players(session, caller.user_id, search, page_size, page_token)
            found = store.avatar_files(session, page.items)
        return pager.Page([ProfileView(profile, self.avatars.url(file_name)) for profile, file_name in found],
                          page.next_page_token)
