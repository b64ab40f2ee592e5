"""Every service's ``settings_updated``: a settings tab of one business was saved (the gateway's caches listen)."""
from marshmallow import Schema, fields

from shared.events.contract import EventContract

SERVICES = ("accounts", "billing", "tickets", "notifications")


class SettingsUpdatedSchema(Schema):
    tab = fields.String(required=True)


# No durable subscriber: each gateway process listens with a queue of its own (gateway/gateway/cache_listener.py).
SETTINGS_UPDATED = {service: EventContract(service, "settings_updated", SettingsUpdatedSchema)
                    for service in SERVICES}


def settings_updated(service):
    """The contract of ``service``'s ``settings_updated`` (a service of the tests' own has one too)."""
    return SETTINGS_UPDATED.get(service) or EventContract(service, "settings_updated", SettingsUpdatedSchema)
