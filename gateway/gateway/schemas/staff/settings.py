"""Staff API schemas: changes to a settings tab; the Tickets tab's support address."""
from marshmallow import INCLUDE, Schema, fields


class SettingsChangesSchema(Schema):
    """Some settings of one tab, by name; the service that owns the tab validates them."""

    class Meta:
        unknown = INCLUDE


class SupportAddressSchema(Schema):
    """The address the business forwards its support mailbox to; null while inbound mail is off."""

    address = fields.String(allow_none=True, required=True, metadata={
        "description": "support+<slug>@<INBOUND_MAIL_DOMAIN>: mail to it from a client's address opens a ticket"})
