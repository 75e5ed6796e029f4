"""BookingService over gRPC, thin: request message → `convert` → use case → `convert` → response.

The caller comes from the access token (`mesh.caller`) and is passed to the use cases as a value;
the unit of work of every call is the service's database.
"""

from __future__ import annotations

from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc

from booking_svc import convert
from booking_svc.service import Availability, Bookings, Venues, exports, reports, series
from booking_svc.service.lotteries import Lotteries
from booking_svc.service.match_holds import MatchHolds
from booking_svc.service.memberships import Memberships
from booking_svc.service.reviews import Reviews
from booking_svc.service.waitlist import Waitlist
from mesh import caller
from mesh.convert import to_datetime
from mesh.db import Database


class BookingServicer(booking_service_pb2_grpc.BookingServiceServicer):
    def __init__(self, database: Database, venues: Venues, availability: Availability, bookings: Bookings,
                 recurring: series.Series, waitlist: Waitlist, reviews: Reviews, lotteries: Lotteries,
                 memberships: Memberships, match_holds: MatchHolds):
        self.db = database
        self.venues = venues
        self.availability = availability
        self.bookings = bookings
        self.series = recurring
        self.waitlist = waitlist
        self.reviews = reviews
        self.lotteries = lotteries
        self.memberships = memberships
        self.match_holds = match_holds

    # venues

    def ListVenues(self, request, context):
        return self._venue_search(request)

    def ListVenuesPage(self, request, context):
        return self._venue_search(request, convert.venues_page)

    def _venue_search(self, request, text=None):
        """The venues found (ListVenues' and ListVenuesPage's requests have the same fields), as the
        message or, with `text`, as the JSON the REST route serves."""
        return self.venues.rendered_search(
            self.db, request.city, request.query, convert.near(request), request.radius_km, request.page_size,
            request.page_token, request.order_by_rating,
            lambda found: api.ListVenuesResponse(venues=[convert.venue(v) for v in found.items],
                                                 next_page_token=found.next_page_token), text)

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
        return self._availability(request)

    def GetAvailabilityPage(self, request, context):
        return self._availability(request, convert.availability_page)

    def _availability(self, request, text=None):
        """The caller's availability (GetAvailability's and GetAvailabilityPage's requests have the same
        fields), as the message or, with `text`, as the JSON the REST route serves."""
        me = caller.optional()
        return self.availability.rendered_for(self.db, request.venue_id, convert.day(request.date),
                                              request.duration_minutes, request.court_id,
                                              me.user_id if me else None, convert.availability,
                                              convert.members_only, text)

    # bookings

    def Book(self, request, context):
        view = self.bookings.book(self.db, caller.current(), request.court_id, to_datetime(request.start_time),
                                  request.duration_minutes, list(request.participant_ids),
                                  request.special_requests, request.idempotency_key, request.player_id,
                                  request.player_phone)
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

    # a venue's terms and recurring series

    def GetVenueTerms(self, request, context):
        return api.GetVenueTermsResponse(terms=convert.venue_terms(series.get_terms(self.db, request.venue_id)))

    def SetVenueTerms(self, request, context):
        t = request.terms
        terms = series.set_terms(self.db, caller.current(), request.venue_id, t.series_horizon_days,
                                 t.max_series_per_player, t.waitlist_offer_minutes)
        return api.SetVenueTermsResponse(terms=convert.venue_terms(terms))

    def BookSeries(self, request, context):
        view = self.series.book(self.db, caller.current(), request.court_id, to_datetime(request.first_start),
                                request.duration_minutes, convert.recurrence(request.recurrence),
                                list(request.participant_ids), request.preview, request.idempotency_key,
                                request.player_id, request.player_phone)
        return api.BookSeriesResponse(series=convert.series(view))

    def GetSeries(self, request, context):
        return api.GetSeriesResponse(series=convert.series(self.series.get(self.db, caller.current(),
                                                                           request.series_id)))

    def CancelSeries(self, request, context):
        cancelled, view = self.series.cancel(self.db, caller.current(), request.series_id,
                                             convert.SERIES_SCOPES[request.scope], request.booking_id,
                                             request.reason.strip())
        return api.CancelSeriesResponse(cancelled=[convert.booking(v) for v in cancelled],
                                        series=convert.series(view))

    # the waitlist

    def JoinWaitlist(self, request, context):
        view = self.waitlist.join(self.db, caller.current(), request.venue_id, request.court_id,
                                  to_datetime(request.window_start), to_datetime(request.window_end),
                                  request.duration_minutes)
        return api.JoinWaitlistResponse(entry=convert.waitlist_entry(view))

    def ListWaitlist(self, request, context):
        found = self.waitlist.list_mine(self.db, caller.current(), request.page_size, request.page_token)
        return api.ListWaitlistResponse(entries=[convert.waitlist_entry(v) for v in found.items],
                                        next_page_token=found.next_page_token)

    def LeaveWaitlist(self, request, context):
        self.waitlist.leave(self.db, caller.current(), request.entry_id)
        return api.LeaveWaitlistResponse()

    def AcceptWaitlistOffer(self, request, context):
        view = self.waitlist.accept(self.db, caller.current(), request.offer_id)
        return api.AcceptWaitlistOfferResponse(booking=convert.booking(view))

    def HoldCourtForMatch(self, request, context):
        view = self.match_holds.hold(self.db, caller.current(), request.match_id, request.court_id,
                                     to_datetime(request.start_time), request.duration_minutes,
                                     to_datetime(request.hold_until))
        return api.HoldCourtForMatchResponse(booking=convert.booking(view))

    # the owner's numbers

    def _report(self, request):
        return reports.report(self.db, caller.current(), request.venue_id, convert.day(getattr(request, "from"), "from"),
                              convert.day(request.to, "to"))

    def GetVenueReport(self, request, context):
        return api.GetVenueReportResponse(report=convert.report(self._report(request)))

    def ExportVenueReport(self, request, context):
        return convert.report_file(reports.as_csv(self._report(request)))

    # the person's data export

    def ExportBookingData(self, request, context):
        return convert.booking_export(exports.export_data(self.db, caller.current(), self.bookings.clock))

    # reviews

    def ReviewVenue(self, request, context):
        written = self.reviews.write(self.db, caller.current(), request.booking_id, request.rating,
                                     request.text.strip())
        return api.ReviewVenueResponse(review=convert.review(written))

    def ListReviews(self, request, context):
        found = self.reviews.of_venue(self.db, request.venue_id, request.page_size, request.page_token)
        return api.ListReviewsResponse(reviews=[convert.review(r) for r in found.page.items],
                                       next_page_token=found.page.next_page_token,
                                       average_rating=found.average, review_count=found.count)

    def AnswerReview(self, request, context):
        answered = self.reviews.answer(self.db, caller.current(), request.review_id, request.answer.strip())
        return api.AnswerReviewResponse(review=convert.review(answered))

    def HideReview(self, request, context):
        self.reviews.hide(self.db, caller.current(), request.review_id, request.reason.strip())
        return api.HideReviewResponse()

    # lotteries of prime slots

    def CreateLottery(self, request, context):
        made = self.lotteries.create(self.db, caller.current(), request.venue_id, request.court_id,
                                     to_datetime(request.start_time), request.duration_minutes,
                                     to_datetime(request.entries_close_at))
        return api.CreateLotteryResponse(lottery=convert.lottery(made, [], self.lotteries.clock()))

    def EnterLottery(self, request, context):
        self.lotteries.enter(self.db, caller.current(), request.lottery_id)
        return api.EnterLotteryResponse(lottery=convert.lottery(*self.lotteries.get(self.db, request.lottery_id),
                                                                self.lotteries.clock()))

    def GetLottery(self, request, context):
        return api.GetLotteryResponse(lottery=convert.lottery(*self.lotteries.get(self.db, request.lottery_id),
                                                              self.lotteries.clock()))

    def ListVenueLotteries(self, request, context):
        now = self.lotteries.clock()
        return api.ListVenueLotteriesResponse(lotteries=[convert.lottery(row, entries, now) for row, entries in
                                                         self.lotteries.list_venue(self.db, request.venue_id)])

    def DrawLottery(self, request, context):
        return api.DrawLotteryResponse(lottery=convert.lottery(*self.lotteries.draw(self.db, caller.current(),
                                                                                    request.lottery_id),
                                                               self.lotteries.clock()))

    # memberships

    def CreateMembershipPlan(self, request, context):
        p = request.plan
        plan = self.memberships.create_plan(self.db, caller.current(), request.venue_id, p.name.strip(),
                                            p.price.amount_paisa, convert.PERIODS[p.period], p.grace_days,
                                            p.percent_off, p.lottery_weight, convert.plan_benefits(p))
        return api.CreateMembershipPlanResponse(plan=convert.membership_plan(plan))

    def ListMembershipPlans(self, request, context):
        return api.ListMembershipPlansResponse(plans=[convert.membership_plan(p) for p in
                                                      self.memberships.list_plans(self.db, request.venue_id)])

    def UpdateMembershipPlan(self, request, context):
        plan = self.memberships.update_plan(self.db, caller.current(), request.venue_id, request.plan_id,
                                            convert.plan_changes(request.plan, request.update_mask))
        return api.UpdateMembershipPlanResponse(plan=convert.membership_plan(plan))

    def RetireMembershipPlan(self, request, context):
        plan = self.memberships.retire_plan(self.db, caller.current(), request.venue_id, request.plan_id)
        return api.RetireMembershipPlanResponse(plan=convert.membership_plan(plan))

    def RecordMembershipPayment(self, request, context):
        view = self.memberships.record_payment(self.db, caller.current(), request.venue_id, request.plan_id,
                                               request.player_id)
        return api.RecordMembershipPaymentResponse(membership=convert.membership(view))

    def JoinMembershipPlan(self, request, context):
        due = self.memberships.join(self.db, caller.current(), request.venue_id, request.plan_id)
        return convert.membership_joined(due)

    def GetMembershipPayment(self, request, context):
        return convert.membership_payment(*self.memberships.payment_of(self.db, caller.current(), request.bill_id))

    def ListMyMemberships(self, request, context):
        found = self.memberships.list_mine(self.db, caller.current(), request.page_size, request.page_token)
        return api.ListMyMembershipsResponse(memberships=[convert.membership(v) for v in found.items],
                                             next_page_token=found.next_page_token)

    def EndMembership(self, request, context):
        view = self.memberships.end_membership(self.db, caller.current(), request.venue_id, request.membership_id)
        return api.EndMembershipResponse(membership=convert.membership(view))

    def ListVenueMembers(self, request, context):
        found = self.memberships.list_venue_members(self.db, caller.current(), request.venue_id, request.page_size,
                                                    request.page_token)
        return api.ListVenueMembersResponse(memberships=[convert.membership(v) for v in found.items],
                                            next_page_token=found.next_page_token)
