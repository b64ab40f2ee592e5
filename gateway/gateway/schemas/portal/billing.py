"""Client portal API schemas: the Billing tab (invoices, payments, cards and bank accounts) and autopay."""
from marshmallow import Schema, fields, pre_load, validate

from gateway.schemas.billing import (INVOICE_STATUS_FILTERS, BillingPaymentSchema, InvoiceFilterArgsSchema,
                                     NewPaymentMethodSchema, PaymentMethodSchema, PaymentTakenSchema,
                                     PortalInvoiceSchema, invoice_page)
from shared.fields import MAX_ID, Pattern, StrictBoolean, id_field, id_list, money_field
from shared.i18n import N_

# Shapes only: billing applies the business's rules (limits, partial payments, credit) and names
# the field at fault. Defaults are filled in here so that two requests meaning the same thing
# reach billing identically and a retry with the same Idempotency-Key is recognised as one.
IDEMPOTENCY_HELP = N_("Send an Idempotency-Key header of 8 to 200 visible ASCII characters (no spaces), new for "
                      "each payment.")
# It names one payment in billing's records: visible ASCII, as a header carries it unchanged.
IDEMPOTENCY_KEY = Pattern(r"^[!-~]{8,200}$", error=IDEMPOTENCY_HELP)


class IdempotencyKeySchema(Schema):
    """The header every payment carries: a retry with the same key gets the first answer, never a second charge."""

    key = fields.String(required=True, data_key="Idempotency-Key",
                        validate=IDEMPOTENCY_KEY, error_messages={"required": IDEMPOTENCY_HELP},
                        metadata={"description": "8 to 200 visible ASCII characters, new for each payment: "
                                                 "a retry with the same key gets the first answer."})

    @pre_load
    def strip(self, data, **kwargs):
        key = data.get("Idempotency-Key")
        return {"Idempotency-Key": key.strip()} if isinstance(key, str) else data


class PortalInvoiceArgsSchema(InvoiceFilterArgsSchema):
    status = fields.String(load_default="unpaid", validate=validate.OneOf(INVOICE_STATUS_FILTERS),
                           metadata={"description": "`unpaid` (the default), `open`, `past_due`, `paid`, "
                                                    "`void` or `all`."})


PortalInvoiceListSchema = invoice_page(PortalInvoiceSchema, "PortalInvoiceList")


# The parts of the Billing tab the business turns on or off.
BILLING_SWITCHES = ("show_invoices", "online_payments_enabled", "allow_partial_payments", "allow_credit_at_checkout",
                    "allow_card_changes", "allow_bank_account_changes", "autopay_enabled", "prepayments_enabled",
                    "show_billing_history")


class BillingFeaturesSchema(Schema.from_dict({switch: fields.Boolean() for switch in BILLING_SWITCHES})):
    over_limit_action = fields.String(metadata={"description": "`warn` (confirm to pay) or `block`."})
    card_max_payment = fields.Integer(metadata={"description": "Integer cents; 0 means no limit."})
    ach_max_payment = fields.Integer(metadata={"description": "Integer cents; 0 means no limit."})


class BillingSummarySchema(Schema):
    total_due = fields.Integer(metadata={"description": "Integer cents."})
    open_count = fields.Integer()
    past_due = fields.List(fields.Nested(PortalInvoiceSchema))
    credit = fields.Integer(metadata={"description": "Credit available at checkout, integer cents."})
    features = fields.Nested(BillingFeaturesSchema, metadata={"description": "What the business allows."})


class PaymentMethodListSchema(Schema):
    items = fields.List(fields.Nested(PaymentMethodSchema))


class PaymentRequestSchema(Schema):
    invoice_ids = id_list(200, distinct=True, required=True)
    payment_method_id = id_field(allow_none=True, load_default=None,
                                 metadata={"description": "A card or bank account on file."})
    new_method = fields.Nested(NewPaymentMethodSchema, allow_none=True, load_default=None,
                               metadata={"description": "Or a new one, from the processor's hosted form."})
    save_method = StrictBoolean(load_default=False, metadata={"description": "Keep the new method on file."})
    amount = money_field(allow_none=True, load_default=None, metadata={
        "description": "What to pay in total, credit included, in integer cents; less than the balance only for "
                       "one invoice, when the business allows partial payments. The whole balance when left out."})
    credit = money_field(load_default=0, metadata={"description": "Available credit to put towards these "
                                                                  "invoices, integer cents."})
    confirm_over_limit = StrictBoolean(load_default=False,
                                       metadata={"description": "Pay although the amount is over the "
                                                                "business's limit for the method."})


class PaymentQuoteSchema(Schema):
    charge_amount = fields.Integer(metadata={"description": "What the method would be charged, integer cents."})
    credit_used = fields.Integer(metadata={"description": "Integer cents."})
    over_limit = fields.Boolean()
    blocked = fields.Boolean(metadata={"description": "Over the limit, and the business refuses such payments."})
    message = fields.String(allow_none=True, metadata={"description": "The warning to show when over the limit."})


class BankCheckSchema(Schema):
    payment_id = fields.Integer(metadata={"description": "POST /payments/{payment_id}/confirm once the client has "
                                                         "passed (or left) their bank's check."})
    client_secret = fields.String(metadata={"description": "For Stripe.js: `stripe.handleNextAction({clientSecret})` "
                                                           "opens the bank's window."})


class PaymentResultSchema(Schema):
    payment = fields.Nested(PaymentTakenSchema)
    invoices = fields.List(fields.Nested(PortalInvoiceSchema), metadata={"description": "The invoices paid, as now."})
    requires_action = fields.Nested(BankCheckSchema, metadata={
        "description": "Only with Stripe, when the client's bank asks them to confirm the payment (3-D Secure): the "
                       "answer is 202, with no payment yet, and the key answers 409 in progress until it is confirmed."})


class PrepaymentRequestSchema(Schema):
    amount = money_field(minimum=1, required=True, metadata={"description": "Integer cents, above zero."})
    payment_method_id = id_field(allow_none=True, load_default=None)
    new_method = fields.Nested(NewPaymentMethodSchema, allow_none=True, load_default=None)
    confirm_over_limit = StrictBoolean(load_default=False)


# Exactly one of a method on file and a new one: the document states it with oneOf, beyond what marshmallow declares.
ONE_METHOD = {"oneOf": [
    {"required": ["payment_method_id"], "properties": {"payment_method_id": {"type": "integer", "minimum": 1,
                                                                             "maximum": MAX_ID}}},
    {"required": ["new_method"], "properties": {"new_method": {"type": "object"}}}]}
PREPAYMENT_BODY = {"allOf": [PrepaymentRequestSchema, ONE_METHOD]}


class BillingHistorySchema(Schema):
    items = fields.List(fields.Nested(BillingPaymentSchema),
                        metadata={"description": "Payments and prepayments, newest first, with the invoices each "
                                                 "was applied to."})


class AutopayEnrolmentSchema(Schema):
    payment_method_id = id_field(required=True)
    consent = StrictBoolean(required=True, metadata={"description": "true: the client agrees to `consent_text`."})
