"""Staff API: the outbox of emails and text messages."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import outbox
from gateway.schemas.staff.outbox import OutboxArgsSchema, OutboxMessageDetailSchema, OutboxPageSchema

blueprint = ApiBlueprint("outbox", __name__, tag="staff outbox", caller=STAFF)


@blueprint.get("/outbox")
@blueprint.operation("Emails and text messages sent or being sent, newest first, 50 a page", query=OutboxArgsSchema,
                     response=OutboxPageSchema)
def list_outbox(args):
    return outbox.list_outbox(args["page"])


@blueprint.get("/outbox/<id:message_id>")
@blueprint.operation("One message with its text and HTML parts; a one-time code or link in it is hidden "
                     "(\"•••• (hidden: one-time code)\"): only the client receives it", response=OutboxMessageDetailSchema)
def get_outbox_message(message_id):
    return outbox.outbox_message(message_id)
