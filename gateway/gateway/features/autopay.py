"""Autopay: clients enrol a method on file; staff see who is enrolled and may lock it on."""
from gateway.features.clients import find_client
from gateway.services import first_error, rpc
from shared.errors import PorticoError


def billing(method, *args):
    return rpc().call("billing", method, *args)


# --- staff ------------------------------------------------------------------------------------

def set_autopay_lock(account_id, locked):
    """Lock autopay on for one of this business's clients (they cannot cancel it), or unlock it."""
    find_client(account_id)
    return billing("set_autopay_lock", account_id, locked)


def with_autopay_statuses(rows, key="client_id"):
    """Give each row ``autopay``: ``{"enrolled", "locked"}`` of the account ``row[key]``.

    For lists such as Portal users. When billing cannot answer, ``autopay`` is None (status
    unknown) rather than failing the whole list.
    """
    account_ids = sorted({row[key] for row in rows if isinstance(row.get(key), int)})
    statuses = {}
    if account_ids:
        try:
            statuses = billing("autopay_statuses", account_ids)
        except PorticoError:  # a list of people must not go blank because billing is down
            statuses = None
    for row in rows:
        row["autopay"] = None if statuses is None else statuses.get(str(row.get(key)))
    return rows


# --- clients ----------------------------------------------------------------------------------

def my_autopay():
    return billing("my_autopay")


def my_autopay_and_methods():
    """Return the client's autopay and their methods on file, asked at once."""
    return first_error(rpc().call_parallel({"autopay": ("billing", "my_autopay", ()),
                                            "methods": ("billing", "my_payment_methods", ())}))


def enroll(payment_method_id, consent):
    """Turn autopay on with a method on file; ``consent`` is the client agreeing to the consent text."""
    return billing("enroll_autopay", payment_method_id, consent)


def cancel():
    """Turn autopay off; billing refuses while the business has locked it on."""
    return billing("cancel_autopay")
