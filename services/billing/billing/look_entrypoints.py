"""Billing's event handler for the business's look (business_look.py): the first event billing consumes."""
from marshmallow import EXCLUDE

from billing import business_look
from billing.models import platform
from shared.clock import occurred_at
from shared.events import TENANT_PROFILE_UPDATED
from shared.messaging import Inbox, on_event


class LookHandlers:
    inbox = Inbox(platform)

    @on_event(TENANT_PROFILE_UPDATED)
    def handle_tenant_profile_updated(self, event):
        profile = TENANT_PROFILE_UPDATED.schema(unknown=EXCLUDE).load(event["data"])
        business_look.save_look(self.db, profile, occurred_at(event))

