"""The client's Home tab: the business's branding and the panels of PRODUCT.md "Home" - total due and past-due
invoices with Pay Now, services (the next visit), open tickets, shared documents (and announcements) - with the
tab bar's answers, all asked in ONE parallel call: no question is asked twice for a page, and each service is asked
once (``call_parallel`` sends a service's several questions as one batch).

Each panel stands on its own: a panel the business does not show (its service refuses: PermissionDenied) is left
out; a panel whose service cannot answer (stopped, timed out, failing) shows a short notice ("Tickets are
unavailable right now.") while the rest of the page works. Only accounts (the business's branding, needed to sign
the client in at all) failing fails the page.

A new panel is one ``Panel`` in ``PANELS`` (its calls join the parallel call) and one block in portal/home.html.
"""
import logging
from dataclasses import dataclass
from typing import Callable

from flask import g

from gateway.features import business, tab_bar
from gateway.features.feed import HOME_ITEMS as HOME_FEED_ITEMS
from gateway.services import rpc
from shared.errors import PermissionDenied
from shared.i18n import N_, _

log = logging.getLogger(__name__)
PAYING_RIGHTS = ("pay", "manage")
HOME_DOCUMENTS = 3  # the newest few, in the Documents panel
HOME_TICKETS = 5
PANEL_TIMEOUT_SECONDS = 3.0  # a panel whose service has not answered by then shows its notice


@dataclass(frozen=True)
class Panel:
    key: str  # the template's variable holding the panel's data
    heading: str  # marked with N_, as the notice: shown in the page's language
    unavailable: str  # the notice shown in its place when its service cannot answer
    calls: dict  # {result key: (service, method, args)}, asked with every other panel's at once
    build: Callable  # {result key: answer} -> the template's value, None when the panel is not shown


def _next_visit(answers):
    """The Services panel when the business shows upcoming visits."""
    services = answers["next_visit"]
    return services if services["upcoming_shown"] else None


def _announcements(answer):
    """The Announcements panel; the answer's sign-in notice is kept for the page, which need not ask again."""
    g.my_announcements = answer
    return answer["items"]


PANELS = (
    Panel("billing_summary", N_("Billing"), N_("Billing is unavailable right now."),
          {"summary": ("billing", "my_summary", ())}, lambda answers: answers["summary"]),
    Panel("services_panel", N_("Services"), N_("Services are unavailable right now."),
          {"next_visit": ("billing", "my_next_visit", ())}, _next_visit),
    Panel("open_tickets", N_("Open tickets"), N_("Tickets are unavailable right now."),
          {"open_tickets": ("tickets", "my_tickets", ("open", {"limit": HOME_TICKETS}))},
          lambda answers: answers["open_tickets"]["items"]),
    Panel("documents_panel", N_("Documents"), N_("Documents are unavailable right now."),
          {"documents": ("tickets", "my_documents", ({"limit": HOME_DOCUMENTS},))},
          lambda answers: answers["documents"]),
    Panel("announcements_panel", N_("Announcements"), N_("Announcements are unavailable right now."),
          {"announcements": ("notifications", "my_announcements", ())},
          lambda answers: _announcements(answers["announcements"])),
    Panel("whats_new", N_("What's new"), N_("Your notifications are unavailable right now."),
          {"whats_new": ("notifications", "my_feed", (HOME_FEED_ITEMS,))}, lambda answers: answers["whats_new"]),
)


def may_pay():
    return g.client_session["account"]["rights"] in PAYING_RIGHTS


def home_calls(panels=PANELS):
    """Every question the Home page asks: the branding, each panel's, the tab bar's."""
    calls = business.portal_config_calls()
    for panel in panels:
        calls.update(panel.calls)
    # What's new answers the navigation's unread count too (home_panels): not asked twice.
    return {**calls, **{key: call for key, call in tab_bar.TAB_CALLS.items() if key != "unread_feed"}}


def compose(panels, results):
    """Return ``({panel key: data or None}, {panel key: (heading, notice)})`` from the answers."""
    context, unavailable = {}, {}
    for panel in panels:
        answers = {key: results[key] for key in panel.calls}
        errors = [answer for answer in answers.values() if isinstance(answer, Exception)]
        down = [error for error in errors if not isinstance(error, PermissionDenied)]
        if down:
            log.warning("home page without the %s panel: %s", panel.key, down[0])
            unavailable[panel.key] = (_(panel.heading), _(panel.unavailable))
        context[panel.key] = None if errors else panel.build(answers)
    return context, unavailable


def home_panels(panels=PANELS):
    """Ask everything the Home page shows at once; return the template's context."""
    tab_bar.asked_by_the_page()
    results = rpc().call_parallel(home_calls(panels), timeout=PANEL_TIMEOUT_SECONDS)
    tab_bar.remember(results)
    business.portal_config_answered(results)
    context, unavailable = compose(panels, results)
    g.tab_answers["unread_feed"] = (context.get("whats_new") or {}).get("unread")
    options = tab_bar.tab_answers().get("ticket_options")
    may_open_ticket = not isinstance(options, Exception) and bool(options and options.get("tickets_enabled"))
    return {**context, "billing_may_pay": may_pay(), "may_open_ticket": may_open_ticket,
            "unavailable": unavailable}
