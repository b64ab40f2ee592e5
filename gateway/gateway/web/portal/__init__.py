"""The client portal's pages under /p/<slug>: the base (business, headers, errors) with one blueprint per feature."""
from gateway.web.portal import (accessibility, account, account_credentials, app_shell, autopay, bank_check, base,
                                billing, chat, documents, estimates, feed, home, language, links, message_preferences, methods,
                                prepayment, service_requests, services, sign_in, tickets)

blueprint = base.blueprint
for feature in (sign_in, links, home, app_shell, accessibility, account, account_credentials, billing, prepayment,
                bank_check, methods, autopay, tickets, chat, documents, estimates, services, service_requests, feed,
                message_preferences, language):
    blueprint.register_blueprint(feature.blueprint)
