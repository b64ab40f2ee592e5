"""RPC shapes of tickets: opening, replying, the staff inbox's filters, categories."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from shared.blobs import BLOB_ID
from shared.fields import NOT_BLANK_LINE, TRIMMED, Pattern, StrictBoolean, id_field, integer_field
from shared.i18n import N_, _
from tickets import paging, text

OPENING_LIMIT = 500  # the opening message must be under this many characters, as a reader counts them
MESSAGE_LIMIT = 5000
STATUSES = ("open", "pending", "on_hold", "closed")
PAGE_SIZE, PAGE_MAX = 25, 100  # the staff inbox's tickets a page
CLIENT_PAGE_SIZE = 50  # the client's list


class Strict(Schema):
    class Meta:
        unknown = RAISE


class AttachmentSchema(Strict):
    blob_id = fields.String(required=True, validate=Pattern(f"^{BLOB_ID.pattern}$", error=N_("Not a file id.")))
    filename = fields.String(load_default="file", validate=[validate.Length(max=200), NOT_BLANK_LINE])


def attachment_list(maximum):
    return fields.List(fields.Nested(AttachmentSchema), load_default=list, validate=validate.Length(max=maximum))


def _body(value, limit, strictly_under):
    if not value.strip():
        raise ValidationError(_("Write a message."))
    count = text.length(value)
    if count >= limit if strictly_under else count > limit:
        raise ValidationError(_("Keep it under %(limit)s characters (this has %(count)s).", limit=limit, count=count)
                              if strictly_under else
                              _("Keep it to %(limit)s characters (this has %(count)s).", limit=limit, count=count))


class ReferenceSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(["visit", "invoice"]))
    id = id_field(required=True)
    label = fields.String(required=True, validate=[validate.Length(min=1, max=200), TRIMMED])


class OpenTicketSchema(Strict):
    category_id = id_field(required=True)
    subject = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=120), TRIMMED])
    body = fields.String(required=True, validate=validate.Length(max=OPENING_LIMIT * 8))
    reference = fields.Nested(ReferenceSchema, load_default=None, allow_none=True)
    attachments = attachment_list(5)

    @validates("body")
    def check_body(self, value, **kwargs):
        _body(value, OPENING_LIMIT, strictly_under=True)


class StaffOpenTicketSchema(OpenTicketSchema):
    account_id = id_field(required=True)


class ReplySchema(Strict):
    body = fields.String(required=True, validate=validate.Length(max=MESSAGE_LIMIT * 8))
    attachments = attachment_list(5)

    @validates("body")
    def check_body(self, value, **kwargs):
        _body(value, MESSAGE_LIMIT, strictly_under=False)


class TicketFilterSchema(Strict):
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf([*STATUSES, "active"]))  # active: every status but closed
    category_id = id_field(load_default=None, allow_none=True)
    assignee_id = id_field(load_default=None, allow_none=True)
    unassigned = StrictBoolean(load_default=False)
    account_id = id_field(load_default=None, allow_none=True)
    text = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=100), TRIMMED])
    unread = StrictBoolean(load_default=False)
    cursor = paging.cursor_field()
    limit = integer_field(1, PAGE_MAX, load_default=PAGE_SIZE)


ClientPageSchema = paging.page_input(CLIENT_PAGE_SIZE, PAGE_MAX)


class StatusSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class AssignSchema(Strict):
    assignee_id = id_field(required=True, allow_none=True)


class CategorySchema(Strict):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), TRIMMED])
    position = integer_field(0, 1000, load_default=None)
    hidden = StrictBoolean(load_default=False)


class CategoryChangeSchema(Strict):
    name = fields.String(validate=[validate.Length(min=1, max=100), TRIMMED])
    position = integer_field(0, 1000)
    hidden = StrictBoolean()
