"""PaymentService over gRPC: request → convert → use case → convert → response. The caller comes
from the token (none on the providers' public callbacks)."""

from padel.payment.v1 import payment_pb2 as pb
from padel.payment.v1 import payment_service_pb2 as api
from padel.payment.v1 import payment_service_pb2_grpc

from mesh import caller
from mesh.db import Database
from payment_svc import convert
from payment_svc.service import exports
from payment_svc.service.bills import Bills
from payment_svc.service.payments import Payments, expiry
from payment_svc.service.payouts import Payouts
from payment_svc.service.venue_fees import VenueFees
from payment_svc.service.venue_payments import VenuePayments


class PaymentServicer(payment_service_pb2_grpc.PaymentServiceServicer):
    def __init__(self, database: Database, bills: Bills, payments: Payments, payouts: Payouts,
                 venue_payments: VenuePayments, venue_fees: VenueFees):
        self.database = database
        self.bills = bills
        self.payments = payments
        self.payouts = payouts
        self.venue_payments = venue_payments
        self.venue_fees = venue_fees

    def GetBill(self, request, context):
        view = self.bills.get_bill(self.database, caller.current(), request.booking_id)
        return api.GetBillResponse(bill=convert.bill(view))

    def Pay(self, request, context):
        payment = self.payments.pay(self.database, caller.current(), request.booking_id,
                                    convert.WALLET_OF[request.wallet], request.mobile_number, request.cnic_last_six,
                                    request.cover == pb.PAY_COVER_ALL)
        return api.PayResponse(payment=convert.payment(payment))

    def GetPayment(self, request, context):
        return api.GetPaymentResponse(payment=convert.payment(
            self.payments.get_payment(self.database, caller.current(), request.payment_id)))

    def CancelPayment(self, request, context):
        return api.CancelPaymentResponse(payment=convert.payment(
            self.payments.cancel(self.database, caller.current(), request.payment_id)))

    def ExportPaymentData(self, request, context):
        return convert.payment_export(exports.export_data(self.database, caller.current(), self.bills.clock))

    def StartCheckout(self, request, context):
        payment, form = self.payments.start_checkout(self.database, caller.current(), request.booking_id,
                                                     convert.WALLET_OF[request.wallet], request.mobile_number,
                                                     request.cover == pb.PAY_COVER_ALL)
        return api.StartCheckoutResponse(payment=convert.payment(payment),
                                         checkout=convert.checkout(form, payment.created_at + expiry(payment)))

    def JazzCashCheckoutReturn(self, request, context):
        payment = self.payments.jazzcash_return(self.database, convert.form_fields(request.body.data))
        return api.JazzCashCheckoutReturnResponse(body=convert.result_page(payment))

    def EasypaisaCheckoutReturn(self, request, context):
        step = self.payments.easypaisa_return(self.database, request.auth_token, request.order_ref_number,
                                              request.success, request.status)
        return api.EasypaisaCheckoutReturnResponse(body=convert.easypaisa_return_page(step))

    def CollectVenueFee(self, request, context):
        row = self.venue_fees.collect(self.database, caller.current(), request.booking_id)
        return api.CollectVenueFeeResponse(venue_fee=convert.venue_fee(row))

    def JazzCashCallback(self, request, context):
        payment = self.payments.jazzcash_callback(self.database, convert.form_fields(request.body.data))
        return api.JazzCashCallbackResponse(transaction_reference=payment.reference,
                                            status=convert.PAYMENT_STATES[payment.payment_state])

    def EasypaisaIpn(self, request, context):
        payment = self.payments.easypaisa_notice(self.database, request.url)
        return api.EasypaisaIpnResponse(transaction_reference=payment.reference,
                                        status=convert.PAYMENT_STATES[payment.payment_state])

    def GetVenuePayment(self, request, context):
        row = self.venue_payments.get(self.database, request.venue_id)
        return api.GetVenuePaymentResponse(venue_payment=convert.venue_payment(request.venue_id, row))

    def SetVenuePayment(self, request, context):
        row = self.venue_payments.set(self.database, caller.current(), request.venue_id,
                                      convert.MODE_OF[request.mode], request.deposit_percent)
        return api.SetVenuePaymentResponse(venue_payment=convert.venue_payment(request.venue_id, row))

    def GetPayoutReport(self, request, context):
        report = self.payouts.report(self.database, caller.current(), request.venue_id, convert.day(request.date),
                                     request.page_size, request.page_token)
        return api.GetPayoutReportResponse(lines=[convert.payout_line(line) for line in report.lines],
                                           totals=convert.payout_line(report.totals),
                                           next_page_token=report.next_page_token)
