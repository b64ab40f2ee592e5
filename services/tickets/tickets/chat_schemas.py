"""RPC shapes of chat threads: what clients and staff send to start a thread, reply, list and poll."""
from marshmallow import RAISE, Schema, fields, validate

from shared.fields import MESSAGE_TEXT, NOT_BLANK_LINE, id_field, integer_field
from tickets import paging
from tickets.chat import MESSAGES_PER_PAGE, THREADS_MAX, THREADS_PER_PAGE

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
    cursor = paging.cursor_field()
    limit = integer_field(1, THREADS_MAX, load_default=THREADS_PER_PAGE)


ThreadPageInput = paging.page_input(THREADS_PER_PAGE, THREADS_MAX)
MessagePageInput = paging.page_input(MESSAGES_PER_PAGE, MESSAGES_PER_PAGE)


class SinceInput(_Strict):
    after_id = integer_field(0, 10 ** 18 - 1, required=True)
