"""The field-service half: the business's service list, jobs with price and recurrence, visits, clients'
requests, estimates, calendar feeds and the daily autopay cycles.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger()
JOB_COLUMNS = (
    sa.Column("service_id", sa.Integer(), sa.ForeignKey("services.id", name="fk_jobs_service_id"), nullable=True),
    sa.Column("price", MONEY, nullable=False, server_default="0"),
    sa.Column("recurrence", sa.String(16), nullable=False, server_default="once"),
    sa.Column("interval_weeks", sa.Integer(), nullable=True),
    sa.Column("bills_per_visit", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("client_status", sa.String(100), nullable=True),
    sa.Column("pause_reason", sa.String(500), nullable=True),
    sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("notes", sa.String(1000), nullable=True),
    sa.Column("origin", sa.String(12), nullable=False, server_default="staff"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
)


def create_services_and_visits():
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("price", MONEY, nullable=False),
        sa.Column("recurrence", sa.String(16), nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=True),
        sa.Column("requestable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "name"),
    )
    with op.batch_alter_table("jobs") as batch:
        for column in JOB_COLUMNS:
            batch.add_column(column.copy())
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id"), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Time(), nullable=True),
        sa.Column("window_end", sa.Time(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_visits_account_date", "visits", ["tenant_id", "account_id", "scheduled_on"])
    op.create_index("ix_visits_job_date", "visits", ["job_id", "scheduled_on"])


def create_requests():
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visits.id"), nullable=True),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("services.id"), nullable=True),
        sa.Column("preferred_dates", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_service_requests_account", "service_requests", ["tenant_id", "account_id", "created_at"])


def create_estimates():
    op.create_table(
        "estimates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("services.id"), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_index("ix_estimates_account", "estimates", ["tenant_id", "account_id", "status"])
    op.create_table(
        "estimate_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estimate_id", sa.Integer(), sa.ForeignKey("estimates.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
    )
    op.create_table(
        "estimate_counters",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )


def create_feeds_and_cycles():
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "autopay_cycles",
        sa.Column("tenant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("cycle_date", sa.Date(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("charge_runs.id"), nullable=True),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )


def upgrade():
    create_services_and_visits()
    create_requests()
    create_estimates()
    create_feeds_and_cycles()


def downgrade():
    for table in ("autopay_cycles", "calendar_feeds", "estimate_counters", "estimate_lines", "estimates",
                  "service_requests", "visits"):
        op.drop_table(table)
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint("fk_jobs_service_id", type_="foreignkey")
        for column in reversed(JOB_COLUMNS):
            batch.drop_column(column.name)
    op.drop_table("services")
