"""Client portal API, Billing tab: paying several invoices in one payment, and paying ahead (prepayments).

billing decides everything (the business's settings, the client's rights, limits and idempotency);
these views read the request and answer.
"""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import payments
from gateway.schemas.portal.billing import (PREPAYMENT_BODY, IdempotencyKeySchema, PaymentQuoteSchema,
                                            PaymentRequestSchema, PaymentResultSchema, PrepaymentRequestSchema)
from shared.errors import Conflict, IdempotencyMismatch, NotFound, PaymentDeclined

blueprint = ApiBlueprint("payments", __name__, tag="portal billing", caller=CLIENT)
# A payment can be declined (402), clash with another under way (409; with Retry-After when it is the same
# key's first request, still charging), reuse a key for another body (422)
# or name an invoice or method that is not the client's (404).
PAYMENT_ERRORS = (PaymentDeclined, Conflict, IdempotencyMismatch, NotFound)


@blueprint.post("/payments/quote")
@blueprint.operation("Say what paying these invoices would charge, and whether it is over the business's limit "
                     "(with the warning to show)", body=PaymentRequestSchema, response=PaymentQuoteSchema,
                     dump=True, raises=[NotFound])
def quote_payment(payment_request):
    return payments.quote(payment_request)


@blueprint.post("/payments")
@blueprint.operation("Pay the selected invoices in one payment. Needs an Idempotency-Key header: a retry with the "
                     "same key gets the first answer (never a second charge); the same key with another body is "
                     "refused (422); while the first request with the key is still charging, another may answer 409 "
                     "request_in_progress with Retry-After, then the first answer when asked again. A declined card "
                     "answers 402 and changes nothing. The receipt goes to the client's email. With Stripe, a bank "
                     "that asks the client to confirm answers 202 `requires_action` (then POST "
                     "/payments/{payment_id}/confirm)", headers=IdempotencyKeySchema, body=PaymentRequestSchema,
                     status=201, response=PaymentResultSchema, dump=True, raises=PAYMENT_ERRORS)
def pay_invoices(headers, payment_request):
    return with_bank_check(payments.pay_invoices(headers["key"], payment_request), 201)


@blueprint.post("/prepayments")
@blueprint.operation("Pay ahead of any invoice, as credit on the account. Needs an Idempotency-Key header, as "
                     "payments do", headers=IdempotencyKeySchema, body=PrepaymentRequestSchema, status=201,
                     response=PaymentResultSchema, dump=True, raises=PAYMENT_ERRORS,
                     requestBody={"content": {"application/json": {"schema": PREPAYMENT_BODY}}})
def make_prepayment(headers, prepayment):
    return with_bank_check(payments.make_prepayment(headers["key"], prepayment), 201)


@blueprint.post("/payments/<id:payment_id>/confirm")
@blueprint.operation("After the client's bank check (a payment or prepayment answered 202 `requires_action`): the "
                     "payment as the processor says it went, answered as its Idempotency-Key answers. A check failed "
                     "or never finished answers 402 and charges nothing", status=200, response=PaymentResultSchema,
                     dump=True, raises=PAYMENT_ERRORS)
def confirm_payment(payment_id):
    return payments.confirm_payment(payment_id)


def with_bank_check(answer, status):
    """A payment's answer, or 202 while the client's bank waits for them to confirm it."""
    return (answer, 202) if "requires_action" in answer else (answer, status)
