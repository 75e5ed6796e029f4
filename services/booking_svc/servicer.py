"""BookingService over gRPC, thin: request message → `convert` → use case → `convert` → response.

The caller comes from the access token (`mesh.caller`) and is passed to the use cases as a value;
the unit of work of every call is the service's database.
"""

from __future__ import annotations

from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc import convert
from booking_svc.service import Availability, Bookings, Venues
from mesh import caller
from mesh.convert import to_datetime
from mesh.db import Database


class BookingServicer(booking_service_pb2_grpc.BookingServiceServicer):
    def __init__(self, database: Database, venues: Venues, availability: Availability, bookings: Bookings):
        self.db = database
        self.venues = venues
        self.availability = availability
        self.bookings = bookings

    # venues

    def ListVenues(self, request, context):
        found = self.venues.search(self.db, request.city, request.query, convert.near(request), request.radius_km,
                                   request.page_size, request.page_token)
        return api.ListVenuesResponse(venues=[convert.venue(v) for v in found.items],
                                      next_page_token=found.next_page_token)

    def GetVenue(self, request, context):
        return api.GetVenueResponse(venue=convert.venue(self.venues.get(self.db, request.venue_id)))

    def CreateVenue(self, request, context):
        courts = [convert.new_court_columns(c) for c in request.venue.courts]
        view = self.venues.create(self.db, caller.current(), convert.new_venue_columns(request.venue), courts)
        return api.CreateVenueResponse(venue=convert.venue(view))

    def UpdateVenue(self, request, context):
        columns = convert.venue_changes(request.venue, request.update_mask)
        view = self.venues.update(self.db, caller.current(), request.venue_id, columns)
        return api.UpdateVenueResponse(venue=convert.venue(view))

    def AddCourt(self, request, context):
        court = self.venues.add_court(self.db, caller.current(), request.venue_id,
                                      convert.new_court_columns(request.court))
        return api.AddCourtResponse(court=convert.court(court))

    def UpdateCourt(self, request, context):
        columns = convert.court_changes(request.court, request.update_mask)
        court = self.venues.update_court(self.db, caller.current(), request.venue_id, request.court_id, columns)
        return api.UpdateCourtResponse(court=convert.court(court))

    def AddClosure(self, request, context):
        closure = self.venues.add_closure(self.db, caller.current(), request.venue_id, request.court_id,
                                          to_datetime(request.start_time), to_datetime(request.end_time),
                                          request.reason)
        return api.AddClosureResponse(closure=convert.closure(closure))

    def ListClosures(self, request, context):
        found = self.venues.list_closures(self.db, caller.current(), request.venue_id, request.page_size,
                                          request.page_token)
        return api.ListClosuresResponse(closures=[convert.closure(c) for c in found.items],
                                        next_page_token=found.next_page_token)

    def DeleteClosure(self, request, context):
        self.venues.delete_closure(self.db, caller.current(), request.venue_id, request.closure_id)
        return api.DeleteClosureResponse()

    def SetPriceRules(self, request, context):
        prices = self.venues.set_price_rules(self.db, caller.current(), request.venue_id,
                                             request.base_hourly_price.amount_paisa,
                                             convert.price_rule_columns(request.rules))
        return convert.prices(prices, api.SetPriceRulesResponse)

    def ListPriceRules(self, request, context):
        prices = self.venues.list_price_rules(self.db, request.venue_id, request.page_size, request.page_token)
        return convert.prices(prices, api.ListPriceRulesResponse)

    # availability and schedule

    def GetVenueSchedule(self, request, context):
        views, people = self.availability.schedule(self.db, caller.current(), request.venue_id,
                                                   convert.day(request.date))
        return api.GetVenueScheduleResponse(bookings=[convert.booking(v) for v in views],
                                            players=[convert.scheduled_player(p) for p in people])

    def GetAvailability(self, request, context):
        day = convert.day(request.date)
        venue, courts = self.availability.free_slots(self.db, request.venue_id, day, request.duration_minutes,
                                                     request.court_id)
        return convert.availability(venue, day, courts)

    # bookings

    def Book(self, request, context):
        view = self.bookings.book(self.db, caller.current(), request.court_id, to_datetime(request.start_time),
                                  request.duration_minutes, list(request.participant_ids),
                                  request.special_requests, request.idempotency_key)
        return api.BookResponse(booking=convert.booking(view))

    def ListBookings(self, request, context):
        me = caller.current()
        found = self.bookings.list_mine(self.db, me, convert.booking_filter(request), request.page_size,
                                        request.page_token)
        return api.ListBookingsResponse(bookings=[convert.booking(v, me.user_id) for v in found.items],
                                        next_page_token=found.next_page_token)

    def GetBooking(self, request, context):
        me = caller.current()
        return api.GetBookingResponse(booking=convert.booking(self.bookings.get(self.db, me, request.booking_id),
                                                              me.user_id))

    def UpdateBooking(self, request, context):
        view = self.bookings.update(self.db, caller.current(), request.booking_id, convert.booking_changes(request))
        return api.UpdateBookingResponse(booking=convert.booking(view))

    def CancelBooking(self, request, context):
        view = self.bookings.cancel(self.db, caller.current(), request.booking_id, request.reason.strip())
        return api.CancelBookingResponse(booking=convert.booking(view))

    def ConfirmBooking(self, request, context):
        view = self.bookings.confirm(self.db, caller.current(), request.booking_id)
        return api.ConfirmBookingResponse(booking=convert.booking(view))

    def CheckInBooking(self, request, context):
        view = self.bookings.check_in(self.db, caller.current(), request.booking_id)
        return api.CheckInBookingResponse(booking=convert.booking(view))

    def CompleteBooking(self, request, context):
        view = self.bookings.complete(self.db, caller.current(), request.booking_id)
        return api.CompleteBookingResponse(booking=convert.booking(view))

    def MarkNoShow(self, request, context):
        view = self.bookings.no_show(self.db, caller.current(), request.booking_id)
        return api.MarkNoShowResponse(booking=convert.booking(view))

    # an owner's venues, retiring, cancellation preview, invitations

    def ListMyVenues(self, request, context):
        found = self.venues.list_mine(self.db, caller.current(), request.page_size, request.page_token)
        return api.ListMyVenuesResponse(venues=[convert.venue(v) for v in found.items],
                                        next_page_token=found.next_page_token)

    def RetireCourt(self, request, context):
        court, live = self.venues.retire_court(self.db, caller.current(), request.venue_id, request.court_id)
        return api.RetireCourtResponse(court=convert.court(court), live_bookings=[convert.booking(v) for v in live])

    def RetireVenue(self, request, context):
        view, live = self.venues.retire_venue(self.db, caller.current(), request.venue_id)
        return api.RetireVenueResponse(venue=convert.venue(view), live_bookings=[convert.booking(v) for v in live])

    def GetCancellationPreview(self, request, context):
        return convert.cancellation_preview(self.bookings.cancellation_preview(self.db, caller.current(),
                                                                               request.booking_id))

    def AcceptInvitation(self, request, context):
        me = caller.current()
        view = self.bookings.answer_invitation(self.db, me, request.booking_id, accept=True)
        return api.AcceptInvitationResponse(booking=convert.booking(view, me.user_id))

    def DeclineInvitation(self, request, context):
        me = caller.current()
        view = self.bookings.answer_invitation(self.db, me, request.booking_id, accept=False)
        return api.DeclineInvitationResponse(booking=convert.booking(view, me.user_id))
