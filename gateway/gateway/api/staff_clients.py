"""Staff API: clients and their properties, custom fields, portal users, the logo, the invitation email, the outbox."""
import base64

from flask import Blueprint, Response, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.auth import staff_required
from gateway.openapi import documented
from gateway.requests import json_object, load_json, load_query, path_id
from gateway.schemas import (CUSTOM_FIELD_VALUES_BODY, ClientChangesSchema, ClientIdsSchema,
                             ClientListArgsSchema, ClientPageSchema, ClientResultsSchema, ClientSchema,
                             CustomFieldListSchema, CustomFieldSchema, InvitationTemplateSchema,
                             LogoStateSchema, NewClientSchema, NewCustomFieldSchema, OutboxArgsSchema,
                             OutboxMessageDetailSchema, OutboxPageSchema, PortalLinkSchema,
                             PortalUserListArgsSchema, PortalUserListSchema, SampleSentSchema,
                             json_scalar_or_null)
from gateway.services import rpc
from shared.errors import InvalidInput, invalid

blueprint = Blueprint("staff_clients", __name__, url_prefix="/api/v1/staff")

PER_PAGE = 50
# accounts takes at most 512 KiB of image; the cap leaves room for multipart framing and
# refuses anything larger before it is read.
LOGO_REQUEST_LIMIT = 1024 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
LOGO_TOO_LARGE = "The logo must be at most 512 KB."
LOGO_HOW = ("Send the image as the multipart/form-data field \"logo\", or as the request body "
            "with Content-Type image/png, image/jpeg, image/gif or image/webp.")


# --- reading requests -----------------------------------------------------------------------

def custom_field_values():
    """Return the body's ``{key: value}`` custom field values, each text, a number or null."""
    body = json_object()
    errors = {}
    for key, value in body.items():
        try:
            if len(key) > 64:
                raise ValidationError("There is no such field.")
            json_scalar_or_null(value)
        except ValidationError as error:
            errors[key[:64]] = error.messages
    if errors:
        raise InvalidInput("Some fields are not valid.", errors)
    return body


def uploaded_logo():
    """Return ``(bytes, content type)`` of the logo sent with this request; raise InvalidInput on ``logo``."""
    if (request.content_length or 0) > LOGO_REQUEST_LIMIT:
        raise invalid("logo", LOGO_TOO_LARGE)
    request.max_content_length = LOGO_REQUEST_LIMIT  # bounds a body sent without a length too
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("logo")
            if upload is None or not upload.filename:
                raise invalid("logo", "Choose an image file to upload.")
            # The declared type is only a hint: accounts looks at the bytes themselves.
            data, content_type = upload.read(), upload.mimetype
        elif request.mimetype in LOGO_TYPES:
            data, content_type = request.get_data(cache=False), request.mimetype
        else:
            raise invalid("logo", LOGO_HOW)
    except RequestEntityTooLarge:
        raise invalid("logo", LOGO_TOO_LARGE) from None
    if not data:
        raise invalid("logo", "The file is empty.")
    return data, content_type


def store_logo(data, content_type):
    """Hand the image to accounts, which checks it really is a small PNG, JPEG, GIF or WebP."""
    return rpc().call("accounts", "set_logo", base64.b64encode(data).decode("ascii"), content_type)


# --- clients --------------------------------------------------------------------------------

@blueprint.get("/clients")
@staff_required
@documented("List clients and related properties, 50 a page; query: q (name, email or phone), "
            "without_portal=1, page", response=ClientPageSchema)
def list_clients():
    args = load_query(ClientListArgsSchema)
    return jsonify(rpc().call("accounts", "list_clients", query=args["q"] or None,
                              without_portal=args["without_portal"], page=args["page"], per_page=PER_PAGE))


@blueprint.post("/clients")
@staff_required
@documented("Add a client; with parent_id, a related property of that account", body=NewClientSchema,
            response=ClientSchema, status=201)
def create_client():
    client = rpc().call("accounts", "create_client", load_json(NewClientSchema))
    return jsonify(client), 201


@blueprint.get("/clients/<client_id>")
@staff_required
@documented("One client with its related properties, portal user and custom field values",
            response=ClientSchema)
def get_client(client_id):
    return jsonify(rpc().call("accounts", "get_client", path_id(client_id, "client")))


@blueprint.patch("/clients/<client_id>")
@staff_required
@documented("Change a client's contact details; invalid values change nothing", body=ClientChangesSchema,
            response=ClientSchema)
def update_client(client_id):
    changes = load_json(ClientChangesSchema, partial=True)
    return jsonify(rpc().call("accounts", "update_client", path_id(client_id, "client"), changes))


@blueprint.put("/clients/<client_id>/custom-fields")
@staff_required
@documented("Set some of a client's custom field values, checked against each field's type; "
            "one bad value changes nothing", body=CUSTOM_FIELD_VALUES_BODY, response=ClientSchema)
def set_custom_field_values(client_id):
    values = custom_field_values()
    return jsonify(rpc().call("accounts", "set_custom_field_values", path_id(client_id, "client"), values))


# --- custom fields --------------------------------------------------------------------------

