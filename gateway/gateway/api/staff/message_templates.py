"""Staff API: the client emails staff edit (invitation, receipt, invoice, visit reminder), each with a preview and a
sample to oneself."""
from flask import g

from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import client_messages
from gateway.schemas.staff.messages import (MessagePreviewSchema, MessageSampleSentSchema,
                                            MessageTemplateChangeSchema, MessageTemplateListSchema,
                                            MessageTemplateSchema)
from shared.errors import NotFound

blueprint = ApiBlueprint("message_templates", __name__, tag="staff message templates", caller=STAFF)


@blueprint.get("/message-templates")
@blueprint.operation("Every kind of client email staff can edit, and whether each is customised",
                     response=MessageTemplateListSchema)
def list_message_templates():
    return {"items": client_messages.message_templates()}


@blueprint.get("/message-templates/<kind>")
@blueprint.operation("One kind's template as stored (or its default) and the placeholders it may use",
                     response=MessageTemplateSchema, raises=[NotFound])
def get_message_template(kind):
    return client_messages.message_template(kind)


@blueprint.put("/message-templates/<kind>")
@blueprint.operation("Replace one kind's template; the HTML is sanitised, an unknown placeholder is a field error",
                     body=MessageTemplateChangeSchema, response=MessageTemplateSchema, raises=[NotFound])
def put_message_template(template, kind):
    return client_messages.change_message_template(kind, template)


@blueprint.delete("/message-templates/<kind>")
@blueprint.operation("Go back to the kind's default template", response=MessageTemplateSchema, raises=[NotFound])
def delete_message_template(kind):
    return client_messages.reset_message_template(kind)


@blueprint.get("/message-templates/<kind>/preview")
@blueprint.operation("The saved template filled with made-up content, as a whole email",
                     response=MessagePreviewSchema, raises=[NotFound])
def preview_message_template(kind):
    return client_messages.preview_message_template(kind)


@blueprint.post("/message-templates/<kind>/sample")
@blueprint.operation("Email the saved template, with made-up content, to yourself", status=202,
                     response=MessageSampleSentSchema, raises=[NotFound])
def send_sample_message(kind):
    client_messages.send_sample(kind, g.staff["email"])
    return {"sent_to": g.staff["email"]}, 202
