"""RPC shapes of chat threads: what clients and staff send to start a thread, reply, list and poll."""
from marshmallow import RAISE, Schema, fields, validate

from shared.fields import MESSAGE_TEXT, NOT_BLANK_LINE, id_field, integer_field

SUBJECT_MAX = 200
BODY_MAX = 4000
BODY = [validate.Length(min=1, max=BODY_MAX), MESSAGE_TEXT]


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class ChatMessageInput(_Strict):
    body = fields.String(required=True, validate=BODY)


class NewClientThreadInput(_Strict):
    subject = fields.String(required=True, validate=[validate.Length(min=1, max=SUBJECT_MAX), NOT_BLANK_LINE])
    body = fields.String(required=True, validate=BODY)


class NewStaffThreadInput(NewClientThreadInput):
    account_id = id_field(required=True)


class ThreadFiltersInput(_Strict):
    account_id = id_field(allow_none=True, load_default=None)
    unread_only = fields.Boolean(load_default=False)
    page = integer_field(1, 10_000, load_default=1)
    per_page = integer_field(1, 100, load_default=50)


class SinceInput(_Strict):
    after_id = integer_field(0, 10 ** 18 - 1, required=True)
