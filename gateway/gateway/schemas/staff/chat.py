"""Staff API shapes of chat threads (the thread and message shapes are the portal's)."""
from marshmallow import Schema, fields

from gateway.schemas.common import NEXT, cursor_field, limit_field
from gateway.schemas.portal.chat import ChatThreadSchema, NewChatThreadSchema
from shared.fields import id_field

PER_PAGE_MAX = 100  # as tickets allows


class StaffChatThreadListArgsSchema(Schema):
    account_id = id_field(strict=False, allow_none=True, load_default=None,
                          metadata={"description": "Only this client's threads."})
    unread_only = fields.Boolean(load_default=False)
    cursor = cursor_field()
    limit = limit_field(50, PER_PAGE_MAX)


class StaffChatThreadListSchema(Schema):
    threads = fields.List(fields.Nested(ChatThreadSchema))
    total = fields.Integer(metadata={"description": "Threads matching the filters, over all pages."})
    limit = fields.Integer()
    next = fields.String(allow_none=True, metadata=NEXT)
    unread = fields.Integer(metadata={"description": "Unread client messages over all the business's threads."})


class StaffNewChatThreadSchema(NewChatThreadSchema):
    account_id = id_field(required=True, metadata={"description": "The client account to talk with."})
