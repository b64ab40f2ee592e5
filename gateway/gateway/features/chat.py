"""Chat threads between a client account and the business: the tickets service's chat calls, for both audiences."""
from gateway.services import rpc

# --- clients: the threads of the account they act for ---------------------------------------------


def my_threads(page=None):
    """A page of the account's threads (newest activity first, each with its unread count), the total unread,
    whether the client may start a thread, and ``next``, the cursor of the following page."""
    return rpc().call("tickets", "list_my_chat_threads", page or {})


def my_unread(timeout=None):
    return rpc().call("tickets", "count_my_unread_chat", timeout=timeout)


def start_my_thread(subject, body):
    return rpc().call("tickets", "start_my_chat_thread", {"subject": subject, "body": body})


def my_thread(thread_id, page=None):
    """The thread and a page of its messages (the newest, or those before ``page["cursor"]``); read by the client."""
    return rpc().call("tickets", "get_my_chat_thread", thread_id, page or {})


def reply_mine(thread_id, body):
    return rpc().call("tickets", "reply_my_chat_thread", thread_id, {"body": body})


def my_messages_since(thread_id, after_id):
    return rpc().call("tickets", "my_chat_messages_since", thread_id, after_id)


# --- staff: every thread of the business ----------------------------------------------------------


def threads(filters=None):
    return rpc().call("tickets", "list_chat_threads", dict(filters or {}))


def unread(timeout=None):
    return rpc().call("tickets", "count_unread_chat", timeout=timeout)


def start_thread(account_id, subject, body):
    """Start a thread with a client account; NotFound when it is not the business's client."""
    return rpc().call("tickets", "start_chat_thread", {"account_id": account_id, "subject": subject, "body": body})


def thread(thread_id, page=None):
    return rpc().call("tickets", "get_chat_thread", thread_id, page or {})


def reply(thread_id, body):
    return rpc().call("tickets", "reply_chat_thread", thread_id, {"body": body})


def messages_since(thread_id, after_id):
    return rpc().call("tickets", "chat_messages_since", thread_id, after_id)
