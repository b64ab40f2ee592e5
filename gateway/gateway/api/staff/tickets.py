"""Staff API: the ticket inbox, a ticket, opening one for a client, replies, assignment, status, files and
categories."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.api.portal.tickets import FILE_ANSWER, OPEN_FIELDS
from gateway.features import tickets
from gateway.files import file_response
from gateway.schemas.staff.tickets import (AssignedSchema, AssignRequestSchema, CategoryChangeSchema,
                                           CategoryListSchema, CategoryRequestSchema, CountsSchema, InboxArgsSchema,
                                           InboxSchema, ReplyAddedSchema, ReplyRequestSchema, StaffCategorySchema,
                                           StaffOpenTicketRequestSchema, StaffTicketSchema, StatusRequestSchema,
                                           StatusSchema, TicketOpenedSchema)
from gateway.ticket_files import multipart_body, read_message

blueprint = ApiBlueprint("tickets", __name__, tag="staff tickets", caller=STAFF)


@blueprint.get("/tickets")
@blueprint.operation("The ticket inbox, most recently active first, 25 a page (`next` is the cursor of the "
                     "page after), filtered by status, category, assignee, client account, text and unread", query=InboxArgsSchema, response=InboxSchema,
                     dump=True)
def inbox(filters):
    return tickets.inbox(filters)


@blueprint.get("/tickets/counts")
@blueprint.operation("Open tickets, those with unread client messages, and those assigned to you",
                     response=CountsSchema, dump=True)
def counts():
    return tickets.counts()


@blueprint.post("/clients/<id:client_id>/tickets")
@blueprint.operation("Open a ticket on the client's behalf (any category, hidden ones too): JSON, or a multipart "
                     "form with up to five photos or PDFs as `attachments`; the client sees it in their Tickets tab",
                     status=201, response=TicketOpenedSchema, dump=True,
                     requestBody=multipart_body(StaffOpenTicketRequestSchema))
def open_ticket(client_id):
    data, files = read_message(OPEN_FIELDS, numbers=("category_id",))
    return tickets.open_for_client(client_id, data, files), 201


@blueprint.get("/tickets/<id:ticket_id>")
@blueprint.operation("A ticket with its conversation; reading it marks the client's messages read",
                     response=StaffTicketSchema, dump=True)
def get_ticket(ticket_id):
    return tickets.ticket(ticket_id)


@blueprint.post("/tickets/<id:ticket_id>/messages")
@blueprint.operation("Reply to the client (they are emailed): JSON, or a multipart form with files",
                     status=201, response=ReplyAddedSchema, dump=True, requestBody=multipart_body(ReplyRequestSchema))
def reply(ticket_id):
    data, files = read_message(("body",))
    return tickets.reply(ticket_id, data, files), 201


@blueprint.put("/tickets/<id:ticket_id>/assignee")
@blueprint.operation("Assign the ticket to a staff member, or to nobody", body=AssignRequestSchema,
                     response=AssignedSchema, dump=True)
def assign(change, ticket_id):
    return tickets.assign(ticket_id, change["assignee_id"])


@blueprint.put("/tickets/<id:ticket_id>/status")
@blueprint.operation("Set the status: open, pending, on_hold or closed (reopening is setting it back)",
                     body=StatusRequestSchema, response=StatusSchema, dump=True)
def set_status(change, ticket_id):
    return tickets.set_status(ticket_id, change["status"])


@blueprint.get("/tickets/<id:ticket_id>/attachments/<id:attachment_id>")
@blueprint.operation("Download a file of the ticket", responses=FILE_ANSWER)
def attachment(ticket_id, attachment_id):
    found = tickets.attachment(ticket_id, attachment_id)
    return file_response(found["data"], found["content_type"], found["filename"], download=True)


@blueprint.get("/ticket-categories")
@blueprint.operation("Every ticket category, in order, with whether clients are offered it",
                     response=CategoryListSchema, dump=True)
def categories():
    return {"items": tickets.categories()}


@blueprint.post("/ticket-categories")
@blueprint.operation("Add a category (offer it to clients on the Tickets tab)", body=CategoryRequestSchema,
                     status=201, response=StaffCategorySchema, dump=True)
def create_category(category):
    return tickets.create_category(category), 201


@blueprint.patch("/ticket-categories/<id:category_id>")
@blueprint.operation("Rename, reorder or hide a category; a rename carries over to the categories offered",
                     body=CategoryChangeSchema, response=StaffCategorySchema, dump=True)
def change_category(changes, category_id):
    return tickets.change_category(category_id, changes)

