"""The one module that knows both booking_svc's protobuf messages and its domain and store types.

Messages in → column values and domain values (Venue/Court fields, dates, field masks); rows and
domain values → messages out (venues, courts, closures, prices, bookings, availability) and the
payloads of the events booking_svc publishes. Timestamp ⇄ aware datetime, Money ⇄ paisa, and the
booking status enum live here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from google.api import httpbody_pb2
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import events_pb2

from booking_svc import domain, store
from booking_svc.domain import VENUE_DEFAULTS, InvitationState, Slot, Status
from booking_svc.lottery import state as lottery_state
from booking_svc.recurrence import Recurrence
from mesh.convert import edge_json, timestamp, to_datetime
from mesh.errors import InvalidArgument
from mesh.settings import DEFAULT_TIME_ZONE

CURRENCY = "PKR"

STATUS_TO_PROTO = {
    Status.PENDING: pb.BOOKING_STATUS_PENDING,
    Status.CONFIRMED: pb.BOOKING_STATUS_CONFIRMED,
    Status.IN_PROGRESS: pb.BOOKING_STATUS_IN_PROGRESS,
    Status.COMPLETED: pb.BOOKING_STATUS_COMPLETED,
    Status.CANCELLED: pb.BOOKING_STATUS_CANCELLED,
    Status.NO_SHOW: pb.BOOKING_STATUS_NO_SHOW,
}

INVITATION_TO_PROTO = {
    InvitationState.PENDING: pb.INVITATION_STATE_PENDING,
    InvitationState.ACCEPTED: pb.INVITATION_STATE_ACCEPTED,
    InvitationState.DECLINED: pb.INVITATION_STATE_DECLINED,
}

# ListBookings' filter as the store names it; unset follows the older `past` flag.
BOOKING_FILTERS = {api.BOOKING_FILTER_UPCOMING: "upcoming", api.BOOKING_FILTER_PAST: "past",
                   api.BOOKING_FILTER_CANCELLED: "cancelled"}


# -- values -----------------------------------------------------------------------------------------


def _hhmm(moment: dt.datetime, zone: domain.ZoneInfo) -> str:
    """The local clock time "HH:MM" (a format string costs more, and availability makes many)."""
    local = moment.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}"


def money(paisa: int | None) -> pb.Money:
    return pb.Money(amount_paisa=paisa or 0, currency=CURRENCY)


def day(value: str, field: str = "date") -> dt.date:
    """A venue-local date from "YYYY-MM-DD"; INVALID_ARGUMENT naming `field` otherwise."""
    return domain.parse_date(value, field)


def near(request) -> tuple[float, float] | None:
    """The (latitude, longitude) a venue search is around, if it names one."""
    return (request.near.latitude, request.near.longitude) if request.HasField("near") else None


def mask_paths(mask: FieldMask) -> list[str]:
    if not mask.paths:
        raise InvalidArgument.field("update_mask", "name at least one field to change")
    return list(mask.paths)


def _set_fields(message: Message) -> list[str]:
    return [descriptor.name for descriptor, _ in message.ListFields()]


# -- messages in ------------------------------------------------------------------------------------

VENUE_FIELDS = ("name", "city", "address", "phone", "location", "time_zone", "opening_hours", "slot_minutes",
                "durations_minutes", "cancellation_policy", "horizon_days", "confirmation_mode", "hold_minutes",
                "max_live_bookings_per_day", "base_hourly_price", "active", "member_hours")


def _window_columns(window, field: str) -> dict[str, Any]:
    """A weekly window's court, weekdays and local times (HH:MM checked again, naming `field`)."""
    domain.parse_hhmm(window.start, f"{field}.start")
    domain.parse_hhmm(window.end, f"{field}.end")
    return {"court_id": window.court_id or None, "weekdays": sorted(window.weekdays), "start": window.start,
            "end": window.end}


