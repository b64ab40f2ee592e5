"""Clients' service requests: ask to move (reschedule) or cancel a scheduled visit of their account, or ask for a
new service from the business's list; staff accept or decline each one. Billing keeps the request and carries out
the outcome (the visit moves or is cancelled, a new job waits on the list); tickets turns each request into a
ticket (SERVICE_REQUEST_MADE) and adds the outcome to it (SERVICE_REQUEST_DECIDED).

Each kind needs its Services-tab setting; a visit request must come before the cut-off
(``request_cutoff_hours`` before the visit starts, in the business's time zone) and a visit or a service has
one pending request of a kind at a time. Plain functions over a session; the caller commits.
"""
from datetime import date

from sqlalchemy import select

from billing import jobs, local_time, service_list, visits
from billing.field_models import ServiceOffering, ServiceRequest, Visit
from billing.models import Job
from billing.request_schemas import (DecisionInput, RequestFiltersInput, ServiceRequestInput,
                                     VisitRequestInput)
from shared.clock import as_utc, iso_utc, utcnow
from shared.errors import Conflict, NotFound, PermissionDenied, invalid
from shared.events import SERVICE_REQUEST_DECIDED, SERVICE_REQUEST_MADE
from shared.i18n import N_, _
from shared import keyset
from shared.validation import load_or_raise

SETTINGS = {"reschedule": ("allow_reschedule_requests", N_("This business does not take reschedule requests here.")),
            "cancel": ("allow_cancel_requests", N_("This business does not take cancellation requests here.")),
            "new_service": ("allow_service_requests", N_("This business does not take service requests here."))}
SUBJECTS = {"reschedule": N_("Reschedule: %(about)s"), "cancel": N_("Cancel: %(about)s"),
            "new_service": N_("Service request: %(about)s")}
PENDING = {"reschedule": N_("You already asked to move this visit; we will answer that request first."),
           "cancel": N_("You already asked to cancel this visit; we will answer that request first."),
           "new_service": N_("You already asked for this service; we will answer that request first.")}
PAGE_MAX = 200


def require_allowed(settings, kind):
    setting, message = SETTINGS[kind]
    if not settings[setting]:
        raise PermissionDenied(_(message))


day_text = local_time.day_text


def _check_dates(dates, settings, now):
    today = local_time.today(settings, now)
    if any(day < today for day in dates):
        raise invalid("preferred_dates", _("Choose today (%(today)s) or a later date.", today=day_text(today)))


def _check_deadline(visit, settings, now):
    """Refuse a request once the cut-off before the visit has passed (without a cut-off: once it has begun)."""
    deadline = local_time.request_deadline(visit, settings) or local_time.visit_starts_at(visit, settings)
    if as_utc(now) >= deadline:
        raise Conflict(_("It is too late to ask for this online: requests about this visit were possible until "
                         "%(until)s.", until=local_time.describe_moment(deadline, settings)))


def _refuse_second(session, tenant_id, kind, **about):
    query = select(ServiceRequest.id).where(ServiceRequest.tenant_id == tenant_id, ServiceRequest.kind == kind,
                                            ServiceRequest.status == "pending")
    for key, value in about.items():
        query = query.where(getattr(ServiceRequest, key) == value)
    if session.scalar(query.limit(1)) is not None:
        raise Conflict(_(PENDING[kind]))


def body_of(row):
    lines = []
    if row.kind == "cancel":
        lines.append(_("Please cancel this visit."))
    if row.preferred_dates:
        lines.append(_("Preferred dates: %(dates)s", dates=", ".join(day_text(date.fromisoformat(day))
                                                                      for day in row.preferred_dates)))
    if row.note:
        lines.append(_("Note: %(note)s", note=row.note))
    return "\n".join(lines) or _("(no note)")


def about(session, row):
    """What the request is about, as staff and the client read it: the visit's label or the service's name."""
    if row.visit_id is not None:
        visit = session.get(Visit, row.visit_id)
        return visits.label(visit, session.get(Job, visit.job_id))
    return session.get(ServiceOffering, row.service_id).name


def event_data(session, row, body, actor):
    return {"request_id": row.id, "account_id": row.account_id, "kind": row.kind, "status": row.status,
            "subject": _(SUBJECTS[row.kind], about=about(session, row))[:200], "body": body, "visit_id": row.visit_id,
            "decision_note": row.decision_note, "actor": actor}


