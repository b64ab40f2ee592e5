"""The business's clients and their related properties, with their custom field values."""
from gateway.services import rpc

PER_PAGE = 50
# accounts lists at most this many clients at once: up to it forms offer clients by name.
CLIENTS_IN_A_LIST = 200
# Names of clients not in that first list are asked one by one, for at most this many.
NAME_LOOKUPS = 50


def accounts(method, *args, **kwargs):
    return rpc().call("accounts", method, *args, **kwargs)


def list_clients(query="", without_portal=False, page=1):
    """Return one page of clients matching ``query`` (name, email or phone), PER_PAGE a page."""
    return accounts("list_clients", query=query or None, without_portal=without_portal, page=page,
                    per_page=PER_PAGE)


def first_clients():
    """Return the business's clients in name order (ids and names), at most as many as a list can show."""
    return accounts("list_clients", page=1, per_page=CLIENTS_IN_A_LIST, brief=True)


def find_client(client_id):
    """Return this business's client ``client_id``; raise NotFound for any other id."""
    return accounts("get_client", client_id)


def client_names(account_ids, listing=None):
    """Map each account id to its client's name: from ``listing``, else asked of accounts (in parallel)."""
    names = {client["id"]: client["name"] for client in (listing or {}).get("items", [])}
    missing = sorted(set(account_ids) - set(names))[:NAME_LOOKUPS]
    if missing:
        found = rpc().call_parallel({account_id: ("accounts", "get_client", (account_id,))
                                     for account_id in missing})
        names.update({account_id: client["name"] for account_id, client in found.items()
                      if not isinstance(client, Exception)})
    return names


def create_client(client):
    """Add a client; with ``parent_id``, a related property of that account."""
    return accounts("create_client", client)


def add_property(client_id, details):
    return accounts("create_client", {**details, "parent_id": client_id})


def change_client(client_id, changes):
    return accounts("update_client", client_id, changes)


def set_custom_field_values(client_id, values):
    """Set some of a client's custom field values; accounts checks each against its field's type."""
    return accounts("set_custom_field_values", client_id, values)
