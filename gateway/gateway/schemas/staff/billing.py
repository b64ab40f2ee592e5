"""Staff API schemas: invoices, jobs, a client's billing, prepayments, autopay locks and charge runs."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from gateway.schemas.billing import (INVOICE_STATUS_FILTERS, AutopayStatusSchema, BillingPaymentSchema,
                                     InvoiceFilterArgsSchema, PaymentMethodSchema, PaymentSchema, StaffInvoiceSchema,
                                     invoice_page)
from gateway.schemas.common import AtMost, cursor_field, limit_field
from shared.fields import ONE_LINE, StrictBoolean, id_field, id_list, integer_field, money_field
from shared.i18n import _
from shared.money import MAX_MINOR_UNITS, format_money

FOLLOWING = {"description": "The cursor of the following page: send it back as `cursor`; null on the last page."}



class StaffInvoiceLineInputSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    quantity = integer_field(1, 100_000, load_default=1)
    unit_price = money_field(required=True,
                             metadata={"description": "Price of one unit in integer cents (1250 is $12.50)."})


class StaffNewInvoiceSchema(Schema):
    account_id = id_field(required=True, metadata={"description": "The client's id."})
    job_id = id_field(allow_none=True, load_default=None)
    issue_date = fields.Date(allow_none=True, load_default=None,
                             metadata={"description": "YYYY-MM-DD; today when left out."})
    due_date = fields.Date(required=True, metadata={"description": "YYYY-MM-DD, not before the issue date."})
    lines = fields.List(fields.Nested(StaffInvoiceLineInputSchema), required=True,
                        validate=validate.Length(min=1, max=200))

    @validates_schema
    def check_dates_and_total(self, data, **kwargs):
        if data.get("issue_date") and data.get("due_date") and data["due_date"] < data["issue_date"]:
            raise ValidationError(_("The due date cannot be before the issue date."), "due_date")
        if sum(line["quantity"] * line["unit_price"] for line in data.get("lines", [])) > MAX_MINOR_UNITS:
            raise ValidationError(_("The invoice total cannot be above %(amount)s.",
                                    amount=format_money(MAX_MINOR_UNITS)), "lines")


class StaffInvoiceListArgsSchema(InvoiceFilterArgsSchema):
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(INVOICE_STATUS_FILTERS))
    account_id = id_field(strict=False, allow_none=True, load_default=None)
    autopay = fields.Boolean(allow_none=True, load_default=None)


class StaffInvoiceLineSchema(Schema):
    description = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Integer(metadata={"description": "Integer cents."})
    amount = fields.Integer(metadata={"description": "quantity × unit_price, integer cents."})


StaffInvoiceListSchema = invoice_page(StaffInvoiceSchema, "StaffInvoiceList")


class StaffInvoicePaymentSchema(PaymentSchema):
    applied = fields.Integer(metadata={"description": "Put towards this invoice, integer cents."})
    released = fields.Integer(metadata={"description": "Put towards this invoice, then returned to the client's "
                                                       "credit when it was voided, integer cents."})


class StaffRefundRequestSchema(Schema):
    payment_id = id_field(required=True, metadata={"description": "A payment applied to this invoice."})
    amount = money_field(minimum=1, required=True, metadata={
        "description": "Integer cents, at most what the payment put on this invoice (its `applied`)."})
    destination = fields.String(required=True, validate=validate.OneOf(("method", "credit")), metadata={
        "description": "`method`: back to the card or bank account it came from, through the payment processor; "
                       "`credit`: credit on the client's account, for later invoices."})
    reason = fields.String(allow_none=True, load_default=None, validate=[AtMost(300), ONE_LINE], metadata={
        "description": "Optional, one line: kept in the account's history and told to the client."})


class StaffRefundSchema(Schema):
    id = fields.Integer()
    payment_id = fields.Integer()
    invoice_id = fields.Integer()
    amount = fields.Integer(metadata={"description": "Integer cents."})
    amount_display = fields.String()
    destination = fields.String(metadata={"description": "`method` or `credit`."})
    status = fields.String(metadata={"description": "`succeeded`; `pending` while the processor's answer is "
                                                    "awaited (it is asked again until it answers); `failed`."})
    reason = fields.String(allow_none=True)
    failure_message = fields.String(allow_none=True)
    created_at = fields.String()


class StaffInvoiceDetailSchema(StaffInvoiceSchema):
    lines = fields.List(fields.Nested(StaffInvoiceLineSchema))
    refunds = fields.List(fields.Nested(StaffRefundSchema), metadata={"description": "Newest first."})
    payments = fields.List(fields.Nested(StaffInvoicePaymentSchema),
                           metadata={"description": "Payments and credit applied to this invoice (or, once void, "
                                                    "returned from it to credit)."})
    void_reason = fields.String(allow_none=True, metadata={"description": "Why staff voided it (staff only)."})
    voided_by = fields.Integer(allow_none=True, metadata={"description": "The staff user who voided it."})

VOID_REASON_LENGTH = 200


class StaffVoidInvoiceSchema(Schema):
    reason = fields.String(allow_none=True, load_default=None,
                           validate=[AtMost(VOID_REASON_LENGTH), ONE_LINE],
                           metadata={"description": "Optional: why the invoice is voided, one line of at most "
                                                    f"{VOID_REASON_LENGTH} characters. Staff see it; clients do not."})

    @pre_load
    def trim(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": data["reason"].strip() or None}
        return data


class StaffVoidedInvoiceSchema(StaffInvoiceDetailSchema):
    credit_released = fields.Integer(metadata={"description": "What had been paid on the invoice and is now the "
                                                              "client's credit, integer cents."})


class AccountSummarySchema(Schema):
    total_due = fields.Integer(metadata={"description": "Integer cents."})
    open_count = fields.Integer()
    past_due = fields.List(fields.Nested(StaffInvoiceSchema))


class AccountBillingSchema(Schema):
    summary = fields.Nested(AccountSummarySchema)
    history = fields.List(fields.Nested(BillingPaymentSchema))
    payment_methods = fields.List(fields.Nested(PaymentMethodSchema))
    credit = fields.Integer(metadata={"description": "Unapplied prepayments and credits, integer cents."})
    autopay = fields.Nested(AutopayStatusSchema)


class PrepaymentAllocationSchema(Schema):
    invoice_id = id_field(required=True)
    amount = money_field(minimum=1, required=True, metadata={"description": "Integer cents."})


class ApplyPrepaymentSchema(Schema):
    payment_id = id_field(required=True)
    allocations = fields.List(fields.Nested(PrepaymentAllocationSchema), required=True,
                              validate=validate.Length(min=1, max=200))


class AutopayLockSchema(Schema):
    locked = StrictBoolean(required=True, metadata={"description": "true keeps the client from cancelling autopay."})


class AutopayLockStateSchema(Schema):
    account_id = fields.Integer()
    locked = fields.Boolean()
    enrolled = fields.Boolean()


class ChargeRunRequestSchema(Schema):
    invoice_ids = id_list(500, metadata={"description": "Invoices from Invoices to charge; all of them when left out."})


class ChargeRunItemSchema(Schema):
    invoice_id = fields.Integer()
    invoice_number = fields.Integer()
    account_id = fields.Integer()
    state = fields.String(metadata={"description": "`queued`, `charging`, `succeeded` or `failed`."})
    message = fields.String(allow_none=True, metadata={"description": "Why a charge failed."})


class ChargeRunSchema(Schema):
    id = fields.Integer()
    total = fields.Integer()
    done = fields.Integer()
    succeeded = fields.Integer()
    failed = fields.Integer()
    percent = fields.Integer()
    finished = fields.Boolean()
    created_at = fields.String()
    requested_by = fields.Integer(allow_none=True, metadata={"description": "The staff member who started it; "
                                                                         "null for the daily automatic run."})
    automatic = fields.Boolean(metadata={"description": "true for the run the daily autopay cycle started."})
    items = fields.List(fields.Nested(ChargeRunItemSchema), metadata={"description": "One page of the results, "
                                                                              "in the order queued; left out with "
                                                                              "with_items=0."})
    items_next = fields.String(allow_none=True, metadata=FOLLOWING)


class AutopayCycleSchema(Schema):
    cycle_date = fields.String(metadata={"description": "The business's local date of the daily cycle."})
    invoices = fields.Integer(metadata={"description": "Invoices its run charges (0: nothing was due)."})
    run_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "`charging`, `finished` or `nothing due`."})
    succeeded = fields.Integer()
    failed = fields.Integer()
    started_at = fields.String()


class AutopayScheduleSchema(Schema):
    enabled = fields.Boolean(metadata={"description": "Whether autopay (and so the daily charge) is on."})
    charge_hour = fields.Integer(metadata={"description": "The hour of the day of the automatic charge."})
    time_zone = fields.String()
    next_charge_at = fields.String(allow_none=True, metadata={"description": "UTC; null while autopay is off."})
    next_charge_local = fields.String(allow_none=True, metadata={"description": "The same moment in the "
                                                                                "business's time zone, as shown."})
    recent_cycles = fields.List(fields.Nested(AutopayCycleSchema), metadata={"description": "Newest first."})


class InvoicesToChargeSchema(Schema):
    items = fields.List(fields.Nested(StaffInvoiceSchema), metadata={"description": "One page, the first due first."})
    next = fields.String(allow_none=True, metadata=FOLLOWING)
    limit = fields.Integer()
    count = fields.Integer(metadata={"description": "How many invoices await a charge in all, on every page."})
    total = fields.Integer(metadata={"description": "Their balances in all, integer cents."})
    autopay = fields.Nested(AutopayScheduleSchema, metadata={"description": "When autopay invoices are charged "
                                                                           "next by themselves, and the last days."})


class InvoicesToChargeArgsSchema(Schema):
    cursor = cursor_field()
    limit = limit_field(100, 200)


class ChargeRunArgsSchema(InvoicesToChargeArgsSchema):
    with_items = fields.Boolean(load_default=True)
