"""Tables private to the billing service. Every amount is an integer of minor units (cents)."""
from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from shared.tables import service_base

Money = BigInteger


Base, platform = service_base()


class Job(Base):
    """Work for an account: one-off or recurring, from the business's service list or by hand (field_models.py
    holds its visits). ``status``: unscheduled (the waiting list), scheduled, paused, completed, cancelled.
    ``autopay`` is fixed when the job is created (or switched by an ``all_scheduled_jobs`` enrolment)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    autopay: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    price: Mapped[int] = mapped_column(Money, default=0)  # per visit, in minor units
    recurrence: Mapped[str] = mapped_column(String(16), default="once")  # once, weekly, every_n_weeks, monthly
    interval_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)  # for every_n_weeks
    bills_per_visit: Mapped[bool] = mapped_column(Boolean, default=True)  # completing a visit raises its invoice
    client_status: Mapped[str | None] = mapped_column(String(100), nullable=True)  # what the client reads
    pause_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)  # shown verbatim when allowed
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    notes: Mapped[str | None] = mapped_column(String(1000), nullable=True)  # the job's description
    origin: Mapped[str] = mapped_column(String(12), default="staff")  # staff, estimate, request
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class InvoiceCounter(Base):
    """The last invoice number handed out per tenant (locked while numbering)."""

    __tablename__ = "invoice_counters"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Invoice(Base):
    __tablename__ = "invoices"
    # The lists' order and filters (billing/invoice_list.py, migration 0012).
    __table_args__ = (UniqueConstraint("tenant_id", "number"),
                      Index("ix_invoices_list", "tenant_id", "issue_date", "number"),
                      Index("ix_invoices_account_list", "tenant_id", "account_id", "issue_date", "number"),
                      Index("ix_invoices_status_list", "tenant_id", "status", "issue_date", "number"),
                      Index("ix_invoices_total", "tenant_id", "total"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Money)
    balance: Mapped[int] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(10), index=True)  # open, paid, void
    autopay: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(String(200))
    voided_by: Mapped[int | None] = mapped_column(Integer)  # the staff user who voided it
    refunded: Mapped[int] = mapped_column(Money, default=0, server_default="0")  # given back (refunds.py)


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Money)
    amount: Mapped[int] = mapped_column(Money)


class PaymentMethod(Base):
    """A card or bank account on file: the processor's token and what may be shown, nothing more."""

    __tablename__ = "payment_methods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # card, ach
    token: Mapped[str] = mapped_column(String(100))
    brand: Mapped[str] = mapped_column(String(30))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A bank account's debit authorisation (stripe_setup.py): the processor's mandate, and the words the client
    # agreed to, when.
    mandate_id: Mapped[str | None] = mapped_column(String(100))
    mandate_text: Mapped[str | None] = mapped_column(String(1000))
    mandate_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# Payments that still hold credit. A partial index, so finding an account's credit reads those
# few rows, not every payment the account ever made (autopay adds one per invoice).
HOLDS_CREDIT = "status = 'succeeded' AND unapplied > 0"


