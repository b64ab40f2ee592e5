"""Staff API: the settings tabs, each owned by one service."""
from gateway.api.blueprints import STAFF, ApiBlueprint
from gateway.features import settings
from gateway.features.settings import SETTINGS_TABS
from gateway.schemas.staff.settings import SettingsChangesSchema, SupportAddressSchema

blueprint = ApiBlueprint("settings", __name__, tag="staff settings", caller=STAFF)
TAB = [{"in": "path", "name": "tab", "required": True, "schema": {"type": "string", "enum": sorted(SETTINGS_TABS)}}]
# gateway.api.openapi puts each tab's JSON Schema, as its service describes it, in these places.
ONE_TAB = {"type": "object", "description": "The tab's settings: see the tab's schema under components."}


@blueprint.get("/settings")
@blueprint.operation("Every settings tab, each from the service that owns it",
                     response={"type": "object", "additionalProperties": ONE_TAB})
def all_settings():
    return settings.every_tab()


@blueprint.get("/settings/tickets/support-address")
@blueprint.operation("The Tickets tab's support address: forward the business's support mailbox to it, and mail "
                     "from a client's address opens a ticket (read-only, derived from the business's slug)",
                     response=SupportAddressSchema, dump=True)
def support_address():
    return settings.support_address()


@blueprint.get("/settings/<tab>", parameters=TAB)
@blueprint.operation("One settings tab", response=ONE_TAB)
def one_settings_tab(tab):
    return settings.one_tab(tab)


@blueprint.patch("/settings/<tab>", parameters=TAB)
@blueprint.operation("Change some settings of one tab; invalid values change nothing", body=SettingsChangesSchema,
                     response=ONE_TAB)
def update_settings_tab(changes, tab):
    return settings.change_tab(tab, changes)
