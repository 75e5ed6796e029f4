"""notify's use cases, one class per subject. Each use case takes the unit of work its caller holds
(the servicer's and the jobs' `Database`, a consumer's `Joined(session)`) and, when it acts for
someone, the `Caller`."""

from notify_svc.service.accounts import Accounts
from notify_svc.service.bookings import Bookings
from notify_svc.service.calendars import CalendarFeeds
from notify_svc.service.connections import Connections
from notify_svc.service.deliveries import Deliveries
from notify_svc.service.devices import Devices
from notify_svc.service.inbox import Inbox
from notify_svc.service.matches import Matches
from notify_svc.service.memberships import Memberships
from notify_svc.service.payments import Payments
from notify_svc.service.templates import Templates
from notify_svc.service.venues import VenueNews

__all__ = ["Accounts", "Bookings", "CalendarFeeds", "Connections", "Deliveries", "Devices", "Inbox", "Matches",
           "Memberships", "Payments", "Templates", "VenueNews"]
