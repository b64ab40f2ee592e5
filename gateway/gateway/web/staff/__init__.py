"""The staff pages: the base (sign-in, headers) with one blueprint per feature nested under /staff."""
from gateway.web.staff import (account, alerts, announcements, base, charge_runs, chat, client_billing, clients,
                               credentials, custom_fields, documents, estimates, history, invitation_email, invoice,
                               invoice_refund, invoices, jobs, message_templates, outbox, portal_users, service_list, service_requests,
                               settings,
                               ticket_categories, ticket_new, tickets)

blueprint = base.blueprint
for feature in (credentials, account, settings, clients, custom_fields, portal_users, invitation_email, outbox, alerts,
                announcements, invoices, invoice, invoice_refund, charge_runs, client_billing, tickets, ticket_categories, ticket_new,
                chat, documents, estimates, service_list, jobs, service_requests, history, message_templates):
    blueprint.register_blueprint(feature.blueprint, url_prefix="/staff")
