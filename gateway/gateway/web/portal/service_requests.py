"""Client portal pages, Services tab: from a visit card, ask to move (reschedule) or cancel the visit, or open a
ticket about it; "Request a service" from the business's list. Each page is there only when the business takes
that request (billing refuses it otherwise, whatever a page sent); past the cut-off the page says until when it was
possible and how to reach the business instead of showing the form."""
from flask import Blueprint, g, request

from gateway.errors import status_of
from gateway.features import service_requests, tickets
from gateway.portal_auth import client_required
from gateway.web.forms import Field
from gateway.web.portal.base import FORM_ERRORS, page, show_errors
from gateway.web.portal.tickets import open_inputs, render_new
from shared.errors import Conflict, PermissionDenied
from shared.i18n import N_, _

blueprint = Blueprint("service_requests", __name__)
DATE_FIELDS = ("preferred_date_1", "preferred_date_2", "preferred_date_3")
REFUSED = {"reschedule": N_("This business does not take reschedule requests here."),
           "cancel": N_("This business does not take cancellation requests here.")}
# Why a visit that is no longer scheduled takes no request, by its status.
NOT_SCHEDULED = {"completed": N_("This visit is completed: there is nothing to ask about it."),
                 "skipped": N_("This visit is skipped: there is nothing to ask about it."),
                 "cancelled": N_("This visit is cancelled: there is nothing to ask about it.")}


def services_path():
    return f"/p/{g.portal_slug}/services"


def date_inputs(required=True):
    return [Field(name, "date", _("Preferred date %(number)s", number=index + 1),
                  _("Today or later.") if index == 0 else _("Optional."),
                  required=required and index == 0) for index, name in enumerate(DATE_FIELDS)]


def note_input():
    return Field("note", "textarea", _("Note (optional)"), _("Anything we should know."))


def visit_inputs(kind):
    return (date_inputs() if kind == "reschedule" else []) + [note_input()]


def filled(inputs):
    for item in inputs:
        item.value = request.form.get(item.name, "").strip()
    return inputs


def sent_dates():
    return [request.form[name].strip() for name in DATE_FIELDS if request.form.get(name, "").strip()]


def placed(inputs, error):
    """The error's messages beside the inputs; ``preferred_dates`` goes beside the first date."""
    messages = dict(error.fields or {"note": [error.message]})
    if "preferred_dates" in messages:
        messages.setdefault("preferred_date_1", []).extend(messages.pop("preferred_dates"))
    return show_errors(inputs, messages)


def visit_options(visit_id, kind):
    options = service_requests.visit_options(visit_id)
    if not options[f"can_{kind}"]:
        raise PermissionDenied(_(REFUSED[kind]))
    return options


def render_visit(kind, options, inputs, summary=(), refusal=None, status=200):
    return page("service_request.html", status, tab="services", kind=kind, options=options, inputs=inputs,
                summary=summary, refusal=refusal, reach_us=service_requests.reach_us(), services=services_path())


def _visit_page(kind, visit_id):
    options = visit_options(visit_id, kind)
    refusal = None
    status = options["visit"]["status"]
    if status != "scheduled":
        refusal = (_(NOT_SCHEDULED[status]) if status in NOT_SCHEDULED
                   else _("This visit is %(status)s: there is nothing to ask about it.", status=status))
    elif options["too_late"]:
        refusal = _("It is too late to ask for this online: requests about this visit were possible until "
                    "%(until)s.", until=options['until_text'])
    elif kind in options["pending"]:
        refusal = _("You already asked this about this visit; we will answer that request first.")
    return render_visit(kind, options, visit_inputs(kind), refusal=refusal)


def _send_visit_request(kind, visit_id):
    options = visit_options(visit_id, kind)
    inputs = filled(visit_inputs(kind))
    asked = {"kind": kind, "note": request.form.get("note", "").strip() or None}
    if kind == "reschedule":
        asked["preferred_dates"] = sent_dates()
    try:
        made = service_requests.ask_about_visit(visit_id, asked, with_contact=False)
    except Conflict as error:
        return render_visit(kind, options, inputs, refusal=error.message, status=status_of(error))
    except FORM_ERRORS as error:
        return render_visit(kind, options, inputs, placed(inputs, error), status=status_of(error))
    return page("service_request_sent.html", tab="services", made=made, services=services_path())


@blueprint.get("/services/visits/<int:visit_id>/reschedule")
@client_required
def reschedule(visit_id):
    return _visit_page("reschedule", visit_id)


@blueprint.post("/services/visits/<int:visit_id>/reschedule")
@client_required
def send_reschedule(visit_id):
    return _send_visit_request("reschedule", visit_id)


@blueprint.get("/services/visits/<int:visit_id>/cancel")
@client_required
def cancel(visit_id):
    return _visit_page("cancel", visit_id)


@blueprint.post("/services/visits/<int:visit_id>/cancel")
@client_required
def send_cancel(visit_id):
    return _send_visit_request("cancel", visit_id)


@blueprint.get("/services/visits/<int:visit_id>/ticket")
@client_required
def visit_ticket(visit_id):
    """The open-a-ticket form about this visit (billing names it; another account's visit is not found)."""
    options = tickets.my_options()
    if not options["tickets_enabled"]:
        raise PermissionDenied(_("This business does not take tickets in the portal."))
    reference = service_requests.visit_reference(visit_id)
    return render_new(options, open_inputs(options), reference=reference)


# --- request a new service ------------------------------------------------------------------------------------

def service_inputs(offered):
    return [Field("service_id", "select", _("Service"), options=[("", _("Choose a service"))] + [
                (str(item["id"]), item["name"]) for item in offered], required=True),
            *date_inputs(), note_input()]


def render_service(offered, inputs, summary=(), refusal=None, status=200):
    return page("service_new_request.html", status, tab="services", offered=offered, inputs=inputs,
                summary=summary, refusal=refusal, reach_us=service_requests.reach_us(), services=services_path())


@blueprint.get("/services/request")
@client_required
def request_service():
    offered = service_requests.offered_services()
    return render_service(offered, service_inputs(offered))


@blueprint.post("/services/request")
@client_required
def send_service_request():
    offered = service_requests.offered_services()
    inputs = filled(service_inputs(offered))
    chosen = request.form.get("service_id", "")
    asked = {"service_id": int(chosen) if chosen.isdigit() and len(chosen) <= 18 else None,
             "preferred_dates": sent_dates(), "note": request.form.get("note", "").strip() or None}
    if asked["service_id"] is None:
        return render_service(offered, inputs, show_errors(inputs, {"service_id": [_("Choose a service.")]}),
                              status=400)
    try:
        made = service_requests.ask_for_service(asked, with_contact=False)
    except Conflict as error:
        return render_service(offered, inputs, refusal=error.message, status=status_of(error))
    except FORM_ERRORS as error:
        return render_service(offered, inputs, placed(inputs, error), status=status_of(error))
    return page("service_request_sent.html", tab="services", made=made, services=services_path())
