"""Client portal API, Home: the tabs and the panels of the home page in one answer, asked of the services at once;
a panel whose service cannot answer is null with a notice, the rest answers (200)."""
from gateway.api.blueprints import CLIENT, ApiBlueprint
from gateway.features import tab_bar
from gateway.features.home import home_panels
from gateway.schemas.portal.home import PortalHomeSchema

blueprint = ApiBlueprint("home", __name__, tag="portal home", caller=CLIENT)
# The page's panel keys, as the API names them.
PANEL_NAMES = {"billing_summary": "billing", "services_panel": "services", "open_tickets": "open_tickets",
               "documents_panel": "documents", "announcements_panel": "announcements", "whats_new": "whats_new"}


@blueprint.get("/home")
@blueprint.operation("The home page: the tabs the business enabled, total due and past-due invoices, the next "
                     "visit, open tickets, shared documents, announcements and what's new (each null when not shown), and a notice for each "
                     "panel whose service cannot answer right now", response=PortalHomeSchema, dump=True)
def home():
    panels = home_panels()
    services = panels["services_panel"]
    return {"tabs": [tab.key for tab in tab_bar.portal_tabs()], "billing": panels["billing_summary"],
            "services": services and {"visit": services["visit"], "time_zone": services["time_zone"]},
            "open_tickets": panels["open_tickets"], "documents": panels["documents_panel"],
            "announcements": panels["announcements_panel"], "whats_new": panels["whats_new"],
            "may_open_ticket": panels["may_open_ticket"],
            "unavailable": [{"panel": PANEL_NAMES.get(key, key), "message": notice}
                            for key, (_, notice) in panels["unavailable"].items()]}