def venue_columns(venue: pb.Venue, field: str) -> dict[str, Any]:
    """Column values for one settable Venue field; zero values take the defaults where zero makes no sense."""
    match field:
        case "name" | "city" | "address" | "phone":
            return {field: getattr(venue, field).strip()}
        case "location":
            if not venue.HasField("location"):
                return {"latitude": None, "longitude": None}
            return {"latitude": venue.location.latitude, "longitude": venue.location.longitude}
        case "time_zone":
            return {"time_zone": domain.check_time_zone(venue.time_zone or DEFAULT_TIME_ZONE, "venue.time_zone")}
        case "opening_hours":
            return {"opening_hours": [{"weekday": o.weekday, "open": o.open, "close": o.close}
                                      for o in venue.opening_hours]}
        case "slot_minutes":
            return {"slot_minutes": venue.slot_minutes or VENUE_DEFAULTS["slot_minutes"]}
        case "durations_minutes":
            return {"durations_minutes": sorted(venue.durations_minutes) or VENUE_DEFAULTS["durations_minutes"]}
        case "cancellation_policy":
            policy = venue.cancellation_policy
            return {"free_until_hours": policy.free_until_hours, "late_fee_percent": policy.late_fee_percent,
                    "cancellation_grace_minutes": policy.grace_minutes if policy.HasField("grace_minutes")
                    else VENUE_DEFAULTS["cancellation_grace_minutes"]}
        case "confirmation_mode":
            return {"instant_confirmation": venue.confirmation_mode != pb.CONFIRMATION_MODE_MANUAL}
        case "base_hourly_price":
            return {"base_hourly_price_paisa": venue.base_hourly_price.amount_paisa}
        case "horizon_days" | "hold_minutes" | "max_live_bookings_per_day" | "active":
            return {field: getattr(venue, field)}
        case "member_hours":
            return {"member_hours": [{**_window_columns(h, f"venue.member_hours[{i}]"),
                                      "opens_to_all_minutes": h.opens_to_all_minutes}
                                     for i, h in enumerate(venue.member_hours)]}
    raise InvalidArgument.field("update_mask", f"{field} cannot be changed here")


def new_venue_columns(venue: pb.Venue) -> dict[str, Any]:
    """A new venue's settings: the fields the owner set, the defaults for the rest."""
    columns: dict[str, Any] = {}
    for name in _set_fields(venue):
        if name in VENUE_FIELDS and name != "active":
            columns.update(venue_columns(venue, name))
    return columns


def venue_changes(venue: pb.Venue, mask: FieldMask) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for path in mask_paths(mask):
        columns.update(venue_columns(venue, path))
    return columns


def new_court_columns(court: pb.Court) -> dict[str, Any]:
    return {"name": court.name.strip(), "environment": court.environment, "surface": court.surface}


def court_changes(court: pb.Court, mask: FieldMask) -> dict[str, Any]:
    columns = {}
    for name in mask_paths(mask):
        if name not in ("name", "environment", "surface", "active"):
            raise InvalidArgument.field("update_mask", f"{name} cannot be changed here")
        value = getattr(court, name)
        columns[name] = value.strip() if name == "name" else value
    return columns


def price_rule_columns(rules: Sequence[pb.PriceRule]) -> list[dict[str, Any]]:
    return [{"court_id": r.court_id or None, "weekdays": sorted(r.weekdays), "start": r.start, "end": r.end,
             "hourly_price_paisa": r.hourly_price.amount_paisa} for r in rules]


def booking_changes(request) -> dict[str, Any]:
    """What an UpdateBookingRequest changes, by its update_mask."""
    changes: dict[str, Any] = {}
    for path in mask_paths(request.update_mask):
        match path:
            case "court_id":
                changes["court_id"] = request.court_id
            case "start_time":
                if not request.HasField("start_time"):
                    raise InvalidArgument.field("start_time", "give the new start")
                changes["start_time"] = to_datetime(request.start_time)
            case "duration_minutes":
                changes["duration_minutes"] = request.duration_minutes
            case "participant_ids":
                changes["participant_ids"] = list(request.participant_ids)
            case "special_requests":
                changes["special_requests"] = request.special_requests
            case _:
                raise InvalidArgument.field("update_mask", f"{path} cannot be changed")
    return changes


# -- messages out -----------------------------------------------------------------------------------


def court(row: store.Court) -> pb.Court:
    return pb.Court(court_id=row.id, venue_id=row.venue_id, name=row.name, environment=row.environment,
                    surface=row.surface, active=row.active)


def venue(view: store.VenueView) -> pb.Venue:
    v = view.venue
    message = pb.Venue(
        venue_id=v.id, owner_id=v.owner_id, name=v.name, city=v.city, address=v.address, phone=v.phone,
        time_zone=v.time_zone,
        opening_hours=[pb.OpeningHours(weekday=o["weekday"], open=o["open"], close=o["close"]) for o in v.opening_hours],
        slot_minutes=v.slot_minutes, durations_minutes=v.durations_minutes,
        cancellation_policy=pb.CancellationPolicy(free_until_hours=v.free_until_hours,
                                                  late_fee_percent=v.late_fee_percent,
                                                  grace_minutes=v.cancellation_grace_minutes),
        horizon_days=v.horizon_days,
        confirmation_mode=pb.CONFIRMATION_MODE_INSTANT if v.instant_confirmation else pb.CONFIRMATION_MODE_MANUAL,
        hold_minutes=v.hold_minutes, max_live_bookings_per_day=v.max_live_bookings_per_day,
        base_hourly_price=money(v.base_hourly_price_paisa), courts=[court(c) for c in view.courts],
        active=v.active, distance_km=round(view.distance_km, 3), rating_average=round(view.rating_average, 2),
        rating_count=view.rating_count,
        created_at=timestamp(v.created_at), updated_at=timestamp(v.updated_at),
        member_hours=[pb.MemberHours(court_id=h["court_id"] or "", weekdays=h["weekdays"], start=h["start"],
                                     end=h["end"], opens_to_all_minutes=h["opens_to_all_minutes"])
                      for h in v.member_hours or []])
    if v.latitude is not None and v.longitude is not None:
        message.location.CopyFrom(pb.GeoPoint(latitude=v.latitude, longitude=v.longitude))
    return message


