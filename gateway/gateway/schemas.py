"""Schemas of the gateway's own API bodies (inputs validated here; outputs documented)."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from shared.fields import StrictBoolean


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class StaffSignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class StaffUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()


class TenantSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    display_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)


class StaffSessionSchema(Schema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    csrf_token = fields.String()
    user = fields.Nested(StaffUserSchema)
    tenant = fields.Nested(TenantSchema)


class ServiceHealthSchema(Schema):
    ok = fields.Boolean()
    version = fields.String(allow_none=True)
    database = fields.Boolean()
    error = fields.String(allow_none=True)


class HealthSchema(Schema):
    status = fields.String()
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceHealthSchema))


# --- client portal ------------------------------------------------------------------------

# Limits here only bound what reaches the services; accounts applies the tenant's own rules.
LOGIN = validate.Length(min=1, max=254)
PASSWORD = validate.Length(min=1, max=1000)
SIX_DIGITS = validate.Regexp(r"^[0-9]{6}$", error="Enter the 6-digit code.")
SECRET = validate.Length(min=1, max=200)


def json_scalar_or_null(value):
    """Accept a custom field value: text, a number or null (accounts checks it against the field's type)."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return
    if not isinstance(value, str):
        raise ValidationError("Send text, a number or null.")
    if len(value) > 1000:
        raise ValidationError("Use at most 1000 characters.")


class PortalSignInSchema(Schema):
    login = fields.String(required=True, validate=LOGIN,
                          metadata={"description": "Email address, or username where the business uses them."})
    password = fields.String(required=True, validate=PASSWORD)


class PortalLoginSchema(Schema):
    login = fields.String(required=True, validate=LOGIN,
                          metadata={"description": "Email address, or username where the business uses them."})


class LoginCodeAttemptSchema(Schema):
    attempt = fields.String(metadata={"description": "Send back with the code; the code works only with it."})


class LoginCodeVerifySchema(Schema):
    attempt = fields.String(required=True, validate=SECRET)
    code = fields.String(required=True, validate=SIX_DIGITS)


class InvitationSchema(Schema):
    email = fields.String()
    name = fields.String()
    needs_username = fields.Boolean()
    min_password_length = fields.Integer()


class InvitationAcceptSchema(Schema):
    password = fields.String(required=True, validate=PASSWORD)
    username = fields.String(validate=validate.Length(min=1, max=40))


class ResetCheckSchema(Schema):
    security_questions = fields.List(fields.String(), metadata={
        "description": "Questions to answer, in order, when resetting; empty when none apply."})


class PasswordResetSchema(Schema):
    password = fields.String(required=True, validate=PASSWORD)
    answers = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          validate=validate.Length(max=3),
                          metadata={"description": "Answers to `security_questions`, in the same order."})


class PortalUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    username = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class LinkedAccountSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    rights = fields.String(metadata={"description": "`view`, `pay` or `manage`."})


class PortalMeSchema(Schema):
    portal_user = fields.Nested(PortalUserSchema)
    account = fields.Nested(LinkedAccountSchema, metadata={"description": "The account being viewed."})
    accounts = fields.List(fields.Nested(LinkedAccountSchema))


class PortalSessionSchema(PortalMeSchema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    csrf_token = fields.String()


class SwitchAccountSchema(Schema):
    account_id = fields.Integer(required=True, strict=True)


class PortalConfigSchema(Schema):
    slug = fields.String()
    display_name = fields.String()
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    facebook_page = fields.String(allow_none=True)
    twitter_handle = fields.String(allow_none=True)
    linkedin_slug = fields.String(allow_none=True)
    has_logo = fields.Boolean()
    enable_logins = fields.Boolean()
    login_methods = fields.List(fields.String())
    use_usernames = fields.Boolean()
    min_password_length = fields.Integer()
    security_questions_enabled = fields.Boolean()


class CustomFieldValueSchema(Schema):
    key = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "`text`, `number`, `date` or `choice`."})
    choices = fields.List(fields.String(), allow_none=True)
    value = fields.Raw(allow_none=True)