def _made(session, outbox, row, actor):
    session.add(row)
    session.flush()
    outbox.add(session, SERVICE_REQUEST_MADE, event_data(session, row, body_of(row), actor),
               tenant_id=row.tenant_id)
    return row


def ask_about_visit(session, outbox, tenant_id, account_id, visit_id, data, settings, actor, now=None):
    """The client asks to move or cancel ``visit_id`` of their account; return the pending request."""
    now = now or utcnow()
    visit = visits.find_visit(session, tenant_id, visit_id, account_id, lock=True)
    values = load_or_raise(VisitRequestInput, data)
    require_allowed(settings, values["kind"])
    visits.require_scheduled(visit, "moved" if values["kind"] == "reschedule" else "cancelled")
    _check_deadline(visit, settings, now)
    _check_dates(values["preferred_dates"], settings, now)
    _refuse_second(session, tenant_id, values["kind"], visit_id=visit.id)
    return _made(session, outbox, ServiceRequest(
        tenant_id=tenant_id, account_id=account_id, kind=values["kind"], visit_id=visit.id,
        preferred_dates=[day.isoformat() for day in values["preferred_dates"]], note=(values["note"] or "").strip(),
        status="pending", requested_by=actor.get("id"), created_at=utcnow()), actor)


def ask_for_service(session, outbox, tenant_id, account_id, data, settings, actor, now=None):
    """The client asks for a service the business offers; return the pending request."""
    require_allowed(settings, "new_service")
    values = load_or_raise(ServiceRequestInput, data)
    try:
        service = service_list.find_service(session, tenant_id, values["service_id"], offered_only=True)
    except NotFound:
        raise invalid("service_id", _("Choose one of the services offered.")) from None
    _check_dates(values["preferred_dates"], settings, now or utcnow())
    _refuse_second(session, tenant_id, "new_service", account_id=account_id, service_id=service.id)
    return _made(session, outbox, ServiceRequest(
        tenant_id=tenant_id, account_id=account_id, kind="new_service", service_id=service.id,
        preferred_dates=[day.isoformat() for day in values["preferred_dates"]], note=(values["note"] or "").strip(),
        status="pending", requested_by=actor.get("id"), created_at=utcnow()), actor)


def visit_options(session, tenant_id, account_id, visit_id, settings, now=None):
    """What a client may ask about a visit of their account: whether to move or cancel it is taken, until when
    (the cut-off), whether that moment has passed, and which requests are already pending."""
    visit = visits.find_visit(session, tenant_id, visit_id, account_id)
    deadline = local_time.request_deadline(visit, settings) or local_time.visit_starts_at(visit, settings)
    pending = session.scalars(select(ServiceRequest.kind).where(ServiceRequest.visit_id == visit.id,
                                                                ServiceRequest.status == "pending")).all()
    return {"visit": visits.describe(visit, session.get(Job, visit.job_id), with_notes=False),
            "can_reschedule": settings["allow_reschedule_requests"], "can_cancel": settings["allow_cancel_requests"],
            "requests_until": iso_utc(deadline), "until_text": local_time.describe_moment(deadline, settings),
            "too_late": visit.status != "scheduled" or as_utc(now or utcnow()) >= deadline,
            "pending": sorted(set(pending))}


def visit_reference(session, tenant_id, account_id, visit_id):
    """``{kind: "visit", id, label}`` of a visit of the client's account (another's is not found)."""
    visit = visits.find_visit(session, tenant_id, visit_id, account_id)
    return {"kind": "visit", "id": visit.id, "label": visits.label(visit, session.get(Job, visit.job_id))}


def find_request(session, tenant_id, request_id, lock=False):
    query = select(ServiceRequest).where(ServiceRequest.id == request_id)
    row = session.scalar(query.with_for_update() if lock else query) if isinstance(request_id, int) else None
    if row is None or row.tenant_id != tenant_id:
        raise NotFound(_("No such request."))
    return row