def closure(row: store.Closure) -> pb.Closure:
    return pb.Closure(closure_id=row.id, court_id=row.court_id, start_time=timestamp(row.start_time),
                      end_time=timestamp(row.end_time), reason=row.reason)


def price_rule(row: store.PriceRule) -> pb.PriceRule:
    return pb.PriceRule(rule_id=row.id, court_id=row.court_id or "", weekdays=row.weekdays, start=row.start,
                        end=row.end, hourly_price=money(row.hourly_price_paisa))


def prices(price_list: store.PriceList, response_class):
    """A SetPriceRulesResponse or ListPriceRulesResponse (the same fields, paged for the list)."""
    answer = response_class(base_hourly_price=money(price_list.base_hourly_paisa),
                            rules=[price_rule(r) for r in price_list.rules])
    if price_list.next_page_token:
        answer.next_page_token = price_list.next_page_token
    return answer


def cancellation(row: store.Booking) -> pb.Cancellation | None:
    if row.cancelled_at is None:
        return None
    return pb.Cancellation(
        reason=row.cancel_reason or "", cancelled_by=row.cancelled_by or "",
        cancelled_at=timestamp(row.cancelled_at), fee=money(row.cancellation_fee_paisa),
        refund=money(row.refund_paisa), fee_due_at_venue=bool(row.cancellation_fee_paisa) and row.paid_at_venue)


def invitation(row: store.Invitation) -> pb.Invitation:
    return pb.Invitation(player_id=row.player_id, state=INVITATION_TO_PROTO[row.answer],
                         invited_at=timestamp(row.invited_at), answered_at=timestamp(row.answered_at))


def scheduled_player(row: store.Player) -> api.ScheduledPlayer:
    return api.ScheduledPlayer(user_id=row.id, name=row.name, phone=row.phone)


def booking_filter(request: api.ListBookingsRequest) -> str:
    if request.filter:
        return BOOKING_FILTERS[request.filter]
    return "past" if request.past else "upcoming"


def cancellation_preview(quote: domain.CancellationQuote) -> api.GetCancellationPreviewResponse:
    return api.GetCancellationPreviewResponse(preview=pb.CancellationPreview(
        fee=money(quote.fee_paisa), free=quote.fee_paisa == 0, free_until=timestamp(quote.free_until),
        note=quote.note, fee_due_at_venue=quote.due_at_venue))


def booking(view: store.BookingView, viewer: str = "") -> pb.Booking:
    """The booking as `viewer` (a user id, if known) sees it: `invited` when they did not book it."""
    b, zone = view.booking, view.venue.time_zone
    local = b.start_time.astimezone(domain.ZoneInfo(zone))
    return pb.Booking(
        invitations=[invitation(i) for i in b.invitations],
        invited=bool(viewer) and viewer != b.player_id and any(i.player_id == viewer for i in b.invitations),
        booking_id=b.id, venue_id=b.venue_id, court_id=b.court_id, player_id=b.player_id,
        participant_ids=b.participant_ids, start_time=timestamp(b.start_time), end_time=timestamp(b.end_time),
        time_zone=zone, local_date=local.date().isoformat(), local_start=local.strftime("%H:%M"),
        duration_minutes=b.duration_minutes, status=STATUS_TO_PROTO[b.state], price=money(b.price_paisa),
        commission=money(b.commission_paisa), special_requests=b.special_requests,
        hold_expires_at=timestamp(b.hold_expires_at), cancellation=cancellation(b), venue_name=view.venue.name,
        court_name=view.court.name, created_at=timestamp(b.created_at), updated_at=timestamp(b.updated_at))


