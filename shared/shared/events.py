"""Event contracts: who publishes what, the payload's schema, and who subscribes.

Every service declares this whole topology at start-up, so a subscriber's queue exists
(and keeps events) before that subscriber has ever run. Payloads only ever gain fields.
"""
from dataclasses import dataclass

from marshmallow import Schema, fields


@dataclass(frozen=True)
class EventContract:
    source: str
    name: str
    schema: type
    subscribers: tuple = ()


class TenantProfileSchema(Schema):
    tenant_id = fields.Integer(required=True)
    slug = fields.String(required=True)
    display_name = fields.String(required=True)
    contact_email = fields.String(allow_none=True, load_default=None)
    contact_phone = fields.String(allow_none=True, load_default=None)


TENANT_PROFILE_UPDATED = EventContract(
    "accounts", "tenant_profile_updated", TenantProfileSchema, subscribers=("notifications",))

CONTRACTS = (TENANT_PROFILE_UPDATED,)
SERVICES = ("accounts", "billing", "tickets", "notifications")


def subscriber_queue(source, event_type, service):
    """Name of ``service``'s queue for ``source``'s ``event_type`` (one handler per event per service)."""
    return f"evt-{source}-{event_type}--{service}"


def dead_letter_queue(service):
    return f"dead-letters.{service}"