def _accept_reschedule(session, row, values, today):
    visit = visits.find_visit(session, row.tenant_id, row.visit_id)
    day = values["scheduled_on"] or (row.preferred_dates[0] if row.preferred_dates else None)
    if day is None:
        raise invalid("scheduled_on", _("Choose the visit's new date."))
    window = ((values["window_start"], values["window_end"]) if values["window_start"] is not None
              else (visit.window_start, visit.window_end))
    moved = visits.move(session, row.tenant_id, row.visit_id, {
        "scheduled_on": day if isinstance(day, str) else day.isoformat(),
        "window_start": window[0].strftime("%H:%M") if window[0] else None,
        "window_end": window[1].strftime("%H:%M") if window[1] else None}, today)
    window = visits.window_text(moved)
    if window:
        return _("We moved your visit to %(day)s, %(window)s.", day=day_text(moved.scheduled_on), window=window)
    return _("We moved your visit to %(day)s.", day=day_text(moved.scheduled_on))


def _accept_cancel(session, row, today):
    visit = visits.drop(session, row.tenant_id, row.visit_id, "cancelled", today)
    return _("We cancelled your visit: %(visit)s.", visit=visits.label(visit, session.get(Job, visit.job_id)))


def _accept_new_service(session, row, today):
    notes = body_of(row)
    job = jobs.create_job(session, row.tenant_id, {"account_id": row.account_id, "service_id": row.service_id,
                                                   "notes": notes[:1000]}, today, origin="request")
    row.job_id = job.id
    return _("We added %(service)s to your services; we will tell you its date.", service=job.title)


def decide(session, outbox, tenant_id, request_id, data, staff_id, today):
    """Staff accept (the visit moves or is cancelled, or a job waits on the list) or decline a pending request."""
    values = load_or_raise(DecisionInput, data)
    row = find_request(session, tenant_id, request_id, lock=True)
    if row.status != "pending":
        raise Conflict(_("This request was already accepted.") if row.status == "accepted" else
                       _("This request was already declined.") if row.status == "declined" else
                       _("This request was already answered."))
    if values["outcome"] == "decline":
        row.status, row.decision_note = "declined", values["reason"]
        outcome = _("Declined: %(reason)s", reason=values["reason"])
    else:
        if row.kind == "reschedule":
            outcome = _accept_reschedule(session, row, values, today)
        elif row.kind == "cancel":
            outcome = _accept_cancel(session, row, today)
        else:
            outcome = _accept_new_service(session, row, today)
        row.status, row.decision_note = "accepted", values["reason"]
    row.decided_by, row.decided_at = staff_id, utcnow()
    session.flush()
    outbox.add(session, SERVICE_REQUEST_DECIDED,
               event_data(session, row, outcome, {"kind": "staff", "id": staff_id}), tenant_id=tenant_id)
    return row


def describe(session, row):
    visit = session.get(Visit, row.visit_id) if row.visit_id is not None else None
    return {"id": row.id, "account_id": row.account_id, "kind": row.kind, "status": row.status,
            "visit_id": row.visit_id, "service_id": row.service_id, "about": about(session, row),
            "visit": visits.describe(visit, session.get(Job, visit.job_id), with_notes=False) if visit else None,
            "preferred_dates": list(row.preferred_dates or []), "note": row.note,
            "decision_note": row.decision_note, "job_id": row.job_id, "created_at": iso_utc(row.created_at),
            "decided_at": iso_utc(row.decided_at)}


def list_requests(session, tenant_id, filters):
    """One page of the requests of a status, newest first: ``{"items", "next", "limit"}`` (shared/keyset.py)."""
    wanted = load_or_raise(RequestFiltersInput, filters or {})
    scope = ["service_requests", tenant_id, wanted["account_id"], wanted["status"]]
    key = keyset.decode(wanted["cursor"], (keyset.TIME, keyset.ID), scope)
    columns = (ServiceRequest.created_at, ServiceRequest.id)
    query = select(ServiceRequest).where(ServiceRequest.tenant_id == tenant_id,
                                         ServiceRequest.status == wanted["status"], keyset.after(columns, key))
    if wanted["account_id"] is not None:
        query = query.where(ServiceRequest.account_id == wanted["account_id"])
    rows = session.scalars(query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
                           .limit(wanted["limit"] + 1)).all()
    items, next_cursor = keyset.cut(rows, wanted["limit"], lambda row: (as_utc(row.created_at), row.id),
                                    lambda row: describe(session, row), scope)
    return {"items": items, "next": next_cursor, "limit": wanted["limit"]}
