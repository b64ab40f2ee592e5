"""The accounts service's entrypoints: tenants, staff sign-in and sessions, the General tab."""
from datetime import datetime, timezone

from eventlet import tpool
from marshmallow import ValidationError
from sqlalchemy import delete, func, select

from accounts import VERSION, auth, tenants
from accounts.models import SignInFailure, StaffSession, StaffUser, Tenant, platform
from accounts.schemas import ProfileSchema, StaffSignInSchema, StaffUserSchema, TenantSchema
from accounts.settings import TABS
from shared.context import CallContext, public_rpc, tenant_rpc
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.errors import InvalidInput, NotFound, RateLimited, Unauthenticated
from shared.messaging import Outbox
from shared.schema_description import describe
from shared.settings_store import read_settings, update_settings, validation_error

GENERAL = "general"
WRONG_CREDENTIALS = "The email or password is not correct."


def utcnow():
    return datetime.now(timezone.utc)


def hash_in_thread(password):
    """Hash off the event loop: argon2 is CPU-bound and would stall heartbeats."""
    return tpool.execute(auth.hash_password, password)


def aware(moment):
    """SQLite hands back naive datetimes; treat them as the UTC they were stored in."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class AccountsService(StandardEntrypoints):
    name = "accounts"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    db = Database()
    ctx = CallContext()
    outbox = Outbox(platform)

    # --- tenants ------------------------------------------------------------------------

    @public_rpc
    def create_tenant(self, tenant):
        """Create a tenant with its owner (an operator's or the seed's call, never a client's)."""
        created = tenants.create_tenant(self.db, self.outbox, tenant, hash_password=hash_in_thread)
        self.db.commit()
        return created

    @public_rpc
    def find_tenant(self, slug):
        row = self.db.scalar(select(Tenant).where(Tenant.slug == slug))
        if row is None:
            raise NotFound("No such business.")
        return TenantSchema().dump(row)

    @tenant_rpc
    def get_tenant(self):
        return TenantSchema().dump(self._tenant())

    # --- staff --------------------------------------------------------------------------

    @tenant_rpc
    def add_staff_user(self, user):
        row = tenants.add_staff_user(self.db, self.ctx.tenant_id, user, hash_password=hash_in_thread)
        self.db.commit()
        return StaffUserSchema().dump(row)

    @tenant_rpc
    def list_staff_users(self):
        rows = self.db.scalars(select(StaffUser).where(StaffUser.tenant_id == self.ctx.tenant_id)
                               .order_by(StaffUser.name))
        return StaffUserSchema(many=True).dump(rows)

    # --- staff sign-in ------------------------------------------------------------------

    @public_rpc
    def sign_in_staff(self, credentials, address=None):
        """Check a staff email and password; return a new session's token and CSRF token."""
        data = tenants.load(StaffSignInSchema, credentials)
        email = data["email"].strip().lower()
        now = utcnow()
        keys = auth.throttle_keys(email, address)
        recent = self.db.scalar(select(func.count(SignInFailure.id)).where(
            SignInFailure.key.in_(keys), SignInFailure.at > now - auth.THROTTLE_WINDOW)) or 0
        if recent >= auth.THROTTLE_LIMIT:
            raise RateLimited("Too many failed attempts. Wait 15 minutes, then try again.")
        user = self.db.scalar(select(StaffUser).where(StaffUser.email == email))
        ok = tpool.execute(auth.verify_password, user.password_hash if user else None,
                           data["password"])
        if not ok:
            self.db.add_all(SignInFailure(key=key, at=now) for key in keys)
            self.db.commit()
            raise Unauthenticated(WRONG_CREDENTIALS)
        self.db.execute(delete(SignInFailure).where(SignInFailure.key == keys[0]))
        token, token_hash = auth.new_token()
        csrf_token, _ = auth.new_token()
        self.db.add(StaffSession(token_hash=token_hash, csrf_token=csrf_token, user_id=user.id,
                                 tenant_id=user.tenant_id, created_at=now, last_seen_at=now))
        self.db.commit()
        return {"token": token, "csrf_token": csrf_token, **self._who(user)}

    @public_rpc
    def resolve_staff_session(self, token):
        """Return who a session token belongs to, refreshing its idle timer."""
        row = self.db.scalar(select(StaffSession).where(
            StaffSession.token_hash == auth.token_hash(token or ""), StaffSession.revoked_at.is_(None)))
        now = utcnow()
        if row is None or auth.session_expired(aware(row.created_at), aware(row.last_seen_at), now):
            raise Unauthenticated("Your session has ended. Please sign in again.")
        row.last_seen_at = now
        user = self.db.get(StaffUser, row.user_id)
        self.db.commit()
        return {"csrf_token": row.csrf_token, **self._who(user)}

    @public_rpc
    def sign_out_staff(self, token):
        row = self.db.scalar(select(StaffSession).where(StaffSession.token_hash == auth.token_hash(token or "")))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            self.db.commit()
        return {"signed_out": True}

    def _who(self, user):
        tenant = self.db.get(Tenant, user.tenant_id)
        return {"user": StaffUserSchema().dump(user), "tenant": TenantSchema().dump(tenant)}

    # --- settings: the General tab --------------------------------------------------------

    @tenant_rpc
    def get_settings(self, tab=GENERAL):
        tenant = self._tenant()
        stored = read_settings(self.db, platform.tenant_settings, tenant.id, TABS, tab)
        return {**ProfileSchema().dump(tenant), **stored}

    @public_rpc
    def describe_settings(self):
        """The General tab as get_settings and update_settings take it: profile fields included."""
        tabs = super().describe_settings()
        profile = describe(ProfileSchema)["properties"]
        tabs[GENERAL]["properties"] = {**profile, **tabs[GENERAL]["properties"]}
        return tabs

    @tenant_rpc
    def update_settings(self, tab, changes):
        tenant = self._tenant()
        if not isinstance(changes, dict):
            raise InvalidInput("Settings must be an object.", {"_schema": ["Expected an object."]})
        profile_fields = set(ProfileSchema().fields)
        profile_changes = {key: value for key, value in changes.items() if key in profile_fields}
        other_changes = {key: value for key, value in changes.items() if key not in profile_fields}
        errors = {}
        try:
            profile = ProfileSchema(partial=True).load(profile_changes)
        except ValidationError as error:
            errors.update(validation_error(error).fields)
        try:
            update_settings(self.db, platform.tenant_settings, tenant.id, TABS, tab, other_changes)
        except InvalidInput as error:
            errors.update(error.fields)
        if errors:
            self.db.rollback()
            raise InvalidInput("Some settings are not valid.", errors)
        if profile:
            for key, value in profile.items():
                setattr(tenant, key, value)
            tenants.announce_profile(self.outbox, self.db, tenant)
        self.db.commit()
        return self.get_settings(tab)

    def _tenant(self):
        tenant = self.db.get(Tenant, self.ctx.tenant_id)
        if tenant is None:
            raise NotFound("No such business.")
        return tenant
