"""Staff pages: clients and their related properties, custom field values, and one client's portal access."""
import math

from flask import Blueprint, redirect, render_template, request, url_for

from gateway.features import clients, jobs, portal_users, service_list
from gateway.features.clients import PER_PAGE
from gateway.schemas.staff.clients import ClientListArgsSchema
from gateway.web import forms
from gateway.web.forms import Field
from gateway.web.staff.base import staff_page
from gateway.web.staff.job_inputs import new_job_inputs, read_new_job
from shared.errors import Conflict, InvalidInput
from shared.i18n import N_, _

blueprint = Blueprint("clients", __name__)

CUSTOM_FIELD_KINDS = {"text": "text", "number": "number", "date": "date", "choice": "select"}
NUMBER_HINT = N_("A number, such as 12 or 3.5.")
NOTICES = {
    "created": N_("Client added."),
    "saved": N_("Contact details saved."),
    "property_added": N_("Related property added."),
    "fields_saved": N_("Custom fields saved."),
    "invited": N_("Invitation sent. The link in it works for 7 days."),
    "resent": N_("Invitation sent again. The link in the earlier one no longer works."),
    "reset_sent": N_("Password reset link sent."),
}
# What each one-client portal action is called after it is done.
PORTAL_ACTIONS = {"invite": (portal_users.invite, lambda result: "resent" if result["status"] == "resent"
                             else "invited"),
                  "reset": (portal_users.send_password_resets, lambda result: "reset_sent")}


def page_count(total, per_page):
    return max(1, math.ceil((total or 0) / per_page))


def with_prefix(messages, prefix):
    return {(key if key == "_schema" else prefix + key): texts for key, texts in messages.items()}


def contact_fields():
    """Return the inputs of a client's contact details."""
    return [
        Field("name", "text", _("Name"), required=True),
        Field("email", "email", _("Email address"), _("Invitations, receipts and sign-in codes go here."),
              nullable=True),
        Field("phone", "tel", _("Phone"), _("Such as +1 555 010 0199."), nullable=True),
        Field("mobile_phone", "tel", _("Mobile phone"), _("Texts go here, and the client's sign-in codes. With + and "
                                                          "the country code, such as +1 555 010 0199."), nullable=True),
        Field("address", "text", _("Address"), nullable=True),
    ]


def property_fields():
    """Return the inputs of a new related property; the prefix keeps them apart from the contact form's."""
    return [
        Field("property_name", "text", _("Property name"), _("Such as the street address or “Lake house”."),
              required=True),
        Field("property_address", "text", _("Property address"), nullable=True),
        Field("property_email", "email", _("Property email address"),
              _("Only when someone else looks after this property; leave empty otherwise."), nullable=True),
        Field("property_phone", "tel", _("Property phone"), nullable=True),
    ]


def custom_field_inputs(custom_fields):
    """Return one input per custom field, drawn by its type."""
    return [Field(f"custom_{custom['key']}", CUSTOM_FIELD_KINDS.get(custom["type"], "text"), custom["label"],
                  _(NUMBER_HINT) if custom["type"] == "number" else "", nullable=True,
                  options=[("", _("Not set"))] + [(choice, choice) for choice in custom.get("choices") or []])
            for custom in custom_fields]


def submitted(fields, prefix=""):
    """Parse a form into ``(values for the service, errors)``, the names without ``prefix``."""
    values, errors = forms.parse(fields, request.form)
    return ({name[len(prefix):]: value for name, value in values.items()}, errors)


def render_clients(new_client, summary=(), status=200):
    args = forms.query_values(ClientListArgsSchema)
    listing = clients.list_clients(args["q"], args["without_portal"], args["page"])
    return render_template("staff/clients.html", listing=listing, args=args,
                           pages_total=page_count(listing["total"], PER_PAGE), new_client=new_client,
                           summary=list(summary)), status


@blueprint.get("/clients")
@staff_page
def client_list():
    return render_clients(contact_fields())


