"""Billing's entrypoints of the client's Services tab and of the calendar feed.

A client reads the account their passport acts for (``access.client_account``), never an account named in the
arguments; each part of the tab only when the business shows it (services_tab.py). The calendar feed itself is
public: its token is the credential (calendar_feeds.py).
"""
from billing import access, calendar_feeds, services_tab
from shared.batch import batchable
from shared.context import public_rpc, tenant_rpc


class ServicesTabEntrypoints:
    def _my_services_settings(self, needs="view"):
        tenant_id, account_id = access.client_account(self.ctx, needs)
        return tenant_id, account_id, self._services_settings()

    @batchable
    @tenant_rpc
    def my_services(self):
        """The Services tab: each shown part (upcoming, history, waiting_list, paused), the calendar address's
        state when upcoming visits are shown; 403 when the business shows no part at all."""
        tenant_id, account_id, settings = self._my_services_settings()
        answer = services_tab.services_tab(self.db, tenant_id, account_id, settings)
        if settings["show_scheduled_visits"]:
            answer["calendar"] = calendar_feeds.status(calendar_feeds.live_feed(self.db, tenant_id, account_id))
        return answer

    @tenant_rpc
    def my_visit(self, visit_id):
        """One visit card of the account's (upcoming or history, when that part is shown); others not found."""
        tenant_id, account_id, settings = self._my_services_settings()
        return services_tab.my_visit(self.db, tenant_id, account_id, visit_id, settings)

    @batchable
    @tenant_rpc
    def my_next_visit(self):
        """For the home page and the tab bar: whether the tab is shown and the next visit (when upcoming visits
        are shown). Never refuses a client: what is hidden is simply not in the answer."""
        tenant_id, account_id, settings = self._my_services_settings()
        return services_tab.next_visit(self.db, tenant_id, account_id, settings)

    @tenant_rpc
    def make_my_calendar(self, business_name):
        """A new secret calendar address for the account (the old one stops working): ``{token, calendar}``.
        ``business_name`` is only the calendar's display name."""
        tenant_id, account_id, settings = self._my_services_settings()
        services_tab.require_part(settings, "upcoming")
        token, feed = calendar_feeds.make(self.db, tenant_id, account_id, self.ctx.claims.actor_id, business_name)
        self.db.commit()
        return {"token": token, "calendar": calendar_feeds.status(feed)}

    @tenant_rpc
    def revoke_my_calendar(self):
        """End the account's calendar address (nothing to end is fine)."""
        tenant_id, account_id = access.client_account(self.ctx)
        calendar_feeds.revoke(self.db, tenant_id, account_id)
        self.db.commit()
        return {"calendar": calendar_feeds.status(None)}

    @public_rpc
    def calendar_feed(self, token):
        """The upcoming visits a calendar token opens, for its .ics file; NotFound for a token of the wrong shape,
        unknown or revoked, or while the business hides upcoming visits. Says nothing of any other account."""
        feed = calendar_feeds.find_by_token(self.db, token)
        return calendar_feeds.feed(self.db, feed, self._services_settings(feed.tenant_id))
