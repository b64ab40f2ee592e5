"""Tenants and their staff: creating them, finding them, and announcing a changed profile."""
from sqlalchemy import select

from accounts.models import StaffUser, Tenant
from accounts.passwords import hash_new_password
from accounts.schemas import StaffUserSchema, TenantSchema
from shared.clock import utcnow
from shared.errors import Conflict, NotFound
from shared.events import STAFF_USER_SAVED, TENANT_PROFILE_UPDATED
from shared.i18n import DEFAULT_LANGUAGE
from shared.money import DEFAULT_CURRENCY, _


def create_tenant(session, outbox, values):
    """Create a tenant and its owner from loaded ``NewTenantSchema`` values; the caller commits."""
    values = dict(values)
    owner = values.pop("owner")
    if session.scalar(select(Tenant.id).where(Tenant.slug == values["slug"])):
        message = _("That slug is taken.")
        raise Conflict(message, {"slug": [message]})
    row = Tenant(created_at=utcnow(), **values)
    session.add(row)
    session.flush()
    owner_row = add_staff_user(session, outbox, row.id, {**owner, "role": "owner"})
    announce_profile(outbox, session, row)
    return {**TenantSchema().dump(row), "owner": StaffUserSchema().dump(owner_row)}


def add_staff_user(session, outbox, tenant_id, values):
    """Add a staff member to a tenant (emails are unique across tenants) and tell notifications of them."""
    password_hash = hash_new_password(values["password"])  # the same rule as clients' passwords
    email = values["email"].lower()
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        message = _("A staff member already uses that email.")
        raise Conflict(message, {"email": [message]})
    row = StaffUser(tenant_id=tenant_id, email=email, name=values["name"], role=values["role"],
                    password_hash=password_hash, created_at=utcnow())
    session.add(row)
    session.flush()
    announce_staff(outbox, session, row)
    return row


def announce_staff(outbox, session, row):
    """Tell notifications a staff member's name and email as they are now (STAFF_USER_SAVED)."""
    outbox.add(session, STAFF_USER_SAVED, {"staff_user_id": row.id, "name": row.name, "email": row.email},
               tenant_id=row.tenant_id)


def list_staff(session, tenant_id):
    """Return the tenant's staff by name."""
    return session.scalars(select(StaffUser).where(StaffUser.tenant_id == tenant_id).order_by(StaffUser.name))


def find_by_slug(session, slug):
    """Return the tenant whose portal address ends in ``slug``."""
    row = session.scalar(select(Tenant).where(Tenant.slug == str(slug)))
    if row is None:
        raise NotFound(_("No such business."))
    return row


def get_tenant(session, tenant_id):
    """Return the tenant ``tenant_id``."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(_("No such business."))
    return tenant


def announce_profile(outbox, session, tenant):
    """Queue the tenant's current profile for the services that keep a copy."""
    outbox.add(session, TENANT_PROFILE_UPDATED, {
        "tenant_id": tenant.id, "slug": tenant.slug, "display_name": tenant.display_name,
        "contact_email": tenant.contact_email, "contact_phone": tenant.contact_phone,
        "facebook_page": tenant.facebook_page, "twitter_handle": tenant.twitter_handle,
        "linkedin_slug": tenant.linkedin_slug, "has_logo": bool(tenant.logo_content_type),
        "brand_colour": tenant.brand_colour, "logo_blob_id": tenant.logo_blob_id,
        "default_language": tenant.default_language or DEFAULT_LANGUAGE,
        "currency": tenant.currency or DEFAULT_CURRENCY,
    }, tenant_id=tenant.id)