def availability(venue_row: store.Venue, local_day: dt.date,
                 courts: Sequence[tuple[store.Court, Sequence[Slot]]]) -> api.GetAvailabilityResponse:
    zone = domain.ZoneInfo(venue_row.time_zone)
    return api.GetAvailabilityResponse(
        venue_id=venue_row.id, date=local_day.isoformat(), time_zone=venue_row.time_zone,
        courts=[pb.CourtAvailability(court=court(row), slots=[
            pb.Slot(start_time=timestamp(s.start), end_time=timestamp(s.end), local_start=_hhmm(s.start, zone),
                    local_end=_hhmm(s.end, zone), price=money(s.price_paisa)) for s in slots])
            for row, slots in courts])


def members_only(shared: api.GetAvailabilityResponse,
                 access: dict[tuple[str, dt.datetime], domain.SlotAccess]) -> api.GetAvailabilityResponse:
    """The availability as the caller sees it: the starts still members-only marked (with when they
    open to everyone, and whether the caller is kept out) on a copy; the shared answer is never changed."""
    if not access:
        return shared
    answer = api.GetAvailabilityResponse()
    answer.CopyFrom(shared)
    for listed in answer.courts:
        for slot in listed.slots:
            mark = access.get((listed.court.court_id, to_datetime(slot.start_time)))
            if mark is not None:
                slot.members_only, slot.closed_to_caller = True, mark.closed
                slot.opens_to_all_at.CopyFrom(timestamp(mark.opens_to_all_at))
    return answer


def availability_page(answer: api.GetAvailabilityResponse) -> api.GetAvailabilityPageResponse:
    """The availability as the JSON the edge would print for it, which the REST route serves as is."""
    return api.GetAvailabilityPageResponse(body=edge_json(answer))


def venues_page(answer: api.ListVenuesResponse) -> api.ListVenuesPageResponse:
    """The venues found as the JSON the edge would print for them, which the REST route serves as is."""
    return api.ListVenuesPageResponse(body=edge_json(answer))


# -- event payloads ---------------------------------------------------------------------------------


def snapshot(view: store.BookingView) -> events_pb2.BookingSnapshot:
    b, v, c = view.booking, view.venue, view.court
    return events_pb2.BookingSnapshot(
        booking_id=b.id, venue_id=v.id, venue_name=v.name, venue_address=v.address, venue_phone=v.phone, court_id=c.id,
        court_name=c.name, player_id=b.player_id, participant_ids=b.participant_ids,
        start_time=timestamp(b.start_time), end_time=timestamp(b.end_time), opening_date=b.opening_date.isoformat(),
        time_zone=v.time_zone, price=money(b.price_paisa), status=STATUS_TO_PROTO[b.state],
        commission=money(b.commission_paisa),
        venue_owner_id=v.owner_id, special_requests=b.special_requests,
        player_name=view.player.name if view.player else "", player_phone=view.player.phone if view.player else "",
        waitlist_offer_id=b.waitlist_offer_id or "", match_id=b.match_id or "",
        player_prices=[events_pb2.PlayerSharePrice(player_id=player, price=money(paisa))
                       for player, paisa in b.player_prices or []])


def booking_created(view: store.BookingView, series_id: str = "", booked_by: str = "",
                    lottery_id: str = "") -> events_pb2.BookingCreated:
    return events_pb2.BookingCreated(booking=snapshot(view), series_id=series_id, booked_by=booked_by,
                                     lottery_id=lottery_id)


def booking_confirmed(view: store.BookingView, series_id: str = "",
                      lottery_id: str = "") -> events_pb2.BookingConfirmed:
    return events_pb2.BookingConfirmed(booking=snapshot(view), series_id=series_id, lottery_id=lottery_id)


def booking_cancelled(view: store.BookingView, series_id: str = "") -> events_pb2.BookingCancelled:
    return events_pb2.BookingCancelled(booking=snapshot(view), cancellation=cancellation(view.booking),
                                       series_id=series_id)


def booking_rescheduled(view: store.BookingView, left: tuple[str, dt.datetime, dt.datetime],
                        moved_by: str) -> events_pb2.BookingRescheduled:
    court_id, start, end = left
    return events_pb2.BookingRescheduled(booking=snapshot(view), previous_start_time=timestamp(start),
                                         moved_by=moved_by, previous_court_id=court_id,
                                         previous_end_time=timestamp(end))


def booking_participants_changed(view: store.BookingView, added: Sequence[str], removed: Sequence[str],
                                 left_late: Sequence[str] = ()) -> events_pb2.BookingParticipantsChanged:
    return events_pb2.BookingParticipantsChanged(booking=snapshot(view), added_ids=added, removed_ids=removed,
                                                 left_late_ids=left_late)


def booking_completed(view: store.BookingView) -> events_pb2.BookingCompleted:
    return events_pb2.BookingCompleted(booking=snapshot(view))