@blueprint.get("/custom-fields")
@staff_required
@documented("The custom fields kept for every client", response=CustomFieldListSchema)
def list_custom_fields():
    return jsonify({"items": rpc().call("accounts", "list_custom_fields")})


@blueprint.post("/custom-fields")
@staff_required
@documented("Define a custom field: text, number, date or choice", body=NewCustomFieldSchema,
            response=CustomFieldSchema, status=201)
def create_custom_field():
    return jsonify(rpc().call("accounts", "create_custom_field", load_json(NewCustomFieldSchema))), 201


@blueprint.delete("/custom-fields/<field_id>")
@staff_required
@documented("Delete a custom field and every client's value of it", status=204)
def delete_custom_field(field_id):
    rpc().call("accounts", "delete_custom_field", path_id(field_id, "custom field"))
    return "", 204


# --- portal users ---------------------------------------------------------------------------

@blueprint.get("/portal-users")
@staff_required
@documented("Every main account with its email and portal account; query: q, without_portal=1",
            response=PortalUserListSchema)
def list_portal_users():
    args = load_query(PortalUserListArgsSchema)
    return jsonify({"items": rpc().call("accounts", "list_portal_users", without_portal=args["without_portal"],
                                        query=args["q"] or None)})


@blueprint.post("/portal-users/invitations")
@staff_required
@documented("Invite clients to the portal, or resend their invitation (the earlier link stops working); "
            "one result per client", body=ClientIdsSchema, response=ClientResultsSchema)
def invite_clients():
    client_ids = load_json(ClientIdsSchema)["client_ids"]
    return jsonify({"results": rpc().call("accounts", "invite_clients", client_ids)})


@blueprint.post("/portal-users/password-resets")
@staff_required
@documented("Email clients a password reset link; one result per client", body=ClientIdsSchema,
            response=ClientResultsSchema)
def send_password_resets():
    client_ids = load_json(ClientIdsSchema)["client_ids"]
    return jsonify({"results": rpc().call("accounts", "send_password_resets", client_ids)})


@blueprint.post("/portal-users/links")
@staff_required
@documented("Give a portal user access to one more account, with view, pay or manage rights "
            "(again for the same account: change the rights)", body=PortalLinkSchema, response=PortalLinkSchema,
            status=201)
def link_portal_user():
    link = load_json(PortalLinkSchema)
    return jsonify(rpc().call("accounts", "link_portal_user", link["portal_user_id"], link["account_id"],
                              link["rights"])), 201


# --- the business's logo --------------------------------------------------------------------

@blueprint.get("/logo")
@staff_required
@documented("The business's logo image (404 when there is none)")
def get_logo():
    logo = rpc().call("accounts", "get_logo")
    response = Response(base64.b64decode(logo["content_base64"]), mimetype=logo["content_type"])
    # An image only: never run or frame it, whatever it claims to be.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.put("/logo")
@staff_required
@documented("Upload the logo: multipart field \"logo\" or a raw image body; PNG, JPEG, GIF or WebP, "
            "at most 512 KB and 2000 x 2000 pixels", response=LogoStateSchema)
def put_logo():
    return jsonify(store_logo(*uploaded_logo()))


@blueprint.delete("/logo")
@staff_required
@documented("Remove the logo; the portal shows the business name instead", status=204)
def delete_logo():
    rpc().call("accounts", "remove_logo")
    return "", 204


# --- the invitation email -------------------------------------------------------------------

@blueprint.get("/invitation-template")
@staff_required
@documented("The invitation email as stored (sanitised HTML)", response=InvitationTemplateSchema)
def get_invitation_template():
    return jsonify(rpc().call("notifications", "get_invitation_template"))


@blueprint.put("/invitation-template")
@staff_required
@documented("Replace the invitation email; the HTML is sanitised and the stored version returned",
            body=InvitationTemplateSchema, response=InvitationTemplateSchema)
def put_invitation_template():
    template = load_json(InvitationTemplateSchema)
    return jsonify(rpc().call("notifications", "update_invitation_template", template))


@blueprint.post("/invitation-template/sample")
@staff_required
@documented("Send the stored invitation email to yourself; its link does not work",
            response=SampleSentSchema, status=202)
def send_sample_invitation():
    rpc().call("notifications", "send_sample_invitation", g.staff["email"])
    return jsonify({"sent_to": g.staff["email"]}), 202


# --- the outbox -----------------------------------------------------------------------------

@blueprint.get("/outbox")
@staff_required
@documented("Emails and text messages sent or being sent, newest first, 50 a page; query: page",
            response=OutboxPageSchema)
def list_outbox():
    page = load_query(OutboxArgsSchema)["page"]
    listing = rpc().call("notifications", "list_outbox", page=page, per_page=PER_PAGE)
    return jsonify({"page": page, "per_page": PER_PAGE, **listing})


@blueprint.get("/outbox/<message_id>")
@staff_required
@documented("One message with its text and HTML parts", response=OutboxMessageDetailSchema)
def get_outbox_message(message_id):
    return jsonify(rpc().call("notifications", "get_outbox_message", path_id(message_id, "message")))
