"""What user_svc tells match_svc about players, always asked with the caller's own token so that
user_svc applies its own rules: the caller's self-assessed skill_level (their starting level before
the questionnaire), the skill_level another player's profile shows the caller, whether a block hides
another player from the caller, and the findable
players the caller may see (SearchPlayers never lists a player who is not findable or is blocked
either way), the candidates of suggestions."""

from __future__ import annotations

import math

import grpc
from padel.user.v1 import user_pb2, user_service_pb2, user_service_pb2_grpc

from match_svc.domain import FoundPlayer
from mesh import peers
from mesh.caller import Caller

# SearchPlayers' largest page.
PAGE_SIZE = 100


def _city_key(city: int, city_other: str) -> str:
    """A profile's city as match_svc keys cities (lower-cased names, as venues name them)."""
    if city == user_pb2.CITY_OTHER:
        return city_other.strip().lower()
    if city == user_pb2.CITY_UNSPECIFIED:
        return ""
    return user_pb2.City.Name(city).removeprefix("CITY_").lower()


def _profile_city(key: str) -> int:
    """The profile city a match's city is, or unspecified for one the profiles do not list."""
    name = "CITY_" + key.upper()
    return user_pb2.City.Value(name) if name in user_pb2.City.keys() and key not in ("", "other") else 0


class UserDirectory:
    """`service.matches.PlayerDirectory` and `service.levels.Profiles` over user_svc's gRPC API."""

    def __init__(self, address: str):
        self.stub = user_service_pb2_grpc.UserServiceStub(peers.channel(address))

    def self_assessed_level(self, caller: Caller) -> float | None:
        """The skill_level of the caller's profile, None when they have not given one."""
        profile = peers.call(self.stub.GetProfile, user_service_pb2.GetProfileRequest(), token=caller.token).profile
        if profile.skill_source == user_pb2.SKILL_SOURCE_UNSPECIFIED:
            return None
        return profile.skill_level

    def shown_level(self, caller: Caller, player_id: str) -> float | None:
        """The skill_level of `player_id`'s profile as the caller sees it; None when they gave none, are
        unknown or hidden from the caller."""
        profile = self._shown_profile(caller, player_id)
        if profile is None or profile.skill_source == user_pb2.SKILL_SOURCE_UNSPECIFIED:
            return None
        return profile.skill_level

    def may_see(self, caller: Caller, player_id: str) -> bool:
        """Whether the caller may see `player_id` at all: not when a block stands between them either way."""
        return self._shown_profile(caller, player_id) is not None

    def _shown_profile(self, caller: Caller, player_id: str) -> user_pb2.Profile | None:
        """`player_id`'s profile as the caller sees it (GetUser: a block either way hides the player, as
        does an unknown or closed account); None when hidden."""
        try:
            return peers.call(self.stub.GetUser, user_service_pb2.GetUserRequest(user_id=player_id),
                              token=caller.token).profile
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def findable(self, caller: Caller, city: str, low: float, high: float, limit: int) -> list[FoundPlayer]:
        """Findable players whose level is in [low, high], as the caller may find them: those of the
        city first (a page), then of any city, at most `limit`, each once."""
        found: dict[str, FoundPlayer] = {}
        match_city = _profile_city(city)
        every_city = (user_pb2.CITY_UNSPECIFIED, math.ceil(limit / PAGE_SIZE))
        searches = [(match_city, 1), every_city] if match_city else [every_city]
        for in_city, pages in searches:
            token = ""
            for _ in range(pages):
                page = peers.call(self.stub.SearchPlayers, user_service_pb2.SearchPlayersRequest(
                    city=in_city, min_level=low, max_level=high, page_size=PAGE_SIZE, page_token=token),
                    token=caller.token)
                for player in page.players:
                    level = player.match_level.level if player.HasField("match_level") else player.skill_level
                    found.setdefault(player.user_id, FoundPlayer(player.user_id, level,
                                                                 _city_key(player.city, player.city_other)))
                token = page.next_page_token
                if not token or len(found) >= limit:
                    break
        return list(found.values())[:limit]
