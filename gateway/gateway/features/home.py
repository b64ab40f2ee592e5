"""The client's Home tab: the business's branding and the billing, tickets, documents and services panels."""
import logging

from flask import g

from gateway.features.feed import HOME_ITEMS as HOME_FEED_ITEMS, news_panels
from gateway.services import first_error, rpc

log = logging.getLogger(__name__)
PAYING_RIGHTS = ("pay", "manage")
HOME_DOCUMENTS = 3  # the newest few, in the Documents panel
HOME_TICKETS = 5


def may_pay():
    return g.client_session["account"]["rights"] in PAYING_RIGHTS


def home_panels():
    """Ask accounts (the business's branding) and billing (the client's summary) at once for the Home tab.

    A failing billing service leaves out the billing panels instead of the whole page.
    """
    results = rpc().call_parallel({"business": ("accounts", "get_portal_config", ()),
                                   "billing": ("billing", "my_summary", ()),
                                   "ticket_options": ("tickets", "my_ticket_options", ()),
                                   "open_tickets": ("tickets", "my_tickets", ("open", {"limit": HOME_TICKETS})),
                                   "documents": ("tickets", "my_documents", ({"limit": HOME_DOCUMENTS},)),
                                   "services": ("billing", "my_next_visit", ()),
                                   "announcements": ("notifications", "my_announcements", ()),
                                   "whats_new": ("notifications", "my_feed", (HOME_FEED_ITEMS,))})
    news = news_panels(results.pop("announcements"), results.pop("whats_new"))
    documents = results.pop("documents")
    g.documents_shown = not isinstance(documents, Exception)  # off (403) or tickets down: no panel, no tab
    summary = results.pop("billing")
    tickets = ticket_panels(results.pop("ticket_options"), results.pop("open_tickets"))
    services = services_panel(results.pop("services"))
    g.business = first_error(results)["business"]
    if isinstance(summary, Exception):
        log.warning("home page without billing panels: %s", summary)
        summary = None
    return {"billing_summary": summary, "billing_may_pay": may_pay(), **tickets,
            "documents_panel": documents if g.documents_shown else None,
            "services_panel": services, **news}


def services_panel(services):
    """The Services panel (the next visit) when the business shows upcoming visits; it also tells the tab bar
    whether the Services tab is shown. A failing billing service leaves both out."""
    if isinstance(services, Exception):
        log.warning("home page without the services panel: %s", services)
        g.services_shown = False
        return None
    g.services_shown = services["tab_shown"]
    return services if services["upcoming_shown"] else None


def ticket_panels(options, open_tickets):
    """The floating open-a-ticket button when clients may open tickets; the Open tickets panel when they may see
    them. A failing tickets service leaves both out."""
    if isinstance(options, Exception):
        log.warning("home page without ticket panels: %s", options)
        return {"may_open_ticket": False, "open_tickets": None}
    return {"may_open_ticket": options["tickets_enabled"],
            "open_tickets": None if isinstance(open_tickets, Exception) else open_tickets["items"]}
