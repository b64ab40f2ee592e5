"""Staff pages: clients and their properties, custom fields, portal users, the logo, the invitation email, the outbox."""
import math
from datetime import datetime

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from gateway.api.staff_billing import merge_autopay_statuses
from gateway.api.staff_clients import PER_PAGE, store_logo, uploaded_logo
from gateway.requests import load_query
from gateway.schemas import ClientListArgsSchema, OutboxArgsSchema, PortalUserListArgsSchema
from gateway.services import rpc
from gateway.web import pages, settings_form
from gateway.web.pages import staff_page
from gateway.web.settings_form import Field
from shared.errors import Conflict, InvalidInput, NotFound

blueprint = Blueprint("staff_pages", __name__, url_prefix="/staff")
blueprint.after_request(pages.protect_page)

# An email shown in a frame gets a policy of its own: its inline styles may apply, nothing may
# run, and only our own pages may frame it.
EMAIL_FRAME_POLICY = "; ".join([
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src https: data:",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "sandbox",
])
CUSTOM_FIELD_KINDS = {"text": "text", "number": "number", "date": "date", "choice": "select"}
NUMBER_HINT = "A number, such as 12 or 3.5."
TYPE_NAMES = {"text": "Text", "number": "Number", "date": "Date", "choice": "Choice"}
RESULT_NAMES = {"invited": "Invitation sent", "resent": "Invitation sent again",
                "sent": "Reset link sent", "error": "Not sent"}
NOTICES = {
    "created": "Client added.",
    "saved": "Contact details saved.",
    "property_added": "Related property added.",
    "fields_saved": "Custom fields saved.",
    "invited": "Invitation sent. The link in it works for 7 days.",
    "resent": "Invitation sent again. The link in the earlier one no longer works.",
    "reset_sent": "Password reset link sent.",
    "field_added": "Custom field added.",
    "field_deleted": "Custom field deleted.",
    "template_saved": "Invitation email saved.",
    "sample_sent": "Sample sent. Check your inbox in a minute or two.",
}


def notice():
    """The confirmation named by ``?done=`` after a redirect, if any."""
    return NOTICES.get(request.args.get("done", ""))


@blueprint.app_template_filter("when")
def format_moment(value):
    """Show an ISO timestamp as ``2026-11-23 15:42 UTC``; anything else as it is."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.utcoffset() is not None else "")


def page_count(total, per_page):
    return max(1, math.ceil((total or 0) / per_page))


def invalid_fields(error):
    """The field messages of an InvalidInput (or Conflict), or its message on the whole form."""
    return error.fields or {"_schema": [error.message]}


def with_prefix(messages, prefix):
    return {(key if key == "_schema" else prefix + key): texts for key, texts in messages.items()}


# --- forms ----------------------------------------------------------------------------------

def contact_fields():
    """Inputs of a client's contact details."""
    return [
        Field("name", "text", "Name", required=True),
        Field("email", "email", "Email address", "Invitations, receipts and sign-in codes go here.",
              nullable=True),
        Field("phone", "tel", "Phone", "Such as +1 555 010 0199.", nullable=True),
        Field("mobile_phone", "tel", "Mobile phone", "Sign-in codes go here by text message.", nullable=True),
        Field("address", "text", "Address", nullable=True),
    ]


def property_fields():
    """Inputs of a new related property; the prefix keeps them apart from the contact form's."""
    return [
        Field("property_name", "text", "Property name", "Such as the street address or “Lake house”.",
              required=True),
        Field("property_address", "text", "Property address", nullable=True),
        Field("property_email", "email", "Property email address",
              "Only when someone else looks after this property; leave empty otherwise.", nullable=True),
        Field("property_phone", "tel", "Property phone", nullable=True),
    ]


def custom_field_inputs(custom_fields):
    """One input per custom field, drawn by its type."""
    return [Field(f"custom_{custom['key']}", CUSTOM_FIELD_KINDS.get(custom["type"], "text"), custom["label"],
                  NUMBER_HINT if custom["type"] == "number" else "", nullable=True,
                  options=[("", "Not set")] + [(choice, choice) for choice in custom.get("choices") or []])
            for custom in custom_fields]


