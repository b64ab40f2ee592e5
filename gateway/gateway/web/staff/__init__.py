"""The staff pages: the base (sign-in, headers) with one blueprint per feature nested under /staff."""
from gateway.web.staff import (alerts, base, charge_runs, client_billing, clients, custom_fields, invitation_email,
                               invoice, invoices, outbox, portal_users, settings)

blueprint = base.blueprint
for feature in (settings, clients, custom_fields, portal_users, invitation_email, outbox, alerts, invoices, invoice,
                charge_runs, client_billing):
    blueprint.register_blueprint(feature.blueprint, url_prefix="/staff")