class MyAccountSchema(Schema):
    email = fields.String()
    username = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile_phone = fields.String(allow_none=True)
    use_usernames = fields.Boolean()
    security_questions_enabled = fields.Boolean()
    security_questions = fields.List(fields.String())
    custom_fields = fields.List(fields.Nested(CustomFieldValueSchema))


class MyAccountChangesSchema(Schema):
    username = fields.String(validate=validate.Length(min=1, max=40))
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    mobile_phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    custom_fields = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                                values=fields.Raw(allow_none=True, validate=json_scalar_or_null),
                                metadata={"description": "Field key to its new value; null clears it."})


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=PASSWORD)
    new_password = fields.String(required=True, validate=PASSWORD)


class EmailChangeSchema(Schema):
    new_email = fields.Email(required=True, validate=validate.Length(max=254))


class EmailChangeConfirmSchema(Schema):
    code = fields.String(required=True, validate=SIX_DIGITS)


class ChangedEmailSchema(Schema):
    email = fields.String()


class SecurityAnswerSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=200))
    answer = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SecurityAnswersSchema(Schema):
    answers = fields.List(fields.Nested(SecurityAnswerSchema), required=True,
                          validate=validate.Length(min=2, max=3))


# --- staff: clients, custom fields, portal users, the logo, the invitation email, the outbox ---

# Shapes and column sizes only; accounts and notifications apply the rules (phone formats,
# key syntax, image checks, HTML sanitising) and report their own field messages.
CUSTOM_FIELD_TYPES = ("text", "number", "date", "choice")
PORTAL_RIGHTS = ("view", "pay", "manage")
SEARCH = validate.Length(max=100)


class ClientPropertySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ClientPortalUserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    username = fields.String(allow_none=True)
    activated = fields.Boolean(metadata={"description": "The client has set a password."})
    rights = fields.String(metadata={"description": "`view`, `pay` or `manage`."})


class ClientSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    mobile_phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    parent_id = fields.Integer(allow_none=True,
                               metadata={"description": "Set on a related property: its main account."})
    parent_name = fields.String(allow_none=True)
    properties = fields.List(fields.Nested(ClientPropertySchema))
    portal_user = fields.Nested(ClientPortalUserSchema, allow_none=True)
    custom_fields = fields.List(fields.Nested(CustomFieldValueSchema))


class ClientPageSchema(Schema):
    items = fields.List(fields.Nested(ClientSchema(exclude=("custom_fields",))))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class ClientListArgsSchema(Schema):
    q = fields.String(load_default="", validate=SEARCH,
                      metadata={"description": "Part of a name, email address or phone number."})
    without_portal = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class NewClientSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    mobile_phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    parent_id = fields.Integer(strict=True, allow_none=True,
                               metadata={"description": "Make the new client a related property of this account."})


class ClientChangesSchema(NewClientSchema):
    class Meta:
        exclude = ("parent_id",)


class CustomFieldSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "`text`, `number`, `date` or `choice`."})
    choices = fields.List(fields.String(), allow_none=True)
    visible = fields.Boolean(metadata={"description": "Shown to clients (General tab setting)."})


class CustomFieldListSchema(Schema):
    items = fields.List(fields.Nested(CustomFieldSchema))


class NewCustomFieldSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=64),
                        metadata={"description": "Lowercase letters, digits and underscores, starting with a letter."})
    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    type = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_TYPES))
    choices = fields.List(fields.String(validate=validate.Length(min=1, max=100)), allow_none=True,
                          validate=validate.Length(max=50),
                          metadata={"description": "The options of a `choice` field."})


# PUT clients/{id}/custom-fields takes the values as one object: field key -> value.
CUSTOM_FIELD_VALUES_BODY = {
    "type": "object",
    "description": "Field key to its new value (text, a number, a YYYY-MM-DD date or one of the choices); "
                   "null clears it. Keys not sent are left as they are.",
    "additionalProperties": {"nullable": True, "oneOf": [{"type": "string"}, {"type": "number"}]},
}


