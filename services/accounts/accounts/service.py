"""The accounts service's entrypoints: tenants, staff, clients, portal sign-in, the General tab."""
from eventlet import tpool

from accounts import (VERSION, access, audit_facts, client_sessions, clients, custom_fields, general_tab, invitations,
                      login_codes, logo, mail_senders, my_account, password_resets, passports, passwords,
                      portal_users, retention, security_questions, sign_in, staff_sessions, tenants)
from accounts.access_changes import AccessChanges
from accounts.dependencies import DataKeys, PassportIssuer
from accounts.staff_entrypoints import StaffCredentialEntrypoints
from accounts.models import platform
from accounts.schemas import (AcceptInvitationSchema, ChangePasswordSchema, ClientChangesSchema, ClientIdsSchema,
                              CodeSchema, EmailChangeSchema, LinkSchema, LoginSchema, MyAccountChangesSchema,
                              NewClientSchema, NewCustomFieldSchema, NewStaffUserSchema, NewTenantSchema,
                              PasswordSignInSchema, ResetPasswordSchema, SecurityAnswersSchema,
                              StaffSignInSchema, StaffUserSchema, TenantSchema)
from accounts.settings import GENERAL, OWNER_ONLY, TABS
from shared.batch import batchable
from shared.audit import who
from shared.blob_provider import BlobStore
from shared.context import operator_rpc, public_rpc, tenant_rpc
from shared.entrypoints import StandardEntrypoints, announce_settings
from shared.messaging import Outbox
from shared.validation import load_or_raise

passwords.run_cpu_bound = tpool.execute  # argon2 off the event loop, so heartbeats keep flowing
logo.run_cpu_bound = tpool.execute  # so is decoding and encoding an image


