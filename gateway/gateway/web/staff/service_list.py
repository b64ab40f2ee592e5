"""Staff pages: the business's service list (what jobs are made from and clients may request): add a service, change
its price, description or recurrence, retire it (jobs made from it stay) or offer it again."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import service_list
from gateway.services import with_id
from gateway.web import forms
from gateway.web.staff.base import staff_page
from gateway.web.staff.job_inputs import read_service, service_inputs
from shared.errors import InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("service_list", __name__)
NOTICES = {"added": N_("Service added."), "saved": N_("Service saved."),
           "retired": N_("Service retired: no new jobs or requests; jobs made from it stay."),
           "restored": N_("Service offered again.")}


def render_list(inputs=None, summary=(), status=200):
    return render_template("staff/jobs/services.html", services=service_list.list_services(),
                           inputs=inputs or service_inputs("new-service"), summary=list(summary),
                           notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


def save_service(inputs, save, redisplay):
    """Read the service form and ``save`` it; on a problem, ``redisplay(inputs, summary)`` with status 400."""
    values, errors = read_service()
    __, problem = forms.save_form(inputs, values, errors, save, lambda summary: redisplay(inputs, summary),
                                  refused=(InvalidInput,))
    return problem


@blueprint.get("/services")
@staff_page
def service_page():
    return render_list()


@blueprint.post("/services")
@staff_page
def add_service():
    problem = save_service(service_inputs("new-service"), service_list.create_service,
                           lambda inputs, summary: render_list(inputs, summary, 400))
    return problem or redirect(url_for(".service_page", done="added"), 303)


def find_service(service_id):
    return with_id(service_list.list_services(), service_id, _("No such service."))


def render_service(service, inputs=None, summary=(), status=200):
    return render_template("staff/jobs/service.html", service=service,
                           inputs=inputs or service_inputs("service", service), summary=list(summary)), status


@blueprint.get("/services/<int:service_id>")
@staff_page
def service(service_id):
    return render_service(find_service(service_id))


@blueprint.post("/services/<int:service_id>")
@staff_page
def save_changes(service_id):
    found = find_service(service_id)
    problem = save_service(service_inputs("service", found),
                           lambda values: service_list.update_service(service_id, values),
                           lambda inputs, summary: render_service(found, inputs, summary, 400))
    return problem or redirect(url_for(".service_page", done="saved", _anchor=f"service-{service_id}"), 303)


@blueprint.post("/services/<int:service_id>/active")
@staff_page
def set_active(service_id):
    active = request.form.get("active") == "true"
    service_list.update_service(service_id, {"active": active})
    return redirect(url_for(".service_page", done="restored" if active else "retired",
                            _anchor=f"service-{service_id}"), 303)