class PortalUserRowSchema(Schema):
    client_id = fields.Integer()
    client_name = fields.String()
    email = fields.String(allow_none=True)
    portal_user_id = fields.Integer(allow_none=True)
    has_account = fields.Boolean(metadata={"description": "A portal user is linked to this client."})
    activated = fields.Boolean()
    invited_at = fields.String(allow_none=True)


class PortalUserListSchema(Schema):
    items = fields.List(fields.Nested(PortalUserRowSchema))


class PortalUserListArgsSchema(Schema):
    q = fields.String(load_default="", validate=SEARCH)
    without_portal = fields.Boolean(load_default=False)


class ClientIdsSchema(Schema):
    client_ids = fields.List(fields.Integer(strict=True), required=True,
                             validate=validate.Length(min=1, max=500))


class ClientResultSchema(Schema):
    client_id = fields.Integer()
    status = fields.String(metadata={"description": "`invited`, `resent` or `sent`; `error` with a `message`."})
    message = fields.String(allow_none=True)


class ClientResultsSchema(Schema):
    results = fields.List(fields.Nested(ClientResultSchema))


class PortalLinkSchema(Schema):
    portal_user_id = fields.Integer(strict=True, required=True)
    account_id = fields.Integer(strict=True, required=True)
    rights = fields.String(required=True, validate=validate.OneOf(PORTAL_RIGHTS))


class LogoStateSchema(Schema):
    has_logo = fields.Boolean()
    content_type = fields.String(metadata={"description": "The image type found in the file itself."})


class InvitationTemplateSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(max=1000))
    html = fields.String(required=True, validate=validate.Length(max=100_000),
                         metadata={"description": "The message between the greeting and the invitation "
                                                  "button. Sanitised when stored: only basic formatting "
                                                  "and http, https or mailto links are kept."})


class SampleSentSchema(Schema):
    sent_to = fields.String(metadata={"description": "The signed-in staff member's own email address."})


class OutboxArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class OutboxMessageSchema(Schema):
    id = fields.Integer()
    channel = fields.String(metadata={"description": "`email` or `sms`."})
    to = fields.String()
    subject = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    created_at = fields.String()
    sent_at = fields.String(allow_none=True)


class OutboxMessageDetailSchema(OutboxMessageSchema):
    text = fields.String(allow_none=True)
    html = fields.String(allow_none=True)


class OutboxPageSchema(Schema):
    items = fields.List(fields.Nested(OutboxMessageSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


# --- staff: billing (invoices, jobs, prepayments, autopay, charge runs) ------------------------

# Money is integer cents end to end. billing refuses more than this on any one amount; the gateway
# also refuses an invoice whose lines add up to more.
MAX_CENTS = 10 ** 12
INVOICE_STATUS_FILTERS = ("unpaid", "open", "past_due", "paid", "void", "all")
JOB_STATUSES = ("unscheduled", "scheduled", "completed", "paused")


def cents(description="Integer cents.", **options):
    """An amount of money in integer cents; floats and strings are refused."""
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_CENTS),
                          metadata={"description": description}, **options)


class StaffInvoiceLineInputSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    quantity = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=100_000))
    unit_price = cents("Price of one unit in integer cents (1250 is $12.50).", required=True)


class StaffNewInvoiceSchema(Schema):
    account_id = fields.Integer(strict=True, required=True, metadata={"description": "The client's id."})
    job_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    issue_date = fields.Date(allow_none=True, load_default=None,
                             metadata={"description": "YYYY-MM-DD; today when left out."})
    due_date = fields.Date(required=True, metadata={"description": "YYYY-MM-DD, not before the issue date."})
    lines = fields.List(fields.Nested(StaffInvoiceLineInputSchema), required=True,
                        validate=validate.Length(min=1, max=200))

    @validates_schema
    def check_dates_and_total(self, data, **kwargs):
        if data.get("issue_date") and data.get("due_date") and data["due_date"] < data["issue_date"]:
            raise ValidationError("The due date cannot be before the issue date.", "due_date")
        if sum(line["quantity"] * line["unit_price"] for line in data.get("lines", [])) > MAX_CENTS:
            raise ValidationError("The invoice total cannot be above $10,000,000,000.00.", "lines")