@blueprint.post("/clients")
@staff_page
def create_client():
    fields = contact_fields()
    client, problem = forms.save_form(fields, *submitted(fields), clients.create_client,
                                      lambda summary: render_clients(fields, summary, status=400))
    return problem or redirect(url_for(".client", client_id=client["id"], done="created"), 303)


def client_forms(client):
    """Return the contact, related property and custom field forms of one client's page."""
    contact = contact_fields()
    forms.show_stored(contact, client)
    custom = custom_field_inputs(client.get("custom_fields", []))
    forms.show_stored(custom, {f"custom_{item['key']}": item["value"] for item in client.get("custom_fields", [])})
    return {"contact": contact, "property": property_fields(), "custom": custom}


def render_client(client_id, changed_forms=None, summary=(), status=200):
    client = clients.find_client(client_id)
    panel = jobs.client_panel(client_id)
    shown = {**client_forms(client), "job": new_job_inputs(panel["services"])}
    shown.update(changed_forms or {})
    return render_template("staff/client.html", client=client, forms=shown, summary=list(summary),
                           client_jobs=panel["jobs"],
                           notice=forms.notice_of(NOTICES, request.args.get("done", ""))), status


@blueprint.get("/clients/<int:client_id>")
@staff_page
def client(client_id):
    return render_client(client_id)


def save_client_form(client_id, form_name, fields, save, prefix=""):
    """Send one of the client page's forms; on a problem return the page again with its messages."""
    __, problem = forms.save_form(fields, *submitted(fields, prefix), save,
                                  lambda summary: render_client(client_id, {form_name: fields}, summary, status=400),
                                  refused=(InvalidInput, Conflict),
                                  rename=lambda messages: with_prefix(messages, prefix))
    return problem


def back_to_client(client_id, done, anchor=None):
    return redirect(url_for(".client", client_id=client_id, done=done, _anchor=anchor), 303)


@blueprint.post("/clients/<int:client_id>")
@staff_page
def update_client(client_id):
    problem = save_client_form(client_id, "contact", contact_fields(),
                               lambda values: clients.change_client(client_id, values))
    return problem or back_to_client(client_id, "saved")


@blueprint.post("/clients/<int:client_id>/properties")
@staff_page
def add_property(client_id):
    problem = save_client_form(client_id, "property", property_fields(),
                               lambda values: clients.add_property(client_id, values), prefix="property_")
    return problem or back_to_client(client_id, "property_added", "properties-heading")


@blueprint.post("/clients/<int:client_id>/custom-fields")
@staff_page
def save_custom_fields(client_id):
    custom = clients.find_client(client_id).get("custom_fields", [])
    problem = save_client_form(client_id, "custom", custom_field_inputs(custom),
                               lambda values: clients.set_custom_field_values(client_id, values), prefix="custom_")
    return problem or back_to_client(client_id, "fields_saved", "custom-heading")


def portal_action(client_id, action):
    """Run a one-client portal action; show its error, or confirm it after a redirect."""
    send, done = PORTAL_ACTIONS[action]
    result = send([client_id])[0]
    if result["status"] == "error":
        return render_client(client_id, summary=[("#portal-heading", result.get("message") or _("Not sent."))],
                             status=400)
    return back_to_client(client_id, done(result), "portal-heading")


@blueprint.post("/clients/<int:client_id>/invitation")
@staff_page
def invite_client(client_id):
    return portal_action(client_id, "invite")


@blueprint.post("/clients/<int:client_id>/password-reset")
@staff_page
def send_password_reset(client_id):
    return portal_action(client_id, "reset")


@blueprint.post("/clients/<int:client_id>/jobs")
@staff_page
def add_job(client_id):
    """A new job for the client, from the service list or by hand; with a first date it is dispatched at once."""
    inputs = new_job_inputs(service_list.list_services())
    created, problem = forms.save_form(
        inputs, *read_new_job(client_id), jobs.create_job,
        lambda summary: render_client(client_id, {"job": inputs}, summary, status=400),
        rename=lambda messages: {key.removeprefix("schedule."): texts for key, texts in messages.items()})
    return problem or redirect(url_for("staff.jobs.job", job_id=created["id"], done="created"), 303)
