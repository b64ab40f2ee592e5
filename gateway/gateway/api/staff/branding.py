"""Staff API: the business's logo and the invitation email (with its welcome document)."""
from flask import g

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import business, invitation_email
from gateway.files import logo_response, uploaded_logo
from gateway.schemas.documents import UPLOAD_FIELDS
from gateway.schemas.staff.branding import (InvitationDocumentStateSchema, InvitationTemplateSchema, LogoStateSchema,
                                            SampleSentSchema)
from shared.errors import NotFound, PermissionDenied

blueprint = ApiBlueprint("branding", __name__, tag="staff branding", caller=STAFF)
IMAGE = {kind: {"schema": {"type": "string", "format": "binary"}}
         for kind in ("image/png", "image/jpeg", "image/gif", "image/webp")}
LOGO_BODY = {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["logo"],
                                       "properties": {"logo": {"type": "string", "format": "binary"}}}},
    **IMAGE}}
WELCOME_DOCUMENT_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "additionalProperties": False,
    "properties": {"file": UPLOAD_FIELDS["file"], "title": UPLOAD_FIELDS["title"]}}}}}


@blueprint.get("/logo")
@blueprint.operation("The business's logo image (404 when there is none)", raises=[NotFound],
                     responses={200: {"description": "The image", "content": IMAGE}})
def get_logo():
    return logo_response(business.logo(), business.logo_bytes, "private, no-cache")


@blueprint.put("/logo")
@blueprint.operation("Upload the logo: multipart field \"logo\" or a raw image body; PNG, JPEG, GIF or WebP, at "
                     "most 512 KB and 2000 x 2000 pixels", requestBody=LOGO_BODY, response=LogoStateSchema)
def put_logo():
    return business.store_logo(uploaded_logo())


@blueprint.delete("/logo")
@blueprint.operation("Remove the logo; the portal shows the business name instead", status=204)
def delete_logo():
    business.remove_logo()
    return "", 204


@blueprint.get("/invitation-template")
@blueprint.operation("The invitation email as stored (sanitised HTML)", response=InvitationTemplateSchema)
def get_invitation_template():
    return invitation_email.invitation_template()


@blueprint.put("/invitation-template")
@blueprint.operation("Replace the invitation email; the HTML is sanitised and the stored version returned",
                     body=InvitationTemplateSchema, response=InvitationTemplateSchema)
def put_invitation_template(template):
    return invitation_email.change_invitation_template(template)


@blueprint.post("/invitation-template/sample")
@blueprint.operation("Send the stored invitation email to yourself; its link does not work", status=202,
                     response=SampleSentSchema)
def send_sample_invitation():
    invitation_email.send_sample(g.staff["email"])
    return {"sent_to": g.staff["email"]}, 202


@blueprint.get("/invitation-template/document")
@blueprint.operation("The welcome document attached to the invitation email (each new client finds a copy in "
                     "Documents at their first sign-in), and whether the Documents setting is on",
                     response=InvitationDocumentStateSchema)
def get_invitation_document():
    return invitation_email.invitation_document()


@blueprint.put("/invitation-template/document")
@blueprint.operation("Attach or replace the invitation email's welcome document; the file is checked as a shared "
                     "document is (403 while the Documents setting is off)", raises=[PermissionDenied],
                     requestBody=WELCOME_DOCUMENT_BODY, response=InvitationDocumentStateSchema)
def put_invitation_document():
    document, data = invitation_email.uploaded_invitation_document()
    return invitation_email.attach_invitation_document(document, data)


@blueprint.delete("/invitation-template/document")
@blueprint.operation("Remove the welcome document; copies already shared stay in those clients' Documents",
                     response=InvitationDocumentStateSchema)
def delete_invitation_document():
    return invitation_email.remove_invitation_document()
