"""The field-service tables of billing: the business's service list, the visits of jobs, the clients' requests,
estimates, calendar feeds and the daily autopay cycles. Amounts are integer minor units; a visit's date and time
window are the business's local time (the Services tab's ``time_zone``)."""
from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from billing.models import Base, Money


class ServiceOffering(Base):
    """One service the business offers (its "service list"): what clients may request and staff create jobs from."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    price: Mapped[int] = mapped_column(Money)  # per visit
    recurrence: Mapped[str] = mapped_column(String(16), default="once")  # the usual recurrence of a new job
    interval_weeks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requestable: Mapped[bool] = mapped_column(Boolean, default=True)  # offered to clients in "Request a service"
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # retired services stay for old jobs
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Visit(Base):
    """One occurrence of a job at the client's: its date and time window, what happened, and the invoice it raised.

    ``status``: scheduled, completed, skipped, cancelled. ``notes`` are the service notes written for the client.
    """

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_account_date", "tenant_id", "account_id", "scheduled_on"),
                      Index("ix_visits_job_date", "job_id", "scheduled_on"),
                      Index("ix_visits_scheduled_on_status", "scheduled_on", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    scheduled_on: Mapped[date] = mapped_column(Date)
    window_start: Mapped[time | None] = mapped_column(Time, nullable=True)
    window_end: Mapped[time | None] = mapped_column(Time, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # When the client was reminded of it (visit_reminders.py); claimed once, whichever billing instance does it.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ServiceRequest(Base):
    """A client's request: move a visit (reschedule), cancel it, or a new service. It reaches staff as a ticket;
    staff accept or decline it. ``status``: pending, accepted, declined."""

    __tablename__ = "service_requests"
    __table_args__ = (Index("ix_service_requests_account", "tenant_id", "account_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))  # reschedule, cancel, new_service
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), nullable=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    preferred_dates: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates, the client's order
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # portal user id
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # staff user id
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), nullable=True)  # what an accepted one made
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Estimate(Base):
    """A priced proposal for an account. ``status``: draft, sent, approved, declined, expired (a sent estimate
    past ``valid_until`` reads as expired). An approved one becomes a job on the waiting list (``job_id``)."""

    __tablename__ = "estimates"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),
                      Index("ix_estimates_account", "tenant_id", "account_id", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")  # the business's words to the client
    status: Mapped[str] = mapped_column(String(10), default="draft")
    total: Mapped[int] = mapped_column(Money, default=0)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # portal user id
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EstimateLine(Base):
    __tablename__ = "estimate_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimates.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Money)
    amount: Mapped[int] = mapped_column(Money)


class EstimateCounter(Base):
    """The last estimate number handed out per business (locked while numbering)."""

    __tablename__ = "estimate_counters"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class CalendarFeed(Base):
    """A client's secret calendar address: only the SHA-256 of its token is kept; revoking it ends the address."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    business_name: Mapped[str] = mapped_column(String(200), default="")  # the calendar's name in the client's app
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # portal user id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AutopayCycle(Base):
    """One business's daily autopay charge on one local date. The primary key is the "exactly once": whichever
    billing instance inserts the row starts the cycle's charge run; every other one finds it taken."""

    __tablename__ = "autopay_cycles"

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_date: Mapped[date] = mapped_column(Date, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("charge_runs.id"), nullable=True)
    invoices: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EstimateDocument(Base):
    """The PDF of an estimate as one audience sees it in one language, kept in the blob store while what it shows is
    unchanged (like InvoiceDocument)."""

    __tablename__ = "estimate_documents"
    __table_args__ = (UniqueConstraint("tenant_id", "estimate_id", "audience", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("estimates.id"))
    audience: Mapped[str] = mapped_column(String(10))  # staff (names the client) or client
    language: Mapped[str] = mapped_column(String(5), default="en")  # what it is written in
    fingerprint: Mapped[str] = mapped_column(String(64))
    blob_id: Mapped[str] = mapped_column(String(34))
    rendered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
