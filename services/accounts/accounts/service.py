"""The accounts service's entrypoints: tenants, staff, clients, portal sign-in, the General tab."""
import base64

from eventlet import tpool
from marshmallow import ValidationError
from sqlalchemy import delete, select

from accounts import VERSION, auth, clients, portal, tenants
from accounts.auth import aware
from accounts.logo import check_logo
from accounts.models import (ClientAccount, PortalUser, SignInFailure, StaffSession, StaffUser,
                             Tenant, platform)
from accounts.schemas import (ClientIdsSchema, MyAccountChangesSchema, ProfileSchema,
                              StaffSignInSchema, StaffUserSchema, TenantSchema)
from accounts.settings import TABS
from shared.context import CallContext, public_rpc, tenant_rpc
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.errors import InvalidInput, NotFound, PermissionDenied, RateLimited, Unauthenticated
from shared.messaging import Outbox
from shared.schema_description import describe
from shared.settings_store import read_settings, update_settings, validation_error

GENERAL = "general"
PORTAL_CONFIG_KEYS = ("enable_logins", "login_methods", "use_usernames", "min_password_length",
                      "security_questions_enabled")

auth.run_cpu_bound = tpool.execute  # argon2 off the event loop, so heartbeats keep flowing


class AccountsService(StandardEntrypoints):
    name = "accounts"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    db = Database()
    ctx = CallContext()
    outbox = Outbox(platform)

    # --- who is calling -------------------------------------------------------------------------

    def _staff_only(self):
        if self.ctx.actor.get("kind") != "staff":
            raise PermissionDenied("Only staff can do this.")
        return self.ctx.tenant_id

    def _client(self):
        """The calling portal user, checked against the tenant and the account in context."""
        actor = self.ctx.actor
        user = self.db.get(PortalUser, actor.get("id")) if actor.get("kind") == "client" else None
        if user is None or user.tenant_id != self.ctx.tenant_id:
            raise PermissionDenied("Only a signed-in client can do this.")
        rights = {item["id"]: item["rights"] for item in portal.linked_accounts(self.db, user)}
        if actor.get("account_id") not in rights:
            raise NotFound("No such account.")
        return user, actor["account_id"], rights[actor["account_id"]]

    def _general(self):
        return read_settings(self.db, platform.tenant_settings, self.ctx.tenant_id, TABS, GENERAL)

    # --- tenants ----------------------------------------------------------------------------------

    @public_rpc
    def create_tenant(self, tenant):
        """Create a tenant with its owner (an operator's or the seed's call, never a client's)."""
        created = tenants.create_tenant(self.db, self.outbox, tenant)
        self.db.commit()
        return created

    @public_rpc
    def find_tenant(self, slug):
        row = self.db.scalar(select(Tenant).where(Tenant.slug == str(slug)))
        if row is None:
            raise NotFound("No such business.")
        return TenantSchema().dump(row)

    @tenant_rpc
    def get_tenant(self):
        return TenantSchema().dump(self._tenant())

    @tenant_rpc
    def get_portal_config(self):
        general = self._general()
        return {**TenantSchema().dump(self._tenant()), **{key: general[key] for key in PORTAL_CONFIG_KEYS}}

    @tenant_rpc
    def set_logo(self, content_base64, content_type=None):
        self._staff_only()
        data, real_type = check_logo(content_base64)
        tenant = self._tenant()
        tenant.logo, tenant.logo_content_type = data, real_type
        tenants.announce_profile(self.outbox, self.db, tenant)
        self.db.commit()
        return {"has_logo": True, "content_type": real_type}

    @tenant_rpc
    def remove_logo(self):
        self._staff_only()
        tenant = self._tenant()
        tenant.logo, tenant.logo_content_type = None, None
        tenants.announce_profile(self.outbox, self.db, tenant)
        self.db.commit()
        return {"has_logo": False}

    @tenant_rpc
    def get_logo(self):
        tenant = self._tenant()
        if not tenant.logo_content_type:
            raise NotFound("This business has no logo.")
        return {"content_type": tenant.logo_content_type,
                "content_base64": base64.b64encode(tenant.logo).decode()}

    # --- staff ------------------------------------------------------------------------------------

    @tenant_rpc
    def add_staff_user(self, user):
        row = tenants.add_staff_user(self.db, self._staff_only(), user)
        self.db.commit()
        return StaffUserSchema().dump(row)

    @tenant_rpc
    def list_staff_users(self):
        rows = self.db.scalars(select(StaffUser).where(StaffUser.tenant_id == self.ctx.tenant_id)
                               .order_by(StaffUser.name))
        return StaffUserSchema(many=True).dump(rows)

    @public_rpc
    def sign_in_staff(self, credentials, address=None):
        """Check a staff email and password; return a new session's token and CSRF token."""
        data = tenants.load(StaffSignInSchema, credentials)
        email = data["email"].strip().lower()
        now = tenants.utcnow()
        keys = auth.throttle_keys(email, address)
        try:
            portal.throttle(self.db, keys, now)
        except RateLimited:
            raise RateLimited("Too many failed attempts. Wait 15 minutes, then try again.") from None
        user = self.db.scalar(select(StaffUser).where(StaffUser.email == email))
        if not auth.verify_password(user.password_hash if user else None, data["password"]):
            portal.note_failure(self.db, keys, now)
            self.db.commit()
            raise Unauthenticated(portal.WRONG_CREDENTIALS)
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
        now = tenants.utcnow()
        if row is None or auth.session_expired(aware(row.created_at), aware(row.last_seen_at), now):
            raise Unauthenticated("Your session has ended. Please sign in again.")
        auth.mark_seen(row, now)
        user = self.db.get(StaffUser, row.user_id)
        self.db.commit()
        return {"csrf_token": row.csrf_token, **self._who(user)}

    @public_rpc
    def sign_out_staff(self, token):
        row = self.db.scalar(select(StaffSession).where(StaffSession.token_hash == auth.token_hash(token or "")))
        if row is not None and row.revoked_at is None:
            row.revoked_at = tenants.utcnow()
            self.db.commit()
        return {"signed_out": True}

    def _who(self, user):
        tenant = self.db.get(Tenant, user.tenant_id)
        return {"user": StaffUserSchema().dump(user), "tenant": TenantSchema().dump(tenant)}

    # --- clients, properties, custom fields (staff) ------------------------------------------------

    @tenant_rpc
    def create_client(self, client):
        row = clients.create_client(self.db, self._staff_only(), client)
        self.db.commit()
        return clients.describe_client(self.db, row)

    @tenant_rpc
    def update_client(self, client_id, changes):
        row = clients.update_client(self.db, self._staff_only(), client_id, changes)
        self.db.commit()
        return clients.describe_client(self.db, row)

    @tenant_rpc
    def get_client(self, client_id):
        return clients.describe_client(self.db, clients.find_client(self.db, self._staff_only(), client_id))

    @tenant_rpc
    def list_clients(self, query=None, without_portal=False, page=1, per_page=50):
        return clients.list_clients(self.db, self._staff_only(), query, bool(without_portal), page, per_page)

    @tenant_rpc
    def list_custom_fields(self):
        visible = self._general()["custom_fields_visible"]
        return [clients.describe_field(field, visible)
                for field in clients.list_custom_fields(self.db, self._staff_only())]

    @tenant_rpc
    def create_custom_field(self, field):
        row = clients.create_custom_field(self.db, self._staff_only(), field)
        self.db.commit()
        return clients.describe_field(row, self._general()["custom_fields_visible"])

    @tenant_rpc
    def delete_custom_field(self, field_id):
        clients.delete_custom_field(self.db, self._staff_only(), field_id)
        self.db.commit()
        return {}

    @tenant_rpc
    def set_custom_field_values(self, client_id, values):
        tenant_id = self._staff_only()
        client = clients.find_client(self.db, tenant_id, client_id)
        clients.set_custom_field_values(self.db, tenant_id, client.id, values)
        self.db.commit()
        return clients.describe_client(self.db, client)

    # --- portal users (staff) --------------------------------------------------------------------

    @tenant_rpc
    def list_portal_users(self, without_portal=False, query=None):
        return portal.list_portal_users(self.db, self._staff_only(), bool(without_portal), query)

    @tenant_rpc
    def invite_clients(self, client_ids):
        tenant_id = self._staff_only()
        ids = tenants.load(ClientIdsSchema, {"client_ids": client_ids})["client_ids"]
        general = self._general()
        results = []
        for client_id in ids:
            results.append(portal.invite(self.db, self.outbox, tenant_id, client_id, general))
            self.db.commit()  # each client's invitation stands on its own
        return results

    @tenant_rpc
    def send_password_resets(self, client_ids):
        tenant_id = self._staff_only()
        ids = tenants.load(ClientIdsSchema, {"client_ids": client_ids})["client_ids"]
        results = []
        for client_id in ids:
            results.append(portal.reset_for_client(self.db, self.outbox, tenant_id, client_id))
            self.db.commit()
        return results

    @tenant_rpc
    def link_portal_user(self, portal_user_id, account_id, rights):
        link = portal.link_user(self.db, self._staff_only(), {
            "portal_user_id": portal_user_id, "account_id": account_id, "rights": rights})
        self.db.commit()
        return link

    # --- portal sign-in (anonymous callers; the tenant comes from the portal's address) ------------

    @tenant_rpc
    def sign_in_client(self, credentials, address=None):
        answer = portal.sign_in_with_password(self.db, self.ctx.tenant_id, credentials, address,
                                              self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def request_login_code(self, login, address=None):
        answer = portal.request_login_code(self.db, self.outbox, self.ctx.tenant_id, login, address,
                                           self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def verify_login_code(self, attempt, code, address=None):
        answer = portal.sign_in_with_code(self.db, self.ctx.tenant_id, attempt, {"code": code},
                                          self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def check_invitation(self, token):
        return portal.describe_invitation(self.db, self.ctx.tenant_id, token, self._general())

    @tenant_rpc
    def accept_invitation(self, token, data):
        answer = portal.accept_invitation(self.db, self.ctx.tenant_id, token, data, self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def request_password_reset(self, login, address=None):
        answer = portal.request_password_reset(self.db, self.outbox, self.ctx.tenant_id, login, address,
                                               self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def check_reset(self, token):
        return portal.describe_reset(self.db, self.ctx.tenant_id, token, self._general())

    @tenant_rpc
    def reset_password(self, token, data):
        answer = portal.reset_password(self.db, self.ctx.tenant_id, token, data, self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def resolve_client_session(self, token):
        answer = portal.resolve_session(self.db, self.ctx.tenant_id, token)
        self.db.commit()
        return answer

    @tenant_rpc
    def switch_account(self, token, account_id):
        answer = portal.switch_account(self.db, self.ctx.tenant_id, token, account_id)
        self.db.commit()
        return answer

    @tenant_rpc
    def sign_out_client(self, token):
        portal.sign_out(self.db, self.ctx.tenant_id, token)
        self.db.commit()
        return {}

    # --- the client's Account tab ----------------------------------------------------------------

    @tenant_rpc
    def get_my_account(self):
        user, account_id, _ = self._client()
        general = self._general()
        return {
            "email": user.email, "username": user.username, "phone": user.phone,
            "mobile_phone": self.db.get(ClientAccount, account_id).mobile_phone,
            "use_usernames": general["use_usernames"],
            "security_questions_enabled": general["security_questions_enabled"],
            "security_questions": portal.security_questions(user, general),
            "custom_fields": clients.custom_field_values(self.db, self.ctx.tenant_id, account_id,
                                                         general["custom_fields_visible"]),
        }

    @tenant_rpc
    def update_my_account(self, changes):
        user, account_id, rights = self._client()
        values = tenants.load(MyAccountChangesSchema, changes)
        general = self._general()
        if "custom_fields" in values:
            if not portal.check_rights(rights, "manage"):
                raise PermissionDenied("You may view this account but not change it.")
            clients.set_custom_field_values(self.db, self.ctx.tenant_id, account_id,
                                            values["custom_fields"], general["custom_fields_visible"])
        if "username" in values:
            portal.set_username(self.db, user, values["username"], required=general["use_usernames"])
        if "phone" in values:
            user.phone = values["phone"]
        if "mobile_phone" in values:
            self.db.get(ClientAccount, account_id).mobile_phone = values["mobile_phone"]
        self.db.commit()
        return self.get_my_account()

    @tenant_rpc
    def change_my_password(self, data):
        user, _, _ = self._client()
        portal.change_password(self.db, user, data, self._general())
        self.db.commit()
        return {}

    @tenant_rpc
    def request_email_change(self, data):
        user, _, _ = self._client()
        answer = portal.request_email_change(self.db, self.outbox, user, data)
        self.db.commit()
        return answer

    @tenant_rpc
    def confirm_email_change(self, data):
        user, _, _ = self._client()
        answer = portal.confirm_email_change(self.db, user, data)
        self.db.commit()
        return answer

    @tenant_rpc
    def set_security_answers(self, data):
        user, _, _ = self._client()
        portal.set_security_answers(user, data, self._general())
        self.db.commit()
        return {"security_questions": portal.security_questions(user, self._general())}

    # --- settings: the General tab ---------------------------------------------------------------

    @tenant_rpc
    def get_settings(self, tab=GENERAL):
        tenant = self._tenant()
        stored = read_settings(self.db, platform.tenant_settings, tenant.id, TABS, tab)
        return {**ProfileSchema().dump(tenant), "has_logo": bool(tenant.logo_content_type), **stored}

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
