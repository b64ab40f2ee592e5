"""The staff API under /api/v1/staff: one module per feature, all nested in ``blueprint``."""
from gateway.api.blueprints import ApiBlueprint
from gateway.api.staff import (alerts, announcements, branding, charge_runs, chat, client_billing, clients,
                               custom_fields, documents, estimates, history, invoices, jobs, message_templates, outbox,
                               portal_users, service_requests, sessions, settings, tickets)

blueprint = ApiBlueprint("staff_api", __name__, tag="staff", url_prefix="/api/v1/staff")
for feature in (sessions, settings, clients, custom_fields, portal_users, branding, outbox, alerts, announcements,
                invoices, client_billing, jobs, charge_runs, tickets, chat, documents, estimates, service_requests,
                history, message_templates):
    blueprint.register_blueprint(feature.blueprint)
