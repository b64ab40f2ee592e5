"""Staff pages: jobs — the waiting list first (each job with a dispatch form: first date and time window), every job
by status or client, and a job's page: its details, next visits and history; per visit complete (with service notes),
skip, cancel, move or write notes; pause with a reason, resume, cancel; the status the client reads.

A form that billing refuses is drawn again, its messages beside its inputs (several forms share the job page, each
input's id carries its form's name); a refusal of the job's or visit's state (409) is shown at the top.
"""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import jobs
from gateway.features.clients import find_client
from gateway.web import forms
from gateway.web.paging import cursor_page
from gateway.web.staff.base import staff_page
from gateway.web.staff.billing_inputs import WHOLE_NUMBER
from gateway.web.staff.job_inputs import (FormField, describe_recurrence, read_status, read_window, status_inputs,
                                          window_inputs)
from shared.errors import Conflict, InvalidInput, NotFound
from shared.i18n import N_, _

blueprint = Blueprint("jobs", __name__)
blueprint.add_app_template_global(describe_recurrence, "recurrence")  # "Weekly", "Every 6 weeks", ...
STATUS_FILTERS = [("", N_("Every status")), ("scheduled", N_("Scheduled")), ("paused", N_("Paused")),
                  ("completed", N_("Completed")), ("cancelled", N_("Cancelled")), ("unscheduled", N_("Waiting list"))]
WAITING_SHOWN = 200  # the newest waiting jobs; the list filtered by "Unscheduled" pages through them all
NOTICES = {"scheduled": N_("Job dispatched: its visits are on the calendar."), "paused": N_("Job paused."),
           "resumed": N_("Job resumed: its visits are back on the calendar."), "cancelled": N_("Job cancelled."),
           "status": N_("The status clients read is saved."), "completed": N_("Visit completed."),
           "skipped": N_("Visit skipped."), "visit_cancelled": N_("Visit cancelled."), "moved": N_("Visit moved."),
           "notes": N_("Service notes saved."), "created": N_("Job added.")}


def notice():
    return forms.notice_of(NOTICES, request.args.get("done", ""))


# --- the list ---------------------------------------------------------------------------------------

def list_filters():
    """The list's filters from the query: a status and a client (confirmed to be this business's)."""
    status = request.args.get("status", "")
    account = request.args.get("account_id", "")
    client = find_client(int(account)) if WHOLE_NUMBER.fullmatch(account) else None
    return (status if status in dict(STATUS_FILTERS) else ""), client


def render_list(filters=("", None), failed=None, status=200):
    """The waiting list with a dispatch form per job, then the jobs of ``filters`` (status, client); ``failed`` is
    ``(job id, errors)`` of a dispatch form to draw again as submitted."""
    wanted, client = filters
    account = {"account_id": client["id"]} if client else {}
    waiting = jobs.list_jobs({"status": "unscheduled", "limit": WAITING_SHOWN, **account} if wanted != "unscheduled"
                             else cursor_page(status="unscheduled", limit=WAITING_SHOWN, **account))
    listed = jobs.list_jobs(cursor_page(status=wanted or None, **account)) if wanted != "unscheduled" else waiting
    waiting, listed, next_cursor = waiting["items"], listed["items"], listed["next"]
    dispatch = {job["id"]: window_inputs(f"dispatch-{job['id']}", _("First visit"), "start_on") for job in waiting}
    summary = []
    if failed:
        summary = shown_again(dispatch[failed[0]], failed[1]) if failed[0] in dispatch else \
            [(None, text) for texts in failed[1].values() for text in texts]
    return render_template("staff/jobs/jobs.html", waiting=waiting, listed=listed, next_cursor=next_cursor,
                           dispatch=dispatch,
                           status_filter=wanted, status_filters=[(value, _(label)) for value, label in STATUS_FILTERS],
                           client=client,
                           summary=summary, notice=notice()), status


def shown_again(inputs, errors):
    forms.show_submitted(inputs, request.form)
    return forms.attach_errors(inputs, errors)


@blueprint.get("/jobs")
@staff_page
def job_list():
    return render_list(list_filters())


# --- a job's page ----------------------------------------------------------------------------------

def visit_forms(visit):
    form = f"visit-{visit['id']}"
    return {
        "complete": [FormField("notes", "long_text", _("Service notes for the client"),
                               _("What was done, what to expect next. Optional."), form=f"{form}-complete")],
        "move": window_inputs(f"{form}-move", _("New date"), "scheduled_on", visit),
        "notes": [FormField("notes", "long_text", _("Service notes for the client"), form=f"{form}-notes",
                            value=visit.get("notes") or "")],
    }


def job_forms(job):
    """Every form of a job's page, by name: ``dispatch``, ``pause``, ``resume``, ``status`` and the visits'."""
    found = {"dispatch": window_inputs("dispatch", _("First visit"), "start_on"),
             "pause": [FormField("reason", "long_text", _("Reason"), _("Such as Away until spring; gate locked. "
                                                                       "Clients may be shown it as you write it."),
                                 required=True, form="pause")],
             "resume": [FormField("resume_on", "date", _("First visit back"), _("Optional: today when left empty."),
                                  form="resume")],
             "status": status_inputs(job)}
    for visit in job["visits"]:
        if visit["status"] == "scheduled":
            found.update({f"visit-{visit['id']}-{name}": inputs for name, inputs in visit_forms(visit).items()})
    return found