def submitted(fields, prefix=""):
    """Parse a form into ``(values for the service, errors)``, the names without ``prefix``."""
    values, errors = settings_form.parse(fields, request.form)
    return ({name[len(prefix):]: value for name, value in values.items()}, errors)


# --- clients --------------------------------------------------------------------------------

def render_clients(new_client, summary=(), status=200):
    args = load_query(ClientListArgsSchema)
    listing = rpc().call("accounts", "list_clients", query=args["q"] or None,
                         without_portal=args["without_portal"], page=args["page"], per_page=PER_PAGE)
    pages_total = page_count(listing["total"], PER_PAGE)
    page = render_template("staff/clients.html", listing=listing, args=args, pages_total=pages_total,
                           new_client=new_client, summary=list(summary))
    return page, status


@blueprint.get("/clients")
@staff_page
def clients():
    return render_clients(contact_fields())


@blueprint.post("/clients")
@staff_page
def create_client():
    fields = contact_fields()
    values, errors = submitted(fields)
    if not errors:
        try:
            client = rpc().call("accounts", "create_client", values)
        except InvalidInput as error:
            errors = invalid_fields(error)
        else:
            return redirect(url_for(".client", client_id=client["id"], done="created"), 303)
    settings_form.show_submitted(fields, request.form)
    return render_clients(fields, settings_form.attach_errors(fields, errors), status=400)


def client_forms(client):
    """The contact, related property and custom field forms of one client's page."""
    contact = contact_fields()
    settings_form.show_stored(contact, client)
    custom = custom_field_inputs(client.get("custom_fields", []))
    settings_form.show_stored(custom, {f"custom_{item['key']}": item["value"]
                                       for item in client.get("custom_fields", [])})
    return {"contact": contact, "property": property_fields(), "custom": custom}


def render_client(client_id, forms=None, summary=(), status=200):
    client = rpc().call("accounts", "get_client", client_id)
    stored_forms = client_forms(client)
    stored_forms.update(forms or {})
    page = render_template("staff/client.html", client=client, forms=stored_forms, summary=list(summary),
                           notice=notice())
    return page, status


@blueprint.get("/clients/<int:client_id>")
@staff_page
def client(client_id):
    return render_client(client_id)


def save_client_form(client_id, form_name, fields, call, prefix=""):
    """Send one of the client page's forms; on a problem show the page again with its messages."""
    values, errors = submitted(fields, prefix)
    if not errors:
        try:
            return call(values), None
        except (InvalidInput, Conflict) as error:
            errors = with_prefix(invalid_fields(error), prefix)
    settings_form.show_submitted(fields, request.form)
    summary = settings_form.attach_errors(fields, errors)
    return None, render_client(client_id, {form_name: fields}, summary, status=400)


@blueprint.post("/clients/<int:client_id>")
@staff_page
def update_client(client_id):
    _, problem = save_client_form(client_id, "contact", contact_fields(),
                                  lambda values: rpc().call("accounts", "update_client", client_id, values))
    return problem or redirect(url_for(".client", client_id=client_id, done="saved"), 303)


@blueprint.post("/clients/<int:client_id>/properties")
@staff_page
def add_property(client_id):
    _, problem = save_client_form(
        client_id, "property", property_fields(),
        lambda values: rpc().call("accounts", "create_client", {**values, "parent_id": client_id}),
        prefix="property_")
    return problem or redirect(
        url_for(".client", client_id=client_id, done="property_added") + "#properties-heading", 303)


@blueprint.post("/clients/<int:client_id>/custom-fields")
@staff_page
def save_custom_fields(client_id):
    custom = rpc().call("accounts", "get_client", client_id).get("custom_fields", [])
    _, problem = save_client_form(
        client_id, "custom", custom_field_inputs(custom),
        lambda values: rpc().call("accounts", "set_custom_field_values", client_id, values),
        prefix="custom_")
    return problem or redirect(
        url_for(".client", client_id=client_id, done="fields_saved") + "#custom-heading", 303)


