"""The settings tabs: each owned by one service, read and changed through it."""
from gateway.services import SERVICES, first_error, rpc
from shared.errors import NotFound
from shared.i18n import N_, _

# Which service owns each settings tab.
SETTINGS_TABS = {
    "general": "accounts",
    "billing": "billing",
    "services": "billing",
    "tickets": "tickets",
    "alerts": "notifications",
}
# What each tab is called on the settings page.
TAB_NAMES = {"general": N_("General"), "billing": N_("Billing"), "services": N_("Services"),
             "tickets": N_("Tickets"), "alerts": N_("Alerts")}
# Alerts map each client action to the staff to alert; tickets name one assignee.
TABS_NAMING_STAFF = {"alerts", "tickets"}


def owner_of(tab):
    """Return the service that owns ``tab``; raise NotFound for a tab that does not exist."""
    try:
        return SETTINGS_TABS[tab]
    except KeyError:
        raise NotFound(_("There is no settings tab named %(tab)s.", tab=repr(tab))) from None


def every_tab():
    """Return every tab's settings, each asked of its owner at once."""
    return first_error(rpc().call_parallel({tab: (service, "get_settings", (tab,))
                                            for tab, service in SETTINGS_TABS.items()}))


def one_tab(tab):
    return rpc().call(owner_of(tab), "get_settings", tab)


def change_tab(tab, changes):
    """Change some settings of ``tab``; the owner refuses invalid values and changes nothing then."""
    return rpc().call(owner_of(tab), "update_settings", tab, changes)


def descriptions():
    """Return each tab's JSON Schema, asked of every service at once; a silent service is left out."""
    results = rpc().call_parallel({name: (name, "describe_settings", ()) for name in SERVICES})
    tabs = {}
    for result in results.values():
        if not isinstance(result, Exception):
            tabs.update(result)
    return tabs


def support_address():
    """Return ``{address}``: where the business forwards its support mailbox (notifications derives it)."""
    return rpc().call("notifications", "support_address")


def form_data(tab):
    """Return the tab's JSON Schema, its stored values, the staff to offer by name (None if unknown) and what the
    tab shows beside its settings: the Tickets tab's support address, the Billing tab's payment processor (each
    None if unknown)."""
    owner = owner_of(tab)
    calls = {"descriptions": (owner, "describe_settings", ()),
             "values": (owner, "get_settings", (tab,))}
    if tab in TABS_NAMING_STAFF:
        calls["staff"] = ("accounts", "list_staff_users", ())
    if tab == "tickets":
        calls["support"] = ("notifications", "support_address", ())
    if tab == "billing":
        calls["processor"] = ("billing", "payment_processor", ())
    results = rpc().call_parallel(calls)
    staff, support, processor = (results.pop(name, None) for name in ("staff", "support", "processor"))
    first_error(results)
    description = results["descriptions"].get(tab)
    if description is None:
        raise NotFound(_("There is no settings tab named %(tab)s.", tab=repr(tab)))
    # Without the staff list, staff ids can still be typed as numbers; without notifications, no address shows.
    beside = {"support_address": None if isinstance(support, Exception) or support is None else support["address"],
              "payment_processor": None if isinstance(processor, Exception) else processor}
    return description, results["values"], None if isinstance(staff, Exception) else staff, beside
