"""Creating tenants and staff, and announcing profile changes: plain functions over a session."""
from datetime import datetime, timezone

from marshmallow import ValidationError
from sqlalchemy import select

from accounts import auth
from accounts.models import StaffUser, Tenant
from accounts.schemas import NewStaffUserSchema, NewTenantSchema, TenantSchema
from shared.errors import Conflict, InvalidInput
from shared.events import TENANT_PROFILE_UPDATED
from shared.settings_store import validation_error


def utcnow():
    return datetime.now(timezone.utc)


def load(schema, data, **options):
    """Load ``data`` with ``schema`` or raise InvalidInput with per-field messages."""
    try:
        return schema(**options).load(data)
    except ValidationError as error:
        raise validation_error(error) from None


def create_tenant(session, outbox, tenant):
    """Create a tenant and its owner; the caller commits."""
    data = load(NewTenantSchema, tenant)
    owner = data.pop("owner")
    if session.scalar(select(Tenant.id).where(Tenant.slug == data["slug"])):
        raise Conflict("That slug is taken.", {"slug": ["That slug is taken."]})
    row = Tenant(created_at=utcnow(), **data)
    session.add(row)
    session.flush()
    add_staff_user(session, row.id, {**owner, "role": "owner"})
    announce_profile(outbox, session, row)
    return TenantSchema().dump(row)


def add_staff_user(session, tenant_id, user):
    """Add a staff member to a tenant; emails are unique across tenants."""
    data = load(NewStaffUserSchema, user)
    problem = auth.password_problem(data["password"])
    if problem:
        raise InvalidInput(problem, {"password": [problem]})
    email = data["email"].lower()
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise Conflict("A staff member already uses that email.",
                       {"email": ["A staff member already uses that email."]})
    row = StaffUser(tenant_id=tenant_id, email=email, name=data["name"], role=data["role"],
                    password_hash=auth.hash_password(data["password"]), created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def announce_profile(outbox, session, tenant):
    """Queue the tenant's current profile for the services that keep a copy."""
    outbox.add(session, TENANT_PROFILE_UPDATED, {
        "tenant_id": tenant.id, "slug": tenant.slug, "display_name": tenant.display_name,
        "contact_email": tenant.contact_email, "contact_phone": tenant.contact_phone,
        "facebook_page": tenant.facebook_page, "twitter_handle": tenant.twitter_handle,
        "linkedin_slug": tenant.linkedin_slug, "has_logo": bool(tenant.logo_content_type),
    }, tenant_id=tenant.id)