def portal_action(client_id, method, done):
    """Run a one-client portal action; show its error, or confirm it after a redirect."""
    result = rpc().call("accounts", method, [client_id])[0]
    if result["status"] == "error":
        return render_client(client_id, summary=[("#portal-heading", result.get("message") or "Not sent.")],
                             status=400)
    return redirect(url_for(".client", client_id=client_id, done=done(result)) + "#portal-heading", 303)


@blueprint.post("/clients/<int:client_id>/invitation")
@staff_page
def invite_client(client_id):
    return portal_action(client_id, "invite_clients",
                         lambda result: "resent" if result["status"] == "resent" else "invited")


@blueprint.post("/clients/<int:client_id>/password-reset")
@staff_page
def send_password_reset(client_id):
    return portal_action(client_id, "send_password_resets", lambda result: "reset_sent")


# --- custom fields --------------------------------------------------------------------------

def new_custom_field_inputs():
    return [
        Field("label", "text", "Label", "What staff and clients see, such as Gate code.", required=True),
        Field("key", "text", "Key", "Used by the API and imports: lowercase letters, digits and "
                                    "underscores, starting with a letter, such as gate_code.", required=True),
        Field("type", "select", "Type", options=list(TYPE_NAMES.items())),
        Field("choices", "choices_text", "Choices", "For a choice field only: one choice per line.",
              nullable=True),
    ]


def render_custom_fields(inputs, summary=(), status=200):
    custom_fields = rpc().call("accounts", "list_custom_fields")
    page = render_template("staff/custom_fields.html", custom_fields=custom_fields, inputs=inputs,
                           type_names=TYPE_NAMES, summary=list(summary), notice=notice())
    return page, status


@blueprint.get("/custom-fields")
@staff_page
def custom_fields():
    return render_custom_fields(new_custom_field_inputs())


@blueprint.post("/custom-fields")
@staff_page
def create_custom_field():
    inputs = new_custom_field_inputs()
    values, errors = submitted(inputs)
    choices = [line.strip() for line in (values.pop("choices") or "").splitlines() if line.strip()]
    if values.get("type") == "choice":
        values["choices"] = choices
    if not errors:
        try:
            rpc().call("accounts", "create_custom_field", values)
        except (InvalidInput, Conflict) as error:
            errors = invalid_fields(error)
        else:
            return redirect(url_for(".custom_fields", done="field_added"), 303)
    settings_form.show_submitted(inputs, request.form)
    return render_custom_fields(inputs, settings_form.attach_errors(inputs, errors), status=400)


def custom_field_named(field_id):
    """The tenant's custom field ``field_id``; another id is simply not found."""
    for custom in rpc().call("accounts", "list_custom_fields"):
        if custom["id"] == field_id:
            return custom
    raise NotFound("No such custom field.")


@blueprint.get("/custom-fields/<int:field_id>/delete")
@staff_page
def confirm_delete_custom_field(field_id):
    return render_template("staff/delete_custom_field.html", custom=custom_field_named(field_id))


@blueprint.post("/custom-fields/<int:field_id>/delete")
@staff_page
def delete_custom_field(field_id):
    rpc().call("accounts", "delete_custom_field", field_id)
    return redirect(url_for(".custom_fields", done="field_deleted"), 303)


# --- portal users ---------------------------------------------------------------------------

BULK_ACTIONS = {"invite": "invite_clients", "reset": "send_password_resets"}


def render_portal_users(results=None, summary=(), chosen=(), status=200):
    args = load_query(PortalUserListArgsSchema)
    rows = merge_autopay_statuses(rpc().call("accounts", "list_portal_users", without_portal=args["without_portal"],
                                             query=args["q"] or None))
    names = {row["client_id"]: row["client_name"] for row in rows}
    page = render_template("staff/portal_users.html", rows=rows, args=args, results=results,
                           result_names=RESULT_NAMES, names=names, chosen=set(chosen),
                           summary=list(summary))
    return page, status


@blueprint.get("/portal-users")
@staff_page
def portal_users():
    return render_portal_users()


