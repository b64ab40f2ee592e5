"""accounts' events: sign-in links and codes to deliver, the business's profile, a first sign-in."""
from marshmallow import Schema, fields

from shared.events.contract import EventContract


class PortalLinkIssuedSchema(Schema):
    """A single-use link (invitation or password reset) to deliver to a portal user by email."""

    portal_user_id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    tenant_slug = fields.String(required=True)
    token = fields.String(required=True)  # sealed on the bus and in the outbox (secret_fields)
    expires_at = fields.String(required=True)


class CodeIssuedSchema(Schema):
    """A short code to deliver: by SMS when ``channel`` is "sms", else by email."""

    portal_user_id = fields.Integer(required=True)
    channel = fields.String(required=True)
    to = fields.String(required=True)
    code = fields.String(required=True)  # sealed on the bus and in the outbox (secret_fields)
    expires_at = fields.String(required=True)


class StaffLinkIssuedSchema(Schema):
    """A single-use link (a staff password reset) to deliver to a staff member by email."""

    staff_user_id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    token = fields.String(required=True)
    expires_at = fields.String(required=True)


class TenantProfileSchema(Schema):
    tenant_id = fields.Integer(required=True)
    slug = fields.String(required=True)
    display_name = fields.String(required=True)
    contact_email = fields.String(allow_none=True, load_default=None)
    contact_phone = fields.String(allow_none=True, load_default=None)
    facebook_page = fields.String(allow_none=True, load_default=None)
    twitter_handle = fields.String(allow_none=True, load_default=None)
    linkedin_slug = fields.String(allow_none=True, load_default=None)
    has_logo = fields.Boolean(load_default=False)
    brand_colour = fields.String(allow_none=True, load_default=None)  # #rrggbb, readable with white text
    logo_blob_id = fields.String(allow_none=True, load_default=None)  # the logo in the blob store, for the PDFs
    default_language = fields.String(load_default="en")  # for whoever has not chosen one (shared.i18n.LANGUAGES)
    currency = fields.String(load_default="USD")  # of every amount of the business (shared.money.CURRENCIES)


TENANT_PROFILE_UPDATED = EventContract(
    "accounts", "tenant_profile_updated", TenantProfileSchema, subscribers=("notifications", "billing"))
PORTAL_INVITATION_ISSUED = EventContract(
    "accounts", "portal_invitation_issued", PortalLinkIssuedSchema, subscribers=("notifications",),
    secret_fields=("token",))
PASSWORD_RESET_ISSUED = EventContract(
    "accounts", "password_reset_issued", PortalLinkIssuedSchema, subscribers=("notifications",),
    secret_fields=("token",))
STAFF_PASSWORD_RESET_ISSUED = EventContract(
    "accounts", "staff_password_reset_issued", StaffLinkIssuedSchema, subscribers=("notifications",),
    secret_fields=("token",))
LOGIN_CODE_ISSUED = EventContract(
    "accounts", "login_code_issued", CodeIssuedSchema, subscribers=("notifications",), secret_fields=("code",))
EMAIL_CHANGE_CODE_ISSUED = EventContract(
    "accounts", "email_change_code_issued", CodeIssuedSchema, subscribers=("notifications",),
    secret_fields=("code",))


class PortalUserActivatedSchema(Schema):
    """A portal user set their first password (from an invitation or a reset link): their first sign-in."""

    portal_user_id = fields.Integer(required=True)
    account_ids = fields.List(fields.Integer(), required=True)  # the main accounts they are linked to
    via = fields.String(required=True)  # invitation, password_reset


PORTAL_USER_ACTIVATED = EventContract("accounts", "portal_user_activated", PortalUserActivatedSchema,
                                      subscribers=("tickets",))


class StaffUserSavedSchema(Schema):
    """A staff member as they are now (added, or their name or email changed): notifications names them in alerts
    and emails them the alerts they chose to get by email."""

    staff_user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


STAFF_USER_SAVED = EventContract("accounts", "staff_user_saved", StaffUserSavedSchema,
                                 subscribers=("notifications",))


class AccessChangedSchema(Schema):
    """What a signed-in person may do changed: a session ended or moved, a login, a link or its rights, a staff
    member. The gateway forgets what it cached of these people (or, with ``whole_business``, of everyone at the
    business: its profile or a client account's name changed)."""

    staff_user_ids = fields.List(fields.Integer(), load_default=list)
    portal_user_ids = fields.List(fields.Integer(), load_default=list)
    whole_business = fields.Boolean(load_default=False)


# No durable subscriber: each gateway process listens with a queue of its own (gateway/gateway/cache_listener.py).
ACCESS_CHANGED = EventContract("accounts", "access_changed", AccessChangedSchema)