class Payment(Base):
    """Money received (a payment or a prepayment); ``unapplied`` is what is left as credit."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_credit", "account_id", postgresql_where=text(HOLDS_CREDIT),
                            sqlite_where=text(HOLDS_CREDIT)),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(12))  # payment, prepayment
    source: Mapped[str] = mapped_column(String(12))  # portal, autopay, staff
    method_kind: Mapped[str] = mapped_column(String(10))  # card, ach
    payment_method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    amount: Mapped[int] = mapped_column(Money)
    unapplied: Mapped[int] = mapped_column(Money, default=0)
    # pending, succeeded, failed; returned: succeeded, then taken back by the processor (reversals.py)
    status: Mapped[str] = mapped_column(String(12), index=True)
    processor_charge_id: Mapped[str | None] = mapped_column(String(100), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    failure_message: Mapped[str | None] = mapped_column(String(300))
    refunded: Mapped[int] = mapped_column(Money, default=0, server_default="0")  # sent back to its method
    # Kept with the payment, so a payment settled by recovery still sends its receipt.
    receipt_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Allocation(Base):
    """Part of a payment's money (a charge, or a prepayment's credit) applied to one invoice.

    Voiding the invoice releases it: ``released_at`` is set and the amount goes back to the
    payment's ``unapplied`` credit. The row stays, so the history still shows where the money went.
    """

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    # Credit spent at a checkout points at that checkout, so a declined charge gives it back.
    checkout_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProcessorEvent(Base):
    """A webhook event of the payment processor, kept by its id so a redelivery is applied once
    (processor_events.py)."""

    __tablename__ = "processor_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))  # applied, settled_before, not_ours, ignored
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessorCustomer(Base):
    """The processor's customer an account's methods are saved to (Stripe's ``cus_…``), made on first use."""

    __tablename__ = "processor_customers"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refund(Base):
    """Part of what a payment paid on an invoice, given back by staff (refunds.py): to the method it came from
    (``destination`` method, through the processor) or as credit on the account (credit). ``status``: pending (the
    processor's answer is awaited), succeeded, failed."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    destination: Mapped[str] = mapped_column(String(12))  # method, credit
    status: Mapped[str] = mapped_column(String(12), index=True)
    processor_refund_id: Mapped[str | None] = mapped_column(String(100))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    reason: Mapped[str | None] = mapped_column(String(300))
    failure_message: Mapped[str | None] = mapped_column(String(300))
    requested_by: Mapped[int | None] = mapped_column(Integer)  # the staff user
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyRecord(Base):
    """The first answer to a money-moving request, replayed for any retry with the same key (idempotency.py)."""

    __tablename__ = "idempotency_records"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))  # claimed, paying, done
    response: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str] = mapped_column(String(32))  # which request holds the claim
    lease_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when a retry may take it over


class Autopay(Base):
    __tablename__ = "autopay"

    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    scope: Mapped[str | None] = mapped_column(String(20))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_method_id: Mapped[int | None] = mapped_column(ForeignKey("payment_methods.id"))
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChargeRun(Base):
    __tablename__ = "charge_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    requested_by: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChargeRunItem(Base):
    """One invoice in a charge run; its state moves queued -> charging -> succeeded | failed."""

    __tablename__ = "charge_run_items"
    # (run_id, state): whether a run still has items to charge is one index look-up, not a count
    # of the whole run at every charge. The unique (run_id, invoice_id) serves lookups by run.
    __table_args__ = (UniqueConstraint("run_id", "invoice_id"),
                      Index("ix_charge_run_items_run_id_state", "run_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("charge_runs.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    message: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownAccount(Base):
    """A client account of a business that accounts confirmed to billing (known_accounts.py)."""

    __tablename__ = "known_accounts"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvoiceDocument(Base):
    """The PDF of an invoice as one audience sees it in one language, kept in the blob store while what it shows is
    unchanged."""

    __tablename__ = "invoice_documents"
    __table_args__ = (UniqueConstraint("tenant_id", "invoice_id", "audience", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    audience: Mapped[str] = mapped_column(String(10))  # staff (names the client) or client
    language: Mapped[str] = mapped_column(String(5), default="en")  # what it is written in (shared.i18n.LANGUAGES)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of everything drawn on it
    blob_id: Mapped[str] = mapped_column(String(34))
    rendered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BusinessLook(Base):
    """Billing's copy of what its PDFs show of the business beside its name: its colour and logo, the language
    a PDF made without a caller is written in, and its currency (accounts' ``tenant_profile_updated``;
    business_look.py)."""

    __tablename__ = "business_looks"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand_colour: Mapped[str | None] = mapped_column(String(7))
    logo_blob_id: Mapped[str | None] = mapped_column(String(34))
    default_language: Mapped[str] = mapped_column(String(5), default="en")
    currency: Mapped[str] = mapped_column(String(3), default="USD")  # what its charges are in (shared.money)
    display_name: Mapped[str | None] = mapped_column(String(200))  # named in a bank debit's mandate
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# The field-service tables (services offered, visits, requests, estimates, calendar feeds, autopay cycles)
# share this metadata; importing them here makes every user of ``Base.metadata`` see them.
from billing import field_models  # noqa: E402,F401  (must follow Base)