def render_job(job_id, failed=None, status=200):
    """A job's page; ``failed`` is ``(form name, errors)`` of the form to draw again as submitted."""
    job = jobs.job(job_id)
    shown = job_forms(job)
    summary = []
    if failed:
        inputs = shown.get(failed[0])
        summary = shown_again(inputs, failed[1]) if inputs else \
            [(None, text) for texts in failed[1].values() for text in texts]
    upcoming = [visit for visit in job["visits"] if visit["status"] == "scheduled"]
    history = [visit for visit in reversed(job["visits"]) if visit["status"] != "scheduled"]
    later_open = bool(failed) and any(failed[0].startswith(f"visit-{visit['id']}-") for visit in upcoming[4:])
    return render_template("staff/jobs/job.html", job=job, forms=shown, upcoming=upcoming, history=history,
                           later_open=later_open, summary=summary, notice=notice()), status


@blueprint.get("/jobs/<int:job_id>")
@staff_page
def job(job_id):
    return render_job(job_id)


def act(job_id, form_name, values, errors, send, done, back_to_list=False):
    """Send one form of a job (or of the list) unless reading it found ``errors``; draw it again on a refusal."""
    if not errors:
        try:
            send(values)
        except (InvalidInput, Conflict) as error:
            errors = forms.problems_of(error)
            status = 409 if isinstance(error, Conflict) else 400
        else:
            target = url_for(".job_list", done=done) if back_to_list else url_for(".job", job_id=job_id, done=done)
            return redirect(target, 303)
    else:
        status = 400
    errors = {key.removeprefix("schedule."): texts for key, texts in errors.items()}
    if back_to_list:
        return render_list(failed=(job_id, errors), status=status)
    return render_job(job_id, (form_name, errors), status)


@blueprint.post("/jobs/<int:job_id>/schedule")
@staff_page
def schedule(job_id):
    errors = {}
    values = read_window("start_on", errors)
    from_list = request.form.get("back") == "list"
    return act(job_id, "dispatch", values, errors, lambda schedule: jobs.schedule_job(job_id, schedule),
               "scheduled", back_to_list=from_list)


@blueprint.post("/jobs/<int:job_id>/pause")
@staff_page
def pause(job_id):
    reason = request.form.get("reason", "").strip()
    errors = {} if reason else {"reason": [_("Say why the job is paused.")]}
    return act(job_id, "pause", reason, errors, lambda text: jobs.pause_job(job_id, text), "paused")


@blueprint.post("/jobs/<int:job_id>/resume")
@staff_page
def resume(job_id):
    errors = {}
    text = request.form.get("resume_on", "").strip()
    found = read_window("resume_on", errors) if text else None
    return act(job_id, "resume", {"resume_on": found and found["resume_on"]}, errors,
               lambda values: jobs.resume_job(job_id, values), "resumed")


@blueprint.post("/jobs/<int:job_id>/cancel")
@staff_page
def cancel(job_id):
    return act(job_id, "cancel", None, {}, lambda __: jobs.cancel_job(job_id), "cancelled")


@blueprint.post("/jobs/<int:job_id>/client-status")
@staff_page
def client_status(job_id):
    text, errors = read_status()
    return act(job_id, "status", text, errors, lambda value: jobs.set_client_status(job_id, value), "status")


# --- visits ----------------------------------------------------------------------------------------

def visit_of(job_id, visit_id):
    """Confirm the visit is the job's (both this business's) before acting on it."""
    if not any(visit["id"] == visit_id for visit in jobs.job(job_id)["visits"]):
        raise NotFound(_("No such visit."))


def visit_action(job_id, visit_id, name, values, errors, send, done):
    visit_of(job_id, visit_id)
    return act(job_id, f"visit-{visit_id}-{name}", values, errors, send, done)


@blueprint.post("/jobs/<int:job_id>/visits/<int:visit_id>/complete")
@staff_page
def complete_visit(job_id, visit_id):
    notes = request.form.get("notes", "").strip() or None
    return visit_action(job_id, visit_id, "complete", notes, {}, lambda text: jobs.complete_visit(visit_id, text),
                        "completed")


@blueprint.post("/jobs/<int:job_id>/visits/<int:visit_id>/skip")
@staff_page
def skip_visit(job_id, visit_id):
    return visit_action(job_id, visit_id, "skip", None, {}, lambda __: jobs.skip_visit(visit_id), "skipped")


@blueprint.post("/jobs/<int:job_id>/visits/<int:visit_id>/cancel")
@staff_page
def cancel_visit(job_id, visit_id):
    return visit_action(job_id, visit_id, "cancel", None, {}, lambda __: jobs.cancel_visit(visit_id),
                        "visit_cancelled")


@blueprint.post("/jobs/<int:job_id>/visits/<int:visit_id>/move")
@staff_page
def move_visit(job_id, visit_id):
    errors = {}
    values = read_window("scheduled_on", errors)
    return visit_action(job_id, visit_id, "move", values, errors, lambda move: jobs.move_visit(visit_id, move),
                        "moved")


@blueprint.post("/jobs/<int:job_id>/visits/<int:visit_id>/notes")
@staff_page
def visit_notes(job_id, visit_id):
    notes = request.form.get("notes", "").strip()
    return visit_action(job_id, visit_id, "notes", notes, {}, lambda text: jobs.set_visit_notes(visit_id, text),
                        "notes")
