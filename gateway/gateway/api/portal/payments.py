"""Client portal API, Billing tab: paying several invoices in one payment, and paying ahead (prepayments).

billing decides everything (the business's settings, the client's rights, limits and idempotency);
these views read the request and answer.
"""
from gateway.api.blueprints import ApiBlueprint, client_required
from gateway.features import payments
from gateway.schemas.portal.billing import (IdempotencyKeySchema, PaymentQuoteSchema, PaymentRequestSchema,
                                            PaymentResultSchema, PrepaymentRequestSchema)
from shared.errors import Conflict, IdempotencyMismatch, NotFound, PaymentDeclined

blueprint = ApiBlueprint("payments", __name__, tag="portal billing")
# A payment can be declined (402), clash with another under way (409), reuse a key for another body (422)
# or name an invoice or method that is not the client's (404).
PAYMENT_ERRORS = (PaymentDeclined, Conflict, IdempotencyMismatch, NotFound)


@blueprint.post("/payments/quote")
@client_required
@blueprint.doc(summary="Say what paying these invoices would charge, and whether it is over the business's limit "
                       "(with the warning to show)")
@blueprint.body(PaymentRequestSchema)
@blueprint.response(200, PaymentQuoteSchema)
@blueprint.raises(NotFound)
def quote_payment(payment_request):
    return payments.quote(payment_request)


@blueprint.post("/payments")
@client_required
@blueprint.doc(summary="Pay the selected invoices in one payment. Needs an Idempotency-Key header: a retry with the "
                       "same key gets the first answer (never a second charge); the same key with another body is "
                       "refused (422). A declined card answers 402 and changes nothing. The receipt goes to the "
                       "client's email")
@blueprint.headers(IdempotencyKeySchema)
@blueprint.body(PaymentRequestSchema)
@blueprint.response(201, PaymentResultSchema)
@blueprint.raises(*PAYMENT_ERRORS)
def pay_invoices(headers, payment_request):
    return payments.pay_invoices(headers["key"], payment_request)


@blueprint.post("/prepayments")
@client_required
@blueprint.doc(summary="Pay ahead of any invoice, as credit on the account. Needs an Idempotency-Key header, as "
                       "payments do")
@blueprint.headers(IdempotencyKeySchema)
@blueprint.body(PrepaymentRequestSchema)
@blueprint.response(201, PaymentResultSchema)
@blueprint.raises(*PAYMENT_ERRORS)
def make_prepayment(headers, prepayment):
    return payments.make_prepayment(headers["key"], prepayment)
