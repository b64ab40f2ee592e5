"""The General tab: the tenant's profile and accounts' own settings, read and changed as one tab."""
from marshmallow import ValidationError

from accounts.models import platform
from accounts.schemas import ProfileSchema, TenantSchema
from accounts.settings import GENERAL, TABS
from accounts.tenants import announce_profile
from shared.errors import InvalidInput
from shared.i18n import _
from shared.schema_description import describe
from shared.settings_store import read_settings, update_settings
from shared.validation import validation_error

PORTAL_CONFIG_KEYS = ("enable_logins", "login_methods", "use_usernames", "min_password_length",
                      "security_questions_enabled")


def general_settings(session, tenant_id):
    """Return the tenant's General tab settings (without the profile)."""
    return read_settings(session, platform.tenant_settings, tenant_id, TABS, GENERAL)


def portal_config(session, tenant):
    """Return what the portal's sign-in pages need: the profile and how clients sign in."""
    general = general_settings(session, tenant.id)
    return {**TenantSchema().dump(tenant), **{key: general[key] for key in PORTAL_CONFIG_KEYS}}


def read_tab(session, tenant, tab):
    """Return a settings tab, the General tab with the tenant's profile in it."""
    stored = read_settings(session, platform.tenant_settings, tenant.id, TABS, tab)
    return {**ProfileSchema().dump(tenant), "has_logo": bool(tenant.logo_content_type), **stored}


def with_profile(tabs):
    """Add the profile's fields to the General tab of ``tabs`` (described as JSON Schema)."""
    profile = describe(ProfileSchema)["properties"]
    tabs[GENERAL]["properties"] = {**profile, **tabs[GENERAL]["properties"]}
    return tabs


def update_tab(session, outbox, tenant, tab, changes):
    """Validate and store a tab's changes, profile fields included: all of them, or none."""
    if not isinstance(changes, dict):
        raise InvalidInput(_("Settings must be an object."), {"_schema": [_("Expected an object.")]})
    profile_fields = set(ProfileSchema().fields)
    profile_changes = {key: value for key, value in changes.items() if key in profile_fields}
    other_changes = {key: value for key, value in changes.items() if key not in profile_fields}
    errors = {}
    try:
        profile = ProfileSchema(partial=True).load(profile_changes)
    except ValidationError as error:
        errors.update(validation_error(error).fields)
    try:
        update_settings(session, platform.tenant_settings, tenant.id, TABS, tab, other_changes)
    except InvalidInput as error:
        errors.update(error.fields)
    if errors:
        session.rollback()
        raise InvalidInput(_("Some settings are not valid."), errors)
    if profile:
        for key, value in profile.items():
            setattr(tenant, key, value)
        announce_profile(outbox, session, tenant)
