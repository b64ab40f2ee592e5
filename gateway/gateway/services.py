"""Calling the services from a request: the app's RPC client with the request's context."""
from flask import current_app, g

from shared.errors import NotFound

SERVICES = ("accounts", "billing", "tickets", "notifications")


class BoundClient:
    """The shared client, with every call carrying this request's tenant, actor and id."""

    def __init__(self, client, context):
        self.client = client
        self.context = context

    def call(self, service, method, *args, **kwargs):
        return self.client.call(service, method, *args, context=self.context, **kwargs)

    def call_parallel(self, calls, timeout=None):
        return self.client.call_parallel(calls, context=self.context, timeout=timeout)


def rpc():
    return BoundClient(current_app.extensions["rpc"], g.rpc_context)


def blobs():
    """Return the blob store the services share (shared.blobs): files go by id, never inside a message."""
    return current_app.extensions["blobs"]


def with_id(rows, row_id, not_found):
    """Return the row of ``rows`` whose id is ``row_id``; raise NotFound(``not_found``) when there is none."""
    for row in rows:
        if row["id"] == row_id:
            return row
    raise NotFound(not_found)


def first_error(results):
    """Raise the first exception among parallel results; otherwise return them."""
    for value in results.values():
        if isinstance(value, Exception):
            raise value
    return results
