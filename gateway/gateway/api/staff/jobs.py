"""Staff API: the service list, jobs (the waiting list, dispatching, pausing and resuming, cancelling, the status
clients read) and their visits (complete, skip, cancel, move, service notes).

A call naming a client is confirmed with accounts first; another business's services, jobs and visits are not
found (404). Acting on something in the wrong state (pausing a one-off job, completing a skipped visit) is a
conflict (409). Dates are the business's local dates (its Services-tab time zone), times HH:MM.
"""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import jobs, service_list
from gateway.schemas.staff.jobs import (ClientStatusSchema, CompleteVisitSchema, JobListArgsSchema, PauseSchema,
                                        ResumeSchema, ScheduleSchema, ServiceChangeSchema, ServiceListSchema,
                                        NewServiceSchema, ServiceSchema, StaffJobDetailSchema, StaffJobListSchema,
                                        StaffNewJobSchema, VisitDateSchema, VisitNotesSchema,
                                        StaffVisitSchema)
from shared.errors import Conflict, NotFound

blueprint = ApiBlueprint("jobs", __name__, tag="staff jobs and visits", caller=STAFF)


# --- the service list ---------------------------------------------------------------------------------

@blueprint.get("/services")
@blueprint.operation("The service list, by name, retired services included (`active` false)",
                     response=ServiceListSchema, dump=True)
def list_services():
    return {"items": service_list.list_services()}


@blueprint.post("/services")
@blueprint.operation("Add a service to the list: name (once per business), price per visit in cents, usual "
                     "recurrence, whether clients may request it", body=NewServiceSchema, status=201,
                     response=ServiceSchema, dump=True)
def post_service(service):
    return service_list.create_service(service), 201


@blueprint.patch("/services/<id:service_id>")
@blueprint.operation("Change a service (price, description, name, recurrence, offered to clients) or retire it "
                     "(`active` false); jobs already made from it keep their own price",
                     body=ServiceChangeSchema, response=ServiceSchema, dump=True)
def patch_service(changes, service_id):
    return service_list.update_service(service_id, changes)


# --- jobs ---------------------------------------------------------------------------------------------

@blueprint.get("/jobs")
@blueprint.operation("Jobs a page at a time, newest first, each with its next visit; filtered by client (404 when "
                     "there is no such client) and status (`unscheduled` is the waiting list). A page's `next` is "
                     "the cursor of the one after it (send it back as `cursor` with the same filters)",
                     query=JobListArgsSchema, response=StaffJobListSchema, dump=True, raises=[NotFound])
def list_jobs(filters):
    return jobs.list_jobs(filters)


@blueprint.post("/jobs")
@blueprint.operation("Add a job to a client, from the service list (`service_id`) or by hand (`title`, `price`), "
                     "one-off or recurring; with `schedule` its visits are planned at once, else it waits on the "
                     "list. 404 when there is no such client or service; it is on autopay when the client is "
                     "enrolled at that moment", body=StaffNewJobSchema, status=201, response=StaffJobDetailSchema,
                     dump=True, raises=[NotFound])
def post_job(job):
    return jobs.create_job(job), 201


@blueprint.get("/jobs/<id:job_id>")
@blueprint.operation("A job with its visits: the past year's and every one to come",
                     response=StaffJobDetailSchema, dump=True)
def get_job(job_id):
    return jobs.job(job_id)


@blueprint.post("/jobs/<id:job_id>/schedule")
@blueprint.operation("Dispatch a job from the waiting list: its first visit on `start_on` in the time window, "
                     "a recurring job's next ones twelve weeks ahead (409 unless it is on the waiting list)",
                     body=ScheduleSchema, response=StaffJobDetailSchema, dump=True, raises=[Conflict])
def schedule_job(schedule, job_id):
    return jobs.schedule_job(job_id, schedule)


@blueprint.post("/jobs/<id:job_id>/pause")
@blueprint.operation("Pause a scheduled recurring job with a reason: its visits to come are cancelled (409 for "
                     "a one-off job or one not scheduled)", body=PauseSchema, response=StaffJobDetailSchema,
                     dump=True, raises=[Conflict])
def pause_job(pause, job_id):
    return jobs.pause_job(job_id, pause["reason"])


@blueprint.post("/jobs/<id:job_id>/resume")
@blueprint.operation("Resume a paused job from `resume_on` (today when left out), in its last time window (409 "
                     "unless it is paused)", body=ResumeSchema, optional_body=True, response=StaffJobDetailSchema,
                     dump=True, raises=[Conflict])
def resume_job(resume, job_id):
    return jobs.resume_job(job_id, resume)


@blueprint.post("/jobs/<id:job_id>/cancel")
@blueprint.operation("Cancel a job and its visits to come; what was done stays (409 when it is already "
                     "completed or cancelled)", response=StaffJobDetailSchema, dump=True, raises=[Conflict])
def cancel_job(job_id):
    return jobs.cancel_job(job_id)


@blueprint.put("/jobs/<id:job_id>/client-status")
@blueprint.operation("Set what the client reads as the job's progress (Scheduled, Work in progress, Completed or "
                     "the business's own words), or clear it with null", body=ClientStatusSchema,
                     response=StaffJobDetailSchema, dump=True)
def put_client_status(change, job_id):
    return jobs.set_client_status(job_id, change["client_status"])


# --- visits -------------------------------------------------------------------------------------------

@blueprint.post("/visits/<id:visit_id>/complete")
@blueprint.operation("Complete a visit, with service notes for the client; it raises the visit's invoice when "
                     "the job bills per visit (409 unless the visit is scheduled)", body=CompleteVisitSchema,
                     optional_body=True, response=StaffVisitSchema, dump=True, raises=[Conflict])
def complete_visit(completion, visit_id):
    return jobs.complete_visit(visit_id, completion.get("notes"))


@blueprint.post("/visits/<id:visit_id>/skip")
@blueprint.operation("Skip a visit (the date passes without the work; a one-off job goes back to the waiting "
                     "list). 409 unless the visit is scheduled", response=StaffVisitSchema, dump=True,
                     raises=[Conflict])
def skip_visit(visit_id):
    return jobs.skip_visit(visit_id)


@blueprint.post("/visits/<id:visit_id>/cancel")
@blueprint.operation("Cancel a visit (a one-off job whose visit is cancelled is cancelled). 409 unless the visit "
                     "is scheduled", response=StaffVisitSchema, dump=True, raises=[Conflict])
def cancel_visit(visit_id):
    return jobs.cancel_visit(visit_id)


@blueprint.put("/visits/<id:visit_id>/date")
@blueprint.operation("Move a visit to another date and time window (409 unless the visit is scheduled)",
                     body=VisitDateSchema, response=StaffVisitSchema, dump=True, raises=[Conflict])
def put_visit_date(move, visit_id):
    return jobs.move_visit(visit_id, move)


@blueprint.put("/visits/<id:visit_id>/notes")
@blueprint.operation("Write the visit's service notes for the client (what was done, what to expect next); null "
                     "or empty clears them", body=VisitNotesSchema, response=StaffVisitSchema, dump=True)
def put_visit_notes(body, visit_id):
    return jobs.set_visit_notes(visit_id, body["notes"])
