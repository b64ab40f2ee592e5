"""Client portal API schemas: the notification feed and the business's announcements."""
from marshmallow import Schema, fields

from shared.fields import id_field, id_list, integer_field

FEED_LIMIT_MAX, FEED_IDS_MAX = 100, 200  # as notifications allows


class FeedArgsSchema(Schema):
    limit = integer_field(1, FEED_LIMIT_MAX, strict=False, load_default=20)
    before_id = id_field(strict=False, load_default=None, metadata={
        "description": "The `next` of the page before: items older than this one."})


class FeedItemSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "receipt, refund, ticket_reply, chat_message, document, estimate, "
                                                  "announcement, visit_reminder, ..."})
    title = fields.String()
    body = fields.String(allow_none=True)
    link = fields.String(allow_none=True, metadata={
        "description": "The portal page it is about, below /p/<slug>/ (e.g. `tickets/12`), if any."})
    created_at = fields.String(metadata={"description": "ISO 8601 with its UTC offset."})
    read = fields.Boolean()


class FeedPageSchema(Schema):
    items = fields.List(fields.Nested(FeedItemSchema))
    next = fields.Integer(allow_none=True, metadata={"description": "`before_id` of the next page; none: last."})
    unread = fields.Integer()


class FeedUnreadSchema(Schema):
    unread = fields.Integer()


class FeedReadSchema(Schema):
    item_ids = id_list(FEED_IDS_MAX, required=True)


class FeedReadResultSchema(Schema):
    marked = fields.Integer(metadata={"description": "How many were unread until now."})
    unread = fields.Integer()


class ClientAnnouncementSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    html = fields.String(metadata={"description": "Sanitised HTML."})
    starts_on = fields.String()
    ends_on = fields.String(allow_none=True)


class ClientAnnouncementsSchema(Schema):
    items = fields.List(fields.Nested(ClientAnnouncementSchema), metadata={
        "description": "The announcements live today for your account, newest first."})
    notice = fields.Nested(ClientAnnouncementSchema, allow_none=True, metadata={
        "description": "The newest of them you have not dismissed: shown once after signing in."})