def booking_no_show(view: store.BookingView, marked_by: str) -> events_pb2.BookingNoShow:
    return events_pb2.BookingNoShow(booking=snapshot(view), marked_by=marked_by)


def invitation_sent(view: store.BookingView, player_id: str) -> events_pb2.InvitationSent:
    return events_pb2.InvitationSent(booking=snapshot(view), player_id=player_id)


def invitation_accepted(view: store.BookingView, player_id: str) -> events_pb2.InvitationAccepted:
    return events_pb2.InvitationAccepted(booking=snapshot(view), player_id=player_id)


def invitation_declined(view: store.BookingView, player_id: str,
                        left_late: Sequence[str] = ()) -> events_pb2.InvitationDeclined:
    return events_pb2.InvitationDeclined(booking=snapshot(view), player_id=player_id, left_late_ids=left_late)


# -- recurring series and a venue's terms ---------------------------------------------------------------

SERIES_SCOPES = {api.SERIES_CANCEL_SCOPE_ONE: "one", api.SERIES_CANCEL_SCOPE_FOLLOWING: "following",
                 api.SERIES_CANCEL_SCOPE_ALL: "all"}


def recurrence(message: pb.SeriesRecurrence, field: str = "recurrence") -> Recurrence:
    return Recurrence(
        interval_weeks=message.interval_weeks, weekdays=tuple(message.weekdays),
        until=day(message.until, f"{field}.until") if message.until else None, count=message.count,
        exceptions=frozenset(day(d, f"{field}.exception_dates[{i}]") for i, d in enumerate(message.exception_dates)))


def venue_terms(row: store.VenueTerms) -> pb.VenueTerms:
    return pb.VenueTerms(venue_id=row.venue_id, series_horizon_days=row.series_horizon_days,
                         max_series_per_player=row.max_series_per_player,
                         waitlist_offer_minutes=row.waitlist_offer_minutes)


def series(view: store.SeriesView) -> pb.BookingSeries:
    zone = domain.ZoneInfo(view.venue.time_zone)
    return pb.BookingSeries(
        series_id=view.series.id if view.series else "", venue_id=view.venue.id, court_id=view.court_id,
        player_id=view.player_id, rule=view.rule, duration_minutes=view.duration_minutes,
        time_zone=view.venue.time_zone,
        occurrences=[pb.SeriesOccurrence(
            local_date=g.start.astimezone(zone).date().isoformat(), start_time=timestamp(g.start),
            booking_id=g.booking.id if g.booking else "", clash=g.clash,
            status=STATUS_TO_PROTO[g.booking.state] if g.booking else pb.BOOKING_STATUS_UNSPECIFIED)
            for g in view.games])


def series_snapshot(series_id: str, game: store.BookingView) -> events_pb2.SeriesSnapshot:
    """A series as its events tell of it, from one of its games (the same venue, court and player)."""
    b, v = game.booking, game.venue
    return events_pb2.SeriesSnapshot(
        series_id=series_id, venue_id=v.id, venue_name=v.name, court_id=game.court.id, court_name=game.court.name,
        player_id=b.player_id, venue_owner_id=v.owner_id, time_zone=v.time_zone, duration_minutes=b.duration_minutes,
        player_name=game.player.name if game.player else "", player_phone=game.player.phone if game.player else "")


def series_booked(series_id: str, games: Sequence[store.BookingView], clashes: int,
                  booked_by: str) -> events_pb2.SeriesBooked:
    return events_pb2.SeriesBooked(
        series=series_snapshot(series_id, games[0]), start_times=[timestamp(g.booking.start_time) for g in games],
        clash_count=clashes, price=money(sum(g.booking.price_paisa for g in games)),
        status=STATUS_TO_PROTO[games[0].booking.state], booked_by=booked_by)


def series_cancelled(series_id: str, games: Sequence[store.BookingView]) -> events_pb2.SeriesCancelled:
    first = games[0].booking
    return events_pb2.SeriesCancelled(
        series=series_snapshot(series_id, games[0]), start_times=[timestamp(g.booking.start_time) for g in games],
        reason=first.cancel_reason or "", cancelled_by=first.cancelled_by or "",
        refund=money(sum(g.booking.refund_paisa or 0 for g in games)),
        fee=money(sum(g.booking.cancellation_fee_paisa or 0 for g in games)))


# -- the waitlist ---------------------------------------------------------------------------------------


def waitlist_offer(row: store.WaitlistOffer) -> pb.WaitlistOffer:
    return pb.WaitlistOffer(offer_id=row.id, booking_id=row.booking_id, court_id=row.court_id,
                            start_time=timestamp(row.start_time), end_time=timestamp(row.end_time),
                            expires_at=timestamp(row.expires_at), state=row.state)


