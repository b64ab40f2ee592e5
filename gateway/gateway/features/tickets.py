"""Tickets: clients open and follow theirs, staff work the inbox. Tickets owns the rules and the settings;
this composes its answers with the names accounts holds (clients, staff) and carries files by reference.

Files: each upload goes into the blob store as the gateway's own, unchecked blob; tickets checks the bytes,
keeps a clean copy of its own and the gateway deletes the upload once tickets answered.
"""
from gateway.features.clients import client_names, find_client
from gateway.services import blobs, rpc
from shared.errors import NotFound
from shared.i18n import _

MAX_FILES = 5


def tickets(method, *args):
    return rpc().call("tickets", method, *args)


def with_uploads(files, call):
    """Put ``files`` ([(filename, bytes)]) into the blob store, ``call(attachments)``, then drop the uploads."""
    uploads = []
    try:
        for filename, data in files:
            uploads.append({"blob_id": blobs().put(data, "application/octet-stream"),
                            "filename": (filename or "file")[:200]})
        return call(uploads)
    finally:
        for upload in uploads:
            blobs().delete(upload["blob_id"])


def attachment_file(found):
    """``found`` ({blob_id, filename, content_type}) with its bytes, for a download."""
    return {**found, "data": blobs().get(found["blob_id"]).data}


def staff_names():
    return {member["id"]: member.get("name") or member.get("email")
            for member in rpc().call("accounts", "list_staff_users")}


# --- clients ------------------------------------------------------------------------------------

def my_options():
    return tickets("my_ticket_options")


def my_tickets(which, page=None):
    """A page (``{cursor?, limit?}``) of the account's open or closed tickets: ``{items, next}``."""
    return tickets("my_tickets", which, page or {})


def my_ticket(ticket_id):
    return tickets("my_ticket", ticket_id)


def open_my_ticket(request, files=()):
    return with_uploads(files, lambda uploads: tickets("open_my_ticket", {**request, "attachments": uploads}))


def reply_to_my_ticket(ticket_id, reply, files=()):
    return with_uploads(files, lambda uploads: tickets("reply_to_my_ticket", ticket_id,
                                                       {**reply, "attachments": uploads}))


def my_attachment(ticket_id, attachment_id):
    return attachment_file(tickets("my_ticket_attachment", ticket_id, attachment_id))


# --- staff --------------------------------------------------------------------------------------

def _named(items, names, staff):
    for item in items:
        item["client_name"] = names.get(item["account_id"])
        item["assignee_name"] = staff.get(item["assignee_id"])
    return items


def inbox(filters):
    page = tickets("list_tickets", {key: value for key, value in filters.items() if value is not None})
    names = client_names({item["account_id"] for item in page["items"]})
    _named(page["items"], names, staff_names())
    return page


def counts(timeout=None):
    return rpc().call("tickets", "ticket_counts", timeout=timeout)


def ticket(ticket_id):
    found = tickets("get_ticket", ticket_id)
    staff = staff_names()
    _named([found], client_names([found["account_id"]]), staff)
    for message in found["messages"]:
        message["author_name"] = (staff.get(message["author_id"]) if message["author_kind"] == "staff"
                                  else found["client_name"])
    found["opened_by_name"] = staff.get(found.get("opened_by_id"))
    return found


def open_for_client(account_id, request, files=()):
    """Open a ticket on the client's behalf; the client is looked up first, so another's is not found."""
    find_client(account_id)
    return with_uploads(files, lambda uploads: tickets("open_ticket_for_client", {
        **request, "account_id": account_id, "attachments": uploads}))


def reply(ticket_id, message, files=()):
    return with_uploads(files, lambda uploads: tickets("reply_to_ticket", ticket_id,
                                                       {**message, "attachments": uploads}))


def assign(ticket_id, assignee_id):
    return tickets("assign_ticket", ticket_id, {"assignee_id": assignee_id})


def set_status(ticket_id, status):
    return tickets("set_ticket_status", ticket_id, {"status": status})


def attachment(ticket_id, attachment_id):
    return attachment_file(tickets("ticket_attachment", ticket_id, attachment_id))


def categories():
    return tickets("ticket_categories")


def create_category(category):
    return tickets("create_ticket_category", category)


def change_category(category_id, changes):
    return tickets("update_ticket_category", category_id, changes)


def move_category(category_id, direction):
    """Move a category one place ``up`` or ``down``: the list is numbered afresh and what changed is saved."""
    rows = categories()
    index = next((at for at, row in enumerate(rows) if row["id"] == category_id), None)
    if index is None:
        raise NotFound(_("No such category."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row["position"] != position:
            change_category(row["id"], {"position": position})
