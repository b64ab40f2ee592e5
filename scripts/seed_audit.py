"""Demo history (called by seed_demo.seed once Jordan is a portal user): most of the Rivera account's history comes
from what the seed already does through the services (the invitation, activation, tickets, chat, documents,
payments, jobs, estimates and requests); here Jordan also signs in from a phone and a laptop (one mistyped
password), changes a phone number and adds a card, each from the address and device the gateway would have seen,
and the owner is alerted of account edits and new cards (raised from those facts)."""
from shared.errors import Unauthenticated

PHONE = {"origin_ip": "203.0.113.24", "origin_device": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
                                                         "AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"}
LAPTOP = {"origin_ip": "198.51.100.7", "origin_device": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) "
                                                         "AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15"}


def seed_audit(client, staff, visitor, jordan_client, login, password, owner_id, card_token):
    client.call("notifications", "update_settings", "alerts", {
        "account_details_updated": [owner_id], "card_added": [owner_id], "portal_account_activated": [owner_id]},
        context=staff)
    try:
        client.call("accounts", "sign_in_client", {"login": login, "password": password + "?"},
                    context={**visitor, **LAPTOP})
    except Unauthenticated:
        pass  # recorded as a failed sign-in of Jordan's, from the laptop
    client.call("accounts", "sign_in_client", {"login": login, "password": password}, context={**visitor, **LAPTOP})
    client.call("accounts", "sign_in_client", {"login": login, "password": password}, context={**visitor, **PHONE})
    client.call("accounts", "update_my_account", {"phone": "+1 555 010 0142"}, context={**jordan_client, **PHONE})
    client.call("billing", "add_payment_method", card_token(), context={**jordan_client, **PHONE})
