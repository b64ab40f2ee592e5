"""One client's billing as staff see it: amounts due, payments, credit, and applying prepayments."""
from gateway.features.clients import find_client
from gateway.services import first_error, rpc


OPEN_SHOWN = 200  # the newest unpaid invoices; the invoice list pages through the rest


def billing(method, *args):
    return rpc().call("billing", method, *args)


def account_billing(account_id):
    """Return one client's billing, once accounts confirms the client is this business's."""
    find_client(account_id)
    return billing("account_billing", account_id)


def client_billing_page(client_id):
    """Return the client, their billing and their unpaid invoices, asked at once."""
    results = rpc().call_parallel({
        "client": ("accounts", "get_client", (client_id,)),
        "billing": ("billing", "account_billing", (client_id,)),
        "open": ("billing", "list_invoices", ({"account_id": client_id, "status": "unpaid", "limit": OPEN_SHOWN},)),
    })
    if isinstance(results["client"], Exception):  # another business's id: not found, whatever billing says
        raise results["client"]
    return first_error(results)


def apply_prepayment(application):
    """Apply a prepayment's unapplied credit to invoices of the same client."""
    return billing("apply_prepayment", application)