class InvoiceFilterArgsSchema(Schema):
    """The filters of both invoice lists, the staff's and the client's."""
    number = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=10 ** 12),
                            metadata={"description": "The invoice number."})
    date_from = fields.Date(allow_none=True, load_default=None, metadata={"description": "Issued on or after."})
    date_to = fields.Date(allow_none=True, load_default=None, metadata={"description": "Issued on or before."})
    amount_min = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=MAX_CENTS),
                                metadata={"description": "Smallest total, integer cents."})
    amount_max = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=MAX_CENTS),
                                metadata={"description": "Largest total, integer cents."})


class StaffInvoiceListArgsSchema(InvoiceFilterArgsSchema):
    status = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(INVOICE_STATUS_FILTERS))
    account_id = fields.Integer(allow_none=True, load_default=None)
    autopay = fields.Boolean(allow_none=True, load_default=None)


class PortalInvoiceArgsSchema(InvoiceFilterArgsSchema):
    status = fields.String(load_default="unpaid", validate=validate.OneOf(INVOICE_STATUS_FILTERS),
                           metadata={"description": "`unpaid` (the default), `open`, `past_due`, `paid`, "
                                                    "`void` or `all`."})


class StaffInvoiceLineSchema(Schema):
    description = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Integer(metadata={"description": "Integer cents."})
    amount = fields.Integer(metadata={"description": "quantity × unit_price, integer cents."})


class PortalInvoiceSchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    job_id = fields.Integer(allow_none=True)
    issue_date = fields.String(metadata={"description": "YYYY-MM-DD."})
    due_date = fields.String(metadata={"description": "YYYY-MM-DD."})
    total = fields.Integer(metadata={"description": "Integer cents."})
    balance = fields.Integer(metadata={"description": "Still due, integer cents."})
    paid = fields.Integer(metadata={"description": "Integer cents."})
    status = fields.String(metadata={"description": "`open`, `past_due`, `paid` or `void`."})
    autopay = fields.Boolean(metadata={"description": "Awaits an autopay charge while open."})
    voided_at = fields.String(allow_none=True, metadata={"description": "When the business cancelled (voided) it; "
                                                                        "null unless void. A void invoice has balance "
                                                                        "and paid 0."})


class StaffInvoiceSchema(PortalInvoiceSchema):
    account_id = fields.Integer(metadata={"description": "The client's id."})


class StaffInvoiceListSchema(Schema):
    items = fields.List(fields.Nested(StaffInvoiceSchema))


class StaffInvoicePaymentSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "`payment` or `prepayment`."})
    source = fields.String()
    method = fields.String()
    created_at = fields.String()
    applied = fields.Integer(metadata={"description": "Put towards this invoice, integer cents."})
    released = fields.Integer(metadata={"description": "Put towards this invoice, then returned to the client's "
                                                       "credit when it was voided, integer cents."})


class StaffInvoiceDetailSchema(StaffInvoiceSchema):
    lines = fields.List(fields.Nested(StaffInvoiceLineSchema))
    payments = fields.List(fields.Nested(StaffInvoicePaymentSchema),
                           metadata={"description": "Payments and credit applied to this invoice (or, once void, "
                                                    "returned from it to credit)."})
    void_reason = fields.String(allow_none=True, metadata={"description": "Why staff voided it (staff only)."})
    voided_by = fields.Integer(allow_none=True, metadata={"description": "The staff user who voided it."})


VOID_REASON_LENGTH = 200


