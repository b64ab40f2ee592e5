"""The notifications service's entrypoints."""
from notifications import VERSION
from notifications.models import TenantBranding, platform
from notifications.settings import TABS
from shared.context import CallContext, tenant_rpc
from shared.db import Database
from shared.entrypoints import StandardEntrypoints
from shared.errors import NotFound
from shared.events import TENANT_PROFILE_UPDATED
from shared.messaging import Inbox, Outbox, now, on_event


class NotificationsService(StandardEntrypoints):
    name = "notifications"
    version = VERSION
    tables = platform
    settings_tabs = TABS

    db = Database()
    ctx = CallContext()
    inbox = Inbox(platform)
    outbox = Outbox(platform)

    @on_event(TENANT_PROFILE_UPDATED)
    def handle_tenant_profile_updated(self, event):
        data = event["data"]
        branding = self.db.get(TenantBranding, data["tenant_id"]) or TenantBranding(
            tenant_id=data["tenant_id"])
        for key in ("slug", "display_name", "contact_email", "contact_phone"):
            setattr(branding, key, data.get(key))
        branding.updated_at = now()
        self.db.add(branding)

    @tenant_rpc
    def get_branding(self):
        branding = self.db.get(TenantBranding, self.ctx.tenant_id)
        if branding is None:
            raise NotFound("No branding known for this business yet.")
        return {key: getattr(branding, key)
                for key in ("tenant_id", "slug", "display_name", "contact_email", "contact_phone")}
