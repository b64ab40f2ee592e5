"""The business itself: its portal details and its logo."""
from flask import g

from gateway import cached
from gateway.files import LOGO_TYPES
from gateway.services import blobs, first_error, rpc
from shared.errors import NotFound
from shared.i18n import _


PORTAL_CONFIG_CALL = ("accounts", "get_portal_config", ())


def portal_config():
    """Return the business's portal details (profile and sign-in settings), asked once per request at most."""
    if "business" not in g:
        g.business = cached.portal_config_of(lambda: rpc().call(*PORTAL_CONFIG_CALL[:2]))
    return g.business


def portal_config_calls():
    """The call a page's parallel call adds for ``portal_config``: none when it is kept (then it is in ``g``)."""
    kept, g.portal_config_generation = cached.kept_portal_config()
    if kept is not None:
        g.business = kept
        return {}
    return {"business": PORTAL_CONFIG_CALL}


def portal_config_answered(results):
    """Return ``portal_config`` from a parallel call's ``results`` (raising its error) or as it was kept."""
    if "business" in results:
        g.business = first_error({"business": results.pop("business")})["business"]
        cached.keep_portal_config(g.business, g.portal_config_generation)
    return g.business


def logo():
    """Return the logo's ``{"blob_id", "content_type"}``; raise NotFound when there is none."""
    found = rpc().call("accounts", "get_logo")
    if found.get("content_type") not in LOGO_TYPES:
        raise NotFound(_("This business has no logo."))
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
