"""Marshmallow schemas of the announcements and feed RPCs (notifications' RPC shapes for these features; what a
client reads on Home is built from plain rows: announcements.client_view, feed.client_view)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from notifications.announcement_models import CHOSEN, EVERYONE
from notifications.schemas import UtcDateTime
from shared.fields import NOT_BLANK_LINE, id_field, integer_field, unique
from shared.i18n import N_

TITLE_MAX = 150
HTML_MAX = 20000
CHOSEN_MAX = 200  # accounts named by one announcement
FEED_LIMIT_MAX = 100
FEED_IDS_MAX = 200


class AnnouncementInputSchema(Schema):
    title = fields.String(required=True, validate=[
        validate.Length(min=1, error=N_("Give the announcement a title.")),
        validate.Length(max=TITLE_MAX, error=N_("Keep the title to 150 characters.")), NOT_BLANK_LINE])  # TITLE_MAX
    html = fields.String(required=True, validate=[validate.Length(min=1, error=N_("Write the announcement's text.")),
                                                  validate.Length(max=HTML_MAX)])
    audience = fields.String(required=True, validate=validate.OneOf((EVERYONE, CHOSEN)))
    account_ids = fields.List(id_field(), allow_none=True, load_default=None,
                              validate=[validate.Length(max=CHOSEN_MAX), unique])
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, load_default=None)

    @validates_schema
    def check_audience_and_dates(self, data, **kwargs):
        problems = {}
        if data.get("audience") == CHOSEN and not data.get("account_ids"):
            problems["account_ids"] = [N_("Choose at least one client, or announce to every client.")]
        if data.get("audience") == EVERYONE and data.get("account_ids"):
            problems["account_ids"] = [N_("An announcement to every client names no clients.")]
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            problems["ends_on"] = [N_("The end date must be on or after the start date.")]
        if problems:
            raise ValidationError(problems)


class AnnouncementSchema(Schema):
    """An announcement as staff see it."""

    id = fields.Integer()
    title = fields.String()
    html = fields.String()
    audience = fields.String()
    account_ids = fields.List(fields.Integer())
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    status = fields.String()  # scheduled, live, ended
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class FeedArgsSchema(Schema):
    limit = integer_field(1, FEED_LIMIT_MAX, load_default=20)
    before_id = id_field(allow_none=True, load_default=None)


class FeedReadSchema(Schema):
    item_ids = fields.List(id_field(), required=True, validate=validate.Length(min=1, max=FEED_IDS_MAX))
