"""The business itself: its portal details and its logo."""
from flask import g

from gateway.files import LOGO_TYPES
from gateway.services import blobs, rpc
from shared.errors import NotFound


def portal_config():
    """Return the business's portal details (profile and sign-in settings), asked once per request."""
    if "business" not in g:
        g.business = rpc().call("accounts", "get_portal_config")
    return g.business


def logo():
    """Return the logo's ``{"blob_id", "content_type"}``; raise NotFound when there is none."""
    found = rpc().call("accounts", "get_logo")
    if found.get("content_type") not in LOGO_TYPES:
        raise NotFound("This business has no logo.")
    return found


def logo_bytes(found):
    """Return the image bytes of the logo ``found`` names, from the blob store."""
    return blobs().get(found["blob_id"]).data


def store_logo(data):
    """Hand the upload to accounts by reference: it checks the bytes, re-encodes them and keeps a copy of its own."""
    upload_id = blobs().put(data, "application/octet-stream")  # unchecked: served to nobody
    try:
        return rpc().call("accounts", "set_logo", upload_id)
    finally:
        blobs().delete(upload_id)  # the upload is the gateway's; accounts never deletes a blob it is given


def remove_logo():
    rpc().call("accounts", "remove_logo")
