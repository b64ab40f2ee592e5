"""Shapes of chat threads, for clients and staff alike (the staff's list adds paging and filters)."""
from marshmallow import Schema, fields, validate

from gateway.schemas.common import NEXT, page_args
from shared.fields import MAX_ID, MESSAGE_TEXT, NOT_BLANK_LINE, integer_field

SUBJECT_MAX, BODY_MAX = 200, 4000  # as tickets allows
SUBJECT = [validate.Length(min=1, max=SUBJECT_MAX), NOT_BLANK_LINE]
BODY = [validate.Length(min=1, max=BODY_MAX), MESSAGE_TEXT]
TIME = {"description": "ISO 8601 with its UTC offset."}


class ChatThreadSchema(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    subject = fields.String()
    started_by = fields.String(metadata={"description": "`client` or `staff`."})
    created_at = fields.String(metadata=TIME)
    last_message_at = fields.String(metadata=TIME)
    last_message_id = fields.Integer()
    unread = fields.Integer(metadata={"description": "Messages from the other side you have not seen yet."})


class ChatMessageSchema(Schema):
    id = fields.Integer()
    author_kind = fields.String(metadata={"description": "`client` or `staff`."})
    author_id = fields.Integer(allow_none=True, metadata={"description": "The portal user or staff member."})
    body = fields.String(metadata={"description": "Plain text; line breaks are kept."})
    created_at = fields.String(metadata=TIME)


class ChatThreadDetailSchema(Schema):
    thread = fields.Nested(ChatThreadSchema)
    messages = fields.List(fields.Nested(ChatMessageSchema), metadata={"description": "Oldest first."})
    next = fields.String(allow_none=True, metadata={
        "description": "The cursor of the page of earlier messages (send it as `cursor`); null when there are none."})


class PortalChatThreadListSchema(Schema):
    threads = fields.List(fields.Nested(ChatThreadSchema))
    unread = fields.Integer(metadata={"description": "Unread messages over all the account's threads."})
    can_start = fields.Boolean(metadata={"description": "Whether the business lets clients start a thread."})
    next = fields.String(allow_none=True, metadata=NEXT)


ChatThreadListArgsSchema = page_args(50, 100)
ChatMessagePageArgsSchema = page_args(200, 200)


class NewChatThreadSchema(Schema):
    subject = fields.String(required=True, validate=SUBJECT)
    body = fields.String(required=True, validate=BODY)


class ChatReplySchema(Schema):
    body = fields.String(required=True, validate=BODY)


class ChatSinceArgsSchema(Schema):
    after = integer_field(0, MAX_ID, strict=False, load_default=0,
                          metadata={"description": "The id of the last message you have; 0 (the default) for all."})


