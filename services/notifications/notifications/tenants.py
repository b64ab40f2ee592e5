"""This service's copy of each tenant's branding, and the tenant's invitation template (with the title of the
welcome document it mentions, tickets' copy)."""
from notifications import email_templates
from notifications.models import InvitationDocumentNote, TenantBranding
from notifications.branding import Branding
from shared.clock import as_utc
from shared.errors import NotFound
from shared.i18n import DEFAULT_LANGUAGE, _, known_language
from shared.money import CURRENCIES, DEFAULT_CURRENCY

PROFILE_FIELDS = ("slug", "display_name", "contact_email", "contact_phone", "facebook_page",
                  "twitter_handle", "linkedin_slug", "has_logo", "brand_colour")


def save_branding(session, profile, profile_at):
    """Store a tenant's profile as of ``profile_at``, unless a newer one is already stored.

    Profile events are handled by several workers and retried after a failure, so an older
    one can arrive after a newer one; it must not undo it.
    """
    row = session.get(TenantBranding, profile["tenant_id"])
    if row is not None and as_utc(row.updated_at) > profile_at:
        return row
    row = row or TenantBranding(tenant_id=profile["tenant_id"])
    for key in PROFILE_FIELDS:
        setattr(row, key, profile.get(key))
    row.default_language = known_language(profile.get("default_language"), DEFAULT_LANGUAGE)
    row.currency = profile.get("currency") if profile.get("currency") in CURRENCIES else DEFAULT_CURRENCY
    row.updated_at = profile_at
    session.add(row)
    return row


def describe_branding(session, tenant_id):
    """Return the tenant's branding as the gateway shows it, or NotFound before its profile arrived."""
    row = session.get(TenantBranding, tenant_id)
    if row is None:
        raise NotFound(_("No branding known for this business yet."))
    return {"tenant_id": row.tenant_id, **{key: getattr(row, key) for key in PROFILE_FIELDS}}


def branding_for(session, tenant_id, fallback_name):
    """Return the tenant's branding, or a plain one named ``fallback_name`` when none arrived yet.

    A sign-in message is not held back for want of a logo or a phone number: the profile
    event travels on its own queue and may simply not have been handled yet.
    """
    row = session.get(TenantBranding, tenant_id)
    return Branding.from_row(row) if row is not None else Branding(display_name=fallback_name)


def invitation_template(session, tenant_id):
    """Return the tenant's invitation ``{subject, html}``, or the default (email_templates, kind "invitation")."""
    return email_templates.template_of(session, tenant_id, "invitation")


def save_invitation_template(session, tenant_id, template, staff_id):
    """Sanitise and store the tenant's invitation template; return what was stored."""
    return email_templates.save(session, tenant_id, "invitation", template, staff_id)


def save_invitation_document(session, tenant_id, title, changed_at):
    """Store the welcome document's title (None: nothing awaits) as of ``changed_at``, unless a newer one is."""
    row = session.get(InvitationDocumentNote, tenant_id)
    if row is not None and as_utc(row.changed_at) > changed_at:
        return
    row = row or InvitationDocumentNote(tenant_id=tenant_id)
    row.title, row.changed_at = title, changed_at
    session.add(row)


def invitation_document(session, tenant_id):
    """The title of the document a new client finds in Documents, or None."""
    row = session.get(InvitationDocumentNote, tenant_id)
    return row.title if row is not None else None
