"""The notifications service's entrypoints for announcements: staff write, edit and withdraw them; a client reads
the live ones of their account and dismisses the sign-in notice (a mixin of NotificationsService, which provides
``db`` and ``ctx``).

Staff name accounts by id: each one not yet named by the announcement is asked of accounts' ``get_client`` as that
staff member (the nested call carries their passport), so another business's account is refused as not found.
A client only ever reaches the account their passport names, and dismisses as the portal user it names.
"""
import eventlet
from nameko.rpc import RpcProxy

from notifications import access, announcements, feed
from notifications.announcement_models import CHOSEN
from notifications.announcement_schemas import AnnouncementInputSchema, AnnouncementSchema
from shared.batch import batchable
from shared.context import client_account, tenant_rpc
from shared.errors import NotFound, ServiceTimeout
from shared.i18n import _
from shared.validation import load_or_raise

ACCOUNTS_TIMEOUT_SECONDS = 3


class AnnouncementEntrypoints:
    accounts = RpcProxy("accounts")  # get_client: is a chosen account this business's client?

    def _check_accounts(self, data, already=()):
        """Refuse (NotFound) any chosen account that is not the business's client; none is asked twice."""
        if data["audience"] != CHOSEN:
            return
        self.db.rollback()  # no transaction (on SQLite, the service's one connection) waits on accounts
        for account_id in sorted(set(data["account_ids"]) - set(already)):
            with eventlet.Timeout(ACCOUNTS_TIMEOUT_SECONDS, ServiceTimeout(_("The accounts service did not answer."))):
                try:
                    self.accounts.get_client(account_id)
                except NotFound:
                    raise NotFound(_("No such client.")) from None

    def _staff_answer(self, row):
        return AnnouncementSchema().dump(announcements.describe(self.db, row, announcements.today()))

    @tenant_rpc
    def list_announcements(self):
        """Every announcement of the business, the newest start first, each with its status."""
        access.staff_member(self.ctx)
        day = announcements.today()
        return AnnouncementSchema(many=True).dump(
            [announcements.describe(self.db, row, day) for row in announcements.list_all(self.db, self.ctx.tenant_id)])

    @tenant_rpc
    def get_announcement(self, announcement_id):
        access.staff_member(self.ctx)
        return self._staff_answer(announcements.find(self.db, self.ctx.tenant_id, announcement_id))

    @tenant_rpc
    def create_announcement(self, announcement):
        """Publish an announcement: ``title``, ``html`` (sanitised), ``audience`` (everyone, accounts) with
        ``account_ids``, ``starts_on`` and optional ``ends_on`` (not before the start)."""
        staff_id = access.staff_member(self.ctx)
        data = load_or_raise(AnnouncementInputSchema, announcement)
        self._check_accounts(data)
        row = announcements.create(self.db, self.ctx.tenant_id, data, staff_id)
        self.db.commit()
        return self._staff_answer(row)

    @tenant_rpc
    def update_announcement(self, announcement_id, announcement):
        """Change an announcement (the whole of it, as create takes it); its feed items take the new title."""
        access.staff_member(self.ctx)
        row = announcements.find(self.db, self.ctx.tenant_id, announcement_id)
        data = load_or_raise(AnnouncementInputSchema, announcement)
        self._check_accounts(data, announcements.chosen_accounts(self.db, row.id))
        row = announcements.update(self.db, self.ctx.tenant_id, announcement_id, data)
        feed.announcement_changed(self.db, self.ctx.tenant_id, row.id, row.title, row.html)
        self.db.commit()
        return self._staff_answer(row)

    @tenant_rpc
    def withdraw_announcement(self, announcement_id):
        """Delete an announcement: it leaves Home, the sign-in notice and every feed."""
        access.staff_member(self.ctx)
        withdrawn = announcements.withdraw(self.db, self.ctx.tenant_id, announcement_id)
        feed.announcement_withdrawn(self.db, self.ctx.tenant_id, withdrawn)
        self.db.commit()
        return {}

    # --- the client ------------------------------------------------------------------------------

    @batchable
    @tenant_rpc
    def my_announcements(self):
        """``{"items", "notice"}``: the announcements live today for the client's account, newest first, and the
        newest of them this portal user has not dismissed (None when none)."""
        tenant_id, account_id = client_account(self.ctx)
        live, notice = announcements.live_and_notice(self.db, tenant_id, account_id, self.ctx.claims.actor_id,
                                                     announcements.today())
        return {"items": [announcements.client_view(row) for row in live],
                "notice": announcements.client_view(notice) if notice is not None else None}

    @tenant_rpc
    def dismiss_announcement_notice(self, announcement_id):
        """Dismiss the sign-in notice of a live announcement of the client's account; any other id is NotFound."""
        tenant_id, account_id = client_account(self.ctx)
        announcements.dismiss(self.db, tenant_id, account_id, self.ctx.claims.actor_id, announcement_id,
                              announcements.today())
        self.db.commit()
        return {}
