"""Billing's staff entrypoints for the field-service half: the service list, jobs and their visits.

Staff of the caller's business only (``access.staff_tenant``); an account named in a new job is confirmed with
accounts first. "Today" is the business's date in its time zone (Services tab).
"""
from nameko.timer import timer
from sqlalchemy import func, select

from billing import access, audit_facts, invoice_emails, jobs, local_time, service_list, visits
from billing.field_models import Visit
from billing.models import Invoice, Job
from shared.batch import batchable
from shared.audit import who
from shared.context import tenant_rpc
from shared.validation import dict_get


class JobEntrypoints:
    def _staff_today(self):
        return access.staff_tenant(self.ctx), local_time.today(self._services_settings())

    def _job_answer(self, job, today, action=None):
        """Record the staff's ``action`` on ``job`` (job_created, job_paused ...), commit, and describe it."""
        if action:
            audit_facts.job(self.db, self.outbox, job, action, who(self.ctx))
        self.db.commit()
        return jobs.job_detail(self.db, job, today)

    # --- the service list ---------------------------------------------------------------------------

    @batchable
    @tenant_rpc
    def list_services(self):
        return service_list.list_services(self.db, access.staff_tenant(self.ctx))

    @tenant_rpc
    def create_service(self, service):
        row = service_list.create_service(self.db, access.staff_tenant(self.ctx), service)
        self.db.commit()
        return service_list.describe(row)

    @tenant_rpc
    def update_service(self, service_id, changes):
        row = service_list.update_service(self.db, access.staff_tenant(self.ctx), service_id, changes)
        self.db.commit()
        return service_list.describe(row)

    # --- jobs -----------------------------------------------------------------------------------------

    @tenant_rpc
    def create_job(self, job):
        tenant_id, today = self._staff_today()
        row = jobs.create_job(self.db, self._known_account(tenant_id, dict_get(job, "account_id")), job, today)
        return self._job_answer(row, today, "job_created")

    @batchable
    @tenant_rpc
    def list_jobs(self, filters=None):
        tenant_id, today = self._staff_today()
        return jobs.list_jobs(self.db, tenant_id, filters, today)

    @tenant_rpc
    def get_job(self, job_id):
        tenant_id, today = self._staff_today()
        return jobs.job_detail(self.db, jobs.find_job(self.db, tenant_id, job_id), today)

    @tenant_rpc
    def schedule_job(self, job_id, schedule):
        tenant_id, today = self._staff_today()
        return self._job_answer(jobs.schedule_job(self.db, tenant_id, job_id, schedule, today), today,
                                "job_scheduled")

    @tenant_rpc
    def pause_job(self, job_id, pause):
        tenant_id, today = self._staff_today()
        return self._job_answer(jobs.pause(self.db, tenant_id, job_id, pause, today), today, "job_paused")

    @tenant_rpc
    def resume_job(self, job_id, resume=None):
        tenant_id, today = self._staff_today()
        return self._job_answer(jobs.resume(self.db, tenant_id, job_id, resume, today), today, "job_resumed")

    @tenant_rpc
    def cancel_job(self, job_id):
        tenant_id, today = self._staff_today()
        return self._job_answer(jobs.cancel(self.db, tenant_id, job_id, today), today, "job_cancelled")

    @tenant_rpc
    def set_job_client_status(self, job_id, status):
        tenant_id, today = self._staff_today()
        return self._job_answer(jobs.set_client_status(self.db, tenant_id, job_id, status), today, "job_status_set")

    # --- visits ---------------------------------------------------------------------------------------

    def _visit_answer(self, visit, action, changes=None):
        """Record the staff's ``action`` on ``visit`` (visit_completed ...), commit, and describe it."""
        job = self.db.get(Job, visit.job_id)
        audit_facts.visit(self.db, self.outbox, visit, job, action, who(self.ctx), changes)
        self.db.commit()
        return visits.describe(visit, job)

    @tenant_rpc
    def complete_visit(self, visit_id, completion=None):
        tenant_id, today = self._staff_today()
        visit = visits.complete(self.db, tenant_id, visit_id, completion, today)
        if visit.invoice_id is not None:  # its invoice was just raised
            invoice_emails.issued(self.db, self.outbox, tenant_id, self.db.get(Invoice, visit.invoice_id),
                                  self.ctx.actor)
        return self._visit_answer(visit, "visit_completed")

    @tenant_rpc
    def skip_visit(self, visit_id):
        tenant_id, today = self._staff_today()
        return self._visit_answer(visits.drop(self.db, tenant_id, visit_id, "skipped", today), "visit_skipped")

    @tenant_rpc
    def cancel_visit(self, visit_id):
        tenant_id, today = self._staff_today()
        return self._visit_answer(visits.drop(self.db, tenant_id, visit_id, "cancelled", today), "visit_cancelled")

    @tenant_rpc
    def move_visit(self, visit_id, move):
        tenant_id, today = self._staff_today()
        before = visits.when_of(visits.find_visit(self.db, tenant_id, visit_id))
        visit = visits.move(self.db, tenant_id, visit_id, move, today)
        return self._visit_answer(visit, "visit_moved", {"when": [before, visits.when_of(visit)]})

    @tenant_rpc
    def set_visit_notes(self, visit_id, notes):
        return self._visit_answer(visits.write_notes(self.db, access.staff_tenant(self.ctx), visit_id, notes),
                                  "visit_notes_written")

    # --- keeping recurring jobs on the calendar ----------------------------------------------------------

    @timer(interval=3600)
    def keep_calendars_filled(self):
        """Add the next visits of recurring jobs whose calendar runs short (safe on every instance at once: each
        job is topped up under its row lock, one transaction per job)."""
        latest = (select(Job.id, Job.tenant_id, func.max(Visit.scheduled_on).label("last"))
                  .join(Visit, Visit.job_id == Job.id)
                  .where(Job.status == "scheduled", Job.recurrence != "once").group_by(Job.id, Job.tenant_id))
        todays = {}  # each business's date, its settings read once per sweep
        for job_id, tenant_id, last in self.db.execute(latest).all():
            if tenant_id not in todays:
                todays[tenant_id] = local_time.today(self._services_settings(tenant_id))
            today = todays[tenant_id]
            if (last - today).days < visits.HORIZON_DAYS - 7:
                visits.top_up(self.db, jobs.find_job(self.db, tenant_id, job_id, lock=True), today)
                self.db.commit()
