"""booking_svc's use cases, by subject: `venues` (venue setup: venues, courts, hours, closures, price
rules), `availability` (what is free, and a venue's day) and `bookings` (the booking life cycle);
`setups` keeps each venue's setup in the process for them, exact by the venue's setup version.

Every use case takes the unit of work its caller opened it in (`mesh.db.UnitOfWork`: the servicer and
the job pass the service's `Database`, a consumer `Joined(session)`) and, when it acts for someone, the
`Caller`; it checks who may act with `domain`'s permission rules, and writes a change and its event in
one transaction.
"""

from booking_svc.service.availability import Availability
from booking_svc.service.bookings import Bookings
from booking_svc.service.setups import VenueSetups
from booking_svc.service.venues import Venues

__all__ = ["Availability", "Bookings", "VenueSetups", "Venues"]
