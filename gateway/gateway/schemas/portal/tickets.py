"""Client portal API schemas: the Tickets tab."""
from marshmallow import RAISE, Schema, fields, validate

from gateway.schemas.common import NEXT, cursor_field, limit_field
from shared.fields import TRIMMED, id_field

# Shapes only: tickets applies the business's rules (categories offered, the 500-character limit as a
# reader counts characters, the settings) and names the field at fault.
BODY_HELP = "The message. Opening a ticket: under 500 characters (an emoji or an accented letter counts as one)."


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ReferenceSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(["visit", "invoice"]))
    id = id_field(required=True)
    label = fields.String(required=True, validate=[validate.Length(min=1, max=200), TRIMMED])


class OpenTicketRequestSchema(Strict):
    category_id = id_field(required=True, metadata={"description": "One of the categories the options offer."})
    subject = fields.String(validate=[validate.Length(min=1, max=120), TRIMMED],
                            metadata={"description": "Optional; the message's first line otherwise."})
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000), metadata={"description": BODY_HELP})
    reference = fields.Nested(ReferenceSchema, allow_none=True, metadata={"description": "What it is about."})


class ReplyRequestSchema(Strict):
    body = fields.String(required=True, validate=validate.Length(min=1, max=40_000),
                         metadata={"description": "At most 5000 characters."})


class TicketListArgsSchema(Strict):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "closed"]),
                           metadata={"description": "`open` (open, pending or on hold) or `closed`."})
    cursor = cursor_field()
    limit = limit_field(50, 100)


class CategorySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class TicketOptionsSchema(Schema):
    tickets_enabled = fields.Boolean(metadata={"description": "Whether the client may open a ticket."})
    show_open_tickets = fields.Boolean()
    show_closed_tickets = fields.Boolean()
    categories = fields.List(fields.Nested(CategorySchema))


class AttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class TicketMessageSchema(Schema):
    id = fields.Integer()
    author_kind = fields.String(metadata={"description": "`client` or `staff`."})
    author_name = fields.String(allow_none=True)
    body = fields.String()
    via = fields.String(metadata={"description": "`portal` or `email`."})
    created_at = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))


class TicketSummarySchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    subject = fields.String()
    category = fields.String()
    status = fields.String(metadata={"description": "`open` or `closed`."})
    unread = fields.Boolean(metadata={"description": "A reply the client has not read yet."})
    reference = fields.Nested(ReferenceSchema, allow_none=True)
    opened_by = fields.String(metadata={"description": "`client`, `staff` (on the client's behalf) or `email`."})
    created_at = fields.String()
    updated_at = fields.String()


class TicketListSchema(Schema):
    items = fields.List(fields.Nested(TicketSummarySchema), metadata={"description": "Most recently active first."})
    next = fields.String(allow_none=True, metadata=NEXT)


class TicketSchema(TicketSummarySchema):
    messages = fields.List(fields.Nested(TicketMessageSchema), metadata={"description": "The newest that fit."})
    earlier_messages = fields.Integer(metadata={"description": "How many earlier messages are not sent."})


class TicketOpenedSchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    status = fields.String()


class ReplyAddedSchema(Schema):
    id = fields.Integer()
    ticket_id = fields.Integer()
    status = fields.String()