class StaffVoidInvoiceSchema(Schema):
    reason = fields.String(allow_none=True, load_default=None,
                           validate=validate.Length(max=VOID_REASON_LENGTH,
                                                    error=f"Use at most {VOID_REASON_LENGTH} characters."),
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


class StaffNewJobSchema(Schema):
    account_id = fields.Integer(strict=True, required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(validate=validate.OneOf(JOB_STATUSES))


class StaffJobSchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    title = fields.String()
    status = fields.String()
    autopay = fields.Boolean(metadata={"description": "Fixed when the job is created: on when the account "
                                                      "is enrolled in autopay."})


class PaymentMethodSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "`card` or `ach`."})
    brand = fields.String()
    last4 = fields.String()
    exp_month = fields.Integer(allow_none=True)
    exp_year = fields.Integer(allow_none=True)
    label = fields.String()


class AppliedToSchema(Schema):
    invoice_number = fields.Integer()
    amount = fields.Integer(metadata={"description": "Integer cents."})


class ReleasedSchema(Schema):
    invoice_number = fields.Integer()
    amount = fields.Integer(metadata={"description": "Integer cents."})
    released_at = fields.String(metadata={"description": "When the invoice was voided."})


class BillingPaymentSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "`payment` or `prepayment`."})
    source = fields.String()
    amount = fields.Integer(metadata={"description": "Integer cents."})
    amount_display = fields.String()
    status = fields.String()
    method = fields.String()
    unapplied = fields.Integer(metadata={"description": "Credit not yet applied to any invoice, integer cents."})
    created_at = fields.String()
    applied_to = fields.List(fields.Nested(AppliedToSchema))
    released = fields.List(fields.Nested(ReleasedSchema), metadata={
        "description": "Applied to invoices later voided, and given back as credit (counted in unapplied "
                       "unless applied again since)."})


class AutopayStatusSchema(Schema):
    available = fields.Boolean(metadata={"description": "The business offers autopay."})
    enrolled = fields.Boolean()
    locked = fields.Boolean(metadata={"description": "Staff locked autopay on: the client cannot cancel it."})
    scope = fields.String()
    payment_method = fields.Nested(PaymentMethodSchema, allow_none=True)
    consent_text = fields.String()
    enrolled_at = fields.String(allow_none=True)


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
    invoice_id = fields.Integer(strict=True, required=True)
    amount = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_CENTS),
                            metadata={"description": "Integer cents."})


class ApplyPrepaymentSchema(Schema):
    payment_id = fields.Integer(strict=True, required=True)
    allocations = fields.List(fields.Nested(PrepaymentAllocationSchema), required=True,
                              validate=validate.Length(min=1, max=200))


class AutopayLockSchema(Schema):
    locked = StrictBoolean(required=True, metadata={"description": "true keeps the client from cancelling autopay."})


class AutopayLockStateSchema(Schema):
    account_id = fields.Integer()
    locked = fields.Boolean()
    enrolled = fields.Boolean()


class ChargeRunRequestSchema(Schema):
    invoice_ids = fields.List(fields.Integer(strict=True), validate=validate.Length(min=1, max=500),
                              metadata={"description": "Invoices from Invoices to charge; all of them when left out."})


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
    items = fields.List(fields.Nested(ChargeRunItemSchema), metadata={"description": "Left out with with_items=0."})


class ChargeRunArgsSchema(Schema):
    with_items = fields.Boolean(load_default=True)


# --- client portal: the Billing tab (invoices, payments, cards and bank accounts, autopay) -----

# Shapes only: billing applies the business's rules (limits, partial payments, credit) and names
# the field at fault. Defaults are filled in here so that two requests meaning the same thing
# reach billing identically and a retry with the same Idempotency-Key is recognised as one.

class PortalInvoiceListSchema(Schema):
    items = fields.List(fields.Nested(PortalInvoiceSchema))


class BillingFeaturesSchema(Schema):
    show_invoices = fields.Boolean()
    online_payments_enabled = fields.Boolean()
    allow_partial_payments = fields.Boolean()
    allow_credit_at_checkout = fields.Boolean()
    allow_card_changes = fields.Boolean()
    allow_bank_account_changes = fields.Boolean()
    autopay_enabled = fields.Boolean()
    prepayments_enabled = fields.Boolean()
    show_billing_history = fields.Boolean()
    over_limit_action = fields.String(metadata={"description": "`warn` (confirm to pay) or `block`."})
    card_max_payment = fields.Integer(metadata={"description": "Integer cents; 0 means no limit."})
    ach_max_payment = fields.Integer(metadata={"description": "Integer cents; 0 means no limit."})


