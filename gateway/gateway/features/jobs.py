"""Jobs and their visits as staff work them: created for a client from the service list or by hand, the waiting
list and dispatching, pausing with a reason, the status clients read, and each visit (complete, which raises its
invoice, skip, cancel, move, service notes). Billing owns the rules; a call naming a client is confirmed with
accounts first, so another business's client is simply not found."""
from datetime import date, time

from gateway.features.clients import client_names, find_client
from gateway.services import first_error, rpc


def billing(method, *args):
    return rpc().call("billing", method, *args)


def json_safe(values):
    """Request values with their dates and times as ISO text (HH:MM for a time), nested objects included."""
    if isinstance(values, dict):
        return {key: json_safe(value) for key, value in values.items()}
    if isinstance(values, time):
        return values.strftime("%H:%M")
    return values.isoformat() if isinstance(values, date) else values


def named(jobs, listing=None):
    """``jobs`` each with its client's name."""
    names = client_names({job["account_id"] for job in jobs}, listing)
    return [{**job, "client_name": names.get(job["account_id"])} for job in jobs]


# --- jobs ---------------------------------------------------------------------------------------------

def create_job(job):
    """Add a job to one of this business's clients (waiting on the list unless ``schedule`` is given); it is on
    autopay when the client is enrolled now."""
    client = find_client(job["account_id"])
    return {**billing("create_job", json_safe(job)), "client_name": client["name"]}


def list_jobs(filters=None):
    """One page of the business's jobs, newest first, by client (confirmed first) and status: ``{"items", "next",
    "limit"}``."""
    wanted = {key: value for key, value in (filters or {}).items() if value is not None}
    if "account_id" in wanted:
        client = find_client(wanted["account_id"])
        page = billing("list_jobs", wanted)
        return {**page, "items": [{**job, "client_name": client["name"]} for job in page["items"]]}
    page = billing("list_jobs", wanted)
    return {**page, "items": named(page["items"])}


def job(job_id):
    """A job with its visits (the past year's and those to come), and its client's name."""
    found = billing("get_job", job_id)
    return named([found])[0]


def schedule_job(job_id, schedule):
    """Dispatch a job from the waiting list: its first visit on ``start_on``, the next ones by its recurrence."""
    return billing("schedule_job", job_id, json_safe(schedule))


def pause_job(job_id, reason):
    return billing("pause_job", job_id, {"reason": reason})


def resume_job(job_id, resume=None):
    return billing("resume_job", job_id, json_safe(resume or {}))


def cancel_job(job_id):
    return billing("cancel_job", job_id)


def set_client_status(job_id, status):
    return billing("set_job_client_status", job_id, {"client_status": status})


# --- visits -------------------------------------------------------------------------------------------

def complete_visit(visit_id, notes=None):
    """Mark a visit done (with service notes for the client); it raises its invoice when the job bills per visit."""
    return billing("complete_visit", visit_id, {"notes": notes} if notes is not None else {})


def skip_visit(visit_id):
    return billing("skip_visit", visit_id)


def cancel_visit(visit_id):
    return billing("cancel_visit", visit_id)


def move_visit(visit_id, move):
    return billing("move_visit", visit_id, json_safe(move))


def set_visit_notes(visit_id, notes):
    return billing("set_visit_notes", visit_id, {"notes": notes})


def client_panel(client_id):
    """A client's jobs and the service list (for the New job form), asked at once; the caller confirmed the client."""
    results = first_error(rpc().call_parallel({"jobs": ("billing", "list_jobs", ({"account_id": client_id},)),
                                               "services": ("billing", "list_services", ())}))
    return {**results, "jobs": results["jobs"]["items"]}  # the newest; the client's page links to all of them
