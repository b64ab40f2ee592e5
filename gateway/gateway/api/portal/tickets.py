"""Client portal API, Tickets tab: what it offers, the client's tickets, opening one, replying, files."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import tickets
from gateway.schemas.common import page_of
from gateway.files import file_response
from gateway.schemas.portal.tickets import (OpenTicketRequestSchema, ReplyAddedSchema, ReplyRequestSchema,
                                            TicketListArgsSchema, TicketListSchema, TicketOpenedSchema,
                                            TicketOptionsSchema, TicketSchema)
from gateway.ticket_files import multipart_body, read_message
from shared.errors import PermissionDenied

blueprint = ApiBlueprint("tickets", __name__, tag="portal tickets", caller=CLIENT)
FILE_ANSWER = {200: {"description": "The file, as a download",
                     "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                                 for kind in ("image/png", "image/jpeg", "image/gif", "image/webp",
                                              "application/pdf")}}}
OPEN_FIELDS = ("category_id", "subject", "body")


@blueprint.get("/tickets/options")
@blueprint.operation("Whether the client may open a ticket, which lists they may see, the categories offered",
                     response=TicketOptionsSchema, dump=True)
def options():
    return tickets.my_options()


@blueprint.get("/tickets")
@blueprint.operation("A page of the account's open (open, pending, on hold) or closed tickets, each when the "
                     "business shows them; `next` is the cursor of the page after", query=TicketListArgsSchema, response=TicketListSchema, dump=True,
                     raises=[PermissionDenied])
def list_tickets(args):
    return tickets.my_tickets(args["status"], page_of(args))


@blueprint.post("/tickets")
@blueprint.operation("Open a ticket: JSON, or a multipart form with up to five photos or PDFs as `attachments`",
                     status=201, response=TicketOpenedSchema, dump=True, raises=[PermissionDenied],
                     requestBody=multipart_body(OpenTicketRequestSchema))
def open_ticket():
    data, files = read_message(OPEN_FIELDS, numbers=("category_id",))
    return tickets.open_my_ticket(data, files), 201


@blueprint.get("/tickets/<id:ticket_id>")
@blueprint.operation("One of the account's tickets with its conversation; reading it marks replies read",
                     response=TicketSchema, dump=True, raises=[PermissionDenied])
def get_ticket(ticket_id):
    return tickets.my_ticket(ticket_id)


@blueprint.post("/tickets/<id:ticket_id>/messages")
@blueprint.operation("Reply on a ticket (a closed one opens again): JSON, or a multipart form with files",
                     status=201, response=ReplyAddedSchema, dump=True, raises=[PermissionDenied],
                     requestBody=multipart_body(ReplyRequestSchema))
def reply(ticket_id):
    data, files = read_message(("body",))
    return tickets.reply_to_my_ticket(ticket_id, data, files), 201


@blueprint.get("/tickets/<id:ticket_id>/attachments/<id:attachment_id>")
@blueprint.operation("Download a file of the ticket", responses=FILE_ANSWER, raises=[PermissionDenied])
def attachment(ticket_id, attachment_id):
    found = tickets.my_attachment(ticket_id, attachment_id)
    return file_response(found["data"], found["content_type"], found["filename"], download=True)
