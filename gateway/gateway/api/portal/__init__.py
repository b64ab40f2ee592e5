"""The client portal API under /api/v1/portal/<slug>: one module per feature, all nested in ``blueprint``,
which scopes every request to the business named by the slug."""
from gateway.api.blueprints import ApiBlueprint
from gateway.api.portal import (account, autopay, chat, documents, estimates, feed, home, invoices, payment_methods,
                                payments, service_requests, services, sign_in, tickets)
from gateway.portal_auth import scope_to_business

blueprint = scope_to_business(ApiBlueprint("portal_api", __name__, tag="portal", url_prefix="/api/v1/portal/<slug>"))
for feature in (sign_in, home, account, invoices, payments, payment_methods, autopay, tickets, chat, documents,
                estimates, services, service_requests, feed):
    blueprint.register_blueprint(feature.blueprint)
