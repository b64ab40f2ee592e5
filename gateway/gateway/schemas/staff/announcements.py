"""Staff API schemas: announcements to every client or to chosen accounts."""
from marshmallow import Schema, fields, validate

from shared.fields import NOT_BLANK_LINE, id_field, unique

TITLE_MAX, HTML_MAX, CHOSEN_MAX = 150, 20000, 200  # as notifications allows


class AnnouncementInputSchema(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=TITLE_MAX), NOT_BLANK_LINE])
    html = fields.String(required=True, validate=validate.Length(min=1, max=HTML_MAX), metadata={
        "description": "The text, in HTML. Sanitised when stored: paragraphs, bold, italics, lists, headings, "
                       "quotes and http, https or mailto links are kept; anything else is removed."})
    audience = fields.String(required=True, validate=validate.OneOf(("everyone", "accounts")), metadata={
        "description": "`everyone`: every client of the business; `accounts`: the clients in `account_ids`."})
    account_ids = fields.List(id_field(), allow_none=True, load_default=None,
                              validate=[validate.Length(max=CHOSEN_MAX), unique], metadata={
        "description": "The chosen clients when `audience` is `accounts` (another business's is 404)."})
    starts_on = fields.Date(required=True, metadata={"description": "The first day it is shown, YYYY-MM-DD."})
    ends_on = fields.Date(allow_none=True, load_default=None, metadata={
        "description": "The last day it is shown, not before `starts_on`; none: until withdrawn."})


class AnnouncementSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    html = fields.String(metadata={"description": "The sanitised HTML."})
    audience = fields.String()
    account_ids = fields.List(fields.Integer())
    starts_on = fields.String(metadata={"description": "YYYY-MM-DD."})
    ends_on = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "`scheduled`, `live` or `ended` (days in UTC)."})
    created_at = fields.String()
    updated_at = fields.String()
