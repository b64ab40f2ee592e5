"""The portal's tab bar: the tabs the business enabled for the client, decided in one place (``portal_tabs``) from
answers asked in one parallel call, once per page: with the page's own parallel call when it makes one
(``ask_with_the_page``; the Home page asks them with its panels: ``TAB_CALLS``), else on their own.

- Home, Messages (chat), Notifications (with the unread count) and Account: always.
- Billing: any of billing's client features on (billing's ``my_tab_bar``).
- Services: any part of the Services tab on; Estimates: estimates shown (``my_tab_bar``, with the count awaiting).
- Tickets: clients may open tickets or see open or closed ones; Documents: documents on (tickets' options).

A service that cannot answer hides the tabs only it could vouch for (Services, Estimates, Documents) and keeps the
ones that are on by default (Billing, Tickets); the page itself never fails for the tab bar.
"""
import logging
from dataclasses import dataclass

from flask import g, request

from gateway.services import ask_along, drop_along, rpc
from shared.i18n import _

log = logging.getLogger(__name__)

TAB_CALLS = {"billing_tabs": ("billing", "my_tab_bar", ()),
             "ticket_options": ("tickets", "my_ticket_options", ()),
             "unread_chat": ("tickets", "count_my_unread_chat", ()),
             "unread_feed": ("notifications", "my_feed_unread_count", ())}
TAB_TIMEOUT_SECONDS = 2.0  # a page waits this long for its tab bar, then shows what it knows
# billing down hides its tabs, not the page (Billing stays: it is the portal's reason to be)
NOTHING_SHOWN = {"billing": True, "services": False, "estimates_awaiting": None}
TICKET_VIEWS = ("tickets_enabled", "show_open_tickets", "show_closed_tickets")


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    endpoint: str
    count: int | None = None
    count_hint: str = ""


def ask_with_the_page():
    """Before a portal page is shown: its own parallel call, if it makes one, asks the tab bar's questions too."""
    if request.method == "GET":
        ask_along(TAB_CALLS, remember)


def asked_by_the_page():
    """The page asks the tab bar's questions among its own (``TAB_CALLS``): none ride along."""
    drop_along()


def remember(results):
    """Keep the tab bar's answers a page asked with its own calls (``results`` holds ``TAB_CALLS``' keys)."""
    g.tab_answers = {key: results.pop(key) for key in TAB_CALLS if key in results}


def tab_answers():
    """The answers the tab bar needs, asked at once the first time a page needs them."""
    if "tab_answers" not in g:
        drop_along()  # asked here, not again with another call
        g.tab_answers = rpc().call_parallel(TAB_CALLS, timeout=TAB_TIMEOUT_SECONDS)
    return g.tab_answers


def _answer(key, fallback):
    value = tab_answers().get(key)
    if isinstance(value, Exception) or value is None:
        if value is not None:
            log.warning("tab bar without %s: %s", key, value)
        return fallback
    return value


def billing_tab_bar():
    """Billing's answer: ``{billing, services, estimates_awaiting}`` (NOTHING_SHOWN when billing cannot say)."""
    return _answer("billing_tabs", NOTHING_SHOWN)


def unread_chat():
    """How many chat messages the client has not read; None when tickets cannot say."""
    if "unread_chat" in g:  # the chat list knows it from its own call
        return g.unread_chat
    return _answer("unread_chat", None)


def unread_feed():
    """How many of the account's notifications are unread; None when notifications cannot say."""
    if "unread_feed" in g:  # the Notifications page knows it from its own call
        return g.unread_feed
    return _answer("unread_feed", None)


def shown():
    """``{tab: shown}`` for every tab the portal has."""
    billing, options = billing_tab_bar(), _answer("ticket_options", None)
    return {"home": True, "billing": billing.get("billing", True), "services": billing["services"],
            "tickets": options is None or any(options.get(key) for key in TICKET_VIEWS), "chat": True,
            "documents": bool(options and options.get("documents_enabled")),
            "estimates": billing["estimates_awaiting"] is not None, "notifications": True, "account": True}


def portal_tabs(current=None):
    """The tabs to show, in order; the page being shown (``current``) always is."""
    visible = shown()
    tabs = [Tab("home", _("Home"), "portal.home.home"),
            Tab("billing", _("Billing"), "portal.billing.billing_tab"),
            Tab("services", _("Services"), "portal.services.services_tab_page"),
            Tab("tickets", _("Tickets"), "portal.tickets.tickets_tab"),
            Tab("chat", _("Messages"), "portal.chat.thread_list", unread_chat(), _("unread")),
            Tab("documents", _("Documents"), "portal.documents.documents_tab_page"),
            Tab("estimates", _("Estimates"), "portal.estimates.estimate_list",
                billing_tab_bar()["estimates_awaiting"], _("awaiting your answer")),
            Tab("notifications", _("Notifications"), "portal.feed.notification_list", unread_feed(), _("unread")),
            Tab("account", _("Account"), "portal.account.account")]
    return [tab for tab in tabs if visible[tab.key] or tab.key == current]