class BillingSummarySchema(Schema):
    total_due = fields.Integer(metadata={"description": "Integer cents."})
    open_count = fields.Integer()
    past_due = fields.List(fields.Nested(PortalInvoiceSchema))
    credit = fields.Integer(metadata={"description": "Credit available at checkout, integer cents."})
    features = fields.Nested(BillingFeaturesSchema, metadata={"description": "What the business allows."})


class NewPaymentMethodSchema(Schema):
    """What the processor's hosted form posts to the page: a token and what may be shown."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(["card", "ach"]))
    brand = fields.String(required=True, validate=validate.Length(min=1, max=30))
    last4 = fields.String(required=True, validate=validate.Length(equal=4))
    exp_month = fields.Integer(strict=True, allow_none=True, load_default=None)
    exp_year = fields.Integer(strict=True, allow_none=True, load_default=None)


class PaymentMethodListSchema(Schema):
    items = fields.List(fields.Nested(PaymentMethodSchema))


class PaymentRequestSchema(Schema):
    invoice_ids = fields.List(fields.Integer(strict=True), required=True, validate=validate.Length(min=1, max=200))
    payment_method_id = fields.Integer(strict=True, allow_none=True, load_default=None,
                                       metadata={"description": "A card or bank account on file."})
    new_method = fields.Nested(NewPaymentMethodSchema, allow_none=True, load_default=None,
                               metadata={"description": "Or a new one, from the processor's hosted form."})
    save_method = StrictBoolean(load_default=False, metadata={"description": "Keep the new method on file."})
    amount = cents("What to pay in total, credit included; less than the balance only for one invoice, "
                   "when the business allows partial payments. The whole balance when left out.",
                   allow_none=True, load_default=None)
    credit = cents("Available credit to put towards these invoices.", load_default=0)
    confirm_over_limit = StrictBoolean(load_default=False,
                                       metadata={"description": "Pay although the amount is over the "
                                                                "business's limit for the method."})


class PaymentQuoteSchema(Schema):
    charge_amount = fields.Integer(metadata={"description": "What the method would be charged, integer cents."})
    credit_used = fields.Integer(metadata={"description": "Integer cents."})
    over_limit = fields.Boolean()
    blocked = fields.Boolean(metadata={"description": "Over the limit, and the business refuses such payments."})
    message = fields.String(allow_none=True, metadata={"description": "The warning to show when over the limit."})


class PaymentTakenSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "`payment` or `prepayment`."})
    source = fields.String()
    amount = fields.Integer(metadata={"description": "Charged to the method, integer cents."})
    amount_display = fields.String()
    status = fields.String()
    method = fields.String(metadata={"description": "Such as \"Visa ending 4242\", or \"Account credit\"."})
    unapplied = fields.Integer(metadata={"description": "Credit left over, integer cents."})
    created_at = fields.String()


class PaymentResultSchema(Schema):
    payment = fields.Nested(PaymentTakenSchema)
    invoices = fields.List(fields.Nested(PortalInvoiceSchema), metadata={"description": "The invoices paid, as now."})


class PrepaymentRequestSchema(Schema):
    amount = cents("Integer cents, above zero.", required=True)
    payment_method_id = fields.Integer(strict=True, allow_none=True, load_default=None)
    new_method = fields.Nested(NewPaymentMethodSchema, allow_none=True, load_default=None)
    confirm_over_limit = StrictBoolean(load_default=False)


class BillingHistorySchema(Schema):
    items = fields.List(fields.Nested(BillingPaymentSchema),
                        metadata={"description": "Payments and prepayments, newest first, with the invoices each "
                                                 "was applied to."})


class AutopayEnrolmentSchema(Schema):
    payment_method_id = fields.Integer(strict=True, required=True)
    consent = StrictBoolean(required=True, metadata={"description": "true: the client agrees to `consent_text`."})