def waitlist_entry(view: store.EntryView) -> pb.WaitlistEntry:
    e = view.entry
    return pb.WaitlistEntry(
        entry_id=e.id, venue_id=e.venue_id, court_id=e.court_id or "", player_id=e.player_id,
        window_start=timestamp(e.window_start), window_end=timestamp(e.window_end),
        duration_minutes=e.duration_minutes, state=e.state, joined_at=timestamp(e.joined_at),
        offer=waitlist_offer(view.offer) if view.offer else None)


def waitlist_offered(offer: store.WaitlistOffer, view: store.BookingView) -> events_pb2.WaitlistOffered:
    return events_pb2.WaitlistOffered(offer_id=offer.id, entry_id=offer.entry_id, booking=snapshot(view),
                                      expires_at=timestamp(offer.expires_at))


def waitlist_accepted(offer: store.WaitlistOffer, view: store.BookingView) -> events_pb2.WaitlistOfferAccepted:
    return events_pb2.WaitlistOfferAccepted(offer_id=offer.id, booking=snapshot(view))


def waitlist_expired(offer: store.WaitlistOffer, view: store.BookingView) -> events_pb2.WaitlistOfferExpired:
    return events_pb2.WaitlistOfferExpired(offer_id=offer.id, booking=snapshot(view))


# -- the owner's numbers --------------------------------------------------------------------------------


def report(numbers: store.Report) -> pb.VenueReport:
    return pb.VenueReport(
        venue_id=numbers.venue.id, time_zone=numbers.venue.time_zone, revenue=money(numbers.revenue_paisa),
        courts=[pb.CourtReport(court_id=c.court.id, court_name=c.court.name, booked_minutes=c.booked_minutes,
                               open_minutes=c.open_minutes, revenue=money(c.revenue_paisa), bookings=c.bookings)
                for c in numbers.courts],
        hours=[pb.HourOccupancy(weekday=weekday, local_start=clock, booked_minutes=booked, open_minutes=open_)
               for (weekday, clock), (booked, open_) in numbers.steps.items()],
        days=[pb.DayRevenue(local_date=d.isoformat(), revenue=money(revenue), bookings=n)
              for d, n, revenue in numbers.days],
        statuses=[pb.StatusCount(status=STATUS_TO_PROTO[Status(s)], count=n) for s, n in numbers.statuses],
        no_show_rate=numbers.no_show_rate, new_players=numbers.new_players,
        returning_players=numbers.returning_players,
        top_players=[pb.PlayerTotal(player_id=p, bookings=n, spent=money(spent)) for p, n, spent in numbers.top_players],
        price_rules=[pb.PriceRuleRevenue(rule_id=rule_id, rule=price_rule(row) if row else None, bookings=n,
                                         revenue=money(revenue)) for rule_id, row, n, revenue in numbers.price_rules],
        **{"from": numbers.first.isoformat(), "to": numbers.last.isoformat()})


def weekly_summary(numbers: store.Report, rating: tuple[float, int]) -> events_pb2.VenueWeeklySummary:
    v = numbers.venue
    return events_pb2.VenueWeeklySummary(
        venue_id=v.id, venue_name=v.name, venue_owner_id=v.owner_id, time_zone=v.time_zone,
        week_start=numbers.first.isoformat(), week_end=numbers.last.isoformat(),
        bookings=sum(c.bookings for c in numbers.courts), occupancy=numbers.occupancy,
        revenue=money(numbers.revenue_paisa), no_show_rate=numbers.no_show_rate, new_players=numbers.new_players,
        rating_average=round(rating[0], 2), rating_count=rating[1])


def report_file(csv_text: bytes) -> api.ExportVenueReportResponse:
    """The CSV file; over REST the edge serves its bytes as the body, with its content type."""
    return api.ExportVenueReportResponse(body=httpbody_pb2.HttpBody(content_type="text/csv; charset=utf-8",
                                                                    data=csv_text))


# -- the person's data export ---------------------------------------------------------------------------


def booking_export(export: store.BookingExport) -> api.ExportBookingDataResponse:
    """Each booking as the person sees it (`invited` on games they did not book)."""
    return api.ExportBookingDataResponse(
        player=scheduled_player(export.player) if export.player else None,
        bookings=[booking(view, export.user_id) for view in export.bookings],
        series=[series(view) for view in export.series],
        waitlist_entries=[waitlist_entry(view) for view in export.waitlist],
        lottery_entries=[api.ExportedLotteryEntry(lottery=lottery(e.lottery, e.entries), weight=e.entry.weight,
                                                  entered_at=timestamp(e.entry.created_at))
                         for e in export.lottery_entries],
        reviews=[review(row) for row in export.reviews],
        memberships=[membership(view) for view in export.memberships],
        venues=[venue(view) for view in export.venues],
        exported_at=timestamp(export.exported_at))


