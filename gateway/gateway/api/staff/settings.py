"""Staff API: the settings tabs, each owned by one service."""
from gateway.api.blueprints import ApiBlueprint, staff_required
from gateway.features import settings
from gateway.features.settings import SETTINGS_TABS
from gateway.schemas.staff.settings import SettingsChangesSchema

blueprint = ApiBlueprint("settings", __name__, tag="staff settings")
TAB = [{"in": "path", "name": "tab", "required": True, "schema": {"type": "string", "enum": sorted(SETTINGS_TABS)}}]


@blueprint.get("/settings")
@staff_required
@blueprint.doc(summary="Every settings tab, each from the service that owns it")
@blueprint.answers(200, {"type": "object", "additionalProperties": {"type": "object"}})
def all_settings():
    return settings.every_tab()


@blueprint.get("/settings/<tab>", parameters=TAB)
@staff_required
@blueprint.doc(summary="One settings tab")
@blueprint.answers(200, {"type": "object"})
def one_settings_tab(tab):
    return settings.one_tab(tab)


@blueprint.patch("/settings/<tab>", parameters=TAB)
@staff_required
@blueprint.doc(summary="Change some settings of one tab; invalid values change nothing")
@blueprint.body(SettingsChangesSchema)
@blueprint.answers(200, {"type": "object"})
def update_settings_tab(changes, tab):
    return settings.change_tab(tab, changes)
