"""Staff API shapes of chat threads (the thread and message shapes are the portal's)."""
from marshmallow import Schema, fields

from gateway.schemas.portal.chat import ChatThreadSchema, NewChatThreadSchema
from shared.fields import id_field, integer_field

PER_PAGE_MAX = 100  # as tickets allows


class StaffChatThreadListArgsSchema(Schema):
    account_id = id_field(strict=False, allow_none=True, load_default=None,
                          metadata={"description": "Only this client's threads."})
    unread_only = fields.Boolean(load_default=False)
    page = integer_field(1, 10_000, strict=False, load_default=1)
    per_page = integer_field(1, PER_PAGE_MAX, strict=False, load_default=50)


class StaffChatThreadListSchema(Schema):
    threads = fields.List(fields.Nested(ChatThreadSchema))
    total = fields.Integer(metadata={"description": "Threads matching the filters, over all pages."})
    page = fields.Integer()
    per_page = fields.Integer()
    unread = fields.Integer(metadata={"description": "Unread client messages over all the business's threads."})


class StaffNewChatThreadSchema(NewChatThreadSchema):
    account_id = id_field(required=True, metadata={"description": "The client account to talk with."})
