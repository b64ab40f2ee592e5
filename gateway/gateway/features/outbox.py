"""The outbox: emails and text messages sent, or being sent, to clients."""
from gateway.services import rpc

PER_PAGE = 50


def list_outbox(page):
    """Return one page of messages, newest first, with the page and its size."""
    listing = rpc().call("notifications", "list_outbox", page=page, per_page=PER_PAGE)
    return {"page": page, "per_page": PER_PAGE, **listing}


def outbox_message(message_id):
    return rpc().call("notifications", "get_outbox_message", message_id)