# -- reviews --------------------------------------------------------------------------------------------


def review(row: store.Review) -> pb.Review:
    return pb.Review(review_id=row.id, venue_id=row.venue_id, booking_id=row.booking_id, player_id=row.player_id,
                     rating=row.rating, text=row.text, answer=row.answer, created_at=timestamp(row.created_at))


def review_snapshot(row: store.Review, venue: store.Venue, player: store.Player | None) -> events_pb2.ReviewSnapshot:
    return events_pb2.ReviewSnapshot(
        review_id=row.id, venue_id=venue.id, venue_name=venue.name, venue_owner_id=venue.owner_id,
        booking_id=row.booking_id, player_id=row.player_id, player_name=player.name if player else "",
        rating=row.rating, text=row.text, answer=row.answer)


def review_written(row: store.Review, venue: store.Venue, player: store.Player | None) -> events_pb2.ReviewWritten:
    return events_pb2.ReviewWritten(review=review_snapshot(row, venue, player))


def review_answered(row: store.Review, venue: store.Venue, player: store.Player | None) -> events_pb2.ReviewAnswered:
    return events_pb2.ReviewAnswered(review=review_snapshot(row, venue, player))


# -- lotteries ------------------------------------------------------------------------------------------


def lottery(row: store.Lottery, entries: Sequence[store.LotteryEntry], now: dt.datetime) -> pb.Lottery:
    """A lottery; once drawn, its entries (player ids and weights only) in joining order, for checking."""
    players = {e.id: e.player_id for e in entries}
    return pb.Lottery(lottery_id=row.id, venue_id=row.venue_id, court_id=row.court_id,
                      start_time=timestamp(row.start_time), duration_minutes=row.duration_minutes,
                      entries_close_at=timestamp(row.entries_close_at), entry_count=len(entries), seed=row.seed,
                      drawn_player_ids=[players[e] for e in row.drawn_order], booking_id=row.booking_id or "",
                      state=lottery_state(row.entries_close_at, row.seed, row.booking_id, now),
                      entries=[pb.LotteryEntry(player_id=e.player_id, weight=e.weight) for e in entries]
                      if row.seed else [])


def lottery_drawn(row: store.Lottery, entries: Sequence[store.LotteryEntry],
                  won: store.BookingView) -> events_pb2.LotteryDrawn:
    players = {e.id: e.player_id for e in entries}
    winner = won.booking.player_id
    return events_pb2.LotteryDrawn(lottery_id=row.id, booking=snapshot(won), winner_id=winner,
                                   waiting_ids=[players[e] for e in row.drawn_order if players[e] != winner],
                                   seed=row.seed)


# -- memberships ----------------------------------------------------------------------------------------

PERIODS = {pb.MEMBERSHIP_PERIOD_MONTHLY: "monthly", pb.MEMBERSHIP_PERIOD_QUARTERLY: "quarterly",
           pb.MEMBERSHIP_PERIOD_YEARLY: "yearly"}
PERIODS_TO_PROTO = {name: value for value, name in PERIODS.items()}


def plan_benefits(plan: pb.MembershipPlan) -> dict[str, Any]:
    """A new plan's benefits as columns: its member price rules (each an amount or a percent off, not
    both), further horizon, more bookings a day and later free cancelling."""
    rules = []
    for i, rule in enumerate(plan.price_rules):
        field = f"plan.price_rules[{i}]"
        amount = rule.amount_off.amount_paisa
        if bool(amount) == bool(rule.percent_off):
            raise InvalidArgument.field(field, "give either amount_off or percent_off")
        rules.append({**_window_columns(rule, field), "amount_off_paisa": amount, "percent_off": rule.percent_off})
    return {"price_rules": rules, "extra_horizon_days": plan.extra_horizon_days,
            "extra_bookings_per_day": plan.extra_bookings_per_day,
            "free_until_hours": plan.free_until_hours if plan.HasField("free_until_hours") else None}


PLAN_FIELDS = ("name", "price", "grace_days", "percent_off", "lottery_weight", "price_rules", "extra_horizon_days",
               "extra_bookings_per_day", "free_until_hours")


