"""Staff API schemas: the ticket inbox, a ticket, replies, assignment, status, categories."""
from marshmallow import RAISE, Schema, fields, validate

from gateway.schemas.common import NEXT, cursor_field, limit_field
from gateway.schemas.portal.tickets import (AttachmentSchema, OpenTicketRequestSchema, ReferenceSchema,
                                            ReplyAddedSchema, ReplyRequestSchema, TicketOpenedSchema)
from shared.fields import TRIMMED, StrictBoolean, id_field, integer_field

STATUSES = ["open", "pending", "on_hold", "closed"]

__all__ = ["ReplyRequestSchema", "ReplyAddedSchema", "TicketOpenedSchema"]


class Strict(Schema):
    class Meta:
        unknown = RAISE


class InboxArgsSchema(Strict):
    status = fields.String(validate=validate.OneOf([*STATUSES, "active"]),
                           metadata={"description": "One status, or `active` for every status but closed."})
    category_id = id_field(strict=False)
    assignee_id = id_field(strict=False)
    unassigned = fields.Boolean(metadata={"description": "Only tickets assigned to nobody."})
    account_id = id_field(strict=False)
    text = fields.String(validate=[validate.Length(min=1, max=100), TRIMMED],
                         metadata={"description": "Found in the subject or any message."})
    unread = fields.Boolean(metadata={"description": "Only tickets with a client message no staff member read."})
    cursor = cursor_field()
    limit = limit_field(25, 100)


class StaffTicketSummarySchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    subject = fields.String()
    category = fields.String()
    category_id = fields.Integer()
    status = fields.String(metadata={"description": "`open`, `pending`, `on_hold` or `closed`."})
    unread = fields.Boolean()
    account_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    assignee_name = fields.String(allow_none=True)
    opened_by = fields.String()
    reference = fields.Nested(ReferenceSchema, allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    closed_at = fields.String(allow_none=True)


class InboxSchema(Schema):
    items = fields.List(fields.Nested(StaffTicketSummarySchema))
    limit = fields.Integer()
    total = fields.Integer(metadata={"description": "Tickets matching the filters, over all pages."})
    next = fields.String(allow_none=True, metadata=NEXT)


class StaffMessageSchema(Schema):
    id = fields.Integer()
    author_kind = fields.String()
    author_id = fields.Integer(allow_none=True)
    author_name = fields.String(allow_none=True)
    body = fields.String()
    via = fields.String()
    created_at = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))


class StaffTicketSchema(StaffTicketSummarySchema):
    messages = fields.List(fields.Nested(StaffMessageSchema), metadata={"description": "The newest that fit."})
    earlier_messages = fields.Integer(metadata={"description": "How many earlier messages are not sent."})
    opened_by_id = fields.Integer(allow_none=True, metadata={"description": "The staff member who opened it for "
                                                                           "the client, else null."})
    opened_by_name = fields.String(allow_none=True)
    service_request_id = fields.Integer(allow_none=True, metadata={
        "description": "The client's service request the ticket carries (see /service-requests), else null."})


class StaffOpenTicketRequestSchema(OpenTicketRequestSchema):
    category_id = id_field(required=True, metadata={"description": "Any of the business's categories, hidden ones "
                                                                   "included."})


class CountsSchema(Schema):
    open = fields.Integer()
    unread = fields.Integer()
    mine = fields.Integer()


class AssignRequestSchema(Strict):
    assignee_id = id_field(required=True, allow_none=True, metadata={"description": "A staff member, or null."})


class AssignedSchema(Schema):
    id = fields.Integer()
    assignee_id = fields.Integer(allow_none=True)


class StatusRequestSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class StatusSchema(Schema):
    id = fields.Integer()
    status = fields.String()


class CategoryRequestSchema(Strict):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), TRIMMED])
    position = integer_field(0, 1000)
    hidden = StrictBoolean()


class CategoryChangeSchema(Strict):
    name = fields.String(validate=[validate.Length(min=1, max=100), TRIMMED])
    position = integer_field(0, 1000)
    hidden = StrictBoolean()


class StaffCategorySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    position = fields.Integer()
    hidden = fields.Boolean()
    offered_to_clients = fields.Boolean(metadata={"description": "Listed on the Tickets tab and not hidden."})


class CategoryListSchema(Schema):
    items = fields.List(fields.Nested(StaffCategorySchema))