@blueprint.post("/portal-users")
@staff_page
def bulk_portal_action():
    method = BULK_ACTIONS.get(request.form.get("action", ""))
    chosen = [int(value) for value in request.form.getlist("client_ids") if value.isdigit()]
    if method is None:
        return render_portal_users(summary=[(None, "Choose what to send.")], chosen=chosen, status=400)
    if not chosen:
        return render_portal_users(summary=[("#bulk-first", "Tick at least one client.")], status=400)
    results = rpc().call("accounts", method, chosen)
    return render_portal_users(results=results)


# --- the General tab's logo -----------------------------------------------------------------

@blueprint.post("/settings/logo")
@staff_page
def upload_logo():
    try:
        store_logo(*uploaded_logo())
    except InvalidInput as error:
        messages = error.fields.get("logo") or [error.message]
        profile, fields, values = pages.load_form("general")
        settings_form.show_stored(profile + fields, values)
        return pages.render_settings("general", profile, fields, status=400,
                                     summary=[("#field-logo", f"Logo: {text}") for text in messages],
                                     has_logo=values.get("has_logo"), logo_errors=messages)
    return redirect(url_for("pages.settings", tab="general", logo="uploaded") + "#logo-heading", 303)


@blueprint.post("/settings/logo/remove")
@staff_page
def remove_logo():
    rpc().call("accounts", "remove_logo")
    return redirect(url_for("pages.settings", tab="general", logo="removed") + "#logo-heading", 303)


# --- the invitation email -------------------------------------------------------------------

def template_inputs():
    return [
        Field("subject", "text", "Subject", required=True),
        Field("html", "html", "Message (HTML)",
              "The text between the greeting and the button that carries the client's invitation link; "
              "both are added for you. When you save, the HTML is sanitised: only basic formatting "
              "(paragraphs, bold, italics, lists, headings, quotes) and http, https or mailto links "
              "are kept. Scripts, styles, images and anything else are removed."),
    ]


def render_invitation(inputs, summary=(), status=200):
    template = rpc().call("notifications", "get_invitation_template")
    if not summary:
        settings_form.show_stored(inputs, template)
    page = render_template("staff/invitation.html", template=template, inputs=inputs,
                           summary=list(summary), notice=notice())
    return page, status


@blueprint.get("/settings/invitation")
@staff_page
def invitation():
    return render_invitation(template_inputs())


@blueprint.post("/settings/invitation")
@staff_page
def save_invitation():
    inputs = template_inputs()
    values, errors = submitted(inputs)
    values["html"] = request.form.get("html", "")  # as typed: leading spaces matter in HTML
    if not errors:
        try:
            rpc().call("notifications", "update_invitation_template", values)
        except InvalidInput as error:
            errors = invalid_fields(error)
        else:
            return redirect(url_for(".invitation", done="template_saved"), 303)
    settings_form.show_submitted(inputs, request.form)
    return render_invitation(inputs, settings_form.attach_errors(inputs, errors), status=400)


@blueprint.post("/settings/invitation/sample")
@staff_page
def send_sample():
    rpc().call("notifications", "send_sample_invitation", g.staff["email"])
    return redirect(url_for(".invitation", done="sample_sent") + "#sample-heading", 303)


def email_document(html):
    """Serve stored, sanitised email HTML for a sandboxed frame, under a policy that runs nothing."""
    page = render_template("staff/email_frame.html", html=html)
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@blueprint.get("/settings/invitation/preview")
@staff_page
def invitation_preview():
    return email_document(rpc().call("notifications", "get_invitation_template")["html"])


# --- the outbox -----------------------------------------------------------------------------

@blueprint.get("/outbox")
@staff_page
def outbox():
    page_number = load_query(OutboxArgsSchema)["page"]
    listing = rpc().call("notifications", "list_outbox", page=page_number, per_page=PER_PAGE)
    return render_template("staff/outbox.html", listing=listing, page_number=page_number,
                           pages_total=page_count(listing["total"], PER_PAGE))


@blueprint.get("/outbox/<int:message_id>")
@staff_page
def outbox_message(message_id):
    message = rpc().call("notifications", "get_outbox_message", message_id)
    return render_template("staff/outbox_message.html", message=message)


@blueprint.get("/outbox/<int:message_id>/html")
@staff_page
def outbox_message_html(message_id):
    return email_document(rpc().call("notifications", "get_outbox_message", message_id).get("html") or "")