def plan_changes(plan: pb.MembershipPlan, mask: FieldMask) -> dict[str, Any]:
    """The columns an UpdateMembershipPlanRequest changes, by its update_mask."""
    benefits = plan_benefits(plan)
    columns: dict[str, Any] = {}
    for path in mask_paths(mask):
        if path not in PLAN_FIELDS:
            raise InvalidArgument.field("update_mask", f"{path} cannot be changed here")
        if path == "name":
            columns["name"] = plan.name.strip()
        elif path == "price":
            columns["price_paisa"] = plan.price.amount_paisa
        elif path == "lottery_weight":
            columns["lottery_weight"] = max(1, plan.lottery_weight)
        elif path in benefits:
            columns[path] = benefits[path]
        else:
            columns[path] = getattr(plan, path)
    return columns


def membership_plan(row: store.MembershipPlan) -> pb.MembershipPlan:
    plan = pb.MembershipPlan(
        plan_id=row.id, venue_id=row.venue_id, name=row.name, price=money(row.price_paisa),
        period=PERIODS_TO_PROTO[row.period], grace_days=row.grace_days, percent_off=row.percent_off,
        lottery_weight=row.lottery_weight, extra_horizon_days=row.extra_horizon_days,
        extra_bookings_per_day=row.extra_bookings_per_day,
        price_rules=[pb.MemberPriceRule(court_id=r["court_id"] or "", weekdays=r["weekdays"], start=r["start"],
                                        end=r["end"], amount_off=money(r["amount_off_paisa"]),
                                        percent_off=r["percent_off"]) for r in row.price_rules or []])
    if row.free_until_hours is not None:
        plan.free_until_hours = row.free_until_hours
    if row.retired_at is not None:
        plan.retired_at.CopyFrom(timestamp(row.retired_at))
    return plan


def membership(view: store.MembershipView) -> pb.Membership:
    member = view.membership
    return pb.Membership(membership_id=member.id, plan=membership_plan(view.plan), player_id=member.player_id,
                         paid_until=timestamp(member.paid_until), state=view.state,
                         player_name=view.player.name if view.player else "",
                         grace_ends_at=timestamp(member.paid_until + dt.timedelta(days=view.plan.grace_days)),
                         bill_id=view.bill_id)


def membership_paid(view: store.MembershipView, venue_row: store.Venue, renewed: bool) -> events_pb2.MembershipPaid:
    return events_pb2.MembershipPaid(membership=membership(view), venue_name=venue_row.name, renewed=renewed,
                                     time_zone=venue_row.time_zone)


def membership_payment_due(due: store.MembershipDue, plan: store.MembershipPlan, venue_row: store.Venue,
                           commission: int) -> events_pb2.MembershipPaymentDue:
    return events_pb2.MembershipPaymentDue(
        bill_id=due.id, membership_id=due.membership_id, player_id=due.player_id, venue_id=due.venue_id,
        plan_id=due.plan_id, amount=money(due.amount_paisa), period=PERIODS_TO_PROTO[plan.period],
        commission=money(commission),
        local_date=due.created_at.astimezone(domain.ZoneInfo(venue_row.time_zone)).date().isoformat(),
        opened_at=timestamp(due.created_at))


def membership_plan_retired(view: store.MembershipView, venue_row: store.Venue,
                            renewal_withdrawn: bool) -> events_pb2.MembershipPlanRetired:
    return events_pb2.MembershipPlanRetired(membership=membership(view), venue_name=venue_row.name,
                                            time_zone=venue_row.time_zone, renewal_withdrawn=renewal_withdrawn)


def membership_payment_withdrawn(due: store.MembershipDue) -> events_pb2.MembershipPaymentWithdrawn:
    return events_pb2.MembershipPaymentWithdrawn(bill_id=due.id, membership_id=due.membership_id,
                                                 player_id=due.player_id)


def membership_joined(due: store.MembershipDue) -> api.JoinMembershipPlanResponse:
    return api.JoinMembershipPlanResponse(membership_id=due.membership_id, bill_id=due.id,
                                          amount=money(due.amount_paisa))


def membership_payment(due: store.MembershipDue, plan: store.MembershipPlan,
                       venue_row: store.Venue) -> api.GetMembershipPaymentResponse:
    return api.GetMembershipPaymentResponse(bill_id=due.id, membership_id=due.membership_id,
                                            plan=membership_plan(plan), venue_name=venue_row.name,
                                            amount=money(due.amount_paisa), state=due.state)


def membership_renewal_due(view: store.MembershipView, venue_row: store.Venue) -> events_pb2.MembershipRenewalDue:
    return events_pb2.MembershipRenewalDue(membership=membership(view), venue_name=venue_row.name,
                                           time_zone=venue_row.time_zone)


def membership_expired(view: store.MembershipView, venue_row: store.Venue) -> events_pb2.MembershipExpired:
    return events_pb2.MembershipExpired(membership=membership(view), venue_name=venue_row.name,
                                        time_zone=venue_row.time_zone)
