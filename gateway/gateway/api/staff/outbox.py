"""Staff API: the outbox of emails and text messages."""
from gateway.api.blueprints import ApiBlueprint, staff_required
from gateway.features import outbox
from gateway.schemas.staff.outbox import OutboxArgsSchema, OutboxMessageDetailSchema, OutboxPageSchema

blueprint = ApiBlueprint("outbox", __name__, tag="staff outbox")


@blueprint.get("/outbox")
@staff_required
@blueprint.doc(summary="Emails and text messages sent or being sent, newest first, 50 a page")
@blueprint.query(OutboxArgsSchema)
@blueprint.answers(200, OutboxPageSchema)
def list_outbox(args):
    return outbox.list_outbox(args["page"])


@blueprint.get("/outbox/<id:message_id>")
@staff_required
@blueprint.doc(summary="One message with its text and HTML parts")
@blueprint.answers(200, OutboxMessageDetailSchema)
def get_outbox_message(message_id):
    return outbox.outbox_message(message_id)
