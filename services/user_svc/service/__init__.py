"""user_svc's use cases, by subject: profiles (and the player's own data), preferences, avatars,
connections, the directory of findable players, statistics and the archive of everything the
platform keeps about a person.

Each use case takes the unit of work its caller opened (`mesh.db.UnitOfWork`: the servicer and jobs
pass the `Database`, a consumer `Joined(session)`), then the `Caller` when it acts for someone;
checks who may act with `domain`'s rules, calls `domain` and `store`, and writes the change and its
event (`events`) in that one transaction.

Their times are the machine's (`mesh.clock.utcnow`), not the test clock: user_svc keeps no business
deadlines, only stamps of when something happened (a profile changed, a connection made, a venue
first visited), which nothing compares with a moved "now".
"""

from user_svc.service import preferences, stats
from user_svc.service.archives import Archives
from user_svc.service.avatars import Avatars
from user_svc.service.connections import Connections
from user_svc.service.directory import Directory
from user_svc.service.profiles import Profiles

__all__ = ["Archives", "Avatars", "Connections", "Directory", "Profiles", "preferences", "stats"]