class AccountsService(StaffCredentialEntrypoints, StandardEntrypoints):
    name = "accounts"
    version = VERSION
    tables = platform
    settings_tabs = TABS
    retention_rules = retention.RULES

    outbox = Outbox(platform)
    access_changes = AccessChanges()  # after outbox and db: it watches the one with the other
    passport = PassportIssuer()
    data_keys = DataKeys()
    blobs = BlobStore()

    # --- tenants ----------------------------------------------------------------------------------

    @operator_rpc
    def create_tenant(self, tenant):
        """Create a tenant with its owner: an operator's call, whose passport only accounts' key signs."""
        created = tenants.create_tenant(self.db, self.outbox, load_or_raise(NewTenantSchema, tenant))
        self.db.commit()
        return created

    @public_rpc
    def find_tenant(self, slug):
        """Return the business at ``slug`` and a visitor's passport for its public portal calls."""
        tenant = TenantSchema().dump(tenants.find_by_slug(self.db, slug))
        return {**tenant, "passport": self.passport.issue(passports.for_visitor(tenant))}

    @public_rpc
    def find_mail_sender(self, slug, email):
        """Return ``{tenant_id, account_id, portal_user_id}`` of the client ``email`` at ``slug`` (ids only)."""
        return mail_senders.find_sender(self.db, slug, email)

    @tenant_rpc
    def get_tenant(self):
        return TenantSchema().dump(tenants.get_tenant(self.db, self.ctx.tenant_id))

    @batchable
    @tenant_rpc
    def get_portal_config(self):
        return general_tab.portal_config(self.db, tenants.get_tenant(self.db, self.ctx.tenant_id))

    @tenant_rpc
    def set_logo(self, upload_id):
        """Check the image uploaded as blob ``upload_id``; keep a re-encoded copy as the business's logo."""
        tenant = tenants.get_tenant(self.db, access.staff_tenant(self.ctx))
        answer, replaced = logo.set_logo(self.db, self.outbox, self.blobs, tenant, upload_id)
        self.db.commit()
        logo.discard(self.blobs, replaced)
        return answer

    @tenant_rpc
    def remove_logo(self):
        tenant = tenants.get_tenant(self.db, access.staff_tenant(self.ctx))
        answer, removed = logo.remove_logo(self.db, self.outbox, tenant)
        self.db.commit()
        logo.discard(self.blobs, removed)
        return answer

    @tenant_rpc
    def get_logo(self):
        return logo.logo_of(tenants.get_tenant(self.db, self.ctx.tenant_id))

    # --- staff ------------------------------------------------------------------------------------

    @tenant_rpc
    def add_staff_user(self, user):
        tenant_id = access.owner_tenant(self.ctx)
        row = tenants.add_staff_user(self.db, self.outbox, tenant_id, load_or_raise(NewStaffUserSchema, user))
        self.db.commit()
        return StaffUserSchema().dump(row)

    @batchable
    @tenant_rpc
    def list_staff_users(self):
        return StaffUserSchema(many=True).dump(tenants.list_staff(self.db, access.staff_tenant(self.ctx)))

    @public_rpc
    def sign_in_staff(self, credentials, address=None):
        """Check a staff email and password; return a new session's token and CSRF token."""
        answer = staff_sessions.sign_in(self.db, load_or_raise(StaffSignInSchema, credentials), address)
        self.db.commit()
        return answer

    @public_rpc
    def resolve_staff_session(self, token):
        """Return who a session token belongs to, with their passport, refreshing its idle timer."""
        answer = staff_sessions.resolve(self.db, token)
        self.db.commit()
        return {**answer, "passport": self.passport.issue(passports.for_staff(answer["user"], answer["tenant"]))}

    @public_rpc
    def sign_out_staff(self, token):
        staff_sessions.sign_out(self.db, token)
        self.db.commit()
        return {"signed_out": True}

    # --- clients and custom fields (staff) -------------------------------------------------------

    @tenant_rpc
    def create_client(self, client):
        tenant_id = access.staff_tenant(self.ctx)
        row = clients.create_client(self.db, tenant_id, load_or_raise(NewClientSchema, client))
        audit_facts.record(self.db, self.outbox, tenant_id, row.id, "account_created", "Created the client account",
                           who(self.ctx))
        clients.announce_client(self.outbox, self.db, row)
        self.db.commit()
        return clients.describe_client(self.db, row)

    @tenant_rpc
    def update_client(self, client_id, changes):
        row = clients.find_client(self.db, access.staff_tenant(self.ctx), client_id)
        before, announced = audit_facts.client_details(row), clients.announced(row)
        clients.update_client(row, load_or_raise(ClientChangesSchema, changes, partial=True))
        audit_facts.edited_by_staff(self.db, self.outbox, row, before, audit_facts.client_details(row), who(self.ctx))
        if clients.announced(row) != announced:
            clients.announce_client(self.outbox, self.db, row)
        self.db.commit()
        return clients.describe_client(self.db, row)

    @batchable
    @tenant_rpc
    def get_client(self, client_id):
        return clients.describe_client(self.db, clients.find_client(self.db, access.staff_tenant(self.ctx), client_id))

    @tenant_rpc
    def list_clients(self, query=None, without_portal=False, page=1, per_page=50, brief=False):
        return clients.list_clients(self.db, access.staff_tenant(self.ctx), query, bool(without_portal), page,
                                    per_page, bool(brief))

    @tenant_rpc
    def list_custom_fields(self):
        tenant_id = access.staff_tenant(self.ctx)
        visible = general_tab.general_settings(self.db, tenant_id)["custom_fields_visible"]
        return [custom_fields.describe_field(field, visible)
                for field in custom_fields.list_custom_fields(self.db, tenant_id)]

    @tenant_rpc
    def create_custom_field(self, field):
        tenant_id = access.staff_tenant(self.ctx)
        row = custom_fields.create_custom_field(self.db, tenant_id, load_or_raise(NewCustomFieldSchema, field))
        self.db.commit()
        visible = general_tab.general_settings(self.db, tenant_id)["custom_fields_visible"]
        return custom_fields.describe_field(row, visible)

    @tenant_rpc
    def delete_custom_field(self, field_id):
        custom_fields.delete_custom_field(self.db, access.staff_tenant(self.ctx), field_id)
        self.db.commit()
        return {}

    @tenant_rpc
    def set_custom_field_values(self, client_id, values):
        tenant_id = access.staff_tenant(self.ctx)
        client = clients.find_client(self.db, tenant_id, client_id)
        before = audit_facts.custom_values(self.db, client)
        custom_fields.set_custom_field_values(self.db, tenant_id, client.id, values)
        audit_facts.edited_by_staff(self.db, self.outbox, client, before, audit_facts.custom_values(self.db, client),
                                    who(self.ctx))
        self.db.commit()
        return clients.describe_client(self.db, client)

    # --- portal users (staff) --------------------------------------------------------------------

    @tenant_rpc
    def list_portal_users(self, without_portal=False, query=None):
        return portal_users.list_portal_users(self.db, access.staff_tenant(self.ctx), bool(without_portal), query)

    @tenant_rpc
    def invite_clients(self, client_ids):
        tenant_id = access.staff_tenant(self.ctx)
        general = general_tab.general_settings(self.db, tenant_id)
        return self._one_by_one(client_ids, lambda client_id: audit_facts.bulk_result(
            self.db, self.outbox, tenant_id, invitations.invite(self.db, self.outbox, tenant_id, client_id, general),
            "portal_user_invited", "Invited the client to the portal", who(self.ctx)))

    @tenant_rpc
    def send_password_resets(self, client_ids):
        tenant_id = access.staff_tenant(self.ctx)
        return self._one_by_one(client_ids, lambda client_id: audit_facts.bulk_result(
            self.db, self.outbox, tenant_id, password_resets.send_for_client(self.db, self.outbox, tenant_id, client_id),
            "password_reset_sent", "Sent the client a password reset link", who(self.ctx)))

    def _one_by_one(self, client_ids, act):
        """Load the ids and run ``act`` on each, committing each on its own so one failure undoes no other."""
        results = []
        for client_id in load_or_raise(ClientIdsSchema, {"client_ids": client_ids})["client_ids"]:
            results.append(act(client_id))
            self.db.commit()
        return results

    @tenant_rpc
    def link_portal_user(self, portal_user_id, account_id, rights):
        tenant_id = access.staff_tenant(self.ctx)
        values = load_or_raise(LinkSchema, {"portal_user_id": portal_user_id, "account_id": account_id,
                                            "rights": rights})
        link = portal_users.link_user(self.db, tenant_id, values)
        audit_facts.record(self.db, self.outbox, tenant_id, link["account_id"], "portal_user_linked",
                           f"Gave portal user {link['portal_user_id']} {link['rights']} rights on the account",
                           who(self.ctx))
        self.db.commit()
        return link

    # --- portal sign-in (anonymous callers; the tenant comes from the portal's address) ------------

    @tenant_rpc
    def sign_in_client(self, credentials, address=None):
        values = load_or_raise(PasswordSignInSchema, credentials)
        answer = sign_in.with_password(self.db, self.outbox, self.ctx.tenant_id, values, address, self._general(),
                                       self.ctx.origin)
        self.db.commit()
        return answer

    @tenant_rpc
    def request_login_code(self, login, address=None):
        values = load_or_raise(LoginSchema, login)
        answer = login_codes.request_code(self.db, self.outbox, self.ctx.tenant_id, values, address,
                                          self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def verify_login_code(self, attempt, code, address=None):
        values = load_or_raise(CodeSchema, {"code": code})
        answer = login_codes.sign_in_with_code(self.db, self.outbox, self.ctx.tenant_id, attempt, values,
                                               self._general(), address, self.ctx.origin)
        self.db.commit()
        return answer

    @tenant_rpc
    def check_invitation(self, token):
        invitation = invitations.live_invitation(self.db, self.ctx.tenant_id, token)
        return invitations.describe(self.db, invitation, self._general())

    @tenant_rpc
    def accept_invitation(self, token, data):
        invitation = invitations.live_invitation(self.db, self.ctx.tenant_id, token)
        values = load_or_raise(AcceptInvitationSchema, data)
        answer = invitations.accept(self.db, self.outbox, invitation, values, self._general(), self.ctx.origin)
        self.db.commit()
        return answer

    @tenant_rpc
    def request_password_reset(self, login, address=None):
        values = load_or_raise(LoginSchema, login)
        answer = password_resets.request_reset(self.db, self.outbox, self.ctx.tenant_id, values, address,
                                               self._general())
        self.db.commit()
        return answer

    @tenant_rpc
    def check_reset(self, token):
        reset = password_resets.live_reset(self.db, self.ctx.tenant_id, token)
        return password_resets.describe(self.db, reset, self._general())

    @tenant_rpc
    def reset_password(self, token, data, address=None):
        reset = password_resets.live_reset(self.db, self.ctx.tenant_id, token)
        values = load_or_raise(ResetPasswordSchema, data)
        answer = password_resets.reset_password(self.db, self.outbox, reset, values, self._general(), address,
                                                 self.ctx.origin)
        self.db.commit()
        return answer

    @tenant_rpc
    def resolve_client_session(self, token):
        """Return whose portal session ``token`` is, with their passport for this request's calls."""
        answer = client_sessions.resolve(self.db, self.ctx.tenant_id, token)
        self.db.commit()
        tenant = tenants.get_tenant(self.db, self.ctx.tenant_id)
        return {**answer, "passport": self.passport.issue(passports.for_client(tenant, answer))}

    @tenant_rpc
    def switch_account(self, token, account_id):
        answer = client_sessions.switch_account(self.db, self.ctx.tenant_id, token, account_id)
        self.db.commit()
        return answer

    @tenant_rpc
    def sign_out_client(self, token):
        client_sessions.sign_out(self.db, self.ctx.tenant_id, token)
        self.db.commit()
        return {}

    # --- the client's Account tab ----------------------------------------------------------------

    @batchable
    @tenant_rpc
    def get_my_account(self):
        user, account_id, rights = access.signed_in_client(self.db, self.ctx)
        return my_account.describe(self.db, user, account_id, self._general(), rights)

    @tenant_rpc
    def get_my_names(self):
        """The signed-in client's name and the name of the account they act for (tickets names them to staff)."""
        user, account_id, _ = access.signed_in_client(self.db, self.ctx)
        return my_account.names(self.db, user, account_id)

    @tenant_rpc
    def update_my_account(self, changes):
        user, account_id, rights = access.signed_in_client(self.db, self.ctx)
        values = load_or_raise(MyAccountChangesSchema, changes)
        general = self._general()
        account = clients.find_client(self.db, user.tenant_id, account_id)
        before = clients.announced(account)
        my_account.update(self.db, self.outbox, user, account_id, rights, values, general, who(self.ctx))
        if clients.announced(account) != before:
            clients.announce_client(self.outbox, self.db, account)
        self.db.commit()
        return my_account.describe(self.db, user, account_id, general, rights)

    @tenant_rpc
    def change_my_password(self, data, keep_session=None):
        """Change the client's password; every session but ``keep_session`` (the caller's token) ends."""
        user, _, _ = access.signed_in_client(self.db, self.ctx)
        my_account.change_password(self.db, self.outbox, user, load_or_raise(ChangePasswordSchema, data),
                                   self._general(), who(self.ctx), keep_session)
        self.db.commit()
        return {}

    @tenant_rpc
    def request_email_change(self, data):
        user, _, _ = access.signed_in_client(self.db, self.ctx)
        answer = my_account.request_email_change(self.db, self.outbox, user, load_or_raise(EmailChangeSchema, data))
        self.db.commit()
        return answer

    @tenant_rpc
    def confirm_email_change(self, data, keep_session=None):
        """Move the client to the new address; every session but ``keep_session`` (the caller's token) ends."""
        user, _, _ = access.signed_in_client(self.db, self.ctx)
        answer = my_account.confirm_email_change(self.db, self.outbox, user, load_or_raise(CodeSchema, data),
                                                 who(self.ctx), keep_session)
        self.db.commit()
        return answer

    @tenant_rpc
    def set_security_answers(self, data):
        user, _, _ = access.signed_in_client(self.db, self.ctx)
        general = self._general()
        security_questions.require_enabled(general)
        security_questions.set_answers(user, load_or_raise(SecurityAnswersSchema, data))
        self.db.commit()
        return {"security_questions": security_questions.questions_of(user, general)}

    # --- settings: the General tab ---------------------------------------------------------------

    @tenant_rpc
    def get_settings(self, tab=GENERAL):
        return general_tab.read_tab(self.db, tenants.get_tenant(self.db, access.staff_tenant(self.ctx)), tab)

    @public_rpc
    def describe_settings(self):
        """Describe each settings tab, the General tab with the profile's fields as get_settings shows them."""
        return general_tab.with_profile(super().describe_settings())

    @tenant_rpc
    def update_settings(self, tab, changes):
        tenant = tenants.get_tenant(self.db, access.staff_tenant(self.ctx))
        if tab == GENERAL and isinstance(changes, dict) and any(
                changes[key] != self._general()[key] for key in OWNER_ONLY & set(changes)):
            access.owner_tenant(self.ctx)  # a form that sends the tab as it is may still be saved by any staff
        general_tab.update_tab(self.db, self.outbox, tenant, tab, changes)
        announce_settings(self.outbox, self.db, self.name, tenant.id, tab)
        self.db.commit()
        return general_tab.read_tab(self.db, tenant, tab)

    def _general(self):
        return general_tab.general_settings(self.db, self.ctx.tenant_id)
